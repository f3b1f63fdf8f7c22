"""A short Markdown report of a training run: configuration, data, timing, figures, pictures."""

import datetime
import os
import platform

import keras
import numpy as np
import tensorflow as tf

READING_GUIDE = {
    "wasserstein": "the critic's estimate E[D(x)] - E[D(G(z))] of the Wasserstein-1 distance; it "
    "should shrink and level off as the samples improve (it is only comparable within one run)",
    "gp": "the gradient penalty without its weight; values near 0 mean the critic's gradient norm "
    "stays close to 1 on the interpolates, as WGAN-GP asks",
    "d_loss": "discriminator (critic) loss of the variant, e.g. -wasserstein + lambda * gp for WGAN-GP",
    "d_real": "mean discriminator output on real images (a probability for BCE variants, a raw score "
    "otherwise); near d_fake late in training means the discriminator can no longer tell them apart",
    "d_fake": "mean discriminator output on generated images",
    "d_mismatched": "improved cGAN: mean discriminator output on real images paired with wrong labels",
    "divergence": "the f-GAN lower bound E_P[g_f(V)] - E_Q[f*(g_f(V))] of the chosen f-divergence",
    "d_class_accuracy": "ACGAN: accuracy of the auxiliary classifier on real images",
    "g_class_accuracy": "ACGAN: accuracy of the auxiliary classifier on generated images of the asked class",
    "f_loss": "CycleGAN: the inverse generator F's least-squares adversarial term E[(D_X(F(y)) - 1)^2]",
    "dx_loss": "CycleGAN: D_X's loss on real A images and pooled translations F(y)",
    "dy_loss": "CycleGAN: D_Y's loss on real B images and pooled translations G(x)",
    "cycle": "CycleGAN: E|F(G(x)) - x| + E|G(F(y)) - y| before its weight lambda; low does not prove content kept",
    "identity": "CycleGAN: E|G(y) - y| + E|F(x) - x| before its weight",
    "d_cls": "StarGAN: D_cls's domain loss on real images with their own labels (cross-entropy; lower: D "
    "tells the domains apart)",
    "g_cls": "StarGAN: D_cls's domain loss on translations with their target labels (lower: translations look "
    "like their target domain to D)",
    "g_rec": "StarGAN: E|G(G(x, c), c') - x|, the round trip's L1 before its weight lambda_rec",
    "g_id": "StarGAN: E|G(x, c') - x|, the identity term's L1 before its weight (0 when identity_weight is 0)",
    "g_loss": "generator loss of the variant (e.g. -E[D(G(z))] for the Wasserstein and hinge variants, "
    "-E[log D(G(z))] for the non-saturating ones); read its trend next to d_loss, not its level alone",
}


def write_report(path, title, config, data, timing, history, artifacts, best_scores=None):
    """Writes `report.md` and returns its path.

    Args:
        path: the Markdown file to write.
        title: first heading, e.g. "WGAN-GP on digits".
        config: {option: value} of the run (shown as a table).
        data: {"source": str, "images_per_epoch": int, "image_shape": tuple, ...}.
        timing: {"wall_seconds": float, "seconds_per_step": float or None,
            "first_step_seconds": float or None, "critic_steps": int, "batch_size": int,
            and optionally "steps": the generator steps the wall time covers}.
        history: `History.history`, {metric: [value per epoch]}.
        artifacts: {label: file name relative to the report}; images (.png, .gif)
            are shown inline.
        best_scores: critic scores of the kept best samples, best first.
    """
    lines = [f"# {title}", ""]
    lines += [
        f"Written {datetime.datetime.now().isoformat(timespec='seconds')} by keras_gans on "
        f"{_device()}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
        f"Python {platform.python_version()}.",
        "",
        "## Configuration",
        "",
        "| option | value |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in config.items()]
    lines += ["", "## Data", ""]
    lines += [f"- {key.replace('_', ' ')}: {value}" for key, value in data.items()]
    lines += ["", "## Timing", ""] + _timing_lines(timing)
    lines += ["", "## Final figures", ""] + _figure_lines(history, best_scores)
    lines += ["", "## Pictures", ""]
    for label, name in artifacts.items():
        if os.path.splitext(name)[1].lower() in (".png", ".gif"):
            lines += [f"### {label}", "", f"![{label}]({name})", ""]
    lines += ["## Files", ""] + [f"- {label}: `{name}`" for label, name in artifacts.items()]
    text = "\n".join(lines) + "\n"
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)
    return path


def _timing_lines(timing):
    wall, per_step = timing["wall_seconds"], timing.get("seconds_per_step")
    critic_steps, batch = timing["critic_steps"], timing["batch_size"]
    lines = [f"- training wall time: {wall:.1f} s"]
    if per_step:
        lines += [
            f"- time per generator step (median, first step excluded): {per_step * 1000:.1f} ms, "
            f"i.e. {critic_steps} critic updates and 1 generator update on batches of {batch}",
            f"- real images consumed at the median step: {critic_steps * batch / per_step:.0f} images/s",
        ]
    if timing.get("steps") and wall > 0:
        # Over the whole fit: graph building, callbacks (frames, plots, checkpoints) included.
        images = timing["steps"] * critic_steps * batch
        lines.append(f"- real images consumed over the whole fit: {images:,} in {wall:.1f} s, "
                     f"{images / wall:.0f} images/s (graph building, pictures and checkpoints included)")
    if timing.get("first_step_seconds") is not None:
        lines.append(f"- first step (includes building the graph): {timing['first_step_seconds']:.2f} s")
    return lines


def _figure_lines(history, best_scores):
    if not history:
        return ["- no epoch finished"]
    lines = ["| metric | first epoch | last epoch | meaning |", "| --- | --- | --- | --- |"]
    for key, values in history.items():
        lines.append(f"| {key} | {values[0]:.4f} | {values[-1]:.4f} | {READING_GUIDE.get(key, '')} |")
    if best_scores is not None and len(best_scores):
        scores = np.asarray(best_scores)
        lines += ["", f"- best samples: the {len(scores)} highest critic scores of the pool, from "
                  f"{scores.max():.3f} down to {scores.min():.3f}"]
    return lines


def _device():
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"{len(gpus)} GPU(s)"
    return f"CPU ({os.cpu_count()} cores)"

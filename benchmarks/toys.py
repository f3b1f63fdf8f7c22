"""Mode coverage of the unconditional variants on the toy 2-D sets, over several seeds.

Every variant gets the same fully connected nets (generator z (--latent-dim) -> 128 x 3 ReLU -> 2,
linear; discriminator 2 -> 128 x 3 LeakyReLU -> 1; spectral norm on the discriminator for SNGAN),
batch 256, its paper optimizers and critic steps, and --steps generator steps. 2,500 samples are
scored, as mean +- std over --seeds seeds, with PacGAN's metrics (keras_gans.metrics.modes: modes
captured, fraction of high-quality samples within 3 std of the nearest mode, reverse KL to uniform)
on the ring (8 modes) and the grid (25), and on all three sets with Kynkaanniemi et al.'s improved
precision and recall (k = 3) against 2,500 fresh real points; the swiss roll has no discrete modes.
DCGAN is a convolutional architecture and is left out; the variants differ here only by their losses.
With all variants and sets, the seed-0 critics of WGAN (weight clipping), WGAN-GP (gradient
penalty) and SNGAN (spectral norm) are drawn over the plane by `keras_gans.plots.critic_surface`
into benchmarks/critic_surfaces.png (the WGAN-GP paper's Fig. 1a). With --eval-every N, modes and
high-quality samples are also scored every N steps and printed as a second table (the learning curve).

Targets (issue 4) for WGAN-GP and SNGAN: ring 8/8; grid >= 24.8/25 with >= 90% high-quality
samples and reverse KL <= 0.04 (PacGAN4's grid row: 24.8 +- 0.2, 93.6%, 0.04).

    python benchmarks/toys.py --steps 2000 --seeds 3 --threads 1
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _markdown import update_section  # noqa: E402

from keras_gans.data import toys  # noqa: E402
from keras_gans.metrics.modes import mode_metrics  # noqa: E402
from keras_gans.metrics.precision_recall import precision_recall  # noqa: E402
from keras_gans.models import VARIANTS  # noqa: E402
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator  # noqa: E402
from keras_gans.plots import critic_surface  # noqa: E402

TOY_VARIANTS = ("gan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan", "fgan")
# name: (dataset, sampler, modes or None, std)
SETS = {
    "ring": (toys.ring, toys.sample_ring, toys.ring_modes, toys.RING_STD),
    "grid": (toys.grid, toys.sample_grid, toys.grid_modes, toys.GRID_STD),
    "swiss_roll": (toys.swiss_roll, toys.sample_swiss_roll, None, None),
}
METRICS = ("modes_captured", "high_quality", "reverse_kl", "precision", "recall")
NUM_SAMPLES = 2500
# The scored samples' latents (numpy), the same at every checkpoint: the last one equals the final row.
EVAL_SEED = 10_000
# The WGAN-GP paper's Fig. 1a, regularisers by sets, from the seed-0 models (rows sort by label).
SURFACE_ROWS = {"wgan": "1. weight clipping (WGAN)", "wgan-gp": "2. gradient penalty (WGAN-GP)",
                "sngan": "3. spectral norm (SNGAN)"}
SURFACE_PNG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "critic_surfaces.png")


def build_model(name, seed, latent_dim):
    """The variant `name` on the benchmark's MLP pair, compiled with its paper optimizers."""
    keras.utils.set_random_seed(seed)
    generator = build_mlp_generator(output_shape=(2,), latent_dim=latent_dim, hidden=(128, 128, 128),
                                    output_activation=None)
    discriminator = build_mlp_discriminator(input_shape=(2,), hidden=(128, 128, 128), spectral_norm=name == "sngan")
    model = VARIANTS[name](generator, discriminator, seed=seed)
    model.compile()
    return model


def run(name, toy, seed, args):
    """Trains one model; returns its final scores, training seconds, the model, and its curve.

    The curve holds (steps, modes captured, high-quality fraction) after every --eval-every steps
    (empty without it). Scoring draws from numpy, not from the model's seed generator, so
    training follows the same course with and without it; its time is left out of the seconds.
    """
    model = build_model(name, seed, args.latent_dim)
    make, sample, modes, std = SETS[toy]
    data = make(100_000, 256, seed=seed).repeat()
    curve, scoring = [], [0.0]
    every = args.eval_every or args.steps

    def score_checkpoint(epoch, logs):
        if modes is not None and args.eval_every:
            begin = time.perf_counter()
            found = mode_metrics(model.generate(NUM_SAMPLES, seed=EVAL_SEED + seed), modes(), std)
            curve.append(((epoch + 1) * every, found["modes_captured"], found["high_quality"]))
            scoring[0] += time.perf_counter() - begin

    start = time.perf_counter()
    model.fit(data, epochs=args.steps // every, steps_per_epoch=every, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=score_checkpoint)])
    seconds = time.perf_counter() - start - scoring[0]
    samples = model.generate(NUM_SAMPLES, seed=EVAL_SEED + seed)
    scores = dict.fromkeys(METRICS, np.nan)
    if modes is not None:
        scores.update(mode_metrics(samples, modes(), std))
    if np.all(np.isfinite(samples)):
        scores.update(precision_recall(sample(NUM_SAMPLES, seed=1000 + seed), samples, k=3))
    return scores, seconds, model, curve


def curve_rows(name, toy, curves):
    """Markdown rows `modes (HQ%)` per checkpoint, mean over seeds, for the curve table."""
    if not curves or not curves[0]:
        return []
    points = np.array(curves, float)  # seeds x checkpoints x (steps, modes, hq)
    cells = [f"{m:.1f} ({100 * q:.1f}%)" for m, q in zip(points[:, :, 1].mean(0), points[:, :, 2].mean(0))]
    return [f"| {name} | {toy} | " + " | ".join(cells) + " |"]


def cell(values, percent=False, digits=1):
    """`mean +- std` of the finite values, or a dash when there are none."""
    values = values[np.isfinite(values)]
    if not len(values):
        return "-"
    scale, unit = (100, "%") if percent else (1, "")
    return f"{scale * values.mean():.{digits}f}{unit} +- {scale * values.std():.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000, help="generator steps per run")
    parser.add_argument("--latent-dim", type=int, default=8, help="size of z (PacGAN: 2; see test_toy_guard.py)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow intra/inter-op threads (0: TF's choice)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(TOY_VARIANTS))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--eval-every", type=int, default=0,
                        help="also score modes every N generator steps (a divisor of --steps; 0: at the end only)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error(f"--steps must be a positive int, got {args.steps}")
    if args.eval_every < 0 or (args.eval_every and args.steps % args.eval_every):
        parser.error(f"--eval-every must be 0 or a positive divisor of --steps ({args.steps}), got {args.eval_every}")
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    lines = [f"{args.steps} generator steps, batch 256, z of {args.latent_dim}, {args.seeds} seeds; MLP 3 x 128; "
             "each variant's paper optimizers and critic steps; mean +- std over seeds.", "",
             "| variant | set | modes captured | high quality | reverse KL | precision | recall | s / run |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    surfaces, curve_lines = {}, []
    for name in args.variants.split(","):
        for toy in args.sets.split(","):
            results = [run(name, toy, seed, args) for seed in range(args.seeds)]
            if name in SURFACE_ROWS:
                surfaces.setdefault(SURFACE_ROWS[name], []).append(results[0][2])  # seed 0
            values = {key: np.array([r[0][key] for r in results], float) for key in METRICS}
            seconds = np.mean([r[1] for r in results])
            row = (f"| {name} | {toy} | {cell(values['modes_captured'])} | {cell(values['high_quality'], True)} "
                   f"| {cell(values['reverse_kl'], digits=3)} | {cell(values['precision'], True)} "
                   f"| {cell(values['recall'], True)} | {seconds:.0f} |")
            print(row, flush=True)
            lines.append(row)
            curve_lines += curve_rows(name, toy, [r[3] for r in results])
    if len(surfaces) == len(SURFACE_ROWS) and args.sets == ",".join(SETS):
        real = {toy.replace("_", " "): SETS[toy][1](1000, seed=123) for toy in SETS}
        critic_surface(dict(sorted(surfaces.items())), real, SURFACE_PNG, resolution=128)
        lines += ["", f"Critic surfaces of the seed-0 models (`{os.path.basename(SURFACE_PNG)}`; light = judged real; "
                  "real points orange, generated blue; each panel has its own scale):", "",
                  f"![critic surfaces](benchmarks/{os.path.basename(SURFACE_PNG)})"]
    if curve_lines:
        checkpoints = range(args.eval_every, args.steps + 1, args.eval_every)
        lines += ["", "Modes captured (high-quality samples) after each number of generator steps, mean over seeds:", "",
                  "| variant | set | " + " | ".join(f"{k:,}" for k in checkpoints) + " |",
                  "| --- | --- | " + " | ".join("---" for _ in checkpoints) + " |", *curve_lines]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        update_section("toys", table)


if __name__ == "__main__":
    main()

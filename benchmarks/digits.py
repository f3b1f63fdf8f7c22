"""Every variant trained on scikit-learn's digits, scored by a digits classifier.

Each variant trains with its paper networks and optimizers for --steps generator steps at
--image-size, batch 64; then `keras_gans.metrics.evaluate_digits` scores 1,000 samples: class
coverage (classes predicted for at least 1% of samples), KL of the class histogram to uniform, the
Frechet distance in the classifier's feature space next to the real-vs-real floor, and for the
conditional variants the accuracy of the requested labels (target >= 95%). BigGAN and BEGAN train
with the settings of `short_run_settings` (printed with their rows) unless --paper-settings; BigGAN's
row is followed by its truncation table. Writes the table to BENCHMARKS.md (section "digits").

    python benchmarks/digits.py --image-size 16 --width 32 --steps 1500
"""

import argparse
import inspect
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from _markdown import update_section  # noqa: E402

from keras_gans.data import digits  # noqa: E402
from keras_gans.metrics import evaluate_digits, train_digits_classifier  # noqa: E402
from keras_gans.models import VARIANTS  # noqa: E402

# Variants whose paper networks are too large for this CPU benchmark at their default latent size:
# default_networks' options for them (the rest take the variant's defaults).
NETWORK_OPTIONS = {}
NETWORK_OPTIONS["stylegan"] = {"latent_dim": 128}  # issue 16: z and w of 128 instead of 512, 8 mapping layers kept
# Constructor options that the digits need where the paper's value is for its own data. BEGAN's
# gamma = 0.5 asks for generated images that reconstruct twice as well as real digits, which the
# generator does not reach here: k_t falls to 0 and the generator is left on one blob (BENCHMARKS.md,
# "EBGAN and BEGAN"); gamma = 1 trains better. lambda_k = 0.01 rebuilds k_t within the budget after the
# collapse that follows its first cycle (the paper's 0.001 takes thousands of steps): 10/10 classes.
MODEL_OPTIONS = {"began": {"diversity_ratio": 1.0, "k_learning_rate": 0.01}}


# The EMA's averaging window, 1 / (1 - decay) generator updates, as a share of the run in BigGAN's ImageNet setting
# (decay 0.9999: 10,000 of ~200,000 updates) and its start (BigGAN-PyTorch's ema_start, 20,000) as a share.
BIGGAN_EMA_WINDOW, BIGGAN_EMA_START = 10_000 / 200_000, 20_000 / 200_000


def short_run_settings(name, steps):
    """`(model kwargs, compile kwargs, description)`: where this benchmark departs from a variant's paper settings.

    BigGAN's settings (G Adam(5e-5), D Adam(2e-4), beta_2 0.999, 2 D steps, EMA decay 0.9999 from update 20,000)
    are Brock et al.'s for batch 2,048 and ~200,000 steps; a run of `steps` at batch 64 would sample with a
    generator that has learnt at a quarter of ProjectionCGAN's rate and an EMA that never starts. Here it takes
    SAGAN's optimizers and critic steps, and an EMA with the paper's window and start as shares of the run
    (issue 14). BEGAN takes MODEL_OPTIONS. The class defaults stay the paper's; `--paper-settings` runs them.
    """
    if name in MODEL_OPTIONS:
        options = MODEL_OPTIONS[name]
        listed = ", ".join(f"{key}={value}" for key, value in options.items())
        return dict(options), {}, f"digits settings (not the paper's): {listed}"
    if name != "biggan":
        return {}, {}, ""
    sagan = VARIANTS["sagan"].defaults
    window, start = max(1, round(BIGGAN_EMA_WINDOW * steps)), round(BIGGAN_EMA_START * steps)
    model = {"critic_steps": sagan.critic_steps, "ema_decay": 1.0 - 1.0 / window, "ema_start": start}
    optimizers = {"g_optimizer": sagan.optimizer_for("g_optimizer"), "d_optimizer": sagan.optimizer_for("d_optimizer")}
    description = (
        f"short-run settings (not the paper's): SAGAN's optimizers (G {_adam(optimizers['g_optimizer'])}, "
        f"D {_adam(optimizers['d_optimizer'])}) and {sagan.critic_steps} critic step(s); EMA decay "
        f"{model['ema_decay']:.4g} (window {window} updates) from update {start}"
    )
    return model, optimizers, description


def _adam(optimizer):
    rate = f"{float(optimizer.learning_rate):.0e}".replace("e-0", "e-")
    return f"Adam({rate}, {optimizer.beta_1:g}, {optimizer.beta_2:g})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--steps", type=int, default=1500, help="generator steps per variant")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--truncations", default="2,1,0.5,0.25",
                        help="BigGAN: truncation thresholds to score after training (comma-separated)")
    parser.add_argument("--stackgan-kl-weight", type=float, default=1.0,
                        help="StackGAN: kl_weight, on the KL averaged over c's 128 dimensions (128: the KL summed "
                        "at weight 1, as before issue 16's fix)")
    parser.add_argument("--critic-steps", type=int, default=None,
                        help="discriminator updates per generator step for every variant run (default: each paper's)")
    parser.add_argument("--paper-settings", action="store_true",
                        help="train every variant with its class defaults (no BigGAN or BEGAN departures)")
    parser.add_argument("--progress", type=int, default=0,
                        help="print the elapsed seconds every this many generator steps (0: never)")
    args = parser.parse_args()

    classifier = train_digits_classifier(image_size=args.image_size, channels=1)
    lines = [f"Digits at {args.image_size}x{args.image_size}, width {args.width}, batch 64, {args.steps} generator "
             f"steps per variant, paper optimizers (departures noted below the table); 1,000 samples scored by a "
             f"classifier with held-out accuracy "
             f"{classifier.test_accuracy:.3f} (real-vs-real Frechet floor {classifier.real_floor:.2f}).", "",
             "| variant | train s | classes covered | KL to uniform | Frechet distance | label accuracy |",
             "| --- | --- | --- | --- | --- | --- |"]
    notes = []
    for name in args.variants.split(","):
        if name == "stackgan":
            lines.append(stackgan_row(args))
            continue
        cls = VARIANTS[name]
        keras.utils.set_random_seed(args.seed)
        conditional = cls.conditional or "num_classes" in inspect.signature(cls.__init__).parameters
        kwargs = {"num_classes": 10} if conditional else {}
        options = NETWORK_OPTIONS.get(name, {})
        networks = cls.default_networks(args.image_size, 1, width=args.width, **kwargs, **options)
        paper = args.paper_settings
        settings, optimizers, description = ({}, {}, "") if paper else short_run_settings(name, args.steps)
        if args.critic_steps is not None:
            settings["critic_steps"] = args.critic_steps
            description += f"; --critic-steps {args.critic_steps}"
        if description:
            print(f"{name}: {description.lstrip('; ')}", flush=True)
            notes.append(f"{name}: {description.lstrip('; ')}.")
        model = cls(*networks, seed=args.seed, **kwargs, **settings)
        model.compile(**optimizers)
        # A semi-supervised variant (Triple-GAN) gets its 10 labelled digits per class and the unlabelled rest.
        semi = {"labels_per_class": 10} if cls.semi_supervised else {}
        data = digits(image_size=args.image_size, batch_size=64, with_labels=conditional, seed=args.seed,
                      **semi).repeat()
        start = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0, callbacks=progress(name, args.progress))
        seconds = time.perf_counter() - start
        result = evaluate_digits(model, num_samples=1000, seed=args.seed)
        accuracy = "-" if result["label_accuracy"] is None else f"{result['label_accuracy']:.3f}"
        row = (f"| {name} | {seconds:.0f} | {result['classes_covered']}/10 | {result['kl_to_uniform']:.3f} | "
               f"{result['frechet_distance']:.2f} | {accuracy} |")
        print(row, flush=True)
        lines.append(row)
        if name == "biggan":
            truncation_table(model, args.truncations, args.seed)
    table = "\n".join(lines + ([""] + notes if notes else []))
    print(table)
    if not args.no_write:
        update_section("digits", table)


def progress(name, every):
    """Callbacks printing `name`, the generator step and the elapsed seconds every `every` steps (none for 0)."""
    if not every:
        return []
    start = time.perf_counter()

    def report(batch, logs):
        if (batch + 1) % every == 0:
            print(f"{name}: step {batch + 1}, {time.perf_counter() - start:.0f} s, {logs}", flush=True)

    return [keras.callbacks.LambdaCallback(on_train_batch_end=report)]


class _Truncated:
    """A BigGAN model whose `generate` samples with the truncation trick at threshold t."""

    def __init__(self, model, truncation, seed):
        self.model, self.truncation, self.seed = model, truncation, seed

    def __getattr__(self, name):
        return getattr(self.model, name)

    def generate(self, z, labels=None):
        return self.model.generate(z, labels, truncation=self.truncation, seed=self.seed)


class _Raw(_Truncated):
    """A BigGAN model that samples with its trained generator instead of the EMA copy."""

    def __init__(self, model):
        super().__init__(model, None, None)

    @property
    def sampling_generator(self):
        return self.model.generator

    def generate(self, z, labels=None):
        return self.model.generator.predict([z, labels], batch_size=256, verbose=0)


def truncation_table(model, truncations, seed):
    """Prints BigGAN's label accuracy and Frechet distance at each truncation threshold (None: no truncation).

    A last row scores the trained generator itself, without truncation, next to the EMA copy that samples.
    """
    rows = ["| truncation | classes covered | Frechet distance | label accuracy |", "| --- | --- | --- | --- |"]
    for value in [None, *(float(t) for t in truncations.split(","))]:
        sampler = model if value is None else _Truncated(model, value, seed)
        result = evaluate_digits(sampler, num_samples=1000, seed=seed)
        rows.append(f"| {'none' if value is None else value} | {result['classes_covered']}/10 | "
                    f"{result['frechet_distance']:.2f} | {result['label_accuracy']:.3f} |")
    result = evaluate_digits(_Raw(model), num_samples=1000, seed=seed)
    rows.append(f"| none, raw generator (no EMA) | {result['classes_covered']}/10 | {result['frechet_distance']:.2f} | "
                f"{result['label_accuracy']:.3f} |")
    print("\n".join(rows), flush=True)


# ------------------------------------------------------------ StackGAN (issue 16)


def stackgan_row(args):
    """StackGAN on the digits' labels (one-hot class embeddings): half the steps Stage-I, half Stage-II
    (Stage-I frozen); scored on the final images of both stages for the labels asked for."""
    from keras_gans.models import StackGAN

    keras.utils.set_random_seed(args.seed)
    model = StackGAN(*StackGAN.default_networks(args.image_size, 1, width=args.width, num_classes=10),
                     num_classes=10, kl_weight=args.stackgan_kl_weight, seed=args.seed)
    model.compile()
    data = digits(image_size=args.image_size, batch_size=64, with_labels=True, seed=args.seed).repeat()
    start = time.perf_counter()
    for stage, steps in ((1, args.steps // 2), (2, args.steps - args.steps // 2)):
        model.stage = stage
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    seconds = time.perf_counter() - start
    result = evaluate_digits(model, num_samples=1000, seed=args.seed)
    row = (f"| stackgan | {seconds:.0f} | {result['classes_covered']}/10 | {result['kl_to_uniform']:.3f} | "
           f"{result['frechet_distance']:.2f} | {result['label_accuracy']:.3f} |")
    print(row, flush=True)
    return row


if __name__ == "__main__":
    main()

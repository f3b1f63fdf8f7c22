"""Unpaired translation on the digit domains: domain accuracy, content accuracy, cycle error, seconds.

Each variant trains on `keras_gans.data.digit_domains` (disjoint digits in each domain, so no pair
is ever seen) for --steps steps, evaluated every --eval-every steps by
`keras_gans.metrics.evaluate_translation` on the 360 held-out digits: the fraction of translations
a domain classifier assigns to the target domain (target >= 0.95), the fraction whose digit the
digits classifier reads correctly after the target domain's inverse transform (target >= 0.90),
and the round trip's mean absolute error. Writes the table to BENCHMARKS.md (section
"translation") unless --no-write.

    PYTHONPATH=. python benchmarks/translation.py --variants cyclegan --steps 1500 --eval-every 500

A variant is added by a function in VARIANT_RUNS: (args, data, domains, on_eval) -> None, which
trains for args.steps steps and calls on_eval(step, translate, train_seconds) at each evaluation.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _markdown import update_section  # noqa: E402

from keras_gans.data import digit_domains  # noqa: E402
from keras_gans.data.domains import digit_domains_channels  # noqa: E402
from keras_gans.metrics import evaluate_translation  # noqa: E402
from keras_gans.networks import build_patch_discriminator, build_resnet_generator  # noqa: E402


class _Evaluate(keras.callbacks.Callback):
    """Calls `on_eval(step, translate, train_seconds)` every `every` steps, not counting its own time."""

    def __init__(self, every, translate, on_eval):
        super().__init__()
        self.every, self.translate, self.on_eval = every, translate, on_eval
        self.step, self.train_seconds, self.started = 0, 0.0, None

    def on_train_batch_begin(self, batch, logs=None):
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.train_seconds += time.perf_counter() - self.started
        self.step += 1
        if self.step % self.every == 0:
            self.on_eval(self.step, self.translate, self.train_seconds)


def run_cyclegan(args, domains, on_eval):
    from keras_gans.models import CycleGAN

    keras.utils.set_random_seed(args.seed)
    size = args.image_size
    channels = digit_domains_channels(domains)

    def generator(name):
        return build_resnet_generator(size, channels, width=args.width, blocks=args.blocks, name=name)

    def discriminator(name):
        return build_patch_discriminator(size, channels, width=args.width, name=name)

    model = CycleGAN(generator("generator"), discriminator("discriminator_y"), generator("inverse_generator"),
                     discriminator("discriminator_x"), seed=args.seed, total_steps=args.steps,
                     **_identity(args))
    model.compile()
    data = digit_domains(domains, image_size=size, batch_size=args.batch_size, seed=args.seed).repeat()
    translate = lambda images, target: model.translate(images, ("b_to_a", "a_to_b")[target])  # noqa: E731
    model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0,
              callbacks=[_Evaluate(args.eval_every, translate, on_eval)])


def run_stargan(args, domains, on_eval):
    """StarGAN on all the domains at once: (image, domain) batches mixed, one generator for every target."""
    from keras_gans.data.domains import digit_domain_images
    from keras_gans.models import StarGAN
    from keras_gans.networks import build_stargan_discriminator, build_stargan_generator

    keras.utils.set_random_seed(args.seed)
    size, channels, count = args.image_size, digit_domains_channels(domains), len(domains)
    model = StarGAN(build_stargan_generator(size, channels, count, width=args.width, blocks=args.blocks),
                    build_stargan_discriminator(size, channels, count, width=args.width),
                    num_classes=count, class_names=domains, seed=args.seed, **_identity(args))
    model.compile()  # the paper's Adam(1e-4, 0.5, 0.999), n_critic 5
    data = digit_domains(domains, image_size=size, batch_size=args.batch_size, channels=channels, seed=args.seed,
                         domain_labels=True).repeat()
    held_out = [digit_domain_images(d, size, channels, "test")[0] for d in domains]

    def on_eval_with_classifier(step, translate, train_seconds):
        # D_cls's accuracy on the held-out real images: whether the domain head has learned the domains
        # that G's classification term (L_cls^f) asks it to reach.
        accuracy = [float(np.mean(model.discriminator(x, training=False)[1].numpy().argmax(-1) == k))
                    for k, x in enumerate(held_out)]
        print(f"step {step}: D_cls accuracy on real held-out images {np.mean(accuracy):.3f} "
              f"(per domain {', '.join(f'{a:.3f}' for a in accuracy)})", flush=True)
        on_eval(step, translate, train_seconds)

    model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0,
              callbacks=[_Evaluate(args.eval_every, model.translate_to, on_eval_with_classifier)])


def _identity(args):
    """identity_weight=--identity-weight if given; else the variant's default (CycleGAN 0.5, StarGAN 0)."""
    return {} if args.identity_weight is None else {"identity_weight": args.identity_weight}


def _identity_text(args):
    if args.identity_weight is None:
        return "the variants' defaults (CycleGAN 0.5 lambda, StarGAN 0)"
    return f"{args.identity_weight} lambda (lambda_rec for StarGAN)"


# name -> function(args, domains, on_eval)
VARIANT_RUNS = {"cyclegan": run_cyclegan, "stargan": run_stargan}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default="cyclegan", help=f"comma-separated: {', '.join(VARIANT_RUNS)}")
    parser.add_argument("--domains", default="white-on-black,black-on-white", help="digit domain names")
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--width", type=int, default=8, help="filters of the first convolutions")
    parser.add_argument("--blocks", type=int, default=3, help="residual blocks of ResNet generators")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--identity-weight", type=float, default=None,
                        help="the identity term, times lambda (lambda_rec); default: CycleGAN 0.5, StarGAN 0 (the papers)")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-pair", action="store_true",
                        help="also print domain/content accuracy and cycle error of each source->target pair")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    domains = tuple(args.domains.split(","))

    rows = []
    for name in args.variants.split(","):
        def on_eval(step, translate, train_seconds, name=name):
            scores = evaluate_translation(translate, domains, image_size=args.image_size, seed=args.seed)
            row = (f"| {name} | {step} | {scores['domain_accuracy']:.3f} | {scores['content_accuracy']:.3f} | "
                   f"{scores['cycle_error']:.3f} | {train_seconds:.0f} |")
            rows.append(row)
            print(row, flush=True)
            if args.per_pair:
                pairs = scores["pairs"].items()
                print("  " + "; ".join(f"{pair} {p['domain_accuracy']:.2f}/{p['content_accuracy']:.2f}/"
                                       f"{p['cycle_error']:.3f}" for pair, p in pairs), flush=True)

        VARIANT_RUNS[name](args, domains, on_eval)
        reference = evaluate_translation(lambda x, t: x, domains, image_size=args.image_size, seed=args.seed)
    lines = [
        f"Digit domains {' vs '.join(domains)} at {args.image_size}x{args.image_size}, batch {args.batch_size} "
        f"per domain, ResNet generators of width {args.width} with {args.blocks} blocks, PatchGAN discriminators, "
        f"identity weight {_identity_text(args)}, "
        f"paper optimizers (learning rate constant for half the steps, then linearly to 0), seed {args.seed}. "
        f"Held-out digits: real images score domain accuracy {reference['real_domain_accuracy']:.3f} and content "
        f"accuracy {reference['real_content_accuracy']:.3f} (the ceilings). Targets: domain >= 0.95, content >= 0.90.",
        "",
        "| variant | steps | domain accuracy | content accuracy | cycle error | training seconds |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
    ]
    print("\n".join(lines))
    if not args.no_write:
        update_section("translation", "\n".join(lines))


if __name__ == "__main__":
    main()

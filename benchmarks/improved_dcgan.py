"""Salimans et al.'s techniques one at a time against plain DCGAN, on scikit-learn's digits.

Each row trains for --steps generator steps at 16x16, width 32, batch 64 (the digits benchmark's
budget), then `keras_gans.metrics.evaluate_digits` scores 1,000 samples: classes covered, KL of
the class histogram to uniform, Frechet distance in the classifier's feature space (next to the
real-vs-real floor), and the discriminator's D(x) and D(G(z)) averaged over the run. Prints a table for
BENCHMARKS.md ("Improved DCGAN techniques").

    python benchmarks/improved_dcgan.py --steps 1500
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

from keras_gans.data import digits  # noqa: E402
from keras_gans.metrics import evaluate_digits, train_digits_classifier  # noqa: E402
from keras_gans.models import DCGAN, ImprovedDCGAN  # noqa: E402
from keras_gans.networks import build_dcgan_pair  # noqa: E402

# (row, model class, model options, network options); None: the class's default networks.
ROWS = (
    ("dcgan", DCGAN, {}, None),
    ("dcgan + virtual batch norm (64) in G", DCGAN, {}, {"virtual_batch_norm": 64}),
    ("dcgan + minibatch discrimination (100 x 5) in D", DCGAN, {}, {"minibatch_discrimination": (100, 5)}),
    ("dcgan + minibatch discrimination (5 x 3) in D", DCGAN, {}, {"minibatch_discrimination": (5, 3)}),
    ("improved-dcgan (defaults)", ImprovedDCGAN, {}, None),
    ("improved-dcgan, minibatch discrimination 100 x 5, historical_averaging=0", ImprovedDCGAN,
     {"historical_averaging": 0.0}, {"virtual_batch_norm": 64, "minibatch_discrimination": (100, 5)}),
    ("improved-dcgan, minibatch discrimination 100 x 5, feature_matching=True", ImprovedDCGAN,
     {"feature_matching": True}, {"virtual_batch_norm": 64, "minibatch_discrimination": (100, 5)}),
    ("improved-dcgan, minibatch discrimination 100 x 5 (the authors')", ImprovedDCGAN, {},
     {"virtual_batch_norm": 64, "minibatch_discrimination": (100, 5)}),
    ("improved-dcgan, minibatch discrimination 25 x 5", ImprovedDCGAN, {},
     {"virtual_batch_norm": 64, "minibatch_discrimination": (25, 5)}),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1500, help="generator steps per row")
    parser.add_argument("--rows", default=",".join(str(i) for i in range(len(ROWS))), help="row numbers, e.g. 0,3")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    size, width = 16, 32
    classifier = train_digits_classifier(image_size=size, channels=1)
    print(f"Digits at {size}x{size}, width {width}, batch 64, {args.steps} generator steps, seed {args.seed}; "
          f"real-vs-real Frechet floor {classifier.real_floor:.2f}.\n")
    print("| configuration | train s | classes covered | KL to uniform | Frechet distance | D(x) | D(G(z)) |")
    print("| --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for index in args.rows.split(","):
        label, cls, options, network_options = ROWS[int(index)]
        keras.utils.set_random_seed(args.seed)
        if network_options is None:
            networks = cls.default_networks(size, 1, width=width)
        else:
            networks = build_dcgan_pair(size, 1, cls.defaults.latent_dim, width, **network_options)
        model = cls(*networks, seed=args.seed, **options)
        model.compile()
        data = digits(image_size=size, batch_size=64, seed=args.seed).repeat()
        start = time.perf_counter()
        history = model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0).history
        seconds = time.perf_counter() - start
        result = evaluate_digits(model, num_samples=1000, seed=args.seed)
        print(f"| {label} | {seconds:.0f} | {result['classes_covered']}/10 | {result['kl_to_uniform']:.3f} | "
              f"{result['frechet_distance']:.2f} | {history['d_real'][-1]:.3f} | {history['d_fake'][-1]:.3f} |",
              flush=True)


if __name__ == "__main__":
    main()

"""Mode coverage of the unconditional variants on the toy 2-D sets, over several seeds.

Every variant gets the same fully connected nets (generator z 2 -> 128 x 3 ReLU -> 2, linear;
discriminator 2 -> 128 x 3 LeakyReLU -> 1; spectral norm on the discriminator for SNGAN), batch
256, its paper optimizers and critic steps, and --steps generator steps. 2,500 samples are scored
with PacGAN's metrics (keras_gans.metrics.modes): modes captured, fraction of high-quality samples
(within 3 std of the nearest mode) and reverse KL to uniform, as mean +- std over --seeds seeds.
The swiss roll has no discrete modes: only the ring (8) and the grid (25) are scored. DCGAN is a
convolutional architecture and is left out; the variants differ here only by their losses.

Targets (issue 4) for WGAN-GP and SNGAN: ring 8/8; grid >= 24.8/25 with >= 90% high-quality
samples and reverse KL <= 0.04 (PacGAN4's grid row: 24.8 +- 0.2, 93.6%, 0.04).

    python benchmarks/toys.py --steps 10000 --seeds 3
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _markdown import update_section  # noqa: E402

from keras_gans.data import toys  # noqa: E402
from keras_gans.metrics.modes import mode_metrics  # noqa: E402
from keras_gans.models import VARIANTS  # noqa: E402
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator  # noqa: E402

TOY_VARIANTS = ("gan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan", "fgan")
SETS = {
    "ring": (toys.ring, toys.ring_modes, toys.RING_STD),
    "grid": (toys.grid, toys.grid_modes, toys.GRID_STD),
}


def run(name, toy, seed, args):
    keras.utils.set_random_seed(seed)
    cls = VARIANTS[name]
    generator = build_mlp_generator(output_shape=(2,), latent_dim=2, hidden=(128, 128, 128), output_activation=None)
    discriminator = build_mlp_discriminator(input_shape=(2,), hidden=(128, 128, 128), spectral_norm=name == "sngan")
    model = cls(generator, discriminator, seed=seed)
    model.compile()
    make, modes, std = SETS[toy]
    data = make(100_000, 256, seed=seed).repeat()
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
    seconds = time.perf_counter() - start
    samples = model.generate(2500)
    return mode_metrics(samples, modes(), std), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=10000, help="generator steps per run")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(TOY_VARIANTS))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()

    lines = [f"{args.steps} generator steps, batch 256, {args.seeds} seeds; MLP 3 x 128; mean +- std.", "",
             "| variant | set | modes captured | high quality | reverse KL | s / run |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name in args.variants.split(","):
        for toy in args.sets.split(","):
            results = [run(name, toy, seed, args) for seed in range(args.seeds)]
            values = {key: np.array([r[0][key] for r in results], float)
                      for key in ("modes_captured", "high_quality", "reverse_kl")}
            seconds = np.mean([r[1] for r in results])
            row = (f"| {name} | {toy} | {values['modes_captured'].mean():.1f} +- {values['modes_captured'].std():.1f} "
                   f"| {100 * values['high_quality'].mean():.1f}% +- {100 * values['high_quality'].std():.1f} "
                   f"| {np.nanmean(values['reverse_kl']):.3f} +- {np.nanstd(values['reverse_kl']):.3f} "
                   f"| {seconds:.0f} |")
            print(row, flush=True)
            lines.append(row)
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        update_section("toys", table)


if __name__ == "__main__":
    main()

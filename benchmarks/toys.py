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

Targets (issue 19): at least one configuration with grid >= 24.8/25 modes, >= 93.6% high-quality
samples and reverse KL <= 0.04 at once (PacGAN4's grid row, Lin et al. 2018 Table 1: 24.8 +- 0.2,
93.6%, 0.04); ring 8/8.

--variants takes variant names (each with its paper settings) and named configurations:
pacgan2/3/4 (GAN with `pack`), sngan-pack2/4, and wgan-gp-toy, the toy settings of the WGAN-GP
authors' `gan_toy.py` (lambda = 0.1, Adam(1e-4, 0.5, 0.9) for both nets, 5 critic steps).
--protocol picks the networks, latent size, batch and optimizers:

- default: the MLP pair above, z of 8, batch 256 samples, each variant's paper optimizers.
- pacgan: PacGAN's 2-D experiments (the authors' `synthetic_data_experiments/2D*_GAN&PacGAN/`
  config.py and pacgan_task.py): z of 2 ~ N(0, I); generator 4 x 400 ReLU with batch norm (linear
  layers without bias, moving statistics kept at 0.95), linear output of 2; discriminator 3 maxout
  layers of 200 units x 5 pieces on the packed input (2 m values), linear score; weights from
  N(0, 0.02), biases 0; a batch of 100 packs (100 m points, and 100 m generated ones); GAN and
  PacGAN with Adam(1e-4, beta_1 = 0.8) for both nets; 400 epochs of 100,000 packs, i.e. 400,000
  generator steps (the default --steps there). Other variants keep their paper optimizers and
  critic steps (wgan-gp-toy its named ones) on these networks.

    python benchmarks/toys.py --steps 2000 --seeds 3 --threads 1
    python benchmarks/toys.py --protocol pacgan --variants gan,pacgan2,pacgan4 --sets grid --steps 20000
"""

import argparse
import dataclasses
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _markdown import update_section  # noqa: E402

from keras_gans.data import toys  # noqa: E402
from keras_gans.layers import ReparametrizedSpectralNormalization  # noqa: E402
from keras_gans.metrics.modes import mode_metrics  # noqa: E402
from keras_gans.metrics.precision_recall import precision_recall  # noqa: E402
from keras_gans.models import VARIANTS  # noqa: E402
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator  # noqa: E402
from keras_gans.plots import critic_surface  # noqa: E402

TOY_VARIANTS = ("gan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan", "fgan")


@dataclasses.dataclass(frozen=True)
class Config:
    """A named configuration: a variant, its packing, options of its class, and its optimizers.

    `optimizers` is None for the protocol's choice, else a function returning (d, g) optimizers.
    """

    variant: str
    pack: int = 1
    options: tuple = ()
    optimizers: object = None


def _adam_pair(learning_rate, beta_1, beta_2=0.999):
    return lambda: tuple(keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2) for _ in range(2))


CONFIGS = {name: Config(name) for name in TOY_VARIANTS}
CONFIGS.update({f"pacgan{m}": Config("gan", pack=m) for m in (2, 3, 4)})
CONFIGS.update({f"sngan-pack{m}": Config("sngan", pack=m) for m in (2, 4)})
# Gulrajani et al.'s gan_toy.py: LAMBDA = .1, CRITIC_ITERS = 5, Adam(1e-4, beta1=0.5, beta2=0.9).
CONFIGS["wgan-gp-toy"] = Config("wgan-gp", options=(("gradient_penalty_weight", 0.1),),
                                optimizers=_adam_pair(1e-4, 0.5, 0.9))


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Networks, latent size, batch and the GAN family's optimizers of one toy protocol."""

    latent_dim: int
    batch: int  # samples per batch, or packs per batch when batch_in_packs
    batch_in_packs: bool
    steps: int  # the protocol's own number of generator steps (the default of --steps)
    gan_optimizers: object  # (d, g) optimizers of gan / pacganN, or None for GAN's paper ones
    networks: object  # function (latent_dim, pack, spectral_norm) -> (generator, discriminator)


def default_networks(latent_dim, pack, spectral_norm):
    """The MLP pair: 128 x 3 ReLU generator, 128 x 3 LeakyReLU discriminator."""
    generator = build_mlp_generator(output_shape=(2,), latent_dim=latent_dim, hidden=(128, 128, 128),
                                    output_activation=None)
    discriminator = build_mlp_discriminator(input_shape=(2,), hidden=(128, 128, 128), spectral_norm=spectral_norm,
                                            pack=pack)
    return generator, discriminator


def pacgan_networks(latent_dim, pack, spectral_norm):
    """PacGAN's 2-D nets: G 4 x 400 ReLU + batch norm -> 2; D 3 maxout(200 x 5) on 2m inputs -> 1."""
    init = keras.initializers.RandomNormal(stddev=0.02)
    z = keras.Input((latent_dim,), name="z")
    x = z
    for _ in range(4):
        x = keras.layers.Dense(400, use_bias=False, kernel_initializer=init)(x)
        # Blocks' population statistics: p <- 0.95 p + 0.05 m, Keras' momentum 0.95.
        x = keras.layers.ReLU()(keras.layers.BatchNormalization(momentum=0.95)(x))
    x = keras.layers.Dense(2, kernel_initializer=init)(x)
    generator = keras.Model(z, keras.layers.Activation("linear", dtype="float32", name="images")(x), name="generator")

    def dense(units):
        layer = keras.layers.Dense(units, kernel_initializer=init)
        return ReparametrizedSpectralNormalization(layer) if spectral_norm else layer

    packs = keras.Input((2 * pack,), name="images")
    x = packs
    for _ in range(3):
        # Maxout: the largest of 5 linear pieces per unit (Goodfellow et al. 2013).
        pieces = keras.layers.Reshape((200, 5))(dense(200 * 5)(x))
        x = keras.ops.max(pieces, axis=-1)
    discriminator = keras.Model(packs, dense(1)(x), name="discriminator")
    return generator, discriminator


PROTOCOLS = {
    "default": Protocol(latent_dim=8, batch=256, batch_in_packs=False, steps=2000, gan_optimizers=None,
                        networks=default_networks),
    # fjxmlzn/PacGAN synthetic_data_experiments config.py: batch_size 100 (packs), num_zdim 2,
    # learning_rate 1e-4, beta1 0.8, num_epoch 400 of num_sample 100,000 packs.
    "pacgan": Protocol(latent_dim=2, batch=100, batch_in_packs=True, steps=400_000,
                       gan_optimizers=_adam_pair(1e-4, 0.8), networks=pacgan_networks),
}
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


def build_model(name, seed, latent_dim, protocol=PROTOCOLS["default"], jit_compile=False):
    """The configuration `name` on the protocol's networks, compiled with its optimizers."""
    keras.utils.set_random_seed(seed)
    config = CONFIGS[name]
    generator, discriminator = protocol.networks(latent_dim, config.pack, config.variant == "sngan")
    model = VARIANTS[config.variant](generator, discriminator, seed=seed, pack=config.pack, **dict(config.options))
    optimizers = config.optimizers or (protocol.gan_optimizers if config.variant == "gan" else None)
    model.compile(*(optimizers() if optimizers else (None, None)), jit_compile=jit_compile)
    return model


def batch_size(name, protocol):
    """Real samples per discriminator update: the protocol's batch, or its batch of packs times pack."""
    return protocol.batch * CONFIGS[name].pack if protocol.batch_in_packs else protocol.batch


def run(name, toy, seed, args):
    """Trains one model; returns its final scores, training seconds, the model, and its curve.

    The curve holds (steps, modes captured, high-quality fraction) after every --eval-every steps
    (empty without it). Scoring draws from numpy, not from the model's seed generator, so
    training follows the same course with and without it; its time is left out of the seconds.
    """
    protocol = PROTOCOLS[args.protocol]
    model = build_model(name, seed, args.latent_dim, protocol, args.jit)
    make, sample, modes, std = SETS[toy]
    batch = batch_size(name, protocol)
    # PacGAN draws 100,000 examples of m points each; the default protocol 100,000 points.
    data = make(100_000 * (CONFIGS[name].pack if protocol.batch_in_packs else 1), batch, seed=seed).repeat()
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
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), default="default",
                        help="networks, z, batch and GAN optimizers: ours (default) or PacGAN's 2-D experiments")
    parser.add_argument("--steps", type=int, default=None,
                        help="generator steps per run (default: the protocol's, 2,000 or PacGAN's 400,000)")
    parser.add_argument("--latent-dim", type=int, default=None,
                        help="size of z (default: the protocol's, 8 or PacGAN's 2; see test_toy_guard.py)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow intra/inter-op threads (0: TF's choice)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(TOY_VARIANTS),
                        help=f"comma-separated configurations: {', '.join(CONFIGS)}")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--eval-every", type=int, default=0,
                        help="also score modes every N generator steps (a divisor of --steps; 0: at the end only)")
    parser.add_argument("--jit", action="store_true",
                        help="XLA-compile the train step (measured 1.7x faster for PacGAN's nets on this CPU)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    protocol = PROTOCOLS[args.protocol]
    args.steps = protocol.steps if args.steps is None else args.steps
    args.latent_dim = protocol.latent_dim if args.latent_dim is None else args.latent_dim
    unknown = [name for name in args.variants.split(",") if name not in CONFIGS]
    if unknown:
        parser.error(f"unknown --variants {', '.join(unknown)}; valid names: {', '.join(CONFIGS)}")
    if args.steps < 1:
        parser.error(f"--steps must be a positive int, got {args.steps}")
    if args.eval_every < 0 or (args.eval_every and args.steps % args.eval_every):
        parser.error(f"--eval-every must be 0 or a positive divisor of --steps ({args.steps}), got {args.eval_every}")
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    nets = ("MLP 3 x 128; each variant's paper optimizers" if args.protocol == "default" else
            "PacGAN's nets (G 4 x 400 + BN, D 3 maxout 200 x 5) and batch of 100 packs; GAN / PacGAN "
            "Adam(1e-4, 0.8), the others their paper optimizers")
    lines = [f"Protocol {args.protocol}: {args.steps} generator steps, z of {args.latent_dim}, {args.seeds} seeds; "
             f"{nets} and critic steps; mean +- std over seeds.", "",
             "| variant | set | modes captured | high quality | reverse KL | precision | recall | s / run |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    surfaces, curve_lines = {}, []
    for name in args.variants.split(","):
        for toy in args.sets.split(","):
            results = []
            for seed in range(args.seeds):
                results.append(run(name, toy, seed, args))
                found = results[-1][0]
                print(f"  {name} {toy} seed {seed}: {found['modes_captured']:.0f} modes, "
                      f"{100 * found['high_quality']:.1f}% HQ, reverse KL {found['reverse_kl']:.3f}, "
                      f"{results[-1][1]:.0f} s", flush=True)
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

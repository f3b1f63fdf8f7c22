"""Speed of every variant, of the input pipeline and of an exported generator.

Prints three tables and writes them to BENCHMARKS.md (section "speed"):

1. seconds per generator step of each variant with its paper networks at the stated size, batch and
   critic steps (median over steps after the first, which builds the graph); for WGAN-GP also the
   ratio to the plain reference train_step of `wgan_gp_step.py`, timed in the same run;
2. images/s of the input pipeline (decode, crop, resize from a folder of JPEGs the script writes,
   178x218 like aligned CelebA) against the real images/s WGAN-GP training consumes, both at
   --image-size;
3. images/s of the exported SavedModel's `serve` against the in-memory generator.

    python benchmarks/speed.py --image-size 16 --width 32 --steps 15
"""

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _markdown import update_section  # noqa: E402
from PIL import Image  # noqa: E402
from wgan_gp_step import ReferenceWGANGP  # noqa: E402

from keras_gans import export_generator  # noqa: E402
from keras_gans.callbacks import StepTimer  # noqa: E402
from keras_gans.data import image_folder  # noqa: E402
from keras_gans.models import VARIANTS  # noqa: E402


def variant_steps(args):
    rows, wgan_gp_seconds = [], None
    for name, cls in VARIANTS.items():
        seconds, model = time_variant(cls, args, jit_compile=False)
        xla = time_variant(cls, args, jit_compile=True)[0] if args.xla else None
        rows.append((name, model.critic_steps, seconds, xla))
        if name == "wgan-gp":
            wgan_gp_seconds = seconds, model
    return rows, wgan_gp_seconds


def time_variant(cls, args, jit_compile):
    """Median seconds per generator step of `cls` on its paper networks, and the model."""
    keras.utils.set_random_seed(0)
    kwargs = {"num_classes": 10} if cls.conditional else {}
    model = cls(*cls.default_networks(args.image_size, 3, width=args.width, **kwargs), seed=0, **kwargs)
    model.compile(jit_compile=jit_compile)
    batches = model.critic_steps * (args.steps + 1)
    images = np.random.default_rng(0).uniform(-1, 1, (batches * args.batch_size, args.image_size,
                                                     args.image_size, 3)).astype("float32")
    data = images if not cls.conditional else (images, np.arange(len(images), dtype="int32") % 10)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(args.batch_size, drop_remainder=True).cache()
    timer = StepTimer()
    model.fit(dataset, epochs=1, verbose=0, callbacks=[timer])
    return timer.seconds_per_step, model


def reference_ratio(args, ours_model):
    # The same networks and batch; rounds alternate so that a noisy machine slows both alike.
    generator, critic = ours_model.generator, ours_model.discriminator
    reference = ReferenceWGANGP(generator, critic, ours_model.critic_steps, ours_model.latent_dim)
    reference.compile()
    k, b = ours_model.critic_steps, args.batch_size
    images = np.random.default_rng(1).uniform(-1, 1, (k * b * (args.steps + 1), args.image_size, args.image_size, 3))
    batches = tf.data.Dataset.from_tensor_slices(images.astype("float32")).batch(b, drop_remainder=True).cache()
    grouped = batches.rebatch(k * b, drop_remainder=True).cache()
    ratios = []
    for _ in range(args.rounds):
        times = {}
        for label, model, data in (("ours", ours_model, batches), ("reference", reference, grouped)):
            timer = StepTimer()
            model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
            times[label] = timer.seconds_per_step
        ratios.append(times["ours"] / times["reference"])
    return ratios


def pipeline_rate(args, cache=None):
    """Images/s of `image_folder` over --pipeline-epochs epochs after a first, untimed one.

    With `cache` the first epoch fills it, so the timed epochs read the cache.
    """
    folder = tempfile.mkdtemp(prefix="speed-jpegs-")
    rng = np.random.default_rng(0)
    for i in range(args.jpegs):
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(
            os.path.join(folder, f"{i:06d}.jpg"), quality=90)
    if cache == "file":
        cache = os.path.join(tempfile.mkdtemp(prefix="speed-cache-"), "images")
    dataset = image_folder(folder, image_size=args.image_size, batch_size=args.batch_size, seed=0, cache=cache)
    for _ in dataset:  # the first epoch: warms the pipeline up, fills a cache
        pass
    start, count = time.perf_counter(), 0
    for _ in range(args.pipeline_epochs):
        for batch in dataset:
            count += int(batch.shape[0])
    return count / (time.perf_counter() - start)


def serving_rates(model, count=1024, batch=256):
    folder = tempfile.mkdtemp(prefix="speed-export-")
    loaded = tf.saved_model.load(export_generator(model, os.path.join(folder, "generator")))
    z = tf.random.normal((batch, model.latent_dim))
    loaded.serve(z)
    model.generator(z, training=False)
    rates = {}
    for label, fn in (("SavedModel serve", lambda: loaded.serve(z)["images"]),
                      ("in-memory generator", lambda: model.generator(z, training=False))):
        start = time.perf_counter()
        for _ in range(count // batch):
            fn().numpy()
        rates[label] = count / (time.perf_counter() - start)
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=15, help="generator steps timed per variant")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds for the WGAN-GP ratio")
    parser.add_argument("--jpegs", type=int, default=1024, help="JPEGs written for the pipeline benchmark")
    parser.add_argument("--pipeline-epochs", type=int, default=3)
    parser.add_argument("--xla", action="store_true", help="also time every variant with jit_compile=True")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()

    rows, (wgan_gp_seconds, wgan_gp) = variant_steps(args)
    ratios = reference_ratio(args, wgan_gp)
    pipeline = pipeline_rate(args)
    cached = pipeline_rate(args, cache="file")
    consumed = wgan_gp.critic_steps * args.batch_size / wgan_gp_seconds
    serving = serving_rates(wgan_gp)

    lines = [f"Variants at {args.image_size}x{args.image_size}x3, width {args.width}, batch {args.batch_size}, "
             "paper networks and critic steps:", "",
             "| variant | critic steps | s / generator step | with XLA (jit_compile) |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {k} | {seconds:.4f} | {'-' if xla is None else f'{xla:.4f}'} |"
              for name, k, seconds, xla in rows]
    lines += ["", f"WGAN-GP / plain reference train_step, per round: {', '.join(f'{r:.3f}' for r in ratios)}; "
              f"median **{np.median(ratios):.3f}**", "",
              "| input | images/s |", "| --- | --- |",
              f"| pipeline: JPEG 178x218 decode, centred crop, antialiased resize to {args.image_size}x"
              f"{args.image_size}, batches of {args.batch_size} | {pipeline:.0f} |",
              f"| the same, epochs after the first read from a file cache (`cache=`) | {cached:.0f} |",
              f"| consumed by WGAN-GP training at {args.image_size} px (above) | {consumed:.0f} |", "",
              "| generation (batches of 256) | images/s |", "| --- | --- |"]
    lines += [f"| {label} | {rate:.0f} |" for label, rate in serving.items()]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        update_section("speed", table)


if __name__ == "__main__":
    main()

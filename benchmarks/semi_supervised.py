"""Triple-GAN's classifier against the same classifier trained on the labelled images alone.

K labels per class (10 by default: 100 labelled digits) from scikit-learn's digits; the
unlabelled images are the rest outside the held-out split (`keras_gans.data.digits_held_out`,
450 images), on which both classifiers are scored. Per seed (the seed draws the labelled
images, the weights and the noise):

- baseline: `build_classifier` (the network TripleGAN's `default_networks` builds for C),
  trained by cross-entropy on the 10 K labelled images alone, with C's optimizer (Adam(1e-3,
  beta_1=0.5)), C's batch size and as many updates as Triple-GAN's C gets; scored as trained
  and with its weights averaged (the optimizer's EMA, momentum 0.99: Triple-GAN's averaging
  rate, 0.01);
- Triple-GAN: `TripleGAN` with its defaults but for `pseudo_discriminative_start` (30% of the
  updates, the authors' 300 of 1000 epochs), fit on `digits(labels_per_class=K)`; scored by its
  averaged classifier (`classify`) and its raw one.

    python benchmarks/semi_supervised.py --seeds 0 1 2 --steps 1500 --width 16

Prints a markdown table per seed and the mean and standard deviation over seeds.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import TripleGAN  # noqa: E402
from keras_gans.data import digits, digits_held_out, digits_labelled  # noqa: E402
from keras_gans.networks import build_classifier  # noqa: E402

NUM_CLASSES = 10


def accuracy(logits_or_labels, labels):
    predicted = logits_or_labels if logits_or_labels.ndim == 1 else logits_or_labels.argmax(axis=-1)
    return float(np.mean(predicted == labels))


def baseline(args, seed, held_out):
    """Accuracy of the classifier trained on the labelled images alone: (as trained, averaged)."""
    images, labels = digits_labelled(args.labels_per_class, args.image_size, seed=seed)
    results = []
    for use_ema in (False, True):
        keras.utils.set_random_seed(seed)
        net = build_classifier(args.image_size, 1, NUM_CLASSES, width=args.width)
        net.compile(keras.optimizers.Adam(1e-3, beta_1=0.5, use_ema=use_ema, ema_momentum=0.99),
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True), steps_per_execution=10)
        # As many updates of batch_size images as Triple-GAN's classifier gets, reshuffled each pass.
        data = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=seed)
        net.fit(data.repeat().batch(args.batch_size), steps_per_epoch=args.steps, epochs=1, verbose=0)
        results.append(accuracy(net.predict(held_out[0], verbose=0), held_out[1]))
    return results


def triple_gan(args, seed, held_out):
    """Accuracy of Triple-GAN's classifier: (averaged, as trained), and the seconds it took."""
    keras.utils.set_random_seed(seed)
    networks = TripleGAN.default_networks(args.image_size, 1, latent_dim=args.latent_dim, width=args.width,
                                          num_classes=NUM_CLASSES)
    model = TripleGAN(*networks, num_classes=NUM_CLASSES, seed=seed,
                      pseudo_discriminative_start=int(0.3 * args.steps), **dict(args.param))
    model.compile(steps_per_execution=10)
    data = digits(args.image_size, args.batch_size, labels_per_class=args.labels_per_class, seed=seed).repeat()
    started = time.perf_counter()
    model.fit(data, steps_per_epoch=args.steps // 10, epochs=10, verbose=0)
    seconds = time.perf_counter() - started
    averaged = accuracy(model.classify(held_out[0]), held_out[1])
    raw = accuracy(model.classifier.predict(held_out[0], verbose=0), held_out[1])
    return averaged, raw, seconds


def _param(text):
    name, _, value = text.partition("=")
    return name, float(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--labels-per-class", type=int, default=10)
    parser.add_argument("--image-size", type=int, default=8, help="8: the digits' own resolution")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=1500, help="Triple-GAN steps (one D, G and C update each)")
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads (1: steadier on a shared machine)")
    parser.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=NUMBER",
                        help="a TripleGAN option, e.g. unlabelled_entropy_weight=0")
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    held_out = digits_held_out(args.image_size)
    print(f"digits, {args.labels_per_class} labels per class, {args.image_size} px, width {args.width}, batch "
          f"{args.batch_size}, {args.steps} steps; held-out {len(held_out[1])} images; options {dict(args.param)}")
    print("| seed | baseline | baseline (averaged) | Triple-GAN C (averaged) | Triple-GAN C (as trained) | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = []
    for seed in args.seeds:
        base, base_avg = baseline(args, seed, held_out)
        averaged, raw, seconds = triple_gan(args, seed, held_out)
        rows.append((base, base_avg, averaged, raw))
        print(f"| {seed} | {base:.1%} | {base_avg:.1%} | {averaged:.1%} | {raw:.1%} | {seconds:.0f} |", flush=True)
    rows = np.array(rows) * 100
    mean, std = rows.mean(axis=0), rows.std(axis=0, ddof=1) if len(rows) > 1 else np.zeros(4)
    print("| mean +- sd | " + " | ".join(f"{m:.1f} +- {s:.1f}" for m, s in zip(mean, std)) + " | |")
    print(f"Triple-GAN (averaged) - baseline (averaged): {mean[2] - mean[1]:+.1f} points; "
          f"- baseline (as trained): {mean[2] - mean[0]:+.1f} points")


if __name__ == "__main__":
    main()

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

    python benchmarks/semi_supervised.py --seeds 0 1 2 --steps 4000 --width 16

The options of the authors' schedule that `TripleGAN` leaves out by default can be measured
with `--pretrain-steps`, `--lr-decay-start`, `--pseudo-start`, `--d-input-noise`,
`--authors-discriminator` (their MNIST D, an MLP with Gaussian noise layers) and
`--param NAME=NUMBER` (any `TripleGAN` option, e.g. `argmax_real_weight=0.5`); their D, their
argmax pairs as real (400 of D's 401 real pairs) and their classifier batches of 100:

    python benchmarks/semi_supervised.py --authors-discriminator --batch-size 100 --param argmax_real_weight=0.9975

`--paired` starts the baseline from Triple-GAN's initial classifier weights and feeds it
Triple-GAN's labelled batches in the same order; `--labels-per-class 122 --baseline-only` gives
the supervised ceiling (every training digit labelled).

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
from keras_gans.models._lr_schedule import ConstantThenLinearDecay  # noqa: E402
from keras_gans.networks import build_classifier, build_mlp_discriminator  # noqa: E402

NUM_CLASSES = 10
LEARNING_RATE = 1e-3  # TripleGAN's default Adam(1e-3, beta_1=0.5), the authors' for D, G and C


def accuracy(logits_or_labels, labels):
    predicted = logits_or_labels if logits_or_labels.ndim == 1 else logits_or_labels.argmax(axis=-1)
    return float(np.mean(predicted == labels))


def learning_rate(args):
    """The players' learning rate: 1e-3, or with `--lr-decay-start` held, then linearly to 0 at the last step."""
    if args.lr_decay_start is None:
        return LEARNING_RATE
    return ConstantThenLinearDecay(LEARNING_RATE, args.steps, int(args.lr_decay_start * args.steps))


def labelled_batches(args, seed):
    """The labelled images in batches of `batch_size`, repeated: with `--paired`, exactly the labelled part of
    the stream Triple-GAN is fit on (same batches, same order); otherwise reshuffled each pass on their own."""
    if args.paired:
        stream = digits(args.image_size, args.batch_size, labels_per_class=args.labels_per_class, seed=seed)
        return stream.map(lambda images, labels, unlabelled: (images, labels)).repeat()
    images, labels = digits_labelled(args.labels_per_class, args.image_size, seed=seed)
    return tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=seed).repeat().batch(
        args.batch_size)


def supervised(args, seed, net, steps, use_ema=False, rate=LEARNING_RATE):
    """Trains `net` by cross-entropy on the labelled images alone: `steps` updates of Adam(rate, 0.5)."""
    net.compile(keras.optimizers.Adam(rate, beta_1=0.5, use_ema=use_ema, ema_momentum=0.99),
                keras.losses.SparseCategoricalCrossentropy(from_logits=True), steps_per_execution=10)
    net.fit(labelled_batches(args, seed), steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    return net


def baseline(args, seed, held_out):
    """Accuracy of the classifier trained on the labelled images alone: (as trained, averaged).

    As many updates as Triple-GAN's classifier gets, its pre-training included, on its schedule.
    With `--paired` it starts from the weights Triple-GAN's classifier starts from.
    """
    results = []
    for use_ema in (False, True):
        if args.paired:
            net = triple_gan_networks(args, seed)[2]
        else:
            keras.utils.set_random_seed(seed)
            net = build_classifier(args.image_size, 1, NUM_CLASSES, width=args.width)
        if args.pretrain_steps:
            supervised(args, seed, net, args.pretrain_steps)
        supervised(args, seed, net, args.steps, use_ema=use_ema, rate=learning_rate(args))
        results.append(accuracy(net.predict(held_out[0], verbose=0), held_out[1]))
    return results


def triple_gan_networks(args, seed):
    """`TripleGAN.default_networks` as seeded for `seed`: (generator, discriminator, classifier)."""
    keras.utils.set_random_seed(seed)
    return TripleGAN.default_networks(args.image_size, 1, latent_dim=args.latent_dim, width=args.width,
                                      num_classes=NUM_CLASSES)


def with_input_noise(discriminator, stddev):
    """`discriminator` behind Gaussian noise on its images, active in training calls only (the authors' D: 0.3)."""
    images, labels = (keras.Input(tensor.shape[1:], dtype=tensor.dtype) for tensor in discriminator.inputs)
    noisy = keras.layers.GaussianNoise(stddev)(images)
    return keras.Model([images, labels], discriminator([noisy, labels]), name="noisy_discriminator")


def authors_discriminator(image_size):
    """The Triple-GAN authors' MNIST D (`build_mlp_discriminator`'s docstring): an MLP of 1000, 500, 250, 250, 250
    ReLU units, one_hot(y) joined to every layer's input, Gaussian noise 0.3 on the image and 0.5 after each layer."""
    return build_mlp_discriminator((image_size, image_size, 1), hidden=(1000, 500, 250, 250, 250),
                                   num_classes=NUM_CLASSES, negative_slope=0, label_every_layer=True, input_noise=0.3,
                                   hidden_noise=0.5)


def triple_gan(args, seed, held_out):
    """Accuracy of Triple-GAN's classifier: (averaged, as trained), and the seconds it took."""
    networks = triple_gan_networks(args, seed)
    if args.authors_discriminator:
        networks = (networks[0], authors_discriminator(args.image_size), networks[2])
    if args.d_input_noise:
        networks = (networks[0], with_input_noise(networks[1], args.d_input_noise), networks[2])
    options = {"pseudo_discriminative_start": int(args.pseudo_start * args.steps), **dict(args.param)}
    model = TripleGAN(*networks, num_classes=NUM_CLASSES, seed=seed, **options)
    started = time.perf_counter()
    if args.pretrain_steps:
        # C alone on the labels first (the authors pre-train it 30 epochs), the average starting there.
        supervised(args, seed, model.classifier, args.pretrain_steps)
        model.average_classifier.set_weights(model.classifier.get_weights())
    model.compile(*(keras.optimizers.Adam(learning_rate(args), beta_1=0.5) for _ in range(2)),
                  c_optimizer=keras.optimizers.Adam(learning_rate(args), beta_1=0.5), steps_per_execution=10)
    data = digits(args.image_size, args.batch_size, labels_per_class=args.labels_per_class, seed=seed).repeat()
    model.fit(data, steps_per_epoch=args.steps // 10, epochs=10, verbose=0)
    seconds = time.perf_counter() - started
    averaged = accuracy(model.classify(held_out[0]), held_out[1])
    raw = accuracy(model.classifier.predict(held_out[0], verbose=0), held_out[1])
    return averaged, raw, seconds


def _param(text):
    name, _, value = text.partition("=")
    number = float(value)
    return name, int(number) if number.is_integer() and "." not in value and "e" not in value else number


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--labels-per-class", type=int, default=10)
    parser.add_argument("--image-size", type=int, default=8, help="8: the digits' own resolution")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32,
                        help="labelled and unlabelled images per batch, each (the authors' classifier: 100 of each)")
    parser.add_argument("--steps", type=int, default=4000, help="Triple-GAN steps (one D, G and C update each)")
    parser.add_argument("--pseudo-start", type=float, default=0.3,
                        help="the pseudo-discriminative loss from this fraction of the steps (the authors' 300 of 1000 "
                             "epochs); a --param pseudo_discriminative_start=N overrides it")
    parser.add_argument("--pretrain-steps", type=int, default=0,
                        help="C's updates on the labels alone before the game (the baseline gets them too)")
    parser.add_argument("--lr-decay-start", type=float, default=None,
                        help="every learning rate (the baseline's too) held until this fraction of the steps, then "
                             "linearly to 0")
    parser.add_argument("--d-input-noise", type=float, default=0.0,
                        help="Gaussian noise of this standard deviation on D's images in training (the authors': 0.3)")
    parser.add_argument("--authors-discriminator", action="store_true",
                        help="the authors' MNIST D (an MLP with Gaussian noise layers) instead of the conditional DCGAN D")
    parser.add_argument("--paired", action="store_true",
                        help="the baseline starts from Triple-GAN's initial classifier weights and sees its labelled "
                             "batches in the same order (a paired comparison)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="Triple-GAN only (e.g. options that leave the baseline's budget as it was)")
    parser.add_argument("--baseline-only", action="store_true",
                        help="the baseline only (e.g. with --labels-per-class 122, every training digit labelled: "
                             "the network's supervised ceiling)")
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads (1: steadier on a shared machine)")
    parser.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=NUMBER",
                        help="a TripleGAN option, e.g. unlabelled_entropy_weight=0")
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    held_out = digits_held_out(args.image_size)
    print(f"digits, {args.labels_per_class} labels per class, {args.image_size} px, width {args.width}, batch "
          f"{args.batch_size}, {args.steps} steps (pseudo-discriminative from {args.pseudo_start:.0%}, pre-training "
          f"{args.pretrain_steps}, lr decay from {args.lr_decay_start}); held-out {len(held_out[1])} images; "
          f"options {dict(args.param)}")
    print("| seed | baseline | baseline (averaged) | Triple-GAN C (averaged) | Triple-GAN C (as trained) | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = []
    for seed in args.seeds:
        base, base_avg = (np.nan, np.nan) if args.no_baseline else baseline(args, seed, held_out)
        averaged, raw, seconds = (np.nan, np.nan, 0) if args.baseline_only else triple_gan(args, seed, held_out)
        rows.append((base, base_avg, averaged, raw))
        print(f"| {seed} | {base:.1%} | {base_avg:.1%} | {averaged:.1%} | {raw:.1%} | {seconds:.0f} |", flush=True)
    rows = np.array(rows) * 100
    mean, std = rows.mean(axis=0), rows.std(axis=0, ddof=1) if len(rows) > 1 else np.zeros(4)
    print("| mean +- sd | " + " | ".join(f"{m:.1f} +- {s:.1f}" for m, s in zip(mean, std)) + " | |")
    print(f"Triple-GAN (averaged) - baseline (averaged): {mean[2] - mean[1]:+.1f} points; "
          f"- baseline (as trained): {mean[2] - mean[0]:+.1f} points")


if __name__ == "__main__":
    main()

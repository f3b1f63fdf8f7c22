"""Quality metrics for generators of scikit-learn's digits, read through a small digit classifier.

Inception-based FID needs a download and means little on 8x8 digits. Here a small CNN trained on
the real digits stands in for Inception: its predicted classes give class coverage (mode
collapse) and label accuracy (does a conditional generator obey its labels), its penultimate
layer gives a Frechet distance, and the same distance between unseen and training real digits is
the floor a perfect generator would reach.
"""

import math
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import _validation as validation
from keras_gans.data.digits import digits
from keras_gans.metrics.fid import FeatureStatistics, frechet_distance_from_features

NUM_CLASSES = 10
NUM_DIGITS = 1797
# The held-out fifth: 360 of the 1797 digits, stratified by class.
TEST_FRACTION = 0.2
# One split for every classifier seed, so test accuracies and real floors of different seeds
# and image sizes are measured on the same held-out digits.
SPLIT_SEED = 0
FEATURE_DIM = 64
DEFAULT_EPOCHS = 15
_BATCH_SIZE = 64

_CLASSIFIERS = {}
_SPLITS = {}


def digits_split(image_size=16, channels=1):
    """The fixed stratified 80/20 train / held-out split of the real digits at one image size.

    The images are exactly those `keras_gans.data.digits` yields (same scaling and resize), in
    a split that does not depend on any seed (`SPLIT_SEED`), so every classifier is tested on
    the same 360 digits.

    Args:
        image_size: side of the images in pixels; 4 to 7 times a power of two, >= 8.
        channels: 1, or 3 for the gray level repeated into RGB.

    Returns:
        `((train_images, train_labels), (test_images, test_labels))`: float32 arrays
        `(N, image_size, image_size, channels)` in [-1, 1] and int32 labels 0..9, with 1437
        and 360 digits. The arrays are cached: copy them before writing into them.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = digits_split(image_size=16)
    >>> x_train.shape, x_test.shape, y_test.dtype
    ((1437, 16, 16, 1), (360, 16, 16, 1), dtype('int32'))
    """
    key = image_size, channels = validation.image_size(image_size), validation.channels(channels)
    if key not in _SPLITS:
        from sklearn.model_selection import train_test_split

        dataset = digits(
            image_size=image_size, batch_size=NUM_DIGITS, channels=channels, shuffle=False,
            with_labels=True, drop_remainder=False,
        )
        ((images, labels),) = [(x.numpy(), y.numpy()) for x, y in dataset]
        x_train, x_test, y_train, y_test = train_test_split(
            images, labels, test_size=TEST_FRACTION, stratify=labels, random_state=SPLIT_SEED
        )
        _SPLITS[key] = ((x_train, y_train), (x_test, y_test))
    return _SPLITS[key]


class DigitsClassifier:
    """A small CNN that tells the ten digits apart, trained on the real digits' training split.

    3x3 ReLU convolutions (16 filters, then 32 at stride 2) halve the image down to at most
    4 x 4, then a dense layer of `FEATURE_DIM` ReLU units (the feature embedding) feeds the
    10-way softmax. It works at the generator's own image size and channels, so generated
    images are judged as they come out, artefacts included. No augmentation: shifted or
    rotated digits should move the features, as they would move a generator's samples away
    from the data. Build it with `train_digits_classifier`, which caches it.

    Attributes:
        image_size, channels, seed, epochs: how it was trained.
        model: the Keras model, images -> logits.
        test_accuracy: accuracy on the 360 held-out digits of `digits_split`.
        real_floor: Frechet distance between the held-out and the training digits' features:
            what a generator of fresh real digits would score against the training split
            (with 360 samples; see `frechet_distance_digits`).
        train_statistics: the `FeatureStatistics` (mean and covariance) of the training
            digits' features, the reference of `evaluate_digits`.
        train_seconds: wall time of the training.

    Args:
        image_size: side of the images in pixels; 4 to 7 times a power of two, >= 8.
        channels: 1 or 3.
        seed: seed of the weight initialisation, dropout and batch order.
        epochs: passes over the 1437 training digits.

    Example:
    >>> classifier = train_digits_classifier(image_size=16)
    >>> classifier.test_accuracy >= 0.95
    True
    >>> (_, _), (x_test, y_test) = digits_split(image_size=16)
    >>> classifier.features(x_test[:5]).shape, classifier.predict(x_test[:5]).shape
    ((5, 64), (5,))
    """

    def __init__(self, image_size=16, channels=1, seed=0, epochs=DEFAULT_EPOCHS):
        self.image_size = image_size = validation.image_size(image_size)
        self.channels = channels = validation.channels(channels)
        self.seed = validation.non_negative_int("seed", seed)
        self.epochs = validation.positive_int("epochs", epochs)
        self.model = _build_model(image_size, channels, self.seed)
        features = self.model.get_layer("features").output
        self._both = keras.Model(self.model.inputs, [features, self.model.outputs[0]])
        # One traced graph for every batch size: eager calls cost more than these tiny nets.
        spec = tf.TensorSpec((None, image_size, image_size, channels), tf.float32)
        self._forward = tf.function(lambda x: self._both(x, training=False), input_signature=[spec])

        start = time.perf_counter()
        (x_train, y_train), (x_test, y_test) = digits_split(image_size, channels)
        self._fit(x_train, y_train)
        self.train_seconds = time.perf_counter() - start
        train_features, _ = self._run(x_train)
        test_features, test_logits = self._run(x_test)
        self.test_accuracy = float(np.mean(test_logits.argmax(-1) == y_test))
        # Held-out digits in the place of generated ones, against the training split.
        # Kept so that every Frechet distance against the training split reuses its statistics.
        self.train_statistics = FeatureStatistics().update(train_features)
        self.real_floor = frechet_distance_from_features(self.train_statistics, test_features)

    def _fit(self, x_train, y_train):
        # Batches of 64, Adam with a cosine decay from 2e-3 to 0 over 15 epochs: 0.975-0.981
        # held-out accuracy measured over seeds 0-3 and 8 to 64 px (plain 1e-3: 0.96-0.97).
        steps = self.epochs * math.ceil(len(x_train) / _BATCH_SIZE)
        self.model.compile(
            optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        # The batch order comes from numpy's seeded generator: fit(shuffle=True) and a seeded
        # tf.data shuffle both mix in TensorFlow's global seed, which tests and users reset.
        rng = np.random.default_rng(self.seed)
        for _ in range(self.epochs):
            order = rng.permutation(len(x_train))
            self.model.fit(
                x_train[order], y_train[order], batch_size=_BATCH_SIZE, epochs=1, shuffle=False, verbose=0
            )

    def check_images(self, images):
        """`images` as a float32 array, or a ValueError naming the bad shape or range."""
        return _check_images(images, self.image_size, self.channels)

    def features(self, images, batch_size=256):
        """The penultimate layer's ReLU activations, float32 `(N, FEATURE_DIM)`."""
        return self._run(self.check_images(images), batch_size)[0]

    def predict(self, images, batch_size=256):
        """The most likely digit of each image, int `(N,)`."""
        return self._run(self.check_images(images), batch_size)[1].argmax(-1).astype("int32")

    def _run(self, array, batch_size=256):
        if len(array) == 0:
            return np.zeros((0, FEATURE_DIM), "float32"), np.zeros((0, NUM_CLASSES), "float32")
        outputs = [self._forward(tf.constant(array[i : i + batch_size])) for i in range(0, len(array), batch_size)]
        features = np.concatenate([f.numpy() for f, _ in outputs])
        logits = np.concatenate([l.numpy() for _, l in outputs])
        return features, logits

    def __repr__(self):
        return (
            f"DigitsClassifier(image_size={self.image_size}, channels={self.channels}, seed={self.seed}, "
            f"epochs={self.epochs}, test_accuracy={self.test_accuracy:.4f}, real_floor={self.real_floor:.3f})"
        )


def _check_images(images, image_size, channels):
    array = np.asarray(images, dtype="float32")
    expected = (image_size, image_size, channels)
    if array.ndim != 4 or array.shape[1:] != expected:
        raise ValueError(
            f"images must have shape (N, {', '.join(map(str, expected))}) for this classifier, got {array.shape}"
        )
    if array.size:
        low, high = float(array.min()), float(array.max())
        # A little slack for rounding; [0, 1] or [0, 255] images would be misread silently.
        if not (np.isfinite(low) and np.isfinite(high)) or low < -1.001 or high > 1.001:
            raise ValueError(f"images must be finite and scaled to [-1, 1], got values in [{low}, {high}]")
    return array


def _build_model(image_size, channels, seed):
    # Seeded initialisers make the classifier a function of `seed` alone, not of whatever the
    # global Keras seed happens to be when the first metric asks for it.
    initializers = iter(range(seed * 100, seed * 100 + 100))

    def conv(filters, strides):
        return keras.layers.Conv2D(
            filters, 3, strides=strides, padding="same", activation="relu",
            kernel_initializer=keras.initializers.HeUniform(seed=next(initializers)),
        )

    inputs = keras.Input((image_size, image_size, channels))
    x, size = inputs, image_size
    # Above 16 px the digits carry no finer detail (they are 8x8 upsampled): stride-2 layers
    # still read every generated pixel, at a quarter of the cost of full-size feature maps.
    while size > 16:
        x, size = conv(16, 2)(x), math.ceil(size / 2)
    x = conv(16, 1)(x)
    while size > 4:
        x, size = conv(32, 2)(x), math.ceil(size / 2)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(
        FEATURE_DIM, activation="relu", name="features",
        kernel_initializer=keras.initializers.HeUniform(seed=next(initializers)),
    )(x)
    x = keras.layers.Dropout(0.3, seed=seed)(x)
    logits = keras.layers.Dense(
        NUM_CLASSES, kernel_initializer=keras.initializers.GlorotUniform(seed=next(initializers))
    )(x)
    return keras.Model(inputs, logits, name=f"digits_classifier_{image_size}px")


def train_digits_classifier(image_size=16, channels=1, seed=0, epochs=DEFAULT_EPOCHS):
    """The `DigitsClassifier` for this image size, channels and seed, trained once per process.

    The first call trains it (a few seconds on a CPU at 16 px); later calls with the same
    arguments return the same object, so tests, benchmarks and repeated evaluations share it.

    Args:
        image_size: side of the generator's images; 4 to 7 times a power of two, >= 8.
        channels: 1 or 3.
        seed: seed of the weight initialisation, dropout and batch order (not of the split).
        epochs: passes over the training split.

    Returns:
        A trained `DigitsClassifier`.

    Example:
    >>> train_digits_classifier(image_size=16) is train_digits_classifier(image_size=16)
    True
    """
    key = (image_size, channels, seed, epochs)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = DigitsClassifier(image_size, channels, seed, epochs)
    return _CLASSIFIERS[key]


def coverage_from_predictions(predictions, min_fraction=0.01):
    """Class coverage and balance of predicted digit classes.

    A class counts as covered when at least `k = max(1, ceil(min_fraction * N))` of the N
    predictions fall in it, so a stray misclassification does not count as a mode (with the
    default 1% and 1000 samples, k = 10; a uniform generator puts ~100 in each class).

    Args:
        predictions: int class ids 0..9, shape `(N,)`, N >= 1.
        min_fraction: share of the predictions a class needs to count as covered, in [0, 1).

    Returns:
        A dict: `coverage` (covered classes / 10), `classes_covered`, `min_count` (k),
        `histogram` (count per class, a list of 10 ints), `entropy` of the class frequencies
        p in nats (-sum p log p; log 10 = 2.303 when uniform) and `kl_to_uniform`
        (KL(p || U) = log 10 - entropy, 0 when uniform).

    Example:
    >>> stats = coverage_from_predictions([0] * 50 + [1] * 49 + [2], min_fraction=0.05)
    >>> stats["coverage"], stats["min_count"], stats["histogram"][:3]  # one 2 is no mode
    (0.2, 5, [50, 49, 1])
    >>> round(coverage_from_predictions(list(range(10)) * 5)["kl_to_uniform"], 6)
    0.0
    """
    min_fraction = validation.number("min_fraction", min_fraction, low=0, high=1, high_open=True)
    predictions = np.asarray(predictions)
    if predictions.ndim != 1 or predictions.size == 0 or not np.issubdtype(predictions.dtype, np.integer):
        raise ValueError(
            f"predictions must be a non-empty 1-D array of ints, got shape {predictions.shape}, "
            f"dtype {predictions.dtype}"
        )
    bad = predictions[(predictions < 0) | (predictions >= NUM_CLASSES)]
    if bad.size:
        raise ValueError(f"predictions must lie in [0, {NUM_CLASSES}), got {sorted(set(bad.tolist()))[:5]}")
    counts = np.bincount(predictions, minlength=NUM_CLASSES)
    min_count = max(1, math.ceil(min_fraction * len(predictions)))
    covered = int(np.sum(counts >= min_count))
    p = counts / counts.sum()
    nonzero = p[p > 0]
    # H(p) = -sum_c p_c log p_c (0 log 0 = 0); KL(p || U) = sum_c p_c log(p_c / (1/10)) = log 10 - H(p)
    entropy = float(-np.sum(nonzero * np.log(nonzero)))
    return {
        "coverage": covered / NUM_CLASSES,
        "classes_covered": covered,
        "min_count": min_count,
        "histogram": counts.tolist(),
        "entropy": entropy,
        "kl_to_uniform": max(math.log(NUM_CLASSES) - entropy, 0.0),
    }


def class_coverage(images, classifier, min_fraction=0.01):
    """How many of the ten digits a set of images covers, and how evenly (mode collapse).

    Args:
        images: float `(N, image_size, image_size, channels)` in [-1, 1], N >= 1.
        classifier: a `DigitsClassifier` of the images' size and channels.
        min_fraction: share of the images a class needs to count as covered (default 1%).

    Returns:
        The dict of `coverage_from_predictions` for the classifier's predictions.

    Example:
    >>> classifier = train_digits_classifier(image_size=16)
    >>> (_, _), (x_test, y_test) = digits_split(image_size=16)
    >>> class_coverage(x_test[y_test < 3], classifier)["classes_covered"]
    3
    """
    return coverage_from_predictions(classifier.predict(images), min_fraction=min_fraction)


def frechet_distance_digits(real_images, fake_images, classifier):
    """Frechet distance between two image sets in the classifier's feature space (FID's formula).

    d^2 = ||mu_r - mu_f||^2 + Tr(S_r + S_f - 2 (S_r S_f)^(1/2)) between Gaussians fitted to the
    `FEATURE_DIM`-dimensional features of each set (`keras_gans.metrics.fid.frechet_distance`,
    clipped at 0). Like FID it is biased upwards at small N:
    compare values computed with similar sample sizes, and against `classifier.real_floor`
    (360 unseen real digits against the 1437 training digits), below which a generator is closer
    to the training digits than fresh real digits are.

    Args:
        real_images: float `(N, image_size, image_size, channels)` in [-1, 1], N >= 2.
        fake_images: float `(M, image_size, image_size, channels)` in [-1, 1], M >= 2.
        classifier: a `DigitsClassifier` of the images' size and channels.

    Returns:
        The distance, a float >= 0 (squared units of the features, like FID).

    Example:
    >>> classifier = train_digits_classifier(image_size=16)
    >>> (x_train, _), (x_test, _) = digits_split(image_size=16)
    >>> frechet_distance_digits(x_test, x_test, classifier) < 1e-6
    True
    >>> abs(frechet_distance_digits(x_train, x_test, classifier) - classifier.real_floor) < 1e-6
    True
    """
    for role, images in (("real_images", real_images), ("fake_images", fake_images)):
        count = len(images)
        if count < 2:
            raise ValueError(f"{role} must hold >= 2 images for a covariance, got {count}")
    return frechet_distance_from_features(classifier.features(real_images), classifier.features(fake_images))


def _check_conditional(model):
    num_classes = getattr(model, "num_classes", None)
    if num_classes != NUM_CLASSES:
        raise ValueError(
            f"label accuracy needs a conditional model of the {NUM_CLASSES} digits, "
            f"got {type(model).__name__} with num_classes={num_classes!r}"
        )


def _latents(model, count, seed):
    # numpy's seeded generator: the same model and seed always get the same latents. A model's
    # own `draw_inputs` (the same N(0, I) draw for BaseGAN) knows its prior, e.g. BEGAN's U[-1, 1].
    if hasattr(model, "draw_inputs"):
        return model.draw_inputs(count, seed)
    return np.random.default_rng(seed).standard_normal((count, model.latent_dim)).astype("float32")


def _accuracy_by_label(predicted, labels):
    per_class = [float(np.mean(predicted[labels == c] == c)) if np.any(labels == c) else float("nan")
                 for c in range(NUM_CLASSES)]
    return {"label_accuracy": float(np.mean(predicted == labels)), "per_class_accuracy": per_class}


def label_accuracy(model, classifier, num_per_class=100, seed=0):
    """How often a conditional generator's image is classified as the digit it was asked for.

    Generates `num_per_class` images of each digit 0..9 from seeded latents and classifies them.
    A generator of real digits scores about `classifier.test_accuracy`; one that ignores its
    labels scores about 0.1.

    Args:
        model: a conditional model with `num_classes == 10`, `latent_dim` and
            `generate(z, labels)` (any `keras_gans` conditional variant).
        classifier: a `DigitsClassifier` of the generator's image size and channels.
        num_per_class: images per digit, >= 1.
        seed: seed of the latents.

    Returns:
        A dict: `label_accuracy` (over all images) and `per_class_accuracy` (a list of 10).

    Raises:
        ValueError: if the model is not conditional on 10 classes or `num_per_class` < 1.

    Example:
    >>> class RealDigits:  # a stand-in generator that returns a held-out digit of each label
    ...     num_classes, latent_dim = 10, 2
    ...     def generate(self, z, labels=None):
    ...         (_, _), (x, y) = digits_split(image_size=16)
    ...         return np.stack([x[y == label][i % 30] for i, label in enumerate(labels)])
    >>> result = label_accuracy(RealDigits(), train_digits_classifier(image_size=16), num_per_class=30)
    >>> result["label_accuracy"] > 0.9, len(result["per_class_accuracy"])
    (True, 10)
    """
    _check_conditional(model)
    num_per_class = validation.positive_int("num_per_class", num_per_class)
    labels = np.repeat(np.arange(NUM_CLASSES, dtype="int32"), num_per_class)
    images = model.generate(_latents(model, len(labels), seed), labels=labels)
    return _accuracy_by_label(classifier.predict(images), labels)


def evaluate_digits(model, image_size=None, channels=None, num_samples=1000, seed=0, min_fraction=0.01):
    """Every digits metric of a generator, as one flat dict (for `keras-gans evaluate` and benchmarks).

    Draws `num_samples` images from seeded latents (a conditional model gets the labels
    0, 1, ..., 9, 0, 1, ... in turn, so the classes are balanced) and compares them with the
    training split of the real digits through `train_digits_classifier(image_size, channels)`.

    Args:
        model: a `keras_gans` model (or anything with `latent_dim`, `num_classes` and
            `generate(z, labels=None)`) that makes digits-like images in [-1, 1].
        image_size: side of the generated images; None reads it off `model.generator`.
        channels: 1 or 3; None reads it off `model.generator`.
        num_samples: images to generate, >= 2 (1000 or more for stable Frechet distances).
        seed: seed of the latents (the classifier always uses seed 0).
        min_fraction: share of the samples a class needs to count as covered.

    Returns:
        A dict with `image_size`, `channels`, `num_samples`, `classifier_accuracy` (the
        classifier's held-out accuracy), the keys of `coverage_from_predictions`,
        `frechet_distance` (samples against the training split), `real_floor` (held-out
        against the training split), and `label_accuracy` and `per_class_accuracy` (None for
        an unconditional model; nan for a digit that got no sample when `num_samples` < 10).

    Raises:
        ValueError: if `num_samples` < 2, or the images do not have the shape of
            `image_size` and `channels` or lie outside [-1, 1].

    Example:
    >>> from keras_gans.models import DCGAN
    >>> from keras_gans.networks import build_critic, build_generator
    >>> model = DCGAN(build_generator(16, 1, latent_dim=8, width=4), build_critic(16, 1, width=4))
    >>> result = evaluate_digits(model, num_samples=100)
    >>> result["image_size"], result["label_accuracy"], result["frechet_distance"] > result["real_floor"]
    (16, None, True)
    """
    num_samples = validation.positive_int("num_samples", num_samples, minimum=2)
    if image_size is None or channels is None:
        shape = _output_shape(model)
        image_size = shape[0] if image_size is None else image_size
        channels = shape[-1] if channels is None else channels
    conditional = getattr(model, "num_classes", None) is not None
    if conditional:
        _check_conditional(model)
    labels = np.arange(num_samples, dtype="int32") % NUM_CLASSES if conditional else None
    images = model.generate(_latents(model, num_samples, seed), labels=labels)
    # Checked before the classifier is trained: a wrong size fails at once, not after training.
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    images = _check_images(images, image_size, channels)
    classifier = train_digits_classifier(image_size, channels)
    features, logits = classifier._run(images)
    predicted = logits.argmax(-1).astype("int32")
    result = {
        "image_size": image_size,
        "channels": channels,
        "num_samples": num_samples,
        "classifier_accuracy": classifier.test_accuracy,
    }
    result.update(coverage_from_predictions(predicted, min_fraction=min_fraction))
    result["frechet_distance"] = frechet_distance_from_features(classifier.train_statistics, features)
    result["real_floor"] = classifier.real_floor
    result.update(
        _accuracy_by_label(predicted, labels) if conditional
        else {"label_accuracy": None, "per_class_accuracy": None}
    )
    return result


def _output_shape(model):
    # A model's sampler: its generator, or the chain that makes its final images (LAPGAN, StackGAN).
    generator = getattr(model, "sampling_generator", getattr(model, "generator", None))
    shape = tuple(generator.outputs[0].shape[1:]) if getattr(generator, "outputs", None) else ()
    if len(shape) != 3 or shape[0] != shape[1] or None in shape:
        raise ValueError(
            f"cannot read the image size off {type(model).__name__}'s generator (output shape {shape}); "
            "pass image_size and channels"
        )
    return shape

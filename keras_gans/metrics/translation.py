"""Translation metrics on the digit domains: does a translation land in the target domain, keep its
digit, and come back on a round trip?

The digit domains (`keras_gans.data.digit_domains`) are made by known, invertible colour
transforms of the same digits, so what a translator should produce is known exactly: an image
of the target domain (judged by a domain classifier trained on real images of every domain)
showing the same digit (judged by the digits classifier after the target domain's inverse
transform maps the translation back to a gray digit). The metrics take any function
`translate(images, target_domain) -> images`, so CycleGAN (two domains) and StarGAN (any number)
are measured alike.
"""

import itertools
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import _validation as validation
from keras_gans.data.domains import DEFAULT_DIGIT_DOMAINS, digit_domain, digit_domain_images, digit_domains_channels
from keras_gans.metrics.digits import train_digits_classifier

DOMAIN_CLASSIFIER_EPOCHS = 2
_BATCH_SIZE = 128
_CLASSIFIERS = {}


class DomainClassifier:
    """A small CNN telling the digit domains apart, trained on real images of each (the train split).

    Every training digit is shown in every domain, labelled by the domain's index, so the
    classifier learns the domains' colours and polarity, not which digits each holds.

    Attributes:
        domains: the domain names, in label order.
        model: images -> logits over the domains.
        test_accuracy: accuracy on the 360 held-out digits shown in every domain.

    Example:
    >>> classifier = train_domain_classifier(image_size=16)
    >>> classifier.domains, classifier.test_accuracy > 0.99
    (('white-on-black', 'black-on-white'), True)
    """

    def __init__(self, domains=DEFAULT_DIGIT_DOMAINS, image_size=16, channels=None, seed=0,
                 epochs=DOMAIN_CLASSIFIER_EPOCHS):
        self.domains = tuple(digit_domain(d).name for d in domains)
        self.image_size = validation.image_size(image_size)
        self.channels = digit_domains_channels(self.domains) if channels is None else validation.channels(channels)
        seed = validation.non_negative_int("seed", seed)
        self.model = _build_model(self.image_size, self.channels, len(self.domains), seed)
        x_train, y_train = self._real("train")
        self.model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        rng = np.random.default_rng(seed)  # numpy's seeded order, as DigitsClassifier does
        for _ in range(validation.positive_int("epochs", epochs)):
            order = rng.permutation(len(x_train))
            self.model.fit(x_train[order], y_train[order], batch_size=_BATCH_SIZE, epochs=1, shuffle=False, verbose=0)
        x_test, y_test = self._real("test")
        self.test_accuracy = float(np.mean(self.predict(x_test) == y_test))

    def _real(self, split):
        parts = [digit_domain_images(d, self.image_size, self.channels, split)[0] for d in self.domains]
        labels = np.concatenate([np.full(len(p), k, "int32") for k, p in enumerate(parts)])
        return np.concatenate(parts), labels

    def predict(self, images, batch_size=256):
        """The most likely domain index of each image, int32 (N,)."""
        images = np.asarray(images, "float32")
        logits = [self.model(tf.constant(images[i : i + batch_size]), training=False) for i in range(0, len(images), batch_size)]
        return np.concatenate([np.asarray(l) for l in logits]).argmax(-1).astype("int32")


def _build_model(image_size, channels, num_domains, seed):
    init = iter(range(seed * 100, seed * 100 + 10))
    inputs = keras.Input((image_size, image_size, channels))
    x = inputs
    for filters in (8, 16):
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu",
                                kernel_initializer=keras.initializers.HeUniform(seed=next(init)))(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    logits = keras.layers.Dense(num_domains, kernel_initializer=keras.initializers.GlorotUniform(seed=next(init)))(x)
    return keras.Model(inputs, logits, name="domain_classifier")


def train_domain_classifier(domains=DEFAULT_DIGIT_DOMAINS, image_size=16, channels=None, seed=0):
    """The `DomainClassifier` for these domains, image size and channels, trained once per process."""
    key = (tuple(digit_domain(d).name for d in domains), image_size, channels, seed)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = DomainClassifier(*key)
    return _CLASSIFIERS[key]


def evaluate_translation(translate, domains=DEFAULT_DIGIT_DOMAINS, image_size=16, channels=None, num_images=None,
                         seed=0):
    """Domain accuracy, content accuracy and cycle error of a translator on the held-out digits.

    For every ordered pair of domains (s, t), the 360 held-out digits shown in domain s are
    translated to t, then back to s:

    1. domain accuracy: the fraction of translations the `DomainClassifier` assigns to t;
    2. content accuracy: the fraction whose digit the digits classifier
       (`keras_gans.metrics.digits`) reads correctly after t's inverse transform maps the
       translation back to a gray digit;
    3. cycle error: mean |translate(translate(x, t), s) - x| over pixels (images in
       [-1, 1], so 0 is perfect and 2 the worst).

    Args:
        translate: a function `(images, target domain index) -> images`, numpy float32 in
            [-1, 1] of the domains' shape; e.g. for CycleGAN `model.translate_to`.
        domains: the domain names, in the index order `translate` uses.
        image_size: side of the images.
        channels: None: 1 for gray domains, else 3.
        num_images: held-out digits per domain (None: all 360).
        seed: seed of the classifiers.

    Returns:
        `{"domain_accuracy", "content_accuracy", "cycle_error"}`: means over the ordered
        pairs; `"pairs"`: the same three per `"source->target"`; `"real_domain_accuracy"` and
        `"real_content_accuracy"`: the classifiers on real held-out images (the ceiling);
        `"seconds"`: the wall time of the translations.

    Example:
    >>> from keras_gans.data import DIGIT_DOMAINS
    >>> names = ("white-on-black", "black-on-white")
    >>> perfect = lambda x, t: DIGIT_DOMAINS[names[t]].apply(DIGIT_DOMAINS[names[1 - t]].invert(x))
    >>> scores = evaluate_translation(perfect, names, image_size=16)
    >>> scores["domain_accuracy"] > 0.99, scores["content_accuracy"] > 0.95, scores["cycle_error"] < 1e-5
    (True, True, True)
    """
    domains = tuple(digit_domain(d) for d in domains)
    names = tuple(d.name for d in domains)
    channels = digit_domains_channels(names) if channels is None else validation.channels(channels)
    num_images = validation.positive_int("num_images", num_images, allow_none=True)
    domain_classifier = train_domain_classifier(names, image_size, channels, seed)
    digits_classifier = train_digits_classifier(image_size, 1, seed)
    real = {}
    for d in domains:
        images, labels = digit_domain_images(d, image_size, channels, "test")
        real[d.name] = (images[:num_images], labels[:num_images])
    pairs, seconds = {}, 0.0
    for (s, source), (t, target) in itertools.permutations(enumerate(domains), 2):
        images, labels = real[source.name]
        start = time.perf_counter()
        translated = _checked(translate(images, t), images.shape, f"translate(images, {t})")
        reconstructed = _checked(translate(translated, s), images.shape, f"translate(translated, {s})")
        seconds += time.perf_counter() - start
        content = digits_classifier.predict(np.asarray(target.invert(translated)))
        pairs[f"{source.name}->{target.name}"] = {
            "domain_accuracy": float(np.mean(domain_classifier.predict(translated) == t)),
            "content_accuracy": float(np.mean(content == labels)),
            "cycle_error": float(np.mean(np.abs(reconstructed - images))),
        }
    means = {key: float(np.mean([p[key] for p in pairs.values()])) for key in next(iter(pairs.values()))}
    real_content = [
        np.mean(digits_classifier.predict(np.asarray(d.invert(real[d.name][0]))) == real[d.name][1]) for d in domains
    ]
    return {
        **means,
        "pairs": pairs,
        "real_domain_accuracy": domain_classifier.test_accuracy,
        "real_content_accuracy": float(np.mean(real_content)),
        "seconds": seconds,
    }


def _checked(images, shape, what):
    array = np.asarray(images, "float32")
    if array.shape != shape:
        raise ValueError(f"{what} returned shape {array.shape}, expected {shape}")
    return np.clip(array, -1.0, 1.0)

"""Digits metrics: a small classifier of the real digits and what it says about generated ones."""

import math

import numpy as np
import pytest

from keras_gans.metrics.digits import (
    FEATURE_DIM,
    class_coverage,
    coverage_from_predictions,
    digits_split,
    evaluate_digits,
    frechet_distance_digits,
    label_accuracy,
    train_digits_classifier,
)
from keras_gans.metrics.fid import frechet_distance
from keras_gans.models import DCGAN
from keras_gans.networks import build_critic, build_generator

SIZE = 16


@pytest.fixture(scope="module")
def classifier():
    return train_digits_classifier(image_size=SIZE)


@pytest.fixture(scope="module")
def split():
    return digits_split(image_size=SIZE)


class RealDigits:
    """A conditional "generator" that returns held-out real digits of the requested labels."""

    num_classes, latent_dim = 10, 4

    def __init__(self, split, fixed_class=None):
        (_, _), (self.images, self.labels) = split
        self.fixed_class = fixed_class

    def generate(self, z, labels=None):
        assert z.shape == (len(labels), self.latent_dim)
        wanted = np.full(len(labels), self.fixed_class) if self.fixed_class is not None else labels
        seen = np.zeros(10, int)
        out = []
        for label in wanted:
            pool = self.images[self.labels == label]
            out.append(pool[seen[label] % len(pool)])
            seen[label] += 1
        return np.stack(out)


# ----------------------------------------------------------------- classifier


def test_split_is_fixed_stratified_and_matches_the_dataset(split):
    (x_train, _), (x_test, y_test) = split
    assert x_train.shape == (1437, SIZE, SIZE, 1) and x_test.shape == (360, SIZE, SIZE, 1)
    assert x_train.dtype == np.float32 and x_train.min() == -1.0 and x_train.max() <= 1.0
    # Stratified: every class holds its share (sklearn's digits have 174..183 per class).
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 36) <= 1)
    (_, _), (_, y_test_32) = digits_split(image_size=32)
    np.testing.assert_array_equal(y_test_32, y_test)


def test_held_out_accuracy_is_at_least_095(classifier, split):
    (_, _), (x_test, y_test) = split
    assert classifier.test_accuracy >= 0.95
    assert np.mean(classifier.predict(x_test) == y_test) == pytest.approx(classifier.test_accuracy)
    # Trained once per process: benchmarks, tests and evaluate_digits share it.
    assert train_digits_classifier(image_size=SIZE) is classifier


def test_features_and_predictions(classifier, split):
    (_, _), (x_test, _) = split
    features = classifier.features(x_test[:7])
    predictions = classifier.predict(x_test[:7])
    assert features.shape == (7, FEATURE_DIM) and features.dtype == np.float32
    assert predictions.shape == (7,) and predictions.dtype == np.int32
    assert np.all((predictions >= 0) & (predictions < 10))
    # The batch size changes how the work is cut, not the answer.
    np.testing.assert_allclose(classifier.features(x_test[:7], batch_size=3), features, rtol=1e-5, atol=1e-5)


def test_classifier_refuses_images_it_cannot_read(classifier):
    with pytest.raises(ValueError, match=r"\(N, 16, 16, 1\).*got \(3, 32, 32, 1\)"):
        classifier.predict(np.zeros((3, 32, 32, 1), "float32"))
    with pytest.raises(ValueError, match=r"got \(16, 16, 1\)"):
        classifier.features(np.zeros((16, 16, 1), "float32"))
    with pytest.raises(ValueError, match=r"\[-1, 1\], got values in \[0.0, 255.0\]"):
        classifier.predict(np.concatenate([np.zeros((1, 16, 16, 1)), np.full((1, 16, 16, 1), 255.0)]))
    with pytest.raises(ValueError, match="channels must be 1 or 3, got 2"):
        train_digits_classifier(image_size=SIZE, channels=2)
    with pytest.raises(ValueError, match="got 30"):
        train_digits_classifier(image_size=30)
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        train_digits_classifier(image_size=SIZE, epochs=0)


# ------------------------------------------------------------------- coverage


def test_coverage_by_hand():
    # 90 zeros, 9 ones, 1 two; k = ceil(0.05 * 100) = 5, so the single two is no mode.
    stats = coverage_from_predictions(np.array([0] * 90 + [1] * 9 + [2]), min_fraction=0.05)
    assert stats["min_count"] == 5
    assert stats["classes_covered"] == 2 and stats["coverage"] == 0.2
    assert stats["histogram"] == [90, 9, 1, 0, 0, 0, 0, 0, 0, 0]
    entropy = -(0.9 * math.log(0.9) + 0.09 * math.log(0.09) + 0.01 * math.log(0.01))
    assert stats["entropy"] == pytest.approx(entropy)
    assert stats["kl_to_uniform"] == pytest.approx(math.log(10) - entropy)
    # The default 1% of 100 is k = 1: now the two counts.
    assert coverage_from_predictions(np.array([0] * 90 + [1] * 9 + [2]))["classes_covered"] == 3


def test_uniform_and_collapsed_extremes():
    uniform = coverage_from_predictions(np.arange(1000) % 10)
    assert uniform["coverage"] == 1.0 and uniform["min_count"] == 10
    assert uniform["entropy"] == pytest.approx(math.log(10)) and uniform["kl_to_uniform"] == pytest.approx(0.0)
    collapsed = coverage_from_predictions(np.full(50, 7))
    assert collapsed["coverage"] == 0.1 and collapsed["entropy"] == 0.0
    assert collapsed["kl_to_uniform"] == pytest.approx(math.log(10))


def test_coverage_refuses_bad_predictions():
    with pytest.raises(ValueError, match=r"got \[10, 12\]"):
        coverage_from_predictions(np.array([0, 10, 12]))
    with pytest.raises(ValueError, match="shape \\(0,\\)"):
        coverage_from_predictions(np.array([], "int64"))
    with pytest.raises(ValueError, match="dtype float"):
        coverage_from_predictions(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="min_fraction .* got 1.5"):
        coverage_from_predictions(np.array([0, 1]), min_fraction=1.5)


def test_class_coverage_of_real_digits_of_three_classes(classifier, split):
    (x_train, y_train), (x_test, _) = split
    three = x_train[np.isin(y_train, [1, 4, 7])]
    stats = class_coverage(three, classifier)
    assert stats["coverage"] == 0.3
    assert sum(stats["histogram"]) == len(three)
    assert stats["kl_to_uniform"] == pytest.approx(math.log(10) - math.log(3), abs=0.05)
    assert class_coverage(x_test, classifier)["coverage"] == 1.0


# ---------------------------------------------------------- Frechet distance


def test_frechet_distance_is_fids_formula_on_the_classifier_features(classifier, split):
    (x_train, _), (x_test, _) = split
    real, fake = classifier.features(x_train), classifier.features(x_test[:100])
    statistics = [(f.mean(0), np.cov(f, rowvar=False)) for f in (real, fake)]
    expected = frechet_distance(*statistics[0], *statistics[1])
    assert frechet_distance_digits(x_train, x_test[:100], classifier) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_of_real_digits(classifier, split):
    (x_train, y_train), (x_test, _) = split
    assert frechet_distance_digits(x_train, x_train, classifier) == pytest.approx(0.0, abs=1e-6)
    floor = classifier.real_floor
    assert floor > 0
    assert frechet_distance_digits(x_train, x_test, classifier) == pytest.approx(floor, rel=1e-6)
    # "Small" next to what a poor generator scores: only ones, or noise.
    ones = x_train[y_train == 1]
    noise = np.random.default_rng(0).uniform(-1, 1, (300, SIZE, SIZE, 1)).astype("float32")
    assert frechet_distance_digits(x_train, ones, classifier) > 10 * floor
    assert frechet_distance_digits(x_train, noise, classifier) > 10 * floor


def test_frechet_distance_needs_two_images_a_side(classifier, split):
    (x_train, _), _ = split
    with pytest.raises(ValueError, match="fake_images must hold >= 2 images .* got 1"):
        frechet_distance_digits(x_train, x_train[:1], classifier)
    with pytest.raises(ValueError, match="real_images must hold >= 2 images .* got 0"):
        frechet_distance_digits(x_train[:0], x_train, classifier)


# ------------------------------------------------------------- label accuracy


def test_label_accuracy_of_real_digits_is_the_classifier_accuracy(classifier, split):
    result = label_accuracy(RealDigits(split), classifier, num_per_class=35)
    assert result["label_accuracy"] == pytest.approx(classifier.test_accuracy, abs=0.02)
    assert len(result["per_class_accuracy"]) == 10 and min(result["per_class_accuracy"]) > 0.8


def test_label_accuracy_of_a_generator_that_ignores_its_labels(classifier, split):
    result = label_accuracy(RealDigits(split, fixed_class=3), classifier, num_per_class=20)
    assert result["label_accuracy"] == pytest.approx(0.1, abs=0.01)
    assert result["per_class_accuracy"][3] > 0.9
    assert max(result["per_class_accuracy"][:3] + result["per_class_accuracy"][4:]) < 0.1


def test_label_accuracy_refuses_what_it_cannot_measure(classifier, split):
    unconditional = RealDigits(split)
    unconditional.num_classes = None
    with pytest.raises(ValueError, match="num_classes=None"):
        label_accuracy(unconditional, classifier)
    with pytest.raises(ValueError, match="num_per_class must be an int >= 1, got 0"):
        label_accuracy(RealDigits(split), classifier, num_per_class=0)


# ------------------------------------------------------------------- evaluate


def test_evaluate_an_unconditional_model_reads_its_image_size(classifier):
    model = DCGAN(build_generator(SIZE, 1, latent_dim=8, width=4), build_critic(SIZE, 1, width=4))
    result = evaluate_digits(model, num_samples=50, seed=3)
    assert (result["image_size"], result["channels"], result["num_samples"]) == (SIZE, 1, 50)
    assert result["classifier_accuracy"] == classifier.test_accuracy
    assert result["real_floor"] == classifier.real_floor
    assert result["label_accuracy"] is None and result["per_class_accuracy"] is None
    assert sum(result["histogram"]) == 50 and result["min_count"] == 1
    # An untrained generator is far from the digits; the same seed gives the same numbers.
    assert result["frechet_distance"] > 10 * result["real_floor"]
    assert evaluate_digits(model, num_samples=50, seed=3) == result


def test_evaluate_a_conditional_model_of_real_digits(classifier, split):
    result = evaluate_digits(RealDigits(split), SIZE, 1, num_samples=300)
    assert result["coverage"] == 1.0
    assert result["label_accuracy"] == pytest.approx(classifier.test_accuracy, abs=0.03)
    # Held-out digits against the training split: the floor, up to sampling noise.
    assert result["frechet_distance"] < 2 * result["real_floor"]


def test_evaluate_refuses_bad_values(split):
    with pytest.raises(ValueError, match="num_samples must be an int >= 2, got 1"):
        evaluate_digits(RealDigits(split), SIZE, 1, num_samples=1)
    with pytest.raises(ValueError, match="pass image_size and channels"):
        evaluate_digits(RealDigits(split))
    with pytest.raises(ValueError, match=r"\(N, 32, 32, 1\).*got \(20, 16, 16, 1\)"):
        evaluate_digits(RealDigits(split), 32, 1, num_samples=20)


def test_classifier_weights_depend_on_its_seed_only():
    # The batch order comes from numpy's rng(seed); the initial weights must not read the global seed.
    import keras

    from keras_gans.metrics.digits import _build_model

    keras.utils.set_random_seed(1)
    first = _build_model(SIZE, 1, seed=5).get_weights()
    keras.utils.set_random_seed(2)
    second = _build_model(SIZE, 1, seed=5).get_weights()
    other = _build_model(SIZE, 1, seed=6).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], other[0])

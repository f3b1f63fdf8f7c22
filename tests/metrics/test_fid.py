import importlib

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.metrics.fid import (
    FeatureStatistics,
    extract_features,
    feature_batches,
    fid,
    frechet_distance,
    frechet_distance_from_features,
)

# The module itself: the package re-exports the function `fid` under the same name.
fid_module = importlib.import_module("keras_gans.metrics.fid")


def identity(x):
    return np.asarray(x, np.float64).reshape(len(x), -1)


class LinearGAN:
    """A stand-in GAN: generate(z, labels) = z W (+ label), recording each call."""

    latent_dim = 3

    def __init__(self, num_classes=None):
        self.num_classes = num_classes
        self.weights = np.random.default_rng(0).normal(size=(3, 4))
        self.calls = []

    def generate(self, z, labels=None):
        self.calls.append((len(z), None if labels is None else np.array(labels)))
        images = z @ self.weights
        return images if labels is None else images + labels[:, None]


def gaussian(rng, n, mean, std):
    return rng.normal(size=(n, len(mean))) * std + mean


# ------------------------------------------------------------- the distance


@pytest.mark.parametrize("d, m, s", [(1, 0.0, 1.0), (2, 1.0, 2.0), (4, 0.5, 0.25), (16, -3.0, 1.0)])
def test_closed_form_for_isotropic_gaussians(d, m, s):
    # N(0, I) vs N(m, s^2 I): ||m||^2 + d (1 - s)^2
    mean = np.full(d, m)
    expected = mean @ mean + d * (1 - s) ** 2
    assert frechet_distance(np.zeros(d), np.eye(d), mean, s**2 * np.eye(d)) == pytest.approx(expected, abs=1e-9)


def test_general_covariances_against_an_eigendecomposition():
    # Tr((S1 S2)^(1/2)) = Tr((S1^(1/2) S2 S1^(1/2))^(1/2)), a symmetric PSD root computed with eigh.
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    s1, s2 = a @ a.T, b @ b.T
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)

    def psd_sqrt(matrix):
        values, vectors = np.linalg.eigh(matrix)
        return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T

    root = psd_sqrt(s1)
    expected = np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(psd_sqrt(root @ s2 @ root))
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-9)


def test_one_dimension():
    # (m1 - m2)^2 + (s1 - s2)^2 for scalars given as such.
    assert frechet_distance(1.0, 4.0, -1.0, 9.0) == pytest.approx(4.0 + 1.0)


def test_singular_product_retries_with_the_eps_offset(monkeypatch):
    calls = []
    real_sqrtm = fid_module._sqrtm

    def first_not_finite(matrix):
        calls.append(matrix.copy())
        return np.full_like(matrix, np.nan) if len(calls) == 1 else real_sqrtm(matrix)

    monkeypatch.setattr(fid_module, "_sqrtm", first_not_finite)
    s1, s2 = np.diag([1.0, 0.0]), np.diag([0.0, 4.0])
    with pytest.warns(UserWarning, match="adding 0.001 to their diagonals"):
        value = frechet_distance(np.zeros(2), s1, np.zeros(2), s2, eps=1e-3)
    # The retry roots (S1 + eps I)(S2 + eps I), as the reference implementation does.
    np.testing.assert_allclose(calls[1], (s1 + 1e-3 * np.eye(2)) @ (s2 + 1e-3 * np.eye(2)))
    expected = 5.0 - 2 * (np.sqrt(1.001 * 0.001) + np.sqrt(0.001 * 4.001))
    assert value == pytest.approx(expected, rel=1e-9)


def test_small_imaginary_part_is_dropped_and_a_large_one_refused(monkeypatch):
    monkeypatch.setattr(fid_module, "_sqrtm", lambda m: np.eye(2) + 1e-9j)
    assert frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2)) == pytest.approx(0.0, abs=1e-12)
    monkeypatch.setattr(fid_module, "_sqrtm", lambda m: np.eye(2) + 0.5j)
    with pytest.raises(ValueError, match="imaginary diagonal components up to 0.5"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2))


def test_distance_argument_errors():
    with pytest.raises(ValueError, match="mismatched feature dims: the first statistics have 3, the second 2"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match=r"sigma2 \(dim, dim\), got \(2,\) and \(3, 3\)"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="mu1 and sigma1 must be finite"):
        frechet_distance(np.array([np.nan, 0.0]), np.eye(2), np.zeros(2), np.eye(2))


# ------------------------------------------------------ FID from features


def test_from_features_by_hand():
    # real: {0, 2} on a line, mean 1, unbiased variance 2; fake: {3, 5}, mean 4, variance 2.
    # d^2 = (1 - 4)^2 + 2 + 2 - 2 sqrt(2 * 2) = 9.
    real, fake = np.array([[0.0], [2.0]]), np.array([[3.0], [5.0]])
    assert frechet_distance_from_features(real, fake) == pytest.approx(9.0, abs=1e-12)
    # fake {3, 7}: mean 5, variance 8; d^2 = 16 + 2 + 8 - 2 sqrt(16) = 18.
    assert frechet_distance_from_features(real, np.array([[3.0], [7.0]])) == pytest.approx(18.0, abs=1e-12)


def test_from_features_takes_statistics_for_either_side():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(50, 4)), rng.normal(1.0, 2.0, size=(40, 4))
    expected = frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    statistics = FeatureStatistics().update(a[:20]).update(a[20:])
    assert frechet_distance_from_features(a, b) == pytest.approx(expected, rel=1e-9)
    assert frechet_distance_from_features(statistics, b) == pytest.approx(expected, rel=1e-9)
    assert frechet_distance_from_features(b, statistics) == pytest.approx(expected, rel=1e-9)


def test_from_features_is_never_negative():
    x = np.random.default_rng(7).normal(size=(30, 8))
    assert frechet_distance_from_features(x, x) == 0.0


def test_from_features_errors_name_the_side():
    with pytest.raises(ValueError, match="the real set gave 1 feature vectors; a covariance needs at least 2"):
        frechet_distance_from_features(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="the fake set gave 0 feature vectors"):
        frechet_distance_from_features(np.zeros((5, 3)), FeatureStatistics())
    with pytest.raises(ValueError, match="mismatched feature dims: real features have 3, fake 2"):
        frechet_distance_from_features(np.zeros((5, 3)), np.zeros((5, 2)))


# ---------------------------------------------------------- FID of samples


def test_fid_of_a_set_with_itself_is_zero():
    x = np.random.default_rng(2).normal(size=(300, 6))
    assert abs(fid(x, x, extractor=identity, batch_size=64)) < 1e-6


def test_fid_is_symmetric():
    rng = np.random.default_rng(3)
    a, b = gaussian(rng, 400, np.zeros(5), 1.0), gaussian(rng, 300, np.ones(5), 0.5) @ rng.normal(size=(5, 5))
    assert fid(a, b, extractor=identity) == pytest.approx(fid(b, a, extractor=identity), rel=1e-9)


def test_fid_of_large_samples_approaches_the_closed_form():
    rng = np.random.default_rng(4)
    d, m, s = 3, np.array([1.0, 0.5, 0.0]), 1.5
    a, b = gaussian(rng, 20000, np.zeros(d), 1.0), gaussian(rng, 20000, m, s)
    # ||m||^2 + d (1 - s)^2 = 1.25 + 0.75; the sampling error at n = 20000 is ~0.02.
    assert fid(a, b, extractor=identity, batch_size=4096) == pytest.approx(2.0, abs=0.08)


def test_streaming_statistics_equal_the_one_shot_numpy_ones():
    # A mean 1e6 times the spread: raw sums of outer products would lose every digit.
    x = np.random.default_rng(5).normal(size=(203, 6)) + 1e6
    stats = FeatureStatistics()
    for batch in np.array_split(x, [1, 50, 51, 130]):  # uneven, one of a single vector
        stats.update(batch)
    assert stats.count == 203 and stats.dim == 6
    np.testing.assert_allclose(stats.mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(stats.covariance, np.cov(x, rowvar=False), rtol=1e-8, atol=1e-10)


def test_fid_streamed_in_batches_equals_the_one_shot_computation():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(97, 4)), rng.normal(size=(83, 4)) * 2 + 1
    one_shot = frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    for batch_size in (1, 7, 500):
        assert fid(a, b, extractor=identity, batch_size=batch_size) == pytest.approx(one_shot, rel=1e-10)


def test_datasets_and_labelled_tuples_give_the_array_result():
    rng = np.random.default_rng(7)
    a, b = rng.uniform(-1, 1, (40, 2, 2, 1)), rng.uniform(-1, 1, (30, 2, 2, 1))
    labels = np.arange(40) % 3
    expected = fid(a, b, extractor=identity)
    dataset = tf.data.Dataset.from_tensor_slices((a, labels)).batch(6)
    assert fid(dataset, (b, labels[:30]), extractor=identity) == pytest.approx(expected, rel=1e-9)
    assert fid(a, tf.data.Dataset.from_tensor_slices(b).batch(7), extractor=identity) == pytest.approx(expected)


def test_num_samples_caps_arrays_and_infinite_datasets():
    x = np.arange(40.0).reshape(20, 2)
    assert extract_features(x, identity, batch_size=3, num_samples=8).shape == (8, 2)
    assert extract_features(x, identity, num_samples=100).shape == (20, 2)  # "at most"
    endless = tf.data.Dataset.from_tensor_slices(x).batch(6).repeat()
    features = extract_features(endless, identity, num_samples=25)
    np.testing.assert_array_equal(features, np.concatenate([x, x[:5]]))
    with pytest.raises(ValueError, match="repeats forever; pass num_samples"):
        extract_features(endless, identity)


def test_a_gan_generates_num_samples_in_batches_from_seeded_latents():
    model = LinearGAN()
    features = extract_features(model, identity, batch_size=4, num_samples=10, seed=5)
    assert [n for n, _ in model.calls] == [4, 4, 2] and features.shape == (10, 4)
    # The latents depend on the seed, not on the batch size.
    np.testing.assert_allclose(
        extract_features(LinearGAN(), identity, batch_size=10, num_samples=10, seed=5), features, rtol=1e-6
    )
    assert not np.allclose(extract_features(LinearGAN(), identity, batch_size=10, num_samples=10, seed=6), features)
    with pytest.raises(ValueError, match="LinearGAN generates images: pass num_samples"):
        extract_features(model, identity)


def test_a_conditional_gan_gets_uniform_labels():
    model = LinearGAN(num_classes=3)
    extract_features(model, identity, batch_size=500, num_samples=3000)
    labels = np.concatenate([labels for _, labels in model.calls])
    counts = np.bincount(labels, minlength=3)
    assert labels.dtype == np.int32 and len(counts) == 3 and counts.min() > 900


def test_fid_of_a_gan_against_samples_of_its_distribution():
    # z W with z ~ N(0, I) is N(0, W^T W): samples drawn so are at FID ~ 0 from it.
    model = LinearGAN()
    samples = np.random.default_rng(8).normal(size=(20000, 3)) @ model.weights
    assert fid(samples, model, extractor=identity, num_samples=20000, batch_size=5000) < 0.01


def test_default_extractor_is_inception_built_once(monkeypatch):
    builds = []

    def fake_inception_features():
        builds.append(1)
        return identity

    fid_module._default_extractor.cache_clear()
    monkeypatch.setattr(fid_module, "inception_features", fake_inception_features)
    try:
        x = np.random.default_rng(9).normal(size=(20, 3))
        fid(x, x + 1)
        fid(x, x)
        assert len(builds) == 1
    finally:
        fid_module._default_extractor.cache_clear()


# ------------------------------------------------------------------ errors


def test_too_few_samples_for_a_covariance():
    x = np.zeros((5, 3))
    with pytest.raises(ValueError, match="the fake set gave 1 feature vectors; a covariance needs at least 2"):
        fid(x, x[:1], extractor=identity)
    with pytest.raises(ValueError, match="a covariance needs at least 2 feature vectors, got 1"):
        _ = FeatureStatistics().update(x[:1]).covariance
    with pytest.raises(ValueError, match="a mean needs at least 1 feature vector, got 0"):
        _ = FeatureStatistics().mean


def test_mismatched_feature_dims():
    with pytest.raises(ValueError, match="mismatched feature dims: real features have 3, fake 4"):
        fid(np.zeros((5, 3)), np.zeros((5, 4)), extractor=identity)
    with pytest.raises(ValueError, match="features have 4 dims, but earlier batches had 3"):
        FeatureStatistics().update(np.zeros((2, 3))).update(np.zeros((2, 4)))


def test_bad_sources_extractors_and_features():
    x = np.zeros((6, 2))
    with pytest.raises(TypeError, match="got dict"):
        fid({"images": x}, x, extractor=identity)
    with pytest.raises(TypeError, match="extractor must be a callable"):
        fid(x, x, extractor="inception")
    with pytest.raises(ValueError, match=r"mapped images of shape \(6, 2\) to \(12,\)"):
        fid(x, x, extractor=lambda images: images.ravel())
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        fid(x, x, extractor=identity, batch_size=0)
    with pytest.raises(ValueError, match="num_samples must be an int >= 1, got -1"):
        fid(x, x, extractor=identity, num_samples=-1)
    with pytest.raises(ValueError, match="2 non-finite values"):
        FeatureStatistics().update(np.array([[np.nan, 1.0], [np.inf, 0.0]]))
    with pytest.raises(ValueError, match="yielded no images"):
        extract_features(tf.data.Dataset.from_tensor_slices(np.zeros((0, 2))).batch(2), identity)


def test_feature_batches_is_lazy():
    # Nothing is generated before the first batch is asked for.
    model = LinearGAN()
    batches = feature_batches(model, identity, batch_size=2, num_samples=6)
    assert model.calls == []
    next(batches)
    assert len(model.calls) == 1

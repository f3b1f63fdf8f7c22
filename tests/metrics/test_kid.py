import importlib

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.metrics.kid import kid, kid_from_features, mmd2_unbiased, polynomial_kernel

# The module itself: the package re-exports the function `kid` under the same name.
kid_module = importlib.import_module("keras_gans.metrics.kid")


def flatten(x):
    return np.asarray(x).reshape(len(x), -1)


def direct_mmd2(x, y):
    """The unbiased estimator written out pair by pair, O(n^2) Python loops."""

    def k(a, b):
        return (np.dot(a, b) / len(a) + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kernel_by_hand():
    # d = 2: ((1*2 + 1*0) / 2 + 1)^3 = 8, (0 / 2 + 1)^3 = 1, ((1*3 + 1*1) / 2 + 1)^3 = 27
    x = np.array([[1.0, 1.0]])
    y = np.array([[2.0, 0.0], [0.0, 0.0], [3.0, 1.0]])
    np.testing.assert_allclose(polynomial_kernel(x, y), [[8.0, 1.0, 27.0]])


def test_estimator_equals_the_pairwise_sums():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(9, 5)), rng.normal(0.3, 1.2, size=(7, 5))
    assert mmd2_unbiased(x, y) == pytest.approx(direct_mmd2(x, y), rel=1e-12)


def test_kid_with_one_subset_of_everything_equals_the_direct_computation():
    rng = np.random.default_rng(1)
    real = rng.uniform(-1, 1, (12, 2, 2, 1)).astype("float32")
    fake = rng.uniform(-0.5, 1, (12, 2, 2, 1)).astype("float32")
    mean, std = kid(real, fake, extractor=flatten, num_subsets=1, subset_size=12)
    # One subset of all 12 is a permutation of each set, and the estimator ignores order.
    assert mean == pytest.approx(direct_mmd2(flatten(real).astype(float), flatten(fake).astype(float)), rel=1e-6)
    assert std == 0.0


def test_a_subset_is_drawn_without_replacement_from_each_set():
    rng = np.random.default_rng(8)
    real, fake = rng.normal(size=(12, 3)), rng.normal(size=(15, 3))
    mean, std = kid_from_features(real, fake, num_subsets=1, subset_size=12, seed=3)
    draw = np.random.default_rng(3)
    real_rows, fake_rows = draw.choice(12, 12, replace=False), draw.choice(15, 12, replace=False)
    assert len(set(fake_rows.tolist())) == 12
    assert mean == pytest.approx(direct_mmd2(real[real_rows], fake[fake_rows]), rel=1e-12) and std == 0.0


def test_whole_set_subsets_are_computed_once():
    rng = np.random.default_rng(9)
    real, fake = rng.normal(size=(30, 3)), rng.normal(size=(30, 3))
    assert kid_from_features(real, fake, num_subsets=100, subset_size=30) == (mmd2_unbiased(real, fake), 0.0)


def test_kid_of_a_set_with_itself_is_about_zero():
    # Real and fake subsets drawn from the same N vectors share some: a pair (x_i, y_j) is
    # one vector with probability 1/N, so E[KID] = (2/N)(K_off - K_diag) < 0 (the mean of
    # the kernel off and on the diagonal), a bias toward "better than perfect" that
    # vanishes as N grows. Two independent samples are unbiased (next test).
    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 8))
    k = polynomial_kernel(x, x)
    k_diag, k_off = np.mean(np.diag(k)), (k.sum() - np.trace(k)) / (400 * 399)
    same, std = kid_from_features(x, x, num_subsets=200, subset_size=100)
    assert same == pytest.approx(2 / 400 * (k_off - k_diag), abs=4 * std / np.sqrt(200))
    shifted, _ = kid_from_features(x, x + 0.5, num_subsets=20, subset_size=100)
    assert -0.1 < same < 0 and abs(same) < 0.05 * shifted


def test_unbiased_mean_zero_for_one_distribution_and_can_be_negative():
    # E[MMD^2_u] = 0 for two samples of one distribution, so single estimates fall on both
    # sides of 0; the biased (V-statistic) estimator, diagonals included, is never negative.
    rng = np.random.default_rng(3)
    estimates, biased = [], []
    for _ in range(300):
        x, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
        estimates.append(mmd2_unbiased(x, y))
        k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
        biased.append(k_xx.mean() + k_yy.mean() - 2 * k_xy.mean())
    estimates = np.array(estimates)
    assert (estimates < 0).sum() > 50
    assert abs(estimates.mean()) < 4 * estimates.std() / np.sqrt(len(estimates))
    assert min(biased) > -1e-9 and np.mean(biased) > 10 * abs(estimates.mean())


def test_subsets_are_reproducible_and_sized():
    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(60, 3)), rng.normal(0.2, 1, size=(50, 3))
    first = kid_from_features(real, fake, num_subsets=5, subset_size=30, seed=7)
    assert first == kid_from_features(real, fake, num_subsets=5, subset_size=30, seed=7)
    assert first != kid_from_features(real, fake, num_subsets=5, subset_size=30, seed=8)
    assert first[1] > 0


def test_subset_size_none_takes_the_reference_size_or_the_smaller_set(monkeypatch):
    rng = np.random.default_rng(10)
    real, fake = rng.normal(size=(60, 3)), rng.normal(size=(40, 3))
    # Fewer vectors than SUBSET_SIZE: all 40 of the smaller set, subsets of 40 drawn from the 60.
    assert kid_from_features(real, fake, num_subsets=4, subset_size=None, seed=2) == kid_from_features(
        real, fake, num_subsets=4, subset_size=40, seed=2)
    monkeypatch.setattr(kid_module, "SUBSET_SIZE", 25)
    assert kid_from_features(real, fake, num_subsets=4, subset_size=None, seed=2) == kid_from_features(
        real, fake, num_subsets=4, subset_size=25, seed=2)


def test_kid_streams_datasets_like_fid():
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(30, 2, 2, 1)), rng.normal(size=(30, 2, 2, 1)) + 0.5
    expected = kid(real, fake, extractor=flatten, num_subsets=3, subset_size=20, seed=1)
    dataset = tf.data.Dataset.from_tensor_slices((real, np.zeros(30, "int32"))).batch(7)
    assert kid(dataset, fake, extractor=flatten, num_subsets=3, subset_size=20, seed=1) == pytest.approx(expected)


def test_errors_name_the_numbers():
    rng = np.random.default_rng(6)
    real, fake = rng.normal(size=(60, 3)), rng.normal(size=(40, 3))
    with pytest.raises(ValueError, match="subset_size=50 is more than the 40 fake feature vectors"):
        kid_from_features(real, fake, subset_size=50)
    with pytest.raises(ValueError, match="subset_size=1000 is more than the 60 real feature vectors"):
        kid_from_features(real, fake)
    with pytest.raises(ValueError, match="subset_size must be an int >= 2"):
        kid_from_features(real, fake, subset_size=1)
    with pytest.raises(ValueError, match="num_subsets must be an int >= 1, got 0"):
        kid_from_features(real, fake, num_subsets=0, subset_size=10)
    with pytest.raises(ValueError, match="mismatched feature dims: real features have 3, fake 4"):
        kid_from_features(real, rng.normal(size=(40, 4)), subset_size=10)
    with pytest.raises(ValueError, match="fake features contain NaN or inf"):
        kid_from_features(real, np.full((40, 3), np.nan), subset_size=10)
    with pytest.raises(ValueError, match="y has 1"):
        mmd2_unbiased(real, fake[:1])

"""Gaussian and Laplacian pyramids: shapes per level, the blur's values, and the exact inverse."""

import numpy as np
import pytest

from keras_gans.pyramid import BINOMIAL_KERNEL, downsample, gaussian_pyramid, laplacian_pyramid, reconstruct, upsample


def images(count=2, size=16, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, size, size, channels)).astype("float32")


def test_the_kernel_is_the_binomial_outer_product():
    taps = np.array([1, 4, 6, 4, 1]) / 16
    np.testing.assert_allclose(BINOMIAL_KERNEL, np.outer(taps, taps))
    assert BINOMIAL_KERNEL.sum() == pytest.approx(1.0)
    assert BINOMIAL_KERNEL[2, 2] == pytest.approx(36 / 256)


@pytest.mark.parametrize("levels,size", [(1, 8), (2, 16), (3, 16), (4, 32)])
def test_reconstruction_inverts_the_pyramid_to_round_off(levels, size):
    x = images(size=size)
    pyramid = laplacian_pyramid(x, levels)
    assert [tuple(level.shape) for level in pyramid] == [
        (2, size // 2 ** (levels - 1 - k), size // 2 ** (levels - 1 - k), 3) for k in range(levels)]
    np.testing.assert_allclose(np.asarray(reconstruct(pyramid)), x, atol=1e-5)


def test_downsample_by_hand_and_constants_survive_both_ways():
    # A single bright pixel at (4, 4) of an 8x8 image: output pixel (2, 2) sits on it and
    # takes the kernel's centre, 36/256; output (1, 2) is two rows up, the kernel's row 0: 6/256.
    x = np.zeros((1, 8, 8, 1), "float32")
    x[0, 4, 4, 0] = 1.0
    out = np.asarray(downsample(x))[0, :, :, 0]
    assert out[2, 2] == pytest.approx(36 / 256) and out[1, 2] == pytest.approx(6 / 256)
    ones = np.ones((1, 8, 8, 2), "float32")
    np.testing.assert_allclose(np.asarray(downsample(ones)), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.asarray(upsample(ones)), 1.0, atol=1e-6)


def test_gaussian_levels_are_downsamples_and_residuals_their_detail():
    x = images()
    low = gaussian_pyramid(x, 3)
    np.testing.assert_allclose(np.asarray(low[1]), np.asarray(downsample(x)), atol=1e-6)
    pyramid = laplacian_pyramid(x, 3)
    np.testing.assert_allclose(np.asarray(pyramid[0]), np.asarray(low[0]), atol=1e-6)
    np.testing.assert_allclose(np.asarray(pyramid[2]), x - np.asarray(upsample(low[1])), atol=1e-6)


def test_bad_sizes_and_pyramids_are_refused():
    with pytest.raises(ValueError, match=r"3 pyramid levels need heights and widths that are multiples of 4"):
        laplacian_pyramid(images(size=10), 3)
    with pytest.raises(ValueError, match="levels must be an int >= 1, got 0"):
        laplacian_pyramid(images(), 0)
    with pytest.raises(ValueError, match=r"pyramid level 1 must have shape \(N, 16, 16, 3\)"):
        reconstruct([images(size=8), images(size=8)])

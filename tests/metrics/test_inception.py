"""The Inception extractor, built with random weights (weights=None) at its smallest input: no download."""

import numpy as np
import pytest

from keras_gans.metrics.inception import MIN_SIZE, inception_features, preprocess_images


@pytest.fixture(scope="module")
def extractor():
    return inception_features(weights=None, image_size=MIN_SIZE, batch_size=2)


def test_features_shape_and_dtype(extractor):
    rgb = np.random.default_rng(0).uniform(-1, 1, (5, 20, 12, 3)).astype("float32")
    features = extractor(rgb)
    assert features.shape == (5, 2048) and features.dtype == np.float32
    assert extractor.feature_dim == 2048 and extractor.model.input_shape == (None, MIN_SIZE, MIN_SIZE, 3)
    assert np.all(np.isfinite(features)) and np.all(features >= 0)  # average of ReLUs


def test_batches_do_not_change_features(extractor):
    images = np.random.default_rng(1).uniform(-1, 1, (5, 8, 8, 3)).astype("float32")
    chunked = extractor(images)  # batch_size 2: chunks of 2, 2, 1
    extractor.batch_size = 5
    try:
        whole = extractor(images)
    finally:
        extractor.batch_size = 2
    np.testing.assert_allclose(chunked, whole, rtol=1e-4, atol=1e-5)


def test_grayscale_equals_its_rgb_repetition(extractor):
    gray = np.random.default_rng(2).uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    np.testing.assert_allclose(extractor(gray), extractor(np.repeat(gray, 3, axis=-1)), rtol=1e-5, atol=1e-6)


def test_preprocessing_repeats_gray_and_resizes_bilinear_without_antialiasing():
    # Upsampling a row [-1, 1] by 2 with half-pixel centres: output centres at input
    # coordinates -0.25, 0.25, 0.75, 1.25 (clamped at the border).
    row = np.array([-1.0, 1.0], "float32").reshape(1, 1, 2, 1)
    x = preprocess_images(np.tile(row, (1, 2, 1, 1)), image_size=4).numpy()
    assert x.shape == (1, 4, 4, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x[0, 0, :, 0], [-1.0, -0.5, 0.5, 1.0])
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    # Downsampling [-1, -1/3, 1/3, 1] by 2 samples coordinates 0.5 and 2.5: -2/3 and 2/3.
    # An antialiasing (widened triangle) filter would give about -0.52 and 0.52.
    row = np.array([-1.0, -1 / 3, 1 / 3, 1.0], "float32").reshape(1, 1, 4, 1)
    x = preprocess_images(np.tile(row, (1, 4, 1, 3)), image_size=2).numpy()
    np.testing.assert_allclose(x[0, 0, :, 1], [-2 / 3, 2 / 3], rtol=1e-6)


def test_preprocessing_keeps_the_scale_and_skips_a_resize_to_the_same_size():
    images = np.random.default_rng(3).uniform(-1, 1, (2, 6, 6, 3)).astype("float32")
    np.testing.assert_array_equal(preprocess_images(images, image_size=6).numpy(), images)
    constant = np.full((1, 5, 7, 1), 0.25, "float32")
    np.testing.assert_allclose(preprocess_images(constant, image_size=9).numpy(), 0.25)


def test_bad_images_are_refused():
    with pytest.raises(ValueError, match=r"got values in \[0, 255\]; scale \[0, 255\] pixels"):
        preprocess_images(np.array([0.0, 255.0], "float32").reshape(1, 1, 2, 1))
    with pytest.raises(ValueError, match="got uint8 pixels"):
        preprocess_images(np.zeros((1, 4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match=r"\(N, H, W, 1 or 3\), got \(1, 4, 4, 2\)"):
        preprocess_images(np.zeros((1, 4, 4, 2), "float32"))
    with pytest.raises(ValueError, match=r"\(N, H, W, 1 or 3\), got \(4, 4, 3\)"):
        preprocess_images(np.zeros((4, 4, 3), "float32"))


def test_bad_builder_arguments_are_refused_before_building():
    with pytest.raises(ValueError, match="image_size must be an int >= 75, got 64"):
        inception_features(weights=None, image_size=64)
    with pytest.raises(ValueError, match="pooling must be one of 'avg', 'max'; got 'min'"):
        inception_features(weights=None, pooling="min")
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        inception_features(weights=None, batch_size=0)

"""digits: scikit-learn's real handwritten digits, upsampled and scaled to [-1, 1]."""

import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_digits

from keras_gans.data import digits

_SKLEARN = load_digits()


def test_images_shape_range_and_count():
    ds = digits(image_size=16, batch_size=100, seed=0)
    assert ds.element_spec.shape == (100, 16, 16, 1)
    assert int(ds.cardinality()) == 1797 // 100
    batches = [batch.numpy() for batch in ds]
    assert len(batches) == 17
    images = np.concatenate(batches)
    assert images.dtype == np.float32
    # Blank background is exactly -1 and full strokes reach 1.
    assert images.min() == -1.0 and images.max() <= 1.0 and images.max() > 0.99


def test_native_size_is_the_linear_rescale_of_the_pixels():
    ds = digits(image_size=8, batch_size=1797, shuffle=False, with_labels=True)
    ((images, labels),) = list(ds)
    np.testing.assert_allclose(images[..., 0], _SKLEARN.images / 8.0 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(labels, _SKLEARN.target)


def test_labels_travel_with_their_images():
    ds = digits(image_size=8, batch_size=64, with_labels=True, seed=1)
    images, labels = next(iter(ds))
    assert labels.dtype == "int32" and labels.shape == (64,)
    scaled = _SKLEARN.images / 8.0 - 1.0
    for image, label in zip(images.numpy(), labels.numpy()):
        index = np.flatnonzero((np.abs(scaled - image[..., 0]) < 1e-6).all((1, 2)))
        assert label in _SKLEARN.target[index]


def test_three_channels_repeat_the_gray_level():
    images = next(iter(digits(image_size=32, batch_size=8, channels=3))).numpy()
    assert images.shape == (8, 32, 32, 3)
    np.testing.assert_array_equal(images[..., 0], images[..., 2])


def test_keeping_the_last_partial_batch():
    ds = digits(image_size=8, batch_size=500, drop_remainder=False, shuffle=False)
    assert int(ds.cardinality()) == 4
    assert [len(batch) for batch in ds] == [500, 500, 500, 297]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(batch_size=2000), "1797 usable images.*2000"),
        (dict(batch_size=0), "got 0"),
        (dict(image_size=12 + 1), "13"),
        (dict(channels=2), "got 2"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        digits(**kwargs)


def test_numpy_integers_and_bools_are_told_apart():
    ds = digits(image_size=np.int64(8), batch_size=np.int64(500), channels=np.int32(3))
    assert ds.element_spec.shape == (500, 8, 8, 3)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got True"):
        digits(batch_size=True)


# ------------------------------------------------------------------ semi-supervised split


def _rows(images):
    return {np.asarray(image).tobytes() for image in images}


def test_semi_supervised_stream_labels_k_per_class_and_never_yields_the_held_out_digits():
    from keras_gans.data import digits_held_out, digits_labelled

    dataset = digits(image_size=8, batch_size=50, labels_per_class=3, seed=4)
    labelled_spec, labels_spec, unlabelled_spec = dataset.element_spec
    assert labelled_spec.shape == unlabelled_spec.shape == (50, 8, 8, 1) and labels_spec.dtype == tf.int32
    assert int(dataset.cardinality()) == (1797 - 450) // 50
    seen_labelled, seen_unlabelled = [], []
    for x_l, y_l, x_u in dataset:
        seen_labelled += list(zip(x_l.numpy(), y_l.numpy()))
        seen_unlabelled += list(x_u.numpy())
    held_images, held_labels = digits_held_out(image_size=8)
    assert held_images.shape == (450, 8, 8, 1) and np.bincount(held_labels).min() > 30
    labelled_images, labelled_labels = digits_labelled(3, image_size=8, seed=4)
    assert np.bincount(labelled_labels).tolist() == [3] * 10
    # The labelled pairs repeat: every one of the 30 comes back, and only they.
    assert _rows(x for x, _ in seen_labelled) == _rows(labelled_images)
    assert len(_rows(seen_unlabelled)) == len(seen_unlabelled) == 26 * 50  # one pass, no repeats
    assert not _rows(seen_unlabelled) & _rows(held_images)
    assert not _rows(labelled_images) & _rows(held_images)
    # The held-out split does not depend on the labelling seed; the labelled draw does.
    assert _rows(digits_held_out(image_size=8)[0]) == _rows(held_images)
    assert _rows(digits_labelled(3, image_size=8, seed=5)[0]) != _rows(labelled_images)


def test_semi_supervised_refuses_more_labels_than_a_class_has():
    with pytest.raises(ValueError, match=r"labels_per_class must be at most \d+ \(the training images of class \d\), got 500"):
        digits(image_size=8, batch_size=8, labels_per_class=500)

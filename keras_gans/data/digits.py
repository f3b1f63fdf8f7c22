"""Real handwritten digits that ship with scikit-learn: the dataset that needs no download."""

import numpy as np
import tensorflow as tf

from keras_gans import _validation
from keras_gans.data import _pipeline

# load_digits pixels count the set cells of a 4x4 block of the original 32x32 bitmap.
_MAX_PIXEL = 16.0


def digits(
    image_size=32,
    batch_size=64,
    channels=1,
    shuffle=True,
    seed=None,
    with_labels=False,
    drop_remainder=True,
    labels_per_class=None,
):
    """Batches of scikit-learn's 1797 handwritten digits, upsampled and scaled to [-1, 1].

    The UCI optical-recognition digits (`sklearn.datasets.load_digits`) are 8x8 images with values
    0..16, written by 43 people. They are mapped linearly to [-1, 1] (0 -> -1, 16 -> 1) and
    resized bilinearly to `image_size`, so a GAN can be trained on real pixels with no download.
    Labels 0..9 come with the images for conditional models.

    Args:
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch.
        channels: 1, or 3 to repeat the gray level into RGB.
        shuffle: reshuffle every epoch.
        seed: seed for the shuffle order.
        with_labels: yield `(images, labels)` with int32 labels of shape `(batch_size,)`.
        drop_remainder: drop the last partial batch, so the batch dimension is static.
        labels_per_class: K for semi-supervised learning (Triple-GAN): each element is then
            `(labelled images, labels, unlabelled images)`, `batch_size` of each. The labelled
            images are K per class drawn with `seed` (`digits_labelled`), repeated and
            reshuffled as long as needed; the unlabelled ones are every image outside the
            held-out split (`digits_held_out`, kept for scoring), the labelled ones included
            as in the Triple-GAN authors' code, and an epoch is one pass over them.
            `with_labels` is not consulted. None: the plain dataset above.

    Returns:
        A prefetched `tf.data.Dataset` of float32 `(batch_size, image_size, image_size, channels)`
        tensors in [-1, 1] (with labels if asked); `cardinality()` is the number of batches.

    Raises:
        ValueError: if an argument is invalid or `batch_size` exceeds 1797 with
            `drop_remainder`.

    Example:
    >>> ds = digits(image_size=16, batch_size=8, with_labels=True, seed=0)
    >>> images, labels = next(iter(ds))
    >>> images.shape, labels.dtype
    (TensorShape([8, 16, 16, 1]), tf.int32)
    >>> int(ds.cardinality())  # 1797 // 8
    224

    Reference:
        Alpaydin, Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
        Repository, 1998.
    """
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    batch_size = _validation.positive_int("batch_size", batch_size)
    images, labels = _load()
    if labels_per_class is not None:
        return _semi_supervised(images, labels, labels_per_class, image_size, batch_size, channels, shuffle, seed)
    _pipeline.check_enough(len(images), batch_size, drop_remainder, "digits")

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    def upsample(images, labels):
        # Resizing whole 8x8 batches after shuffling keeps memory at 1797 tiny images for any
        # image_size.
        images = _resize(images, image_size, channels)
        return (images, labels) if with_labels else images

    dataset = dataset.map(upsample, num_parallel_calls=tf.data.AUTOTUNE)
    return _pipeline.prefetch_batches(
        dataset, _pipeline.count_batches(len(images), batch_size, drop_remainder)
    )


def _load():
    """The 1797 8x8 images in [-1, 1] (N, 8, 8, 1) and their int32 labels."""
    from sklearn.datasets import load_digits  # only this dataset needs scikit-learn

    bunch = load_digits()
    return bunch.images.astype("float32")[..., None] * (2.0 / _MAX_PIXEL) - 1.0, bunch.target.astype("int32")


def _resize(images, image_size, channels):
    # Bilinear weights are convex, so values stay in [-1, 1] (up to rounding, clipped).
    images = tf.image.resize(images, (image_size, image_size), method="bilinear", antialias=True)
    images = tf.clip_by_value(images, -1.0, 1.0)
    return tf.repeat(images, 3, axis=-1) if channels == 3 else images


# ------------------------------------------------------------------ semi-supervised split

# The held-out split: HELD_OUT images drawn once with a fixed seed, the same for every run and
# labelling seed, so that classifiers trained with different seeds are scored on the same images.
HELD_OUT = 450
_SPLIT_SEED = 0


def _split_indices(labels, labels_per_class, seed):
    """`(held-out, train, labelled)` index arrays: labelled = K per class drawn from train with `seed`."""
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(labels))
    held_out, train = np.sort(order[:HELD_OUT]), np.sort(order[HELD_OUT:])
    rng = np.random.default_rng(seed)
    labelled = []
    for k in range(int(labels.max()) + 1):
        candidates = train[labels[train] == k]
        if labels_per_class > len(candidates):
            raise ValueError(
                f"labels_per_class must be at most {len(candidates)} (the training images of class {k}), "
                f"got {labels_per_class}"
            )
        labelled.append(rng.choice(candidates, labels_per_class, replace=False))
    return held_out, train, np.sort(np.concatenate(labelled))


def digits_held_out(image_size=32, channels=1):
    """The held-out digits kept for scoring semi-supervised classifiers: `(images, labels)` arrays.

    450 of the 1797 images, drawn once with a fixed seed; `digits(labels_per_class=K)` never
    yields them, labelled or not.

    Args:
        image_size: side of the images in pixels; 4 to 7 times a power of two, >= 8.
        channels: 1, or 3 to repeat the gray level into RGB.

    Returns:
        float32 images (450, image_size, image_size, channels) in [-1, 1] and int32 labels (450,).

    Example:
    >>> images, labels = digits_held_out(image_size=16)
    >>> images.shape, labels.shape
    ((450, 16, 16, 1), (450,))
    """
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    images, labels = _load()
    held_out, _, _ = _split_indices(labels, 1, 0)
    return _resize(images[held_out], image_size, channels).numpy(), labels[held_out]


def digits_labelled(labels_per_class, image_size=32, channels=1, seed=None):
    """The labelled images of `digits(labels_per_class=K, seed=seed)`: `(images, labels)` arrays.

    K images per class drawn with `seed` from the digits outside the held-out split: the
    same images the semi-supervised stream labels, for training a supervised baseline on
    them alone.

    Args:
        labels_per_class: K, an int >= 1.
        image_size: side of the images in pixels.
        channels: 1 or 3.
        seed: seed of the draw (None: seed 0, so that the labelled set is reproducible).

    Returns:
        float32 images (10 K, image_size, image_size, channels) and int32 labels (10 K,).

    Example:
    >>> images, labels = digits_labelled(3, image_size=8, seed=1)
    >>> images.shape, sorted(set(labels.tolist())) == list(range(10))
    ((30, 8, 8, 1), True)
    """
    labels_per_class = _validation.positive_int("labels_per_class", labels_per_class)
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    images, labels = _load()
    _, _, labelled = _split_indices(labels, labels_per_class, 0 if seed is None else seed)
    return _resize(images[labelled], image_size, channels).numpy(), labels[labelled]


def _semi_supervised(images, labels, labels_per_class, image_size, batch_size, channels, shuffle, seed):
    """`(labelled images, labels, unlabelled images)` batches: the labelled pairs repeat, the unlabelled pass once."""
    labels_per_class = _validation.positive_int("labels_per_class", labels_per_class)
    _, train, labelled = _split_indices(labels, labels_per_class, 0 if seed is None else seed)
    _pipeline.check_enough(len(train), batch_size, True, "digits (unlabelled part)")
    pairs = tf.data.Dataset.from_tensor_slices((images[labelled], labels[labelled]))
    unlabelled = tf.data.Dataset.from_tensor_slices(images[train])
    if shuffle:
        pairs = pairs.shuffle(len(labelled), seed=seed, reshuffle_each_iteration=True)
        unlabelled = unlabelled.shuffle(len(train), seed=seed, reshuffle_each_iteration=True)
    # The few labelled pairs repeat for as long as the unlabelled images last.
    pairs = pairs.repeat().batch(batch_size, drop_remainder=True)
    dataset = tf.data.Dataset.zip(pairs, unlabelled.batch(batch_size, drop_remainder=True))

    def upsample(pair, unlabelled_images):
        x, y = pair
        return _resize(x, image_size, channels), y, _resize(unlabelled_images, image_size, channels)

    dataset = dataset.map(upsample, num_parallel_calls=tf.data.AUTOTUNE)
    return _pipeline.prefetch_batches(dataset, len(train) // batch_size)

"""Real handwritten digits that ship with scikit-learn: the dataset that needs no download."""

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
    from sklearn.datasets import load_digits  # only this dataset needs scikit-learn

    bunch = load_digits()
    images = bunch.images.astype("float32")[..., None] * (2.0 / _MAX_PIXEL) - 1.0
    labels = bunch.target.astype("int32")
    _pipeline.check_enough(len(images), batch_size, drop_remainder, "digits")

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    def upsample(images, labels):
        # Resizing whole 8x8 batches after shuffling keeps memory at 1797 tiny images for any
        # image_size. Bilinear weights are convex, so values stay in [-1, 1].
        images = tf.image.resize(
            images, (image_size, image_size), method="bilinear", antialias=True
        )
        images = tf.clip_by_value(images, -1.0, 1.0)
        if channels == 3:
            images = tf.repeat(images, 3, axis=-1)
        return (images, labels) if with_labels else images

    dataset = dataset.map(upsample, num_parallel_calls=tf.data.AUTOTUNE)
    return _pipeline.prefetch_batches(
        dataset, _pipeline.count_batches(len(images), batch_size, drop_remainder)
    )

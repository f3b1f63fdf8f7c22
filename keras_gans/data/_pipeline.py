"""Pieces shared by the dataset functions: argument checks, decode-crop-resize, batching."""

import math
import os

import tensorflow as tf

from keras_gans import _validation


def check_crop(crop_size, crop_offset):
    """`(crop_size, crop_offset)` as Python ints if `crop_size` is None or an int >= 1 and
    `crop_offset` None or `(top, left)`, two ints >= 0 (with a crop_size); else raises ValueError.

    Example:
    >>> import numpy as np
    >>> check_crop(np.int64(140), (np.int64(39), 19))
    (140, (39, 19))
    """
    crop_size = _validation.positive_int("crop_size", crop_size, allow_none=True)
    if crop_offset is None:
        return crop_size, None
    if crop_size is None:
        raise ValueError(
            f"crop_offset={crop_offset!r} needs a crop_size: the box is crop_size x crop_size "
            "pixels from (top, left)"
        )
    if (
        not isinstance(crop_offset, (tuple, list))
        or len(crop_offset) != 2
        or not all(_validation.is_int(v) and v >= 0 for v in crop_offset)
    ):
        raise ValueError(f"crop_offset must be (top, left), two ints >= 0, got {crop_offset!r}")
    return crop_size, tuple(int(v) for v in crop_offset)


def check_enough(num_images, batch_size, drop_remainder, source):
    """Raises ValueError when `num_images` cannot fill a single batch that must be full."""
    if drop_remainder and num_images < batch_size:
        raise ValueError(
            f"{source} has {num_images} usable images, fewer than one batch of "
            f"batch_size={batch_size}; use a smaller batch_size or drop_remainder=False"
        )


def centred_crop_box(height, width, crop_size=None):
    """The `(top, left, side, side)` box of a centred square crop, in pixels.

    `crop_size=None` takes the largest centred square, `min(height, width)`; a crop larger than
    the image shrinks to it. Odd margins put the extra pixel at the bottom and right.

    Example:
    >>> centred_crop_box(218, 178, 140)  # CelebA's aligned faces
    (39, 19, 140, 140)
    """
    side = min(height, width) if crop_size is None else min(crop_size, height, width)
    return (height - side) // 2, (width - side) // 2, side, side


def decode(contents, image_size, channels, crop_size=None, crop_offset=None, scale=True, source_channels=3):
    """Decodes encoded JPEG/PNG/GIF/BMP bytes into a float32 `(S, S, channels)` image in [-1, 1].

    `scale=False` returns the resized image rounded to uint8 instead (a quarter of the bytes, for
    a cache); `to_unit_range` then scales it. `source_channels=1` decodes to gray, for sources
    known to be grayscale (a tfds feature of shape `(H, W, 1)`): gray stays exact, not a round
    trip through RGB.
    """
    # Three channels whatever a file holds unless told: grayscale is repeated, alpha dropped, a
    # GIF's first frame taken. Decoding an unknown file straight to one channel fails on GIFs.
    image = tf.io.decode_image(contents, channels=source_channels, expand_animations=False, dtype=tf.uint8)
    image.set_shape((None, None, source_channels))
    return preprocess(image, image_size, channels, crop_size, crop_offset, scale)


def preprocess(image, image_size, channels, crop_size=None, crop_offset=None, scale=True):
    """Crops a uint8 gray or RGB image to a square, converts channels, resizes, scales to [-1, 1].

    The box is `crop_size` square, centred unless `crop_offset=(top, left)` is given; it is shrunk
    and moved as needed to stay inside the image, so one odd file cannot stop an epoch.
    """
    shape = tf.shape(image)
    height, width = shape[0], shape[1]
    side = tf.minimum(height, width)
    if crop_size is not None:
        side = tf.minimum(side, crop_size)
    if crop_offset is None:
        top, left = (height - side) // 2, (width - side) // 2
    else:
        top = tf.minimum(crop_offset[0], height - side)
        left = tf.minimum(crop_offset[1], width - side)
    image = tf.cast(image[top : top + side, left : left + side], tf.float32)
    if channels == 1 and image.shape[-1] == 3:
        image = tf.image.rgb_to_grayscale(image)
    elif channels == 3 and image.shape[-1] == 1:
        image = tf.image.grayscale_to_rgb(image)
    # Bilinear with antialias: when shrinking, the kernel widens to cover every source pixel, so
    # a 140 -> 64 resize does not alias. Its weights are >= 0, so values stay in [0, 255].
    image = tf.image.resize(image, (image_size, image_size), method="bilinear", antialias=True)
    if not scale:
        image = tf.cast(tf.round(tf.clip_by_value(image, 0.0, 255.0)), tf.uint8)
        return tf.ensure_shape(image, (image_size, image_size, channels))
    image = tf.clip_by_value(image / 127.5 - 1.0, -1.0, 1.0)
    return tf.ensure_shape(image, (image_size, image_size, channels))


def to_unit_range(image):
    """uint8 [0, 255] -> float32 [-1, 1], as `preprocess` scales."""
    return tf.cast(image, tf.float32) / 127.5 - 1.0


# Decoded images held by the shuffle that follows a cache: 10,000 64 x 64 RGB uint8 images
# are 123 MB.
CACHE_SHUFFLE_BUFFER = 10_000


def check_cache(cache):
    """None, "memory", or a file path whose folder exists; returns tf.data's cache filename."""
    if cache is None:
        return None
    if isinstance(cache, str) and cache == "memory":
        return ""
    try:
        path = os.fspath(cache)
    except TypeError:
        raise ValueError(f'cache must be None, "memory" or a file path, got {cache!r}') from None
    folder = os.path.dirname(os.path.abspath(path))
    if not path or not os.path.isdir(folder):
        raise ValueError(f"cache={cache!r}: its folder {folder!r} does not exist")
    if os.path.exists(path + "_0.lockfile"):
        raise ValueError(
            f"cache={cache!r} was left half-written by a run that stopped during its first epoch "
            f"(or another process is writing it now): delete {path}* and start again"
        )
    return path


def cache_decoded(images, cache, shuffle, seed, num_images):
    """Caches uint8 images (first pass writes, later passes read), then reshuffles and scales.

    A cache replays its first pass in the same order, so the shuffle comes after it, over a
    buffer of `CACHE_SHUFFLE_BUFFER` images.
    """
    images = images.cache(cache)
    if shuffle:
        buffer = CACHE_SHUFFLE_BUFFER if num_images is None else min(num_images, CACHE_SHUFFLE_BUFFER)
        images = images.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return map_images(images, to_unit_range)


def map_images(dataset, function, **map_kwargs):
    """`dataset.map(function)` on the images of a dataset of images or of `(image, label)` pairs."""
    if isinstance(dataset.element_spec, tuple):
        return dataset.map(
            lambda image, *rest: (function(image), *rest), num_parallel_calls=tf.data.AUTOTUNE, **map_kwargs
        )
    return dataset.map(function, num_parallel_calls=tf.data.AUTOTUNE, **map_kwargs)


def finish(images, batch_size, drop_remainder, num_images):
    """Batches images and hands them to `prefetch_batches`; `num_images` may be None (unknown)."""
    batches = images.batch(batch_size, drop_remainder=drop_remainder)
    if num_images is None:
        return prefetch_batches(batches, None)
    return prefetch_batches(batches, count_batches(num_images, batch_size, drop_remainder))


def count_batches(num_images, batch_size, drop_remainder):
    """Number of batches `num_images` make."""
    return num_images // batch_size if drop_remainder else math.ceil(num_images / batch_size)


def prefetch_batches(batches, num_batches):
    """States `num_batches` as the cardinality where tf.data cannot infer it, and prefetches."""
    if num_batches is not None and int(batches.cardinality()) != num_batches:
        batches = batches.apply(tf.data.experimental.assert_cardinality(num_batches))
    return batches.prefetch(tf.data.AUTOTUNE)

"""Datasets: batched, prefetched `tf.data.Dataset`s of float32 images in [-1, 1]."""

import os

from keras_gans.data._checks import MAX_FILE_BYTES, MAX_IMAGE_PIXELS
from keras_gans.data.celeba import celeba, celeba_available
from keras_gans.data.digits import digits
from keras_gans.data.images import IMAGE_EXTENSIONS, image_folder

DATASET_NAMES = ("digits", "celeba")

__all__ = [
    "DATASET_NAMES", "IMAGE_EXTENSIONS", "MAX_FILE_BYTES", "MAX_IMAGE_PIXELS", "celeba", "celeba_available",
    "digits", "image_folder", "load",
]


def load(name, image_size=64, batch_size=64, channels=None, seed=None, **kwargs):
    """A dataset by name, for the command line: "digits", "celeba", or a folder or .zip path.

    "digits" is `digits` (no download), "celeba" is `celeba` (tensorflow_datasets, or pass
    `source=` a path), and any other existing folder or .zip goes to `image_folder` with the
    largest centred square crop. Names are matched case-insensitively and win over a folder of
    the same name in the working directory (write "./digits" for the folder).

    Args:
        name: "digits", "celeba", or a path to a folder or .zip of images.
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch.
        channels: 1 or 3; None means 1 for digits and 3 otherwise.
        seed: seed for the shuffle order.
        **kwargs: further arguments of the chosen function, e.g. `source=` for celeba.

    Returns:
        The dataset; `ds.cardinality()` is the number of batches per epoch.

    Raises:
        ValueError: if `name` is neither a known name nor an existing path.

    Example:
    >>> ds = load("digits", image_size=16, batch_size=32)
    >>> ds.element_spec
    TensorSpec(shape=(32, 16, 16, 1), dtype=tf.float32, name=None)
    """
    common = dict(image_size=image_size, batch_size=batch_size, seed=seed, **kwargs)
    key = name.lower() if isinstance(name, str) else None
    if key == "digits":
        return digits(channels=1 if channels is None else channels, **common)
    if key == "celeba":
        return celeba(channels=3 if channels is None else channels, **common)
    if isinstance(name, (str, os.PathLike)) and os.path.exists(name):
        return image_folder(name, channels=3 if channels is None else channels, **common)
    raise ValueError(
        f"unknown dataset {name!r}: expected 'digits', 'celeba', or a path to a folder or .zip "
        "of images"
    )

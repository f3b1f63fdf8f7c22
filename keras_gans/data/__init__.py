"""Datasets: batched, prefetched `tf.data.Dataset`s of float32 images in [-1, 1]."""

import dataclasses
import os

from keras_gans.data._checks import MAX_FILE_BYTES, MAX_IMAGE_PIXELS
from keras_gans.data.celeba import celeba, celeba_available
from keras_gans.data.digits import digits
from keras_gans.data.images import IMAGE_EXTENSIONS, image_folder

DATASET_NAMES = ("digits", "celeba")

__all__ = [
    "DATASET_NAMES", "DatasetInfo", "IMAGE_EXTENSIONS", "MAX_FILE_BYTES", "MAX_IMAGE_PIXELS", "celeba", "celeba_available",
    "dataset_info", "digits", "image_folder", "load",
]


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """What a dataset name stands for, known without reading its images.

    The command line sizes its networks, decides whether a conditional variant can train and
    writes its report from this.

    Attributes:
        name: the name as given.
        channels: the channels `load` yields when `channels=None`.
        num_classes: number of classes when the dataset has labels, else None.
        class_names: one name per class, in label order, or None.
        description: one line for reports, e.g. where the images come from.
    """

    name: str
    channels: int
    num_classes: int | None
    class_names: tuple | None
    description: str


def dataset_info(name, source=None):
    """The `DatasetInfo` of a name that `load` accepts.

    Example:
    >>> info = dataset_info("digits")
    >>> info.channels, info.num_classes, info.class_names[:3]
    (1, 10, ('0', '1', '2'))
    """
    key = name.lower() if isinstance(name, str) else None
    if key == "digits":
        return DatasetInfo(name, 1, 10, tuple(str(k) for k in range(10)),
                           "scikit-learn's handwritten digits (1,797 real 8x8 scans, upsampled), embedded")
    if key == "celeba":
        return DatasetInfo(name, 3, None, None,
                           f"CelebA aligned faces from {source or 'tfds'}, centred 140x140 face crop")
    if isinstance(name, (str, os.PathLike)) and os.path.exists(name):
        return DatasetInfo(os.fspath(name), 3, None, None,
                           f"images under {os.path.abspath(name)} (largest centred square crop)")
    raise _unknown(name)


def _unknown(name):
    return ValueError(
        f"unknown dataset {name!r}: expected 'digits', 'celeba', or a path to a folder or .zip "
        "of images"
    )


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
    raise _unknown(name)

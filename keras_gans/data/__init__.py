"""Datasets: batched, prefetched `tf.data.Dataset`s of float32 images in [-1, 1]."""

import dataclasses
import inspect
import os

from keras_gans.data._checks import MAX_FILE_BYTES, MAX_IMAGE_PIXELS
from keras_gans.data.celeba import (
    CELEBA_ATTRIBUTES, STARGAN_ATTRIBUTES, celeba, celeba_available, check_attributes, read_attributes,
)
from keras_gans.data.digits import digits, digits_held_out, digits_labelled
from keras_gans.data.embeddings import (
    class_mean_embeddings,
    digit_class_embeddings,
    digits_with_embeddings,
    one_hot_embeddings,
    with_embeddings,
)
from keras_gans.data.images import IMAGE_EXTENSIONS, folder_classes, image_folder, read_images
from keras_gans.data.tfds_images import cifar10, fashion_mnist, mnist, parse_tfds_name, tfds_description, tfds_images

# Unpaired domains for image-to-image translation (CycleGAN, StarGAN).
from keras_gans.data.domains import (  # noqa: E402
    DIGIT_DOMAINS, DigitDomain, digit_domain_images, digit_domains, image_domains, load_domains, tfds_domains, unpaired,
)

# The tfds datasets known by their bare name; any other is "tfds:NAME[:SPLIT]".
_TFDS_CLASSICS = {"mnist": mnist, "fashion_mnist": fashion_mnist, "cifar10": cifar10}
DATASET_NAMES = ("digits", "celeba", *_TFDS_CLASSICS)
_TFDS_PREFIX = "tfds:"

__all__ = [
    "CELEBA_ATTRIBUTES", "STARGAN_ATTRIBUTES", "read_attributes", "read_images",
    "DATASET_NAMES", "DatasetInfo", "IMAGE_EXTENSIONS", "MAX_FILE_BYTES", "MAX_IMAGE_PIXELS", "celeba", "celeba_available",
    "cifar10", "dataset_info", "digits", "fashion_mnist", "folder_classes", "image_folder", "load", "mnist",
    "tfds_images",
    "digits_held_out", "digits_labelled",
]
__all__ += [
    "DIGIT_DOMAINS", "DigitDomain", "digit_domain_images", "digit_domains", "image_domains", "load_domains",
    "tfds_domains", "unpaired",
]
__all__ += ["class_mean_embeddings", "digit_class_embeddings", "digits_with_embeddings", "one_hot_embeddings",
            "with_embeddings"]


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
        multi_label: True when the labels are vectors of `num_classes` 0/1 attributes (CelebA
            with `attributes=`), not class indices.
    """

    name: str
    channels: int
    num_classes: int | None
    class_names: tuple | None
    description: str
    multi_label: bool = False


def dataset_info(name, source=None, split=None, data_dir=None, image_feature=None, label_feature=None, **load_kwargs):
    """The `DatasetInfo` of a name that `load` accepts, from metadata: no image is read.

    tfds datasets answer from `tfds.builder(name).info` (no download; class names that come with
    the files, such as CIFAR-10's, are "0", "1", ... until the dataset is prepared, so ask again
    after `load`), folders from listing their top level (`folder_classes`).

    Args:
        name: as for `load`.
        source: CelebA's source, as for `celeba`.
        split, data_dir, image_feature, label_feature: as for `tfds_images`.
        **load_kwargs: any other argument of `load`, accepted and ignored, so that the same
            keywords can be passed to both.

    Example:
    >>> info = dataset_info("digits")
    >>> info.channels, info.num_classes, info.class_names[:3]
    (1, 10, ('0', '1', '2'))
    >>> dataset_info("fashion_mnist").class_names[:2]
    ('T-shirt/top', 'Trouser')
    """
    key = name.lower() if isinstance(name, str) else None
    if key == "digits":
        return DatasetInfo(name, 1, 10, tuple(str(k) for k in range(10)),
                           "scikit-learn's handwritten digits (1,797 real 8x8 scans, upsampled), embedded")
    if key == "celeba":
        where = f"CelebA aligned faces from {source or 'tfds'}, centred 140x140 face crop"
        if load_kwargs.get("attributes") is None:
            return DatasetInfo(name, 3, None, None, where)
        names = check_attributes(load_kwargs["attributes"])
        return DatasetInfo(name, 3, len(names), names, f"{where}, attributes {', '.join(names)}", multi_label=True)
    tfds_name, split = _tfds_name_and_split(name, key, split)
    if tfds_name is not None:
        return DatasetInfo(name, *tfds_description(tfds_name, split, data_dir, image_feature, label_feature))
    if isinstance(name, (str, os.PathLike)) and os.path.exists(name):
        classes = folder_classes(name)
        where = f"images under {os.path.abspath(name)} (largest centred square crop)"
        if classes is None:
            return DatasetInfo(os.fspath(name), 3, None, None, where)
        return DatasetInfo(os.fspath(name), 3, len(classes), classes, f"{where}, {len(classes)} class folders")
    raise _unknown(name)


def _tfds_name_and_split(name, key, split):
    """`(tfds name, split)` for the tfds names, `(None, None)` for the others."""
    if key in _TFDS_CLASSICS:
        return key, split or "train"
    if key is None or not key.startswith(_TFDS_PREFIX):
        return None, None
    tfds_name, named_split = parse_tfds_name(name[len(_TFDS_PREFIX):])
    if named_split and split and named_split != split:
        raise ValueError(f"{name!r} names the split {named_split!r} and split={split!r} another; give one")
    return tfds_name, named_split or split or "train"


def _unknown(name):
    return ValueError(
        f"unknown dataset {name!r}: expected 'digits', 'celeba', or a path to a folder or .zip of "
        f"images; or from tensorflow_datasets {', '.join(map(repr, _TFDS_CLASSICS))} or "
        "'tfds:NAME[:SPLIT]' for any image dataset it has"
    )


def load(name, image_size=64, batch_size=64, channels=None, seed=None, **kwargs):
    """A dataset by name, for the command line: a known name, "tfds:NAME[:SPLIT]", or a path.

    "digits" is `digits` (no download); "celeba" is `celeba` (tensorflow_datasets, or pass
    `source=` a path); "mnist", "fashion_mnist" and "cifar10" are the functions of those names
    and "tfds:NAME[:SPLIT]" is `tfds_images(NAME, split=SPLIT)` (tensorflow_datasets, downloaded
    on first use into `data_dir=`); any other existing folder or .zip goes to `image_folder` with
    the largest centred square crop, its class subfolders giving the labels with
    `with_labels=True`. Names are matched case-insensitively and win over a folder of the same
    name in the working directory (write "./digits" for the folder).

    Args:
        name: a name of `DATASET_NAMES`, "tfds:NAME[:SPLIT]", or a path to a folder or .zip of
            images.
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch.
        channels: 1 or 3; None means the dataset's own (1 for digits, MNIST and Fashion-MNIST,
            the stored channels for a tfds dataset, 3 otherwise).
        seed: seed for the shuffle order.
        **kwargs: further arguments of the chosen function, e.g. `source=` for celeba,
            `with_labels=`, `cache=`, `data_dir=`, `split=`, `image_feature=`, `label_feature=`.

    Returns:
        The dataset; `ds.cardinality()` is the number of batches per epoch.

    Raises:
        ValueError: if `name` is neither a known name nor an existing path, or a keyword does
            not apply to that dataset.

    Example:
    >>> ds = load("digits", image_size=16, batch_size=32)
    >>> ds.element_spec
    TensorSpec(shape=(32, 16, 16, 1), dtype=tf.float32, name=None)
    """
    common = dict(image_size=image_size, batch_size=batch_size, seed=seed, **kwargs)
    key = name.lower() if isinstance(name, str) else None
    if key == "digits":
        return _call(digits, name, channels=1 if channels is None else channels, **common)
    if key == "celeba":
        return _call(celeba, name, channels=3 if channels is None else channels, **common)
    if key in _TFDS_CLASSICS:
        if channels is not None:
            common["channels"] = channels
        return _call(_TFDS_CLASSICS[key], name, **common)
    tfds_name, split = _tfds_name_and_split(name, key, common.pop("split", None))
    if tfds_name is not None:
        return _call(tfds_images, name, name=tfds_name, split=split, channels=channels, **common)
    if isinstance(name, (str, os.PathLike)) and os.path.exists(name):
        return _call(image_folder, name, path=name, channels=3 if channels is None else channels, **common)
    raise _unknown(name)


def _call(function, dataset, /, **kwargs):
    """`function(**kwargs)`, or a ValueError naming the keywords that `dataset`'s function lacks."""
    accepted = dict(inspect.signature(function).parameters)
    if any(p.kind is p.VAR_KEYWORD for p in accepted.values()):  # mnist & co. pass on to tfds_images
        accepted.update(inspect.signature(tfds_images).parameters)
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} do{'es' if len(unknown) == 1 else ''} not apply to dataset {dataset!r} "
            f"({function.__name__} takes {', '.join(k for k in accepted if k not in ('name', 'path', 'kwargs'))})"
        )
    return function(**kwargs)

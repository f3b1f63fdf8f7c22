"""Any tensorflow-datasets image dataset, and the classics by name: MNIST, Fashion-MNIST, CIFAR-10."""

import re

from keras_gans import _validation
from keras_gans.data import _pipeline, _tfds

# "NAME[:VERSION][:SPLIT]" after "tfds:"; a split may hold colons of its own ("train[:10%]").
_TFDS_NAME = re.compile(r"^(?P<name>[^:\[\]]+?(?::\d+\.[\d*]+\.[\d*]+)?)(?::(?P<split>.+))?$")


def parse_tfds_name(text):
    """`(name, split or None)` from "NAME[:SPLIT]", the part of "tfds:NAME[:SPLIT]" after "tfds:".

    NAME is what `tfds.load` takes, a config and version included ("coco/2017",
    "mnist:3.0.1"); SPLIT is a tfds split ("test", "train[:10%]").

    Example:
    >>> parse_tfds_name("mnist"), parse_tfds_name("mnist:3.0.1:train[:10%]")
    (('mnist', None), ('mnist:3.0.1', 'train[:10%]'))
    """
    match = _TFDS_NAME.match(text) if isinstance(text, str) else None
    if match is None or not match["name"].strip():
        raise ValueError(f"expected 'tfds:NAME' or 'tfds:NAME:SPLIT' (e.g. 'tfds:mnist:test'), got 'tfds:{text}'")
    return match["name"], match["split"]


def tfds_images(
    name,
    image_size=64,
    batch_size=64,
    split="train",
    data_dir=None,
    channels=None,
    image_feature=None,
    label_feature=None,
    with_labels=False,
    crop_size=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    cache=None,
):
    """Batches of images (and labels) from any tensorflow-datasets dataset with an image feature.

    The image feature is the dataset's one `tfds.features.Image` of uint8 pixels, and the label
    feature its one `ClassLabel`, both read from the builder's metadata (`tfds.builder(name).info`,
    no download); a dataset with several must be told which (`image_feature=`, `label_feature=`),
    and the error lists them. Each image is cropped to its largest centred square (or a centred
    `crop_size` square), resized with an antialiased bilinear filter to `image_size` and scaled to
    [-1, 1]. The split is downloaded and prepared into `data_dir` on first use; when that fails
    (no network, a quota) the error is one line saying what was tried and how to get the data.

    Args:
        name: a tfds dataset name, with config or version if wanted ("cifar10", "coco/2017").
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch.
        split: tfds split, e.g. "train", "test", "train[:10%]" or "train+test".
        data_dir: tensorflow_datasets data folder; None uses $TFDS_DATA_DIR or ~/tensorflow_datasets.
        channels: 1 (grayscale) or 3 (RGB); None means 1 for images stored gray, else 3.
        image_feature: name of the image feature; None finds the only one.
        label_feature: name of the `ClassLabel` feature; None finds the only one.
        with_labels: yield `(images, labels)` with int32 labels of shape `(batch_size,)`.
        crop_size: side of the centred square crop in source pixels; None for the largest.
        shuffle: reshuffle every epoch (file order and a buffer of encoded images).
        seed: seed for the shuffle order.
        drop_remainder: drop the last partial batch, so the batch dimension is static.
        cache: None, "memory" or a file path: keep the resized images after the first epoch
            instead of decoding again (see `image_folder`).

    Returns:
        A prefetched `tf.data.Dataset` of float32 `(batch_size, image_size, image_size, channels)`
        tensors in [-1, 1] (with labels if asked); `cardinality()` is the number of batches.

    Raises:
        ValueError: if tfds has no such dataset, it has no image feature (or several and none was
            named), labels are asked of a dataset without one, or an argument is invalid.
        RuntimeError: if the data must be downloaded and the download fails (chained to its error).

    Example:
    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=8):  # random images; no download
    ...     ds = tfds_images("cats_vs_dogs", image_size=16, batch_size=4, with_labels=True)
    >>> ds.element_spec[0]
    TensorSpec(shape=(4, 16, 16, 3), dtype=tf.float32, name=None)
    """
    image_size = _validation.image_size(image_size)
    batch_size = _validation.positive_int("batch_size", batch_size)
    with_labels = _validation.boolean("with_labels", with_labels)
    _pipeline.check_crop(crop_size, None)
    cache = _pipeline.check_cache(cache)
    info = _tfds.builder(name, data_dir).info
    image_feature, label_feature = _tfds.features(info, name, image_feature, label_feature, with_labels)
    stored = _tfds.source_channels(info, image_feature)
    channels = _validation.channels(stored if channels is None else channels)
    examples = _tfds.read(name, split, data_dir, shuffle, seed, image_feature)
    return _tfds.images(
        examples, image_feature, label_feature if with_labels else None, image_size, batch_size, channels,
        stored, crop_size, shuffle, seed, drop_remainder, cache, f"tfds {name!r} split {split!r}",
    )


def tfds_description(name, split="train", data_dir=None, image_feature=None, label_feature=None):
    """`(channels, num_classes, class_names, description)` of a tfds dataset, from its metadata.

    Reads `tfds.builder(name).info`, which needs no download. A dataset not yet prepared may only
    know its class names once it is (CIFAR-10's come with its files); until then they are
    "0", "1", ... Labels that are missing or ambiguous (several `ClassLabel`s, none named) give
    None, and the description says what to pass.
    """
    info = _tfds.builder(name, data_dir).info
    image_feature, label_feature = _tfds.features(info, name, image_feature, label_feature)
    where = _tfds.data_dir_of(data_dir)
    description = f"tensorflow_datasets {name!r} split {split!r} (feature {image_feature!r}, stored in {where})"
    if label_feature is None:
        return _tfds.source_channels(info, image_feature), None, None, description + _no_labels(info)
    names = tuple(info.features[label_feature].names)
    description += f", {len(names)} classes from {label_feature!r}"
    return _tfds.source_channels(info, image_feature), len(names), names, description


def _no_labels(info):
    import tensorflow_datasets as tfds

    labels = [key for key, value in info.features.items() if isinstance(value, tfds.features.ClassLabel)]
    if labels:
        return f", labels in {', '.join(map(repr, labels))}: pass label_feature= (--label-feature) one of them"
    return ", no class labels"


def mnist(image_size=28, batch_size=64, split="train", data_dir=None, channels=1, **kwargs):
    """Batches of MNIST handwritten digits (60,000 train, 10,000 test; 28 x 28 gray), in [-1, 1].

    `tfds_images("mnist", ...)`: tensorflow-datasets downloads 11 MiB on first use into
    `data_dir` (default ~/tensorflow_datasets). Labels 0..9 with `with_labels=True`.

    Args:
        image_size, batch_size, split, data_dir, channels: as in `tfds_images`.
        **kwargs: further arguments of `tfds_images` (`with_labels`, `shuffle`, `seed`,
            `drop_remainder`, `cache`).

    Example:
    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=4):  # random images; no download
    ...     ds = mnist(batch_size=2)
    >>> ds.element_spec
    TensorSpec(shape=(2, 28, 28, 1), dtype=tf.float32, name=None)

    Reference:
        LeCun, Bottou, Bengio, Haffner, "Gradient-Based Learning Applied to Document
        Recognition", Proc. IEEE 1998.
    """
    return tfds_images("mnist", image_size, batch_size, split, data_dir, channels, **kwargs)


def fashion_mnist(image_size=28, batch_size=64, split="train", data_dir=None, channels=1, **kwargs):
    """Batches of Fashion-MNIST clothing images (60,000 train, 10,000 test; 28 x 28 gray), in [-1, 1].

    `tfds_images("fashion_mnist", ...)`: tensorflow-datasets downloads 29 MiB on first use
    into `data_dir`. Ten classes, "T-shirt/top" to "Ankle boot", with `with_labels=True`.

    Args:
        image_size, batch_size, split, data_dir, channels: as in `tfds_images`.
        **kwargs: further arguments of `tfds_images`.

    Example:
    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=4):  # random images; no download
    ...     ds = fashion_mnist(image_size=16, batch_size=2, with_labels=True)
    >>> [spec.shape for spec in ds.element_spec]
    [TensorShape([2, 16, 16, 1]), TensorShape([2])]

    Reference:
        Xiao, Rasul, Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
        Learning Algorithms", arXiv:1708.07747, 2017.
    """
    return tfds_images("fashion_mnist", image_size, batch_size, split, data_dir, channels, **kwargs)


def cifar10(image_size=32, batch_size=64, split="train", data_dir=None, channels=3, **kwargs):
    """Batches of CIFAR-10 photos (50,000 train, 10,000 test; 32 x 32 RGB, 10 classes), in [-1, 1].

    `tfds_images("cifar10", ...)`: tensorflow-datasets downloads 162 MiB on first use into
    `data_dir`; its class names ("airplane" ... "truck") come with those files.

    Args:
        image_size, batch_size, split, data_dir, channels: as in `tfds_images`.
        **kwargs: further arguments of `tfds_images`.

    Example:
    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=4):  # random images; no download
    ...     print(cifar10(batch_size=2).element_spec.shape, cifar10(batch_size=2, channels=1).element_spec.shape)
    (2, 32, 32, 3) (2, 32, 32, 1)

    Reference:
        Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", tech. report, 2009.
    """
    return tfds_images("cifar10", image_size, batch_size, split, data_dir, channels, **kwargs)

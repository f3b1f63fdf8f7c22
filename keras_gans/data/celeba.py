"""CelebA aligned faces (Liu et al. 2015) from tensorflow_datasets, a folder or the official zip,
with or without their 40 binary attributes."""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data import _pipeline, _tfds
from keras_gans.data.images import image_folder
from keras_gans import _validation

# img_align_celeba images are 218 rows by 178 columns, the face centred by the alignment.
CELEBA_IMAGE_SHAPE = (218, 178, 3)
# The usual DCGAN face crop: the centred 140 x 140 square, which keeps the face and drops most of
# the background. Box as (top, left, height, width):
# top = (218 - 140) // 2 = 39, left = (178 - 140) // 2 = 19.
CELEBA_CROP_SIZE = 140
CELEBA_CROP_BOX = (39, 19, 140, 140)
SHUFFLE_BUFFER = _tfds.SHUFFLE_BUFFER

# The 40 attributes of list_attr_celeba.txt, in its column order (tensorflow_datasets' `attributes`
# feature has the same names).
CELEBA_ATTRIBUTES = (
    "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs", "Big_Lips",
    "Big_Nose", "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair", "Bushy_Eyebrows", "Chubby", "Double_Chin",
    "Eyeglasses", "Goatee", "Gray_Hair", "Heavy_Makeup", "High_Cheekbones", "Male", "Mouth_Slightly_Open",
    "Mustache", "Narrow_Eyes", "No_Beard", "Oval_Face", "Pale_Skin", "Pointy_Nose", "Receding_Hairline",
    "Rosy_Cheeks", "Sideburns", "Smiling", "Straight_Hair", "Wavy_Hair", "Wearing_Earrings", "Wearing_Hat",
    "Wearing_Lipstick", "Wearing_Necklace", "Wearing_Necktie", "Young",
)
# The five StarGAN trains on (Choi et al. 2018, Sec. 4.1): three hair colours, gender and age.
STARGAN_ATTRIBUTES = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Male", "Young")
# The annotation file of the official release (Anno/list_attr_celeba.txt).
ATTRIBUTES_FILE = "list_attr_celeba.txt"

_MANUAL_DOWNLOAD = (
    "Download img_align_celeba.zip yourself (CelebA page "
    "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html, 'Align&Cropped Images') and pass "
    "source='/path/img_align_celeba.zip', or unpack it and pass source='/path/img_align_celeba/'."
)


def celeba(
    image_size=64,
    batch_size=64,
    source="tfds",
    split="train",
    data_dir=None,
    crop_size=CELEBA_CROP_SIZE,
    shuffle=True,
    seed=None,
    channels=3,
    cache=None,
    attributes=None,
    attributes_file=None,
):
    """Batches of CelebA face images, cropped to the face and scaled to [-1, 1], with attributes if asked.

    Each aligned 218 x 178 (height x width) image is cropped to the centred `crop_size` square --
    with the default 140 that is the box top=39, left=19, 140 x 140 (`CELEBA_CROP_BOX`) -- then
    resized with an antialiased bilinear filter to `image_size`. `source="tfds"` reads the
    tensorflow_datasets `celeb_a` split `split`, downloading it on first use into `data_dir`;
    its Google Drive files often hit their download quota, and that failure becomes a
    RuntimeError explaining how to use a manual download instead: a path to the official
    `img_align_celeba.zip` (read in place, not unpacked) or to the unpacked folder, handled by
    `image_folder` with the same crop. A folder or zip is used whole, so `split` must stay
    "train" (or "all") for those.

    With `attributes` (names of `CELEBA_ATTRIBUTES`, e.g. `STARGAN_ATTRIBUTES`) each batch comes
    with those attributes of its faces as float32 0/1 vectors, in the order given: from tfds'
    `attributes` feature, or for a zip or folder from `list_attr_celeba.txt` (its 1/-1 become
    1/0), found beside the zip or folder, in an `Anno/` folder there, or at `attributes_file`.

    Args:
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch; the last partial batch is dropped.
        source: "tfds", or a path to img_align_celeba.zip or the img_align_celeba/ folder.
        split: tfds split, e.g. "train", "validation", "test", "all" or "train[:10%]".
        data_dir: tensorflow_datasets data folder; None uses its default (~/tensorflow_datasets).
        crop_size: side of the centred square crop in source pixels, at most 178; None for the
            full 178-pixel width.
        shuffle: reshuffle every epoch (tfds: file order and a buffer of `SHUFFLE_BUFFER`).
        seed: seed for the shuffle order.
        channels: 1 (grayscale) or 3 (RGB).
        cache: None, "memory" or a file path: keep the cropped and resized images after the
            first epoch instead of decoding JPEGs again (see `image_folder`).
        attributes: None, or attribute names (a sequence, or one comma-separated string) to
            yield with the images; an unknown name is refused, naming it and the valid ones.
        attributes_file: with a zip or folder source and `attributes`: the path of
            `list_attr_celeba.txt`; None looks beside the source and in `Anno/` there.

    Returns:
        A prefetched `tf.data.Dataset` of float32 `(batch_size, image_size, image_size, channels)`
        tensors in [-1, 1] -- with `attributes`, of `(images, attributes)` pairs, the attributes
        float32 `(batch_size, len(attributes))` in {0, 1}; `cardinality()` is the number of batches.

    Raises:
        RuntimeError: if tensorflow_datasets cannot download CelebA (chained to its error).
        FileNotFoundError: if `source` is neither "tfds" nor an existing path.
        ValueError: if an argument is invalid.

    Example:
    >>> ds = celeba(64, 64, source="/data/img_align_celeba.zip")  # doctest: +SKIP
    >>> ds.element_spec  # doctest: +SKIP
    TensorSpec(shape=(64, 64, 64, 3), dtype=tf.float32, name=None)

    Reference:
        Liu, Luo, Wang, Tang, "Deep Learning Face Attributes in the Wild", ICCV 2015.
    """
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    batch_size = _validation.positive_int("batch_size", batch_size)
    crop_size, _ = _pipeline.check_crop(crop_size, None)
    if crop_size is not None and crop_size > CELEBA_IMAGE_SHAPE[1]:
        raise ValueError(
            f"crop_size must be at most {CELEBA_IMAGE_SHAPE[1]}, the width of CelebA images, "
            f"got {crop_size!r}"
        )
    attributes = None if attributes is None else check_attributes(attributes)
    if isinstance(source, str) and source == "tfds":
        return _from_tfds(
            image_size, batch_size, split, data_dir, crop_size, shuffle, seed, channels,
            _pipeline.check_cache(cache), attributes,
        )
    path = os.fspath(source)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"source must be 'tfds' or a path to img_align_celeba.zip or its unpacked folder, "
            f"got {source!r}, which does not exist"
        )
    if split not in ("train", "all"):
        raise ValueError(
            f"split={split!r} needs source='tfds'; a folder or zip is read whole, so leave "
            "split='train'"
        )
    file_labels = None
    if attributes is not None:
        file_labels = read_attributes(_attributes_path(path, attributes_file), attributes)
    return image_folder(
        path,
        image_size=image_size,
        batch_size=batch_size,
        channels=channels,
        crop_size=crop_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
        file_labels=file_labels,
    )


def check_attributes(names):
    """CelebA attribute names as a tuple, in the order given; a ValueError names an unknown one.

    Args:
        names: a sequence of names of `CELEBA_ATTRIBUTES`, or one string of comma-separated names.

    Example:
    >>> check_attributes("Black_Hair,Male")
    ('Black_Hair', 'Male')
    """
    if isinstance(names, str):
        names = [name.strip() for name in names.split(",") if name.strip()]
    names = tuple(names)
    if not names:
        raise ValueError(f"attributes must name at least one CelebA attribute; valid: {', '.join(CELEBA_ATTRIBUTES)}")
    for name in names:
        if name not in CELEBA_ATTRIBUTES:
            raise ValueError(f"unknown CelebA attribute {name!r}; valid: {', '.join(CELEBA_ATTRIBUTES)}")
    if len(set(names)) < len(names):
        raise ValueError(f"attributes must not repeat a name, got {', '.join(names)}")
    return names


def read_attributes(path, attributes=STARGAN_ATTRIBUTES):
    """`{file name: float32 0/1 vector of `attributes`}` from CelebA's `list_attr_celeba.txt`.

    The file has the image count on its first line, the 40 attribute names on the second, then
    one line per image: its file name and 40 values of 1 (present) or -1 (absent).

    Args:
        path: the attribute file.
        attributes: the names to keep, in this order (checked by `check_attributes`).

    Example:
    >>> import tempfile
    >>> path = tempfile.mktemp()
    >>> with open(path, "w") as f:
    ...     _ = f.write("1\\n" + " ".join(CELEBA_ATTRIBUTES) + "\\n000001.jpg " + "1 -1 " * 20 + "\\n")
    >>> read_attributes(path, ["5_o_Clock_Shadow", "Young"])
    {'000001.jpg': array([1., 0.], dtype=float32)}
    """
    attributes = check_attributes(attributes)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if len(lines) < 2:
        raise ValueError(f"{path!r} is not a CelebA attribute file: fewer than two lines")
    header = lines[1].split()
    missing = [name for name in attributes if name not in header]
    if missing:
        raise ValueError(f"{path!r} has no column for {', '.join(missing)}; its columns: {', '.join(header)}")
    columns = [header.index(name) for name in attributes]
    labels = {}
    for number, line in enumerate(lines[2:], start=3):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != len(header) + 1:
            raise ValueError(f"{path!r} line {number}: expected a file name and {len(header)} values, got {line!r}")
        values = np.asarray([fields[1 + c] for c in columns], dtype=np.float32)
        labels[fields[0]] = (values > 0).astype(np.float32)  # 1 present, -1 absent
    return labels


def _attributes_path(source, attributes_file):
    if attributes_file is not None:
        if not os.path.isfile(attributes_file):
            raise FileNotFoundError(f"no CelebA attribute file at attributes_file={os.fspath(attributes_file)!r}")
        return os.fspath(attributes_file)
    folder = os.path.dirname(os.path.abspath(source))
    candidates = [os.path.join(folder, ATTRIBUTES_FILE), os.path.join(folder, "Anno", ATTRIBUTES_FILE)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(
        f"attributes need CelebA's {ATTRIBUTES_FILE} (Anno/ of the CelebA release); looked at "
        f"{' and '.join(candidates)}: put it there or pass attributes_file="
    )


def celeba_available(source="tfds", data_dir=None):
    """The CelebA source `celeba` can read here without downloading, or None.

    `source="tfds"` is available when tensorflow_datasets has `celeb_a` prepared in `data_dir`
    (default: $TFDS_DATA_DIR or ~/tensorflow_datasets), checked on the files, never by loading;
    a path is available when it exists. Notebooks use it to fall back to a stand-in dataset
    rather than start a 1.4 GB download.

    Args:
        source: "tfds", a path to img_align_celeba.zip or its folder, or None (nothing given).
        data_dir: tensorflow_datasets data folder.

    Returns:
        `source` when `celeba(source=source, data_dir=data_dir)` would read local files, else None.

    Example:
    >>> celeba_available("/no/such/img_align_celeba.zip") is None
    True
    """
    if source is None:
        return None
    if not (isinstance(source, str) and source == "tfds"):
        return source if os.path.exists(os.fspath(source)) else None
    data_dir = _tfds.data_dir_of(data_dir)
    if not os.path.isdir(os.path.join(data_dir, "celeb_a")):
        return None  # tensorflow_datasets is slow to import; no folder, no dataset
    import tensorflow_datasets as tfds

    return "tfds" if tfds.builder("celeb_a", data_dir=data_dir).is_prepared() else None


def _from_tfds(image_size, batch_size, split, data_dir, crop_size, shuffle, seed, channels, cache, attributes):
    examples = _tfds.read(
        "celeb_a", split, data_dir, shuffle, seed, "image",
        hint="Its Google Drive files often exceed their download quota. " + _MANUAL_DOWNLOAD,
    )
    label = None
    if attributes is not None:
        # The chosen booleans of the `attributes` feature as one vector, under a key of its own.
        label = "chosen_attributes"
        examples = examples.map(lambda example: {
            "image": example["image"],
            label: tf.stack([tf.cast(example["attributes"][name], tf.int32) for name in attributes]),
        })
    batches = _tfds.images(
        examples, "image", label, image_size, batch_size, channels, 3, crop_size, shuffle, seed, True, cache,
        f"CelebA split {split!r}",
    )
    if attributes is None:
        return batches
    return batches.map(lambda images, labels: (images, tf.cast(labels, tf.float32)))

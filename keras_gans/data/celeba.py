"""CelebA aligned faces (Liu et al. 2015) from tensorflow_datasets, a folder or the official zip."""

import os

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
):
    """Batches of CelebA face images, cropped to the face and scaled to [-1, 1].

    Each aligned 218 x 178 (height x width) image is cropped to the centred `crop_size` square --
    with the default 140 that is the box top=39, left=19, 140 x 140 (`CELEBA_CROP_BOX`) -- then
    resized with an antialiased bilinear filter to `image_size`. `source="tfds"` reads the
    tensorflow_datasets `celeb_a` split `split`, downloading it on first use into `data_dir`;
    its Google Drive files often hit their download quota, and that failure becomes a
    RuntimeError explaining how to use a manual download instead: a path to the official
    `img_align_celeba.zip` (read in place, not unpacked) or to the unpacked folder, handled by
    `image_folder` with the same crop. A folder or zip is used whole, so `split` must stay
    "train" (or "all") for those.

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

    Returns:
        A prefetched `tf.data.Dataset` of float32 `(batch_size, image_size, image_size, channels)`
        tensors in [-1, 1]; `cardinality()` is the number of batches.

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
    if isinstance(source, str) and source == "tfds":
        return _from_tfds(
            image_size, batch_size, split, data_dir, crop_size, shuffle, seed, channels,
            _pipeline.check_cache(cache),
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
    return image_folder(
        path,
        image_size=image_size,
        batch_size=batch_size,
        channels=channels,
        crop_size=crop_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
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


def _from_tfds(image_size, batch_size, split, data_dir, crop_size, shuffle, seed, channels, cache):
    examples = _tfds.read(
        "celeb_a", split, data_dir, shuffle, seed, "image",
        hint="Its Google Drive files often exceed their download quota. " + _MANUAL_DOWNLOAD,
    )
    return _tfds.images(
        examples, "image", None, image_size, batch_size, channels, 3, crop_size, shuffle, seed, True, cache,
        f"CelebA split {split!r}",
    )

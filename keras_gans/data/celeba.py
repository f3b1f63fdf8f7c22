"""CelebA aligned faces (Liu et al. 2015) from tensorflow_datasets, a folder or the official zip."""

import os
import socket
import urllib.error
import zipfile

import tensorflow as tf

from keras_gans.data import _pipeline
from keras_gans.data.images import image_folder
from keras_gans import _validation

# img_align_celeba images are 218 rows by 178 columns, the face centred by the alignment.
CELEBA_IMAGE_SHAPE = (218, 178, 3)
# The usual DCGAN face crop: the centred 140 x 140 square, which keeps the face and drops most of
# the background. Box as (top, left, height, width):
# top = (218 - 140) // 2 = 39, left = (178 - 140) // 2 = 19.
CELEBA_CROP_SIZE = 140
CELEBA_CROP_BOX = (39, 19, 140, 140)
# Encoded JPEGs of ~8 KiB each, so about 80 MB; shuffled file order adds the rest of the mixing.
SHUFFLE_BUFFER = 10_000

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
    data_dir = data_dir or os.environ.get("TFDS_DATA_DIR") or os.path.expanduser("~/tensorflow_datasets")
    if not os.path.isdir(os.path.join(data_dir, "celeb_a")):
        return None  # tensorflow_datasets is slow to import; no folder, no dataset
    import tensorflow_datasets as tfds

    return "tfds" if tfds.builder("celeb_a", data_dir=data_dir).is_prepared() else None


def _from_tfds(image_size, batch_size, split, data_dir, crop_size, shuffle, seed, channels, cache):
    import tensorflow_datasets as tfds  # slow to import; only this path needs it

    try:
        dataset = tfds.load(
            "celeb_a",
            split=split,
            data_dir=data_dir,
            shuffle_files=shuffle,
            # Keep JPEG bytes: the shuffle buffer then holds ~8 KiB per image instead of 114 KiB,
            # and decoding runs in our parallel map next to the crop.
            decoders={"image": tfds.decode.SkipDecoding()},
            read_config=tfds.ReadConfig(shuffle_seed=seed) if seed is not None else None,
        )
    except Exception as error:
        if not _is_download_error(error):
            raise
        raise RuntimeError(
            f"tensorflow_datasets could not download CelebA ({type(error).__name__}: {error}). "
            "Its Google Drive files often exceed their download quota. " + _MANUAL_DOWNLOAD
        ) from error

    num_images = int(dataset.cardinality())
    num_images = num_images if num_images >= 0 else None
    if num_images is not None:
        _pipeline.check_enough(num_images, batch_size, True, f"CelebA split {split!r}")
    images = dataset.map(lambda example: example["image"])
    if shuffle and cache is None:
        buffer = SHUFFLE_BUFFER if num_images is None else min(num_images, SHUFFLE_BUFFER)
        images = images.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    images = images.map(
        lambda contents: _pipeline.decode(contents, image_size, channels, crop_size, scale=cache is None),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    if cache is not None:
        images = _pipeline.cache_decoded(images, cache, shuffle, seed, num_images)
    return _pipeline.finish(images, batch_size, True, num_images)


def _download_errors():
    import requests
    import tensorflow_datasets as tfds
    from tensorflow_datasets.core.download import download_manager, extractor

    return (
        tfds.download.DownloadError,
        download_manager.NonMatchingChecksumError,  # Drive served its quota page, not the file
        extractor.ExtractError,
        zipfile.BadZipFile,  # the same page saved as img_align_celeba.zip
        requests.RequestException,
        urllib.error.URLError,
        ConnectionError,
        TimeoutError,
        socket.gaierror,
    )


def _is_download_error(error):
    """True for errors of fetching the files, False for bugs that must surface unchanged."""
    download_errors = _download_errors()
    seen = set()
    # A wrapper that says `raise ... from download_error` still counts; an error merely raised
    # while handling one (__context__) may be a bug and does not.
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, download_errors):
            return True
        # downloader._process_gdrive_confirmation: the quota page has no confirmation form.
        if isinstance(error, ValueError) and "GDrive" in str(error):
            return True
        error = error.__cause__
    return False

"""What the tensorflow-datasets sources share: the builder, its features, reading a split, and
one line instead of a traceback when the download fails."""

import difflib
import os
import socket
import urllib.error
import zipfile

import tensorflow as tf

from keras_gans.data import _pipeline

# Encoded images held by the shuffle buffer: CelebA's JPEGs are ~8 KiB (80 MB in all), MNIST's
# PNGs ~300 bytes; shuffled file order adds the rest of the mixing.
SHUFFLE_BUFFER = 10_000
# How much of each error's message the one-line report keeps.
_CAUSE_CHARS = 160


def data_dir_of(data_dir=None):
    """The folder tensorflow_datasets reads and downloads into: `data_dir`, $TFDS_DATA_DIR, or
    ~/tensorflow_datasets."""
    return os.fspath(data_dir) if data_dir else (
        os.environ.get("TFDS_DATA_DIR") or os.path.expanduser("~/tensorflow_datasets")
    )


def builder(name, data_dir=None):
    """The tfds builder of `name`; its `info` comes from code or a prepared copy, never a download.

    Raises:
        ValueError: naming `name` and the closest registered names if tfds has no such dataset.
    """
    import tensorflow_datasets as tfds  # slow to import; only the tfds paths need it

    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        # tfds's own message lists all ~1,000 datasets; name the nearest few instead.
        base = name.split("/")[0].split(":")[0]
        close = difflib.get_close_matches(base, tfds.list_builders(), n=3)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else "tfds.list_builders() lists them"
        raise ValueError(f"tensorflow_datasets has no dataset {name!r}; {hint}") from None


def features(info, name, image_feature=None, label_feature=None, need_labels=False):
    """`(image feature, label feature or None)` of a dataset, found in `info.features` or checked.

    The image is the one top-level `tfds.features.Image` of uint8 pixels, the label the one
    top-level `ClassLabel`; where there are several the caller must name one. A label that is
    missing or ambiguous is an error only with `need_labels`, else None.
    """
    import tensorflow_datasets as tfds

    found = info.features
    listing = ", ".join(f"{key} ({type(value).__name__})" for key, value in found.items())
    images = [key for key, value in found.items() if isinstance(value, tfds.features.Image)]
    labels = [key for key, value in found.items() if isinstance(value, tfds.features.ClassLabel)]
    image_feature = _pick("image", images, image_feature, name, listing, True)
    if found[image_feature].dtype != tf.uint8:
        raise ValueError(
            f"image feature {image_feature!r} of {name!r} holds {found[image_feature].dtype.name} "
            "pixels; only uint8 images (0..255) are read"
        )
    return image_feature, _pick("label", labels, label_feature, name, listing, need_labels)


def _pick(kind, candidates, given, name, listing, required):
    option = f"{kind}_feature= (--{kind}-feature)"
    if given is not None:
        if given not in candidates:
            raise ValueError(
                f"{kind}_feature={given!r} is not a{'n image' if kind == 'image' else ' class label'} "
                f"feature of {name!r}; its features are: {listing}"
            )
        return given
    if len(candidates) == 1:
        return candidates[0]
    if not required:
        return None
    what = "an image (Image)" if kind == "image" else "a class label (ClassLabel)"
    if not candidates:
        raise ValueError(f"tensorflow_datasets {name!r} has no feature that is {what}; its features are: {listing}")
    raise ValueError(
        f"tensorflow_datasets {name!r} has several {kind} features ({', '.join(map(repr, candidates))}): "
        f"pass {option} to choose one"
    )


def source_channels(info, image_feature):
    """1 for an image feature stored gray (shape `(H, W, 1)`), else 3."""
    return 1 if info.features[image_feature].shape[-1] == 1 else 3


def read(name, split, data_dir, shuffle, seed, image_feature, hint=None):
    """The examples of `tfds.load(name, split)` with the image left encoded, downloading if needed.

    Raises:
        RuntimeError: one line saying what failed and how to get the data (`hint`, or a default
            that names `data_dir`), chained to the download error; other errors surface unchanged.
    """
    import tensorflow_datasets as tfds

    try:
        return tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            shuffle_files=shuffle,
            # Keep the encoded bytes: the shuffle buffer then holds ~8 KiB a CelebA face instead of
            # 114 KiB, and decoding runs in our parallel map next to the crop.
            decoders={image_feature: tfds.decode.SkipDecoding()},
            read_config=tfds.ReadConfig(shuffle_seed=seed) if seed is not None else None,
        )
    except AssertionError as error:
        # Datasets behind a registration (imagenet2012, ...): tfds asserts that the files are in
        # data_dir/downloads/manual and says how to get them, over several lines.
        if "Manual directory" not in str(error):
            raise
        raise RuntimeError(
            f"tensorflow_datasets cannot download {name!r} itself: {' '.join(str(error).split())}"
        ) from error
    except Exception as error:
        if not is_download_error(error):
            raise
        raise RuntimeError(download_failure(name, data_dir, error, hint)) from error


def download_failure(name, data_dir, error, hint=None):
    """One line: what was tried, what failed, and how to get the data without a download."""
    where = data_dir_of(data_dir)
    cause = f"{type(error).__name__}: {_first_line(error)}"
    root = error
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__
    if root is not error:  # e.g. the socket error under requests' "Max retries exceeded with url ..."
        cause += f" <- {type(root).__name__}: {_first_line(root)}"
    if hint is None:
        base = name.split("/")[0].split(":")[0]
        hint = (
            f"Prepare it on a machine with a network (python -c \"import tensorflow_datasets as tfds; "
            f"tfds.builder('{name}').download_and_prepare()\") and copy ~/tensorflow_datasets/{base} "
            f"into {where}, or pass data_dir= (--data-dir) the folder that holds it."
        )
    return f"tensorflow_datasets could not download {name!r} into {where} ({cause}). {hint}"


def _first_line(error):
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= _CAUSE_CHARS else line[: _CAUSE_CHARS - 3] + "..."


def images(
    examples, image_feature, label_feature, image_size, batch_size, channels, source_channels, crop_size,
    shuffle, seed, drop_remainder, cache, what,
):
    """Batches of images (and int32 labels) from `read`'s examples: shuffle the encoded bytes,
    decode, crop, resize, optionally cache, batch and prefetch."""
    num_images = int(examples.cardinality())
    num_images = num_images if num_images >= 0 else None
    if num_images is not None:
        _pipeline.check_enough(num_images, batch_size, drop_remainder, what)
    if label_feature is None:
        elements = examples.map(lambda example: example[image_feature])
    else:
        elements = examples.map(
            lambda example: (example[image_feature], tf.cast(example[label_feature], tf.int32))
        )
    if shuffle and cache is None:
        buffer = SHUFFLE_BUFFER if num_images is None else min(num_images, SHUFFLE_BUFFER)
        elements = elements.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    elements = _pipeline.map_images(
        elements,
        lambda contents: _pipeline.decode(
            contents, image_size, channels, crop_size, scale=cache is None, source_channels=source_channels
        ),
    )
    if cache is not None:
        elements = _pipeline.cache_decoded(elements, cache, shuffle, seed, num_images)
    return _pipeline.finish(elements, batch_size, drop_remainder, num_images)


def _download_errors():
    import requests
    import tensorflow_datasets as tfds
    from tensorflow_datasets.core.download import download_manager, extractor

    return (
        tfds.download.DownloadError,
        download_manager.NonMatchingChecksumError,  # e.g. Drive served its quota page, not the file
        extractor.ExtractError,
        zipfile.BadZipFile,  # the same page saved as a .zip
        requests.RequestException,
        urllib.error.URLError,
        ConnectionError,
        TimeoutError,
        socket.gaierror,
    )


def is_download_error(error):
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

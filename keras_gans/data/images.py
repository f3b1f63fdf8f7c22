"""Square images from any folder or .zip of JPEG, PNG, BMP or GIF files."""

import concurrent.futures
import itertools
import os
import warnings
import zipfile
import zlib

import numpy as np
import tensorflow as tf

from keras_gans import _validation
from keras_gans.data import _checks, _pipeline

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")

# Files that fail to decode despite passing the byte checks are dropped and replaced by images from
# a second shuffled pass, so every epoch still has the stated number of batches. Two passes bound
# the work if nearly everything fails; the epoch then ends short with a cardinality error.
_PASSES = 2
_NAMES_SHOWN = 5
_SCAN_CHUNK = 512


def image_folder(
    path,
    image_size=64,
    batch_size=64,
    channels=3,
    crop_size=None,
    crop_offset=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    deterministic=None,
    cache=None,
    with_labels=False,
    subfolder=None,
    file_labels=None,
):
    """Batches of square images from a folder (searched recursively) or a .zip read in place.

    Files ending in .jpg, .jpeg, .png, .bmp or .gif (any case) are used; a GIF gives its first
    frame. Names starting with "." (hidden files and folders, macOS "._" files) and "__MACOSX"
    folders are ignored. Each image is cropped to a square box -- `crop_size` pixels centred, the
    largest centred square by default, or the box at `crop_offset=(top, left)` -- then resized
    with an antialiased bilinear filter to `image_size` and scaled to [-1, 1]. Grayscale images are
    repeated to three channels and alpha is dropped; `channels=1` converts to gray.

    Unreadable files are skipped rather than crashing an epoch. For a folder, a byte-level
    pre-scan (empty files, unknown magic bytes, JPEG without the FFD9 end marker after its scan
    or with broken marker segments, PNG without IHDR or IEND, GIF without its trailer, BMP
    shorter than its header says, unreadable files) runs before the pipeline is built, and one
    `UserWarning` gives the count and the first names; subfolders that cannot be listed get a
    warning of their own. A .zip is not unpacked nor read up front (CelebA's is 1.4 GB): empty
    and oversized members are skipped at once, the other checks run lazily in the Python
    generator that feeds tf.data, and one warning per newly found batch of bad members comes at
    the end of the pass that met them; those members count towards `cardinality()` and are
    replaced by other images, so the number of batches stays the same. Files that pass the
    checks but still fail to decode are dropped inside the pipeline (`ignore_errors`, logged by
    TensorFlow) and replaced the same way.

    Labels: with `with_labels=True` the folder must be laid out as
    `keras.utils.image_dataset_from_directory` reads it, one subfolder per class and no images
    of its own; the classes are the subfolders' names in sorted order (`folder_classes`), label
    k the k-th, and each class folder is searched recursively. Files are checked and counted
    as above, in one warning for the whole folder, and a class left with no readable image gets
    a warning of its own. `file_labels` labels files by their base name instead, in a folder or
    a zip alike (CelebA's attribute vectors from `list_attr_celeba.txt`); files it does not name
    are left out.

    Huge images: a file whose header declares more than `MAX_IMAGE_PIXELS` pixels (89,478,485,
    Pillow's decompression-bomb limit; a 100000 x 100000 PNG header, say) or that is larger than
    `MAX_FILE_BYTES` (1 GiB) is skipped by the same checks, with its size in the warning, so it
    is never decoded. Anything smaller is decoded whole and resized: a 6000 x 6000 photo works,
    at about 0.6 GB of memory and a few seconds of CPU per image.

    Args:
        path: a folder or a .zip file.
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        batch_size: images per batch.
        channels: 1 (grayscale) or 3 (RGB).
        crop_size: side of the square crop box in source pixels, or None for the largest centred
            square. A box larger than an image shrinks to fit it.
        crop_offset: `(top, left)` of the box, or None to centre it; needs `crop_size`. The box is
            moved back inside images too small for it.
        shuffle: reshuffle the file order every epoch.
        seed: seed for the shuffle order.
        drop_remainder: drop the last partial batch, so the batch dimension is static.
        deterministic: passed to `Dataset.map`; False lets decoding finish out of order (faster).
        cache: None; "memory"; or a file path (its folder must exist) where the first epoch
            writes the decoded, cropped and resized images as uint8 and later epochs read them
            instead of decoding again (`Dataset.cache`). A cache replays the first epoch's
            order, so with `shuffle` the images are reshuffled after it through a buffer of
            `CACHE_SHUFFLE_BUFFER` (10,000) images. A file cache holds image_size^2 * channels
            bytes an image (CelebA at 64 px: 2.5 GB); an epoch cut short leaves a lock file and
            the next call says to delete it.
        with_labels: yield `(images, labels)`, int32 labels of shape `(batch_size,)` from the
            class subfolders; needs a folder laid out as described above.
        subfolder: read only the images under this relative folder of the folder or zip
            (e.g. "horse2zebra/trainA"), with the same checks; None reads everything.
        file_labels: a mapping from a file's base name (e.g. "000001.jpg") to its label, a
            number or a vector of numbers of one length for all (e.g. 0/1 attributes); yields
            `(images, labels)` with labels as float32 `(batch_size, ...)`. Not with `with_labels`.

    Returns:
        A prefetched `tf.data.Dataset` of float32 `(batch_size, image_size, image_size, channels)`
        tensors in [-1, 1] (with labels if asked); `cardinality()` is the number of batches.

    Raises:
        FileNotFoundError: if `path` does not exist.
        PermissionError: if the folder `path` itself cannot be listed.
        ValueError: if `path` holds no image files or is neither a folder nor a zip, if fewer
            usable images than `batch_size` remain with `drop_remainder`, if `with_labels` meets
            a zip or a folder that is not one subfolder per class, or if an argument is invalid.

    Example:
    >>> import tempfile
    >>> import numpy as np
    >>> from PIL import Image
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(4):
    ...     Image.fromarray(np.full((40, 30, 3), 60 * i, np.uint8)).save(f"{folder}/{i}.png")
    >>> ds = image_folder(folder, image_size=16, batch_size=2)
    >>> ds.element_spec
    TensorSpec(shape=(2, 16, 16, 3), dtype=tf.float32, name=None)
    >>> int(ds.cardinality())
    2
    """
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    batch_size = _validation.positive_int("batch_size", batch_size)
    crop_size, crop_offset = _pipeline.check_crop(crop_size, crop_offset)
    cache = _pipeline.check_cache(cache)
    with_labels = _validation.boolean("with_labels", with_labels)
    if with_labels and file_labels is not None:
        raise ValueError("give with_labels=True (class subfolders) or file_labels (labels by file name), not both")
    by_name = None if file_labels is None else _by_name(file_labels)
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such folder or zip file: {path!r}")
    prefix = "" if subfolder is None else subfolder.replace("\\", "/").strip("/") + "/"
    if prefix and os.path.isdir(path):
        path = os.path.join(path, *prefix.strip("/").split("/"))
        if not os.path.isdir(path):
            raise FileNotFoundError(f"no such folder: {path!r}")

    def decode(contents):
        return _pipeline.decode(contents, image_size, channels, crop_size, crop_offset, scale=cache is None)

    if os.path.isdir(path):
        files, num_images = _folder_files(path, shuffle, seed, _class_names(path) if with_labels else None, by_name)
        contents = _pipeline.map_images(files, tf.io.read_file)
    elif with_labels:
        raise ValueError(
            f"with_labels=True reads the class subfolders of a folder; {path!r} is not a folder "
            "(unpack it, one subfolder per class)"
        )
    elif zipfile.is_zipfile(path):
        contents, num_images = _zip_members(path, shuffle, seed, prefix, by_name)
    else:
        raise ValueError(f"path must be a folder or a .zip file, got {path!r}")
    _pipeline.check_enough(num_images, batch_size, drop_remainder, repr(path))

    images = _pipeline.map_images(contents, decode, deterministic=deterministic)
    images = images.ignore_errors(log_warning=True).take(num_images)
    if cache is not None:
        images = _pipeline.cache_decoded(images, cache, shuffle, seed, num_images)
    return _pipeline.finish(images, batch_size, drop_remainder, num_images)


def folder_classes(path):
    """The class names of a labelled folder, in label order, or None if `path` is not one.

    A labelled folder is the layout `keras.utils.image_dataset_from_directory` reads: one
    subfolder per class, named after it, and no image files of its own. Classes are all its
    subfolders but hidden ones (names starting with ".") and "__MACOSX", sorted as Python sorts
    strings, as Keras does; at least two are needed. Only the folder itself is listed.

    Example:
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for name in ("dog", "cat", ".cache"):
    ...     os.mkdir(os.path.join(folder, name))
    >>> folder_classes(folder)
    ('cat', 'dog')
    """
    classes, _ = _class_layout(os.fspath(path))
    return classes


def _class_names(path):
    classes, problem = _class_layout(path)
    if problem:
        raise ValueError(problem)
    return classes


def _class_layout(path):
    """`(class names, None)` of a labelled folder, or `(None, why it is not one)`."""
    if not os.path.isdir(path):
        return None, f"{path!r} is not a folder"
    entries = sorted(os.listdir(path))
    loose = [name for name in entries if _accepted(name) and os.path.isfile(os.path.join(path, name))]
    if loose:
        shown = ", ".join(loose[:_NAMES_SHOWN]) + (" ..." if len(loose) > _NAMES_SHOWN else "")
        return None, (
            f"a labelled folder holds one subfolder per class and no images of its own, but {path!r} "
            f"holds {len(loose)} image files directly ({shown}): move them into class folders"
        )
    classes = tuple(
        name for name in entries
        if os.path.isdir(os.path.join(path, name)) and not name.startswith(".") and name != "__MACOSX"
    )
    if len(classes) < 2:
        return None, (
            f"a labelled folder holds one subfolder per class, at least 2, but {path!r} has "
            f"{len(classes)}{': ' + repr(classes[0]) if classes else ''}"
        )
    return classes, None


def _accepted(name):
    parts = name.replace("\\", "/").split("/")
    if any(part.startswith(".") or part == "__MACOSX" for part in parts if part):
        return False
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def _no_images_error(path):
    return ValueError(
        f"no image files in {path!r}: expected names ending in "
        f"{', '.join(IMAGE_EXTENSIONS)} (any case)"
    )


def _warn_skipped(problems, total, where, stacklevel=4):
    # problems: {name: reason}, sorted so repeated warnings are identical and shown once. The
    # default stacklevel points at the caller of image_folder (warn <- here <- helper <- it).
    names = sorted(problems)
    shown = "; ".join(f"{name}: {problems[name]}" for name in names[:_NAMES_SHOWN])
    more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
    warnings.warn(
        f"skipped {len(names)} of {total} files in {where!r} that are not readable images: "
        f"{shown}{more}",
        UserWarning,
        stacklevel=stacklevel,
    )


def _scan(paths):
    return [_checks.file_problem(path) for path in paths]


def _walk_images(path):
    """Relative names of the image files under the folder `path`, sorted by folder then name.

    os.walk skips folders it cannot list unless told; the root raises PermissionError and a
    subfolder gives a warning, so missing images are never silent.
    """
    relative, errors = [], []
    for root, folders, files in os.walk(path, onerror=errors.append):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__MACOSX")
        relative.extend(
            os.path.relpath(os.path.join(root, f), path) for f in sorted(files) if _accepted(f)
        )
    unlisted = {os.path.relpath(error.filename, path): error.strerror for error in errors}
    if "." in unlisted:
        raise PermissionError(f"cannot list the folder {path!r}: {unlisted['.']}")
    if unlisted:
        shown = "; ".join(f"{name}: {reason}" for name, reason in sorted(unlisted.items()))
        warnings.warn(
            f"skipped {len(unlisted)} subfolder(s) of {path!r} that cannot be listed: {shown}",
            UserWarning,
            stacklevel=4,  # the caller of image_folder
        )
    return relative


def _folder_files(path, shuffle, seed, class_names=None, by_name=None):
    """Shuffled, repeated names of the readable images under `path` (with their labels when
    `class_names` or `by_name` are given), and their count."""
    relative = _walk_images(path)
    if by_name is not None:
        relative = _named(relative, by_name, path)
    if not relative:
        raise _no_images_error(path)
    full = [os.path.join(path, name) for name in relative]
    # About 25 us a file from the page cache (5 s for CelebA's 200k); from a cold or network
    # disk the reads wait, and threads overlap the waits. Chunks keep per-task overhead small.
    chunks = [full[i : i + _SCAN_CHUNK] for i in range(0, len(full), _SCAN_CHUNK)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        problems = [problem for chunk in pool.map(_scan, chunks) for problem in chunk]
    bad = {name: problem for name, problem in zip(relative, problems) if problem}
    if bad:
        _warn_skipped(bad, len(relative), path)
    good = [name for name, problem in zip(full, problems) if not problem]
    if not good:
        raise ValueError(f"none of the {len(relative)} image files in {path!r} is readable")
    if by_name is not None:
        labels = np.stack([by_name[os.path.basename(name)] for name in good])
        files = tf.data.Dataset.from_tensor_slices((good, labels))
    elif class_names is None:
        files = tf.data.Dataset.from_tensor_slices(good)
    else:
        files = tf.data.Dataset.from_tensor_slices((good, _labels(relative, problems, class_names, path)))
    if shuffle:
        # Shuffling names, not decoded images, keeps the buffer small for any folder size.
        files = files.shuffle(len(good), seed=seed, reshuffle_each_iteration=True)
    return files.repeat(_PASSES), len(good)


def _labels(relative, problems, class_names, path):
    """int32 labels of the readable files: the index of their top folder in `class_names`."""
    index = {name: label for label, name in enumerate(class_names)}
    labels = [index[name.replace(os.sep, "/").split("/")[0]] for name, problem in zip(relative, problems) if not problem]
    empty = [name for label, name in enumerate(class_names) if label not in set(labels)]
    if empty:
        warnings.warn(
            f"class folders of {path!r} with no readable image, so their labels never appear: "
            f"{', '.join(map(repr, empty))}",
            UserWarning,
            stacklevel=4,  # the caller of image_folder
        )
    return np.asarray(labels, np.int32)


def _by_name(file_labels):
    """`file_labels` as {base name: float32 array}, all of one shape; raises a ValueError naming a bad one."""
    try:
        items = {os.path.basename(str(name)): np.asarray(label, np.float32) for name, label in file_labels.items()}
    except (AttributeError, TypeError, ValueError) as error:
        raise ValueError(f"file_labels must map file names to numbers or vectors of numbers ({error})") from None
    shapes = {label.shape for label in items.values()}
    if len(shapes) != 1:
        raise ValueError(f"file_labels must give every file a label of one shape, got shapes {sorted(shapes)}")
    return items


def _named(names, by_name, path):
    """The `names` whose base name `by_name` labels; a ValueError if none is."""
    kept = [name for name in names if os.path.basename(name) in by_name]
    if names and not kept:
        raise ValueError(
            f"file_labels names none of the {len(names)} image files in {path!r} "
            f"(e.g. {os.path.basename(names[0])!r}); it is keyed by base name"
        )
    return kept


def _zip_members(path, shuffle, seed, prefix="", by_name=None):
    with zipfile.ZipFile(path) as archive:
        members = [
            m for m in archive.infolist()
            if not m.is_dir() and _accepted(m.filename) and m.filename.startswith(prefix)
        ]
    if by_name is not None:
        kept = set(_named([m.filename for m in members], by_name, path))
        members = [m for m in members if m.filename in kept]
    if not members:
        raise _no_images_error(f"{path}/{prefix}" if prefix else path)
    members.sort(key=lambda m: m.filename)
    # The zip directory gives each member's size, and reading a member stops there.
    unread = {m.filename: _checks.size_problem(m.file_size) for m in members}
    unread = {name: problem for name, problem in unread.items() if problem}
    if unread:
        _warn_skipped(unread, len(members), path)
    names = [m.filename for m in members if m.filename not in unread]
    if not names:
        raise ValueError(f"none of the {len(members)} image files in {path!r} is readable")
    known_bad = {}  # name -> reason, kept across epochs so bad members are read once
    epochs = itertools.count()

    def generate():
        epoch = next(epochs)
        # A seed gives a reproducible order that still changes every epoch.
        rng = np.random.default_rng(None if seed is None else [seed, epoch])
        with zipfile.ZipFile(path) as archive:
            for _ in range(_PASSES):
                order = rng.permutation(len(names)) if shuffle else range(len(names))
                found, yielded = {}, 0
                for index in order:
                    name = names[index]
                    if name in known_bad:
                        continue
                    try:
                        data = archive.read(name)
                    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
                        found[name] = f"unreadable member ({error})"
                        continue
                    problem = _checks.bytes_problem(data)
                    if problem:
                        found[name] = problem
                        continue
                    yielded += 1
                    yield data if by_name is None else (data, by_name[os.path.basename(name)])
                if found:
                    known_bad.update(found)
                    # Raised in a tf.data thread; point at this generator, not TF internals.
                    _warn_skipped(found, len(members), path, stacklevel=2)
                if not yielded:
                    # ignore_errors downstream logs this; the epoch then ends short.
                    raise ValueError(
                        f"none of the {len(members)} image files in {path!r} is readable"
                    )

    signature = tf.TensorSpec((), tf.string)
    if by_name is not None:
        label_shape = next(iter(by_name.values())).shape
        signature = (signature, tf.TensorSpec(label_shape, tf.float32))
    contents = tf.data.Dataset.from_generator(generate, output_signature=signature)
    return contents, len(names)


def read_images(path, image_size=64, channels=3):
    """The images of one file or a folder (not its subfolders) as an array, with their file names.

    For translating a user's images: each is cropped to its largest centred square, resized
    and scaled to [-1, 1] as `image_folder` does. Files that are not readable images are
    skipped with one warning naming them, as `image_folder` skips them.

    Args:
        path: an image file, or a folder whose image files are read in name order.
        image_size: side of the output images in pixels; 4 to 7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).

    Returns:
        `(names, images)`: the file names (without folder) and float32
        `(N, image_size, image_size, channels)` images in [-1, 1].

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if it holds no readable image.

    Example:
    >>> import tempfile
    >>> from PIL import Image
    >>> folder = tempfile.mkdtemp()
    >>> Image.fromarray(np.full((40, 30, 3), 255, np.uint8)).save(f"{folder}/white.png")
    >>> names, images = read_images(folder, image_size=8)
    >>> names, images.shape, round(float(images.min()), 4)
    (['white.png'], (1, 8, 8, 3), 1.0)
    """
    image_size, channels = _validation.image_size(image_size), _validation.channels(channels)
    path = os.fspath(path)
    if os.path.isdir(path):
        names = sorted(name for name in os.listdir(path) if _accepted(name) and os.path.isfile(os.path.join(path, name)))
        files = [os.path.join(path, name) for name in names]
    elif os.path.isfile(path):
        names, files = [os.path.basename(path)], [path]
    else:
        raise FileNotFoundError(f"no such image file or folder: {path!r}")
    problems = {name: _checks.file_problem(file) for name, file in zip(names, files)}
    bad = {name: problem for name, problem in problems.items() if problem}
    if bad:
        _warn_skipped(bad, len(names), path, stacklevel=3)
    kept = [(name, file) for name, file in zip(names, files) if not problems[name]]
    if not kept:
        raise ValueError(f"no readable image in {path!r}" + ("" if names else f": expected {', '.join(IMAGE_EXTENSIONS)}"))
    images = [_pipeline.decode(tf.io.read_file(file), image_size, channels).numpy() for _, file in kept]
    return [name for name, _ in kept], np.stack(images).astype("float32")

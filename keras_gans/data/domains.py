"""Unpaired image domains for image-to-image translation: CycleGAN folders and zips, tfds
`cycle_gan/<name>`, and offline digit domains made by known, invertible transforms.

Two-domain datasets yield `(x_a, x_b)` batches: float32 images in [-1, 1] of domain A and of
domain B, drawn independently (no pairing), as CycleGAN trains (Zhu et al. 2017). An epoch is
as many batches as the larger domain makes; the smaller domain's images repeat, reshuffled.
"""

import dataclasses
import functools
import os
import zipfile

import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation
from keras_gans.data import _pipeline
from keras_gans.data.digits import digits
from keras_gans.data.images import image_folder
from keras_gans.data.tfds_images import parse_tfds_name, tfds_images

# The CycleGAN layout (the authors' datasets/download_cyclegan_dataset.sh unpacks each set so).
SPLITS = ("train", "test")
DIGITS_DOMAINS_NAME = "digits-domains"
_TFDS_PREFIX = "tfds:"
# scikit-learn's 1797 digits: the held-out fifth is the split of keras_gans.metrics.digits
# (stratified, random_state 0; tested equal), so translation metrics read unseen digits.
_NUM_DIGITS = 1797
_TEST_FRACTION = 0.2
_SPLIT_SEED = 0


def unpaired(domain_a, domain_b):
    """Zips two batched datasets into `(x_a, x_b)` batches, as many as the longer one has.

    Each side repeats on its own (and so reshuffles, if it shuffles), so the shorter domain
    never ends the epoch early and no fixed pairing forms across epochs.

    Example:
    >>> a = tf.data.Dataset.from_tensor_slices(np.zeros((6, 2), "float32")).batch(2)
    >>> b = tf.data.Dataset.from_tensor_slices(np.ones((4, 2), "float32")).batch(2)
    >>> int(unpaired(a, b).cardinality())
    3
    """
    counts = [int(d.cardinality()) for d in (domain_a, domain_b)]
    if min(counts) == 0:
        raise ValueError(f"a domain has no batches: cardinalities {counts}")
    pairs = tf.data.Dataset.zip((domain_a.repeat(), domain_b.repeat()))
    if max(counts) > 0:  # both finite and known
        pairs = pairs.take(max(counts))
    return pairs.prefetch(tf.data.AUTOTUNE)


# ------------------------------------------------------------------ CycleGAN folders and zips


def domain_root(path):
    """The folder (or zip member prefix) holding `trainA/`, `trainB/`, `testA/`, `testB/`.

    The layout may sit at the top of `path` or one folder down (the authors' zips hold
    `horse2zebra/trainA/...`). Returns "" for the top or "name/" (always "/"-separated).

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if no `trainA`/`testA` folder is found, naming what was searched.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such folder or zip file: {path!r}")
    if os.path.isdir(path):
        candidates = [""] + sorted(
            f"{name}/" for name in os.listdir(path)
            if os.path.isdir(os.path.join(path, name)) and not name.startswith(".")
        )
        found = [c for c in candidates if any(os.path.isdir(os.path.join(path, c, f"{s}A")) for s in SPLITS)]
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n.replace("\\", "/") for n in archive.namelist()]
        found = sorted({
            name[: name.index(f"{s}A/")] for name in names for s in SPLITS
            if f"{s}A/" in name and name[: name.index(f"{s}A/")].count("/") <= 1
            and (name.startswith(f"{s}A/") or f"/{s}A/" in name)
        })
    else:
        raise ValueError(f"path must be a folder or a .zip file, got {path!r}")
    if not found:
        raise ValueError(
            f"{path!r} is not in the CycleGAN layout: expected folders trainA/ and trainB/ (and testA/, "
            "testB/) at its top or one folder down"
        )
    return found[0]


def image_domains(
    path, image_size=64, batch_size=1, split="train", channels=3, shuffle=True, seed=None, cache=None,
    drop_remainder=True,
):
    """`(x_a, x_b)` batches from a folder or .zip in the CycleGAN layout: `trainA/`, `trainB/`, `testA/`, `testB/`.

    Each domain folder is read by `keras_gans.data.image_folder` (searched recursively, the
    largest centred square, resized, [-1, 1]; corrupt files skipped with a warning, zips read
    in place), so domain A and B have the same checks as any image folder.

    Args:
        path: a folder or .zip; the layout at its top or one folder down (`domain_root`).
        image_size: side of the output images: 4..7 times a power of two, >= 8.
        batch_size: images per domain per batch (1 in the paper).
        split: "train" or "test".
        channels: 1 or 3.
        shuffle: reshuffle each domain every epoch.
        seed: seed of the shuffles (domain B uses seed + 1, so the orders differ).
        cache: as for `image_folder`; a file path gets "_A" / "_B" appended per domain.
        drop_remainder: drop each domain's last partial batch.

    Returns:
        A `tf.data.Dataset` of `(x_a, x_b)`, each float32 (batch_size, S, S, channels) in
        [-1, 1]; `cardinality()` is the larger domain's number of batches.

    Example:
    >>> import tempfile
    >>> from PIL import Image
    >>> root = tempfile.mkdtemp()
    >>> for domain in ("trainA", "trainB"):
    ...     os.mkdir(os.path.join(root, domain))
    ...     for i in range(3):
    ...         Image.fromarray(np.full((20, 20, 3), 40 * i, np.uint8)).save(f"{root}/{domain}/{i}.png")
    >>> x_a, x_b = next(iter(image_domains(root, image_size=16, batch_size=2)))
    >>> x_a.shape, x_b.shape
    (TensorShape([2, 16, 16, 3]), TensorShape([2, 16, 16, 3]))
    """
    split = _validation.one_of("split", split, SPLITS)
    root = domain_root(path)
    sides = []
    for side, offset in (("A", 0), ("B", 1)):
        side_cache = cache if cache in (None, "memory") else f"{cache}_{side}"
        sides.append(image_folder(
            path, image_size=image_size, batch_size=batch_size, channels=channels, shuffle=shuffle,
            seed=None if seed is None else seed + offset, cache=side_cache, drop_remainder=drop_remainder,
            subfolder=f"{root}{split}{side}",
        ))
    return unpaired(*sides)


def tfds_domains(
    name="cycle_gan/horse2zebra", image_size=64, batch_size=1, split="train", channels=3, shuffle=True, seed=None,
    data_dir=None, cache=None, drop_remainder=True,
):
    """`(x_a, x_b)` batches from tensorflow-datasets' `cycle_gan/<name>` (splits trainA, trainB, testA, testB).

    Both domains go through `keras_gans.data.tfds_images` (downloaded into `data_dir` on
    first use; a failed download is one line saying how to get the data).

    Args:
        name: "cycle_gan/horse2zebra", "cycle_gan/monet2photo", ... (any dataset with
            splits `<split>A` and `<split>B`).
        split: "train" or "test".
        Others: as for `image_domains`.

    Example:
    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=4):
    ...     ds = tfds_domains("cycle_gan/horse2zebra", image_size=16, batch_size=2)
    >>> [tuple(spec.shape) for spec in ds.element_spec]
    [(2, 16, 16, 3), (2, 16, 16, 3)]
    """
    split = _validation.one_of("split", split, SPLITS)
    sides = [
        tfds_images(
            name, image_size=image_size, batch_size=batch_size, split=f"{split}{side}", data_dir=data_dir,
            channels=channels, shuffle=shuffle, seed=None if seed is None else seed + offset,
            drop_remainder=drop_remainder, cache=cache if cache in (None, "memory") else f"{cache}_{side}",
        )
        for side, offset in (("A", 0), ("B", 1))
    ]
    return unpaired(*sides)


# ----------------------------------------------------------------------------- digit domains


@dataclasses.dataclass(frozen=True)
class DigitDomain:
    """A domain of digit images: strokes of colour `foreground` on `background`, both in [-1, 1]^3.

    A gray digit g in [-1, 1] (the stroke's intensity t = (g + 1) / 2) becomes
    `background + t (foreground - background)` per channel; the map is affine and
    invertible: t = <y - background, foreground - background> / ||foreground - background||^2.

    Example:
    >>> domain = DIGIT_DOMAINS["black-on-white"]
    >>> g = np.array([-1.0, 0.0, 1.0], "float32").reshape(1, 1, 3, 1)
    >>> np.asarray(domain.apply(g)).ravel().tolist()
    [1.0, 0.0, -1.0]
    >>> np.asarray(domain.invert(domain.apply(g))).ravel().tolist()
    [-1.0, 0.0, 1.0]
    """

    name: str
    foreground: tuple
    background: tuple

    @property
    def gray(self):
        """Whether both colours are gray, so the domain exists with one channel."""
        return len(set(self.foreground)) == 1 and len(set(self.background)) == 1

    def _colours(self, channels):
        return (np.asarray(self.foreground[:channels], "float32"), np.asarray(self.background[:channels], "float32"))

    def apply(self, gray, channels=None):
        """Gray digits (N, H, W, 1) in [-1, 1] -> this domain's images (N, H, W, channels)."""
        channels = (1 if self.gray else 3) if channels is None else channels
        foreground, background = self._colours(channels)
        t = (ops.convert_to_tensor(gray, "float32") + 1.0) / 2.0
        return background + t * (foreground - background)

    def invert(self, images):
        """This domain's images (N, H, W, C) -> the gray digits (N, H, W, 1) they came from (clipped to [-1, 1])."""
        images = ops.convert_to_tensor(images, "float32")
        foreground, background = self._colours(int(images.shape[-1]))
        direction = foreground - background
        t = ops.sum((images - background) * direction, axis=-1, keepdims=True) / float(np.sum(direction**2))
        return ops.clip(2.0 * t - 1.0, -1.0, 1.0)


_WHITE, _BLACK = (1.0, 1.0, 1.0), (-1.0, -1.0, -1.0)
DIGIT_DOMAINS = {
    domain.name: domain
    for domain in (
        DigitDomain("white-on-black", _WHITE, _BLACK),  # the digits as they come
        DigitDomain("black-on-white", _BLACK, _WHITE),  # stroke polarity reversed
        DigitDomain("red-on-black", (1.0, -1.0, -1.0), _BLACK),
        DigitDomain("blue-on-white", (-1.0, -1.0, 1.0), _WHITE),
        DigitDomain("yellow-on-blue", (1.0, 1.0, -1.0), (-1.0, -1.0, 0.0)),
    )
}
DEFAULT_DIGIT_DOMAINS = ("white-on-black", "black-on-white")


def digit_domain(name):
    """The `DigitDomain` of a name of `DIGIT_DOMAINS` (or the domain itself)."""
    if isinstance(name, DigitDomain):
        return name
    return DIGIT_DOMAINS[_validation.one_of("domain", name, tuple(DIGIT_DOMAINS))]


def digit_domains_channels(domains=DEFAULT_DIGIT_DOMAINS):
    """1 when every domain is gray (white-on-black, black-on-white), else 3."""
    return 1 if all(digit_domain(d).gray for d in domains) else 3


def digit_split(image_size=32, split="train"):
    """Gray digits (N, S, S, 1) in [-1, 1] and their int32 labels: "train" (1437), "test" (360) or "all".

    The split is `keras_gans.metrics.digits.digits_split`'s (stratified 80/20, seed 0). The
    arrays are cached and read-only: copy them before writing into them.
    """
    return _digit_split(_validation.image_size(image_size), _validation.one_of("split", split, ("train", "test", "all")))


@functools.lru_cache(maxsize=16)
def _digit_split(image_size, split):
    images, labels = _read_split(image_size, split)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def _read_split(image_size, split):
    ((images, labels),) = [
        (x.numpy(), y.numpy()) for x, y in digits(
            image_size=image_size, batch_size=_NUM_DIGITS, shuffle=False, with_labels=True, drop_remainder=False
        )
    ]
    if split == "all":
        return images, labels
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=_TEST_FRACTION, stratify=labels, random_state=_SPLIT_SEED
    )
    return (x_train, y_train) if split == "train" else (x_test, y_test)


def digit_domain_images(domain, image_size=32, channels=None, split="test"):
    """Every digit of a split in one domain, with the digit labels: `(images, labels)` numpy arrays.

    For metrics and grids, where the same digit in every domain is wanted; training data
    (`digit_domains`) never pairs them.
    """
    domain = digit_domain(domain)
    gray, labels = digit_split(image_size, split)
    return np.asarray(domain.apply(gray, channels)), labels


def digit_domains(
    domains=DEFAULT_DIGIT_DOMAINS, image_size=32, batch_size=32, channels=None, split="train", shuffle=True,
    seed=None, domain_labels=False, drop_remainder=True,
):
    """Unpaired domains of scikit-learn's digits by known, invertible colour transforms; no download.

    The split's digits are dealt out to the K domains by a fixed random permutation, so
    each domain holds different images (no pair of the same digit in two domains is ever
    seen), then each domain's images are recoloured by its `DigitDomain` transform. The
    inverse transforms (`DigitDomain.invert`) map a translation back to a gray digit, so
    the digits classifier can check that translation kept the digit
    (`keras_gans.metrics.translation`).

    Args:
        domains: names of `DIGIT_DOMAINS` (two or more, distinct): "white-on-black",
            "black-on-white", "red-on-black", "blue-on-white", "yellow-on-blue".
        image_size: side of the images: 4..7 times a power of two, >= 8.
        batch_size: images per domain per batch (per batch with `domain_labels`).
        channels: 1 or 3; None: 1 if every domain is gray, else 3.
        split: "train" (1437 digits, the default), "test" (the 360 held out by the digit
            metrics) or "all".
        shuffle: reshuffle every epoch.
        seed: seed of the shuffles (the deal of digits to domains is fixed).
        domain_labels: yield `(images, domain index)` batches drawn from all domains mixed
            (for a multi-domain model such as StarGAN) instead of one batch per domain.
        drop_remainder: drop each last partial batch.

    Returns:
        A `tf.data.Dataset` of `(x_1, ..., x_K)` batches, one per domain (`(x_a, x_b)` for
        two), as many as the largest domain makes; or of `(images, int32 domain labels)`.

    Example:
    >>> ds = digit_domains(image_size=16, batch_size=8, seed=0)
    >>> x_a, x_b = next(iter(ds))
    >>> x_a.shape, bool(x_a.numpy().mean() < 0 < x_b.numpy().mean())
    (TensorShape([8, 16, 16, 1]), True)
    """
    if isinstance(domains, str) or len(domains) < 2 or len(set(domains)) != len(domains):
        raise ValueError(f"domains must be two or more distinct domain names, got {domains!r}")
    domains = [digit_domain(d) for d in domains]
    channels = digit_domains_channels(domains) if channels is None else _validation.channels(channels)
    if channels == 1 and not all(d.gray for d in domains):
        raise ValueError(f"channels=1 needs gray domains; {[d.name for d in domains if not d.gray]} are coloured")
    batch_size = _validation.positive_int("batch_size", batch_size)
    domain_labels = _validation.boolean("domain_labels", domain_labels)
    gray, _ = digit_split(image_size, split)
    # A fixed deal, independent of `seed`: domain k gets the digits at positions k, k + K, ... of one permutation.
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(gray))
    parts = [np.asarray(d.apply(gray[order[k:: len(domains)]], channels)) for k, d in enumerate(domains)]
    for part in parts:
        _pipeline.check_enough(len(part), batch_size, drop_remainder, "a digit domain")
    if domain_labels:
        images = np.concatenate(parts)
        labels = np.concatenate([np.full(len(p), k, "int32") for k, p in enumerate(parts)])
        data = tf.data.Dataset.from_tensor_slices((images, labels))
        if shuffle:
            data = data.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        batches = data.batch(batch_size, drop_remainder=drop_remainder)
        return _pipeline.prefetch_batches(batches, _pipeline.count_batches(len(images), batch_size, drop_remainder))
    sides = []
    for k, part in enumerate(parts):
        data = tf.data.Dataset.from_tensor_slices(part)
        if shuffle:
            data = data.shuffle(len(part), seed=None if seed is None else seed + k, reshuffle_each_iteration=True)
        sides.append(data.batch(batch_size, drop_remainder=drop_remainder))
    counts = [int(side.cardinality()) for side in sides]
    batches = tf.data.Dataset.zip(tuple(side.repeat() for side in sides)).take(max(counts))
    return batches.prefetch(tf.data.AUTOTUNE)


# ----------------------------------------------------------------------------- by name


def load_domains(name, image_size=64, batch_size=1, channels=None, seed=None, **kwargs):
    """Two-domain data by name, for the command line: "digits-domains", "tfds:cycle_gan/NAME", or a path.

    Args:
        name: "digits-domains" (`digit_domains`, white-on-black vs black-on-white unless
            `domains=` says otherwise), "tfds:NAME" (`tfds_domains`), or a folder or .zip in
            the CycleGAN layout (`image_domains`).
        image_size, batch_size, seed: as for those functions.
        channels: None takes the data's own (1 for the gray digit domains, else 3).
        **kwargs: further arguments of the chosen function (`split=`, `cache=`, `data_dir=`,
            `domains=`).

    Example:
    >>> ds = load_domains("digits-domains", image_size=16, batch_size=4)
    >>> [tuple(spec.shape) for spec in ds.element_spec]
    [(4, 16, 16, 1), (4, 16, 16, 1)]
    """
    key = name.lower() if isinstance(name, str) else None
    common = dict(image_size=image_size, batch_size=batch_size, seed=seed, **kwargs)
    if key == DIGITS_DOMAINS_NAME:
        return digit_domains(channels=channels, **common)
    if key is not None and key.startswith(_TFDS_PREFIX):
        tfds_name, split = parse_tfds_name(name[len(_TFDS_PREFIX):])
        if split:
            common["split"] = split
        return tfds_domains(tfds_name, channels=3 if channels is None else channels, **common)
    if isinstance(name, (str, os.PathLike)) and os.path.exists(name):
        return image_domains(name, channels=3 if channels is None else channels, **common)
    raise ValueError(
        f"unknown two-domain dataset {name!r}: expected {DIGITS_DOMAINS_NAME!r}, 'tfds:cycle_gan/NAME' "
        "(e.g. tfds:cycle_gan/horse2zebra) or a folder or .zip with trainA/ and trainB/"
    )


def domains_channels(name, domains=DEFAULT_DIGIT_DOMAINS):
    """The channels `load_domains(name)` yields by default: 1 for the gray digit domains, else 3."""
    if isinstance(name, str) and name.lower() == DIGITS_DOMAINS_NAME:
        return digit_domains_channels(domains)
    return 3

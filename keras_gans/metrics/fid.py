"""FID: the Frechet distance between Gaussians fitted to features of real and generated images.

Also home of the streaming feature extraction that `keras_gans.metrics.kid` shares:
`feature_batches` turns an array, a batched `tf.data.Dataset` or a GAN (plus a
count) into feature batches without holding all the images, and
`FeatureStatistics` reduces them to a mean and a covariance in float64 without
holding all the features. To get both FID and KID from one extraction:

    features = extract_features(images)          # (N, 2048), Inception by default
    stats = FeatureStatistics().update(features)  # -> frechet_distance(...)
    kid_from_features(real_features, features)    # keras_gans.metrics.kid
"""

import functools
import warnings

import numpy as np
import scipy.linalg
import tensorflow as tf

from keras_gans._validation import positive_int
from keras_gans.metrics.inception import inception_features


class FeatureStatistics:
    """Streaming mean and covariance of feature vectors, accumulated in float64.

    Each `update` adds a batch's sum and sum of outer products, so 50,000
    Inception features cost two float64 arrays of 2048 and 2048 x 2048 (32 MB),
    never the (50000, 2048) features themselves. The sums are taken around a
    shift K, the mean of the first batch: with s = sum(x - K) and
    S = sum((x - K)(x - K)^T) over n vectors,

        mean = K + s / n,    covariance = (S - s s^T / n) / (n - 1)

    which is exact (covariance does not depend on K) and, unlike sums of raw
    outer products, does not lose digits to cancellation when the features'
    mean is large next to their spread. The covariance is the unbiased one
    (n - 1), as `np.cov` and the reference FID code compute it.

    Attributes:
        count: number of feature vectors seen.
        dim: their dimension (None before the first update).

    Example:
    >>> import numpy as np
    >>> features = np.random.default_rng(0).normal(size=(100, 3))
    >>> stats = FeatureStatistics()
    >>> for batch in np.array_split(features, 7):
    ...     _ = stats.update(batch)
    >>> stats.count, bool(np.allclose(stats.covariance, np.cov(features, rowvar=False)))
    (100, True)

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium" (the mean and covariance FID compares).
    """

    def __init__(self):
        self.count = 0
        self.dim = None
        self._shift = None
        self._sum = None
        self._outer = None

    def update(self, features):
        """Adds a batch of feature vectors (n, dim); returns `self` (for chaining)."""
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(f"features must have shape (n, dim), got {x.shape}")
        if self.dim is not None and x.shape[1] != self.dim:
            raise ValueError(f"features have {x.shape[1]} dims, but earlier batches had {self.dim}")
        if not len(x):
            return self
        bad = np.size(x) - np.count_nonzero(np.isfinite(x))
        if bad:
            raise ValueError(
                f"features contain {bad} non-finite values (NaN or inf); were the images finite? "
                "(a diverged generator produces NaN images)"
            )
        if self._shift is None:
            self.dim = x.shape[1]
            self._shift = x.mean(axis=0)
            self._sum = np.zeros(self.dim)
            self._outer = np.zeros((self.dim, self.dim))
        centred = x - self._shift
        self._sum += centred.sum(axis=0)
        self._outer += centred.T @ centred
        self.count += len(x)
        return self

    @property
    def mean(self):
        """The mean feature vector, float64 (dim,)."""
        if not self.count:
            raise ValueError("a mean needs at least 1 feature vector, got 0")
        return self._shift + self._sum / self.count

    @property
    def covariance(self):
        """The unbiased covariance (divided by n - 1), float64 (dim, dim)."""
        n = self.count
        if n < 2:
            raise ValueError(f"a covariance needs at least 2 feature vectors, got {n}")
        # (S - s s^T / n) / (n - 1) around the shift; symmetrised against rounding.
        covariance = (self._outer - np.outer(self._sum, self._sum) / n) / (n - 1)
        return (covariance + covariance.T) / 2


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """The squared Frechet (2-Wasserstein) distance between N(mu1, sigma1) and N(mu2, sigma2).

        d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))

    The matrix square root is `scipy.linalg.sqrtm`. As in the reference
    implementation of Heusel et al. (TTUR's `fid.py`): when the product is too
    close to singular for a finite root (common: 1000 samples give a covariance of
    rank at most 999 in 2048 dimensions), `eps` is added to both diagonals and the
    root retaken, with a warning; rounding leaves a tiny imaginary part, which is
    dropped, while an imaginary diagonal above 1e-3 is an error. The result can
    be a hair below 0 for identical statistics (rounding).

    Args:
        mu1, mu2: mean vectors (dim,).
        sigma1, sigma2: covariance matrices (dim, dim).
        eps: diagonal offset used only when the first root is not finite.

    Returns:
        The distance as a float.

    Example:
    >>> import numpy as np
    >>> d, m, s = 4, np.full(4, 0.5), 2.0  # N(0, I) vs N(m, s^2 I): ||m||^2 + d (1 - s)^2
    >>> round(frechet_distance(np.zeros(d), np.eye(d), m, s**2 * np.eye(d)), 6)
    5.0

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium"; Dowson & Landau 1982, "The Frechet Distance
        between Multivariate Normal Distributions" (the closed form).
    """
    mu1, mu2 = (np.atleast_1d(np.asarray(m, dtype=np.float64)) for m in (mu1, mu2))
    sigma1, sigma2 = (np.atleast_2d(np.asarray(s, dtype=np.float64)) for s in (sigma1, sigma2))
    for name, mu, sigma in (("1", mu1, sigma1), ("2", mu2, sigma2)):
        if mu.ndim != 1 or sigma.shape != (len(mu), len(mu)):
            raise ValueError(f"mu{name} must be (dim,) and sigma{name} (dim, dim), got {mu.shape} and {sigma.shape}")
        if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
            raise ValueError(f"mu{name} and sigma{name} must be finite; they contain NaN or inf")
    if len(mu1) != len(mu2):
        raise ValueError(f"mismatched feature dims: the first statistics have {len(mu1)}, the second {len(mu2)}")
    diff = mu1 - mu2
    covmean = _sqrtm(sigma1 @ sigma2)
    if not np.all(np.isfinite(covmean)):
        warnings.warn(
            f"the product of the covariances is singular; adding {eps} to their diagonals "
            "(as the reference FID implementation does)",
            stacklevel=2,
        )
        offset = eps * np.eye(len(mu1))
        covmean = _sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        # sqrtm of a real product of PSD matrices is real; rounding can leave a small imaginary part.
        imaginary = float(np.max(np.abs(np.diagonal(covmean).imag)))
        if imaginary > 1e-3:
            raise ValueError(f"sqrtm(sigma1 sigma2) has imaginary diagonal components up to {imaginary:g}")
        covmean = covmean.real
    # d^2 = ||mu1 - mu2||^2 + Tr(sigma1) + Tr(sigma2) - 2 Tr((sigma1 sigma2)^(1/2))
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def frechet_distance_from_features(real, fake):
    """FID from features: `frechet_distance` between the Gaussians fitted to two sets of features.

    The one path from features to a Frechet distance, shared by `fid`, the `ImageQuality`
    callback, the digits metrics and the CLI's `evaluate`. Each side is an array of
    feature vectors (n, dim) or their `FeatureStatistics` (to reuse a reference's
    statistics without its features); the covariance is the unbiased one. A distance is
    >= 0, so the round-off that can leave identical statistics a hair below 0 is returned
    as 0.

    Args:
        real, fake: arrays (n, dim) with n >= 2, or `FeatureStatistics` of >= 2 vectors.

    Returns:
        The distance as a float.

    Raises:
        ValueError: if a side has fewer than 2 vectors (naming it), or the dims differ.

    Example:
    >>> import numpy as np
    >>> real = np.random.default_rng(0).normal(size=(500, 3))
    >>> round(frechet_distance_from_features(real, real + [1.0, 2.0, 2.0]), 6)  # ||shift||^2
    9.0
    >>> frechet_distance_from_features(real, real)
    0.0
    """
    real, fake = (s if isinstance(s, FeatureStatistics) else FeatureStatistics().update(s) for s in (real, fake))
    for name, statistics in (("real", real), ("fake", fake)):
        if statistics.count < 2:
            raise ValueError(f"the {name} set gave {statistics.count} feature vectors; a covariance needs at least 2")
    if real.dim != fake.dim:
        raise ValueError(f"mismatched feature dims: real features have {real.dim}, fake {fake.dim}")
    return max(frechet_distance(real.mean, real.covariance, fake.mean, fake.covariance), 0.0)


def _sqrtm(matrix):
    # A singular product can make sqrtm warn; its non-finite result is handled by the caller.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return scipy.linalg.sqrtm(matrix)


def fid(real, fake, extractor=None, batch_size=50, num_samples=None, seed=0):
    """Frechet Inception Distance between two sets of images (lower is better, 0 for equal statistics).

    Features of both sets are streamed through `extractor`, reduced to their
    mean and covariance (`FeatureStatistics`), and compared with
    `frechet_distance_from_features`. FID is biased upward with fewer samples (Binkowski et al.
    2018; Chong & Forsyth 2020), so only compare values computed from the same
    numbers of images (50,000 generated images is the usual).

    Args:
        real, fake: each an array (N, H, W, C), an `(images, labels)` tuple, a
            batched `tf.data.Dataset` of images or `(images, labels)`, or a GAN
            (anything with `generate(z, labels=None)` and `latent_dim`; labels
            are drawn uniformly for a conditional one) together with `num_samples`.
        extractor: callable from a batch of images to (n, dim) features; the
            InceptionV3 of `inception_features()` (built once, then reused) when None.
        batch_size: images per extractor call (arrays) and per `generate` call (GANs);
            a dataset keeps its own batches.
        num_samples: images used from each set, at most; the number generated by a GAN.
        seed: seed of the latents (and labels) a GAN generates from.

    Returns:
        The FID as a float.

    Example:
    >>> import numpy as np
    >>> real = np.random.default_rng(0).uniform(-1, 1, (500, 4, 4, 1)).astype("float32")
    >>> flatten = lambda images: images.reshape(len(images), -1)
    >>> abs(fid(real, real, extractor=flatten)) < 1e-6
    True
    >>> round(fid(real, real + 0.5, extractor=flatten), 3)  # mean shift 0.5 in 16 dims: 16 * 0.25
    4.0

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium".
    """
    extractor = resolve_extractor(extractor)
    real_seed, fake_seed = np.random.SeedSequence(seed).spawn(2)
    stats = []
    for source, source_seed in ((real, real_seed), (fake, fake_seed)):
        statistics = FeatureStatistics()
        for features in feature_batches(source, extractor, batch_size, num_samples, source_seed):
            statistics.update(features)
        stats.append(statistics)
    return frechet_distance_from_features(*stats)


def extract_features(source, extractor=None, batch_size=50, num_samples=None, seed=0):
    """All the features of `source` as one float32 array (N, dim); see `feature_batches`.

    Example:
    >>> import numpy as np
    >>> images = np.zeros((5, 2, 2, 1), "float32")
    >>> extract_features(images, lambda x: x.reshape(len(x), -1), batch_size=2).shape
    (5, 4)
    """
    extractor = resolve_extractor(extractor)
    batches = [np.asarray(f, np.float32) for f in feature_batches(source, extractor, batch_size, num_samples, seed)]
    if not batches:
        raise ValueError(f"the {type(source).__name__} source yielded no images")
    return np.concatenate(batches)


def feature_batches(source, extractor=None, batch_size=50, num_samples=None, seed=0):
    """Yields the features (n, dim) of `source`'s images, one batch at a time.

    Only one batch of images is held at once, so any number of images fits in
    memory; FID reduces the batches with `FeatureStatistics`, KID keeps them.

    Args:
        source: an array (N, ...) of images (or an `(images, labels)` tuple of
            arrays), a batched `tf.data.Dataset` of images or `(images, labels)`
            (as `fit` takes it; its own batch size is kept), or a GAN: an object
            with `generate(z, labels=None)` and `latent_dim`, which generates
            `num_samples` images from z ~ N(0, I) (and uniform labels in
            [0, num_classes) when it has `num_classes`), `batch_size` at a time.
        extractor: callable images (n, ...) -> features (n, dim), e.g. a
            `keras.Model`; `inception_features()` when None.
        batch_size: images per batch from an array or a GAN.
        num_samples: stop after this many images (required for a GAN and an
            infinite dataset); None takes all of an array or a finite dataset.
        seed: seed (or `np.random.SeedSequence`) of a GAN's latents and labels.
            The latents do not depend on `batch_size`.

    Example:
    >>> import numpy as np
    >>> images = np.arange(10, dtype="float32").reshape(5, 2)
    >>> [f.shape for f in feature_batches(images, lambda x: x, batch_size=2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    extractor = resolve_extractor(extractor)
    for images in _image_batches(source, positive_int("batch_size", batch_size), num_samples, seed):
        features = np.asarray(extractor(images))
        if features.ndim != 2 or features.shape[0] != len(images):
            raise ValueError(
                f"the extractor must map n images to features (n, dim); it mapped images of shape "
                f"{tuple(images.shape)} to {features.shape}"
            )
        yield features


@functools.lru_cache(maxsize=1)
def _default_extractor():
    # Built once per process: InceptionV3 takes seconds to build and load.
    return inception_features()


def resolve_extractor(extractor):
    """`extractor` if given, else the shared default Inception extractor (built on first use).

    Example:
    >>> resolve_extractor(len) is len
    True
    """
    if extractor is None:
        return _default_extractor()
    if not callable(extractor):
        raise TypeError(f"extractor must be a callable from images to features, got {type(extractor).__name__}")
    return extractor


def _image_batches(source, batch_size, num_samples, seed):
    """Yields numpy batches of images from an array, a dataset or a GAN, `num_samples` at most."""
    if num_samples is not None:
        num_samples = positive_int("num_samples", num_samples)
    if hasattr(source, "generate") and hasattr(source, "latent_dim"):
        yield from _generated_batches(source, batch_size, num_samples, seed)
        return
    if isinstance(source, tf.data.Dataset):
        batches = _dataset_batches(source, num_samples)
    else:
        if isinstance(source, tuple):
            source = source[0]  # (images, labels), as fit takes arrays
        if not hasattr(source, "shape") or not hasattr(source, "__getitem__"):
            raise TypeError(
                "images must come as an array (N, H, W, C), a batched tf.data.Dataset or a GAN with "
                f"generate() and latent_dim, got {type(source).__name__}"
            )
        if len(source.shape) < 2:
            raise ValueError(f"an array of images must have shape (N, ...), got {tuple(source.shape)}")
        stop = len(source) if num_samples is None else min(num_samples, len(source))
        batches = (source[i : min(i + batch_size, stop)] for i in range(0, stop, batch_size))
    for batch in batches:
        yield np.asarray(batch)


def _dataset_batches(dataset, num_samples):
    if num_samples is None and dataset.cardinality() == tf.data.INFINITE_CARDINALITY:
        raise ValueError("the dataset repeats forever; pass num_samples, the number of images to use")
    left = num_samples
    for element in dataset:
        images = element[0] if isinstance(element, (tuple, list)) else element
        if isinstance(images, dict) or getattr(images, "shape", None) is None or images.shape.rank < 2:
            raise ValueError(
                "the dataset must yield batches of images (n, H, W, C) or (images, labels), as fit takes "
                f"them; got elements {dataset.element_spec}"
            )
        images = images.numpy()
        if left is not None:
            images = images[:left]
            left -= len(images)
        yield images
        if left is not None and left <= 0:
            return


def _generated_batches(model, batch_size, num_samples, seed):
    if num_samples is None:
        raise ValueError(
            f"{type(model).__name__} generates images: pass num_samples, how many to generate "
            "(50000 is the usual for FID)"
        )
    # Separate streams for latents and labels: each is the same whatever the batch size.
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    latent_rng, label_rng = (np.random.default_rng(s) for s in sequence.spawn(2))
    num_classes = getattr(model, "num_classes", None)
    for start in range(0, num_samples, batch_size):
        n = min(batch_size, num_samples - start)
        z = latent_rng.standard_normal((n, model.latent_dim)).astype(np.float32)
        labels = None if num_classes is None else label_rng.integers(0, num_classes, n).astype(np.int32)
        yield np.asarray(model.generate(z, labels=labels))

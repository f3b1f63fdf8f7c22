"""KID: the unbiased squared MMD between real and generated features, cubic polynomial kernel."""

import numpy as np

from keras_gans._validation import positive_int
from keras_gans.metrics.fid import extract_features, resolve_extractor

# The reference's subsets: 100 of 1000 vectors (Binkowski et al.'s compute_scores.py,
# --mmd-subsets and --mmd-subset-size; torch-fidelity uses the same).
NUM_SUBSETS = 100
SUBSET_SIZE = 1000


def polynomial_kernel(x, y):
    """k(x, y) = (x . y / d + 1)^3 for all pairs of rows of `x` (m, d) and `y` (n, d): (m, n).

    Example:
    >>> import numpy as np
    >>> polynomial_kernel(np.array([[1.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[8.0, 1.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """The unbiased estimator of MMD^2 between the samples `x` (m, d) and `y` (n, d), float.

        MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
                  - 2/(mn) sum_{i, j} k(x_i, y_j)

    with `polynomial_kernel`. The diagonal terms k(x_i, x_i) are left out, which
    makes the expectation exactly MMD^2 (0 for samples of one distribution); the
    price is that an estimate can be slightly negative.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(200, 4)), rng.normal(size=(200, 4))  # one distribution: ~0
    >>> round(mmd2_unbiased(x, y), 3), round(mmd2_unbiased(x, y + 1.0), 3)
    (0.003, 9.911)

    Reference:
        Gretton et al. 2012, "A Kernel Two-Sample Test", Lemma 6.
    """
    x, y = _check_features(x, y, "x", "y")
    m, n = len(x), len(y)
    for name, count in (("x", m), ("y", n)):
        if count < 2:
            raise ValueError(f"the unbiased MMD^2 needs at least 2 vectors in each sample, {name} has {count}")
    k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    # Sums over i != j: the whole matrix less its diagonal.
    xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(xx + yy - 2.0 * k_xy.sum() / (m * n))


def kid_from_features(real_features, fake_features, num_subsets=NUM_SUBSETS, subset_size=SUBSET_SIZE, seed=0):
    """KID from precomputed features: mean and std of `mmd2_unbiased` over random subsets.

    Each of `num_subsets` rounds draws `subset_size` real and `subset_size` fake
    vectors without replacement (independently across rounds), as the reference
    code does; this bounds the cost at O(num_subsets * subset_size^2 * dim)
    whatever the number of features.

    Args:
        real_features, fake_features: arrays (n_real, dim) and (n_fake, dim).
        num_subsets: number of subsets averaged.
        subset_size: vectors per subset, at most the size of either set; None takes
            `SUBSET_SIZE` (the reference's 1000), or the smaller set's size if that is fewer.
        seed: seed of the subset draws.

    Returns:
        `(mean, std)`: the KID estimate and the standard deviation of the subset
        estimates (their spread, not a standard error: subsets overlap). When
        `subset_size` equals both sets' sizes every subset is the whole sets:
        the one estimate is computed once and the std is 0.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(200, 8)), rng.normal(0.5, 1.0, size=(200, 8))
    >>> mean, std = kid_from_features(real, fake, num_subsets=10, subset_size=100)
    >>> 0 < mean, std < mean
    (True, True)

    Reference:
        Binkowski et al. 2018, "Demystifying MMD GANs" (KID and its subsets).
    """
    real, fake = _check_features(real_features, fake_features, "real", "fake")
    num_subsets = positive_int("num_subsets", num_subsets)
    if subset_size is None:
        subset_size = min(SUBSET_SIZE, len(real), len(fake))
    # The unbiased MMD^2 needs pairs within a subset.
    subset_size = positive_int("subset_size", subset_size, minimum=2)
    for name, features in (("real", real), ("fake", fake)):
        if subset_size > len(features):
            raise ValueError(
                f"subset_size={subset_size} is more than the {len(features)} {name} feature vectors; "
                "lower subset_size or use more samples"
            )
    if subset_size == len(real) == len(fake):
        # Every subset is then a reordering of the whole sets, and the estimate ignores order:
        # all num_subsets values are equal, so one is computed (a 1000 x 2048 subset costs
        # three 4-GFLOP products).
        return mmd2_unbiased(real, fake), 0.0
    rng = np.random.default_rng(seed)
    estimates = np.array(
        [
            mmd2_unbiased(
                real[rng.choice(len(real), subset_size, replace=False)],
                fake[rng.choice(len(fake), subset_size, replace=False)],
            )
            for _ in range(num_subsets)
        ]
    )
    return float(estimates.mean()), float(estimates.std())


def kid(
    real,
    fake,
    extractor=None,
    batch_size=50,
    num_samples=None,
    num_subsets=NUM_SUBSETS,
    subset_size=SUBSET_SIZE,
    seed=0,
):
    """Kernel Inception Distance between two sets of images: `(mean, std)` (lower is better, ~0 at best).

    KID is the squared maximum mean discrepancy between the feature
    distributions with the cubic polynomial kernel k(x, y) = (x . y / d + 1)^3,
    estimated without bias (`mmd2_unbiased`) on random subsets
    (`kid_from_features`). Unlike FID it needs no Gaussian assumption, and its
    expectation does not depend on the number of samples, so values from
    different sample counts can be compared; with identical distributions it is
    0 on average, and single estimates can be slightly negative. Features are
    streamed exactly as for FID (`keras_gans.metrics.fid.feature_batches`).

    Args:
        real, fake: arrays, `(images, labels)` tuples, batched `tf.data.Dataset`s
            or a GAN with `num_samples`, as `keras_gans.metrics.fid.fid` takes.
        extractor: callable images -> (n, dim) features; the Inception extractor when None.
        batch_size: images per extractor call (arrays) and per `generate` call (GANs).
        num_samples: images used from each set, at most; the number a GAN generates.
        num_subsets: number of subsets averaged (100 in the reference).
        subset_size: vectors per subset (1000 in the reference), at most either set's size;
            None for 1000 or the smaller set's size if fewer.
        seed: seed of a GAN's latents and of the subset draws.

    Returns:
        `(mean, std)` over the subsets, floats.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> real = rng.uniform(-1, 1, (300, 4, 4, 1)).astype("float32")
    >>> fake = rng.uniform(-1, 1, (300, 4, 4, 1)).astype("float32")
    >>> flatten = lambda images: images.reshape(len(images), -1)
    >>> same, _ = kid(real, fake, extractor=flatten, num_subsets=20, subset_size=100)
    >>> shifted, _ = kid(real, fake * 0.5 + 0.3, extractor=flatten, num_subsets=20, subset_size=100)
    >>> abs(same) < 0.01 < shifted
    True

    Reference:
        Binkowski et al. 2018, "Demystifying MMD GANs".
    """
    extractor = resolve_extractor(extractor)
    real_seed, fake_seed, subset_seed = np.random.SeedSequence(seed).spawn(3)
    real_features = extract_features(real, extractor, batch_size, num_samples, real_seed)
    fake_features = extract_features(fake, extractor, batch_size, num_samples, fake_seed)
    return kid_from_features(real_features, fake_features, num_subsets, subset_size, subset_seed)


def _check_features(a, b, name_a, name_b):
    # No float64 copy of whole float32 sets (50,000 x 2048 would take 800 MB); subsets are cast.
    a, b = (_floats(features) for features in (a, b))
    for name, features in ((name_a, a), (name_b, b)):
        if features.ndim != 2:
            raise ValueError(f"{name} features must have shape (n, dim), got {features.shape}")
        if not np.all(np.isfinite(features)):
            raise ValueError(f"{name} features contain NaN or inf; were the images finite?")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"mismatched feature dims: {name_a} features have {a.shape[1]}, {name_b} {b.shape[1]}")
    return a, b


def _floats(features):
    array = np.asarray(features)
    return array if np.issubdtype(array.dtype, np.floating) else array.astype(np.float64)

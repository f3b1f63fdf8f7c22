"""Precision and recall of a generated sample against a real one, by k-nearest-neighbour balls.

Kynkäänniemi et al. (2019) estimate each distribution's support as the union of balls around its
samples, each ball reaching the sample's k-th nearest neighbour in its own set. *Precision* is the
fraction of generated samples inside the real support (are the samples realistic?); *recall* is
the fraction of real samples inside the generated support (is all of the data covered?). Unlike
mode counts they need no known modes, so they score any set (the swiss roll) and any feature space
(Inception features of images, as in the paper).
"""

import numpy as np

from keras_gans._validation import positive_int
__all__ = ["precision_recall"]

# Rows of a distance matrix at a time: 1024 x 50,000 float64 is 400 MB at most.
_CHUNK = 1024


def precision_recall(real, fake, k=3):
    """Improved precision and recall of `fake` against `real` (Kynkäänniemi et al. 2019, Eq. 1-2).

    A point `p` is inside the support of a set when, for some sample `s` of the set,
    `|p - s| <= |s - NN_k(s)|`, the distance from `s` to its k-th nearest other sample.

    Args:
        real: real samples or their features, an array (N, D) with N > k.
        fake: generated samples or features, an array (M, D) with M > k.
        k: neighbourhood size, an int >= 1 (the paper uses 3).

    Returns:
        `{"precision": float, "recall": float}`, each in [0, 1].

    Raises:
        ValueError: naming the shape or value of a bad argument, or a non-finite sample.

    Example:
    >>> real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> fake = np.array([[0.5, 0.5], [0.0, 0.1], [9.0, 9.0], [9.0, 8.0]])
    >>> precision_recall(real, fake, k=1)  # 2 of 4 fakes lie near the square; no real one near 9
    {'precision': 0.5, 'recall': 0.25}

    Reference:
        Kynkäänniemi, Karras, Laine, Lehtinen, Aila. "Improved Precision and Recall Metric for
        Assessing Generative Models", NeurIPS 2019. https://arxiv.org/abs/1904.06991
    """
    k = positive_int("k", k)
    real = _points("real", real, k)
    fake = _points("fake", fake, k)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake must have the same number of features, got {real.shape[1]} and {fake.shape[1]}")
    return {"precision": _inside(fake, real, k), "recall": _inside(real, fake, k)}


def _points(name, values, k):
    values = np.asarray(values, dtype="float64")
    if values.ndim != 2 or values.shape[0] <= k:
        raise ValueError(f"{name} must be an array (N, D) with N > k={k}, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} has {int(np.sum(~np.isfinite(values)))} non-finite values")
    return values


def _inside(points, support, k):
    """Fraction of `points` inside the union of k-NN balls of `support`."""
    # Column k of the sorted distances: column 0 is each support sample's distance to itself.
    radii = np.concatenate([np.partition(block, k, axis=1)[:, k] for block in _distances(support, support)])
    inside = np.concatenate([np.any(block <= radii[None, :], axis=1) for block in _distances(points, support)])
    return float(np.mean(inside))


def _distances(rows, columns):
    """Euclidean distance matrices `rows` x `columns`, `_CHUNK` rows at a time (bounded memory)."""
    column_norms = np.sum(columns**2, axis=1)
    for start in range(0, len(rows), _CHUNK):
        block = rows[start : start + _CHUNK]
        squared = np.sum(block**2, axis=1)[:, None] + column_norms[None, :] - 2.0 * block @ columns.T
        # The expansion can dip below zero by rounding for (near-)identical points.
        yield np.sqrt(np.maximum(squared, 0.0))

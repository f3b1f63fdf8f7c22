"""Mode metrics for toy mixtures: how many modes a generator covers, and how evenly.

The metrics of PacGAN (Lin et al. 2018, Sec. 5.1, Table 1), computed on generated points (2,500
in the paper) against the known centres of a mixture of isotropic Gaussians of a common standard
deviation, such as `keras_gans.data.toys.ring_modes()` with `RING_STD`:

- each sample is assigned to its nearest mode (Euclidean distance; with one std for all modes
  this is PacGAN's std-normalised distance);
- a sample is *high quality* when that distance is less than `threshold` (3) standard
  deviations;
- a mode is *captured* when it is the nearest mode of at least one high-quality sample;
- the *reverse KL* is KL(p_gen || uniform), p_gen the histogram of the high-quality samples over
  the modes.
"""

import math

import numpy as np

from keras_gans._validation import number

__all__ = ["mode_counts", "mode_metrics"]

# Rows of the (rows, modes) distance matrix at a time: bounds memory for millions of samples.
_CHUNK = 65536


def mode_counts(samples, modes, std, threshold=3.0):
    """Number of high-quality samples nearest to each mode.

    A sample is counted for its nearest mode (Euclidean distance; ties go to the lower index)
    when that distance is strictly less than `threshold * std`, as in PacGAN's evaluation code.
    Samples with a NaN or infinite coordinate (a diverged generator) are never counted.

    Args:
        samples: generated points, an array (N, D) with N >= 1, or anything `np.asarray` takes
            (a tensor).
        modes: the mixture's centres, an array (K, D) with K >= 1.
        std: the mixture's standard deviation per coordinate, a finite number > 0.
        threshold: the high-quality radius in standard deviations, a finite number > 0.

    Returns:
        An int64 numpy array (K,): high-quality samples per mode.

    Raises:
        ValueError: naming the bad shape or value.

    Example:
    >>> modes = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> samples = np.array([[0.01, 0.0], [0.0, -0.02], [0.9, 0.0], [0.98, 0.0]])
    >>> mode_counts(samples, modes, std=0.01).tolist()  # 0.9 is 10 std from (1, 0)
    [2, 1]

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    samples, modes = _check_points(samples, modes)
    std = number("std", std, low=0, low_open=True)
    threshold = number("threshold", threshold, low=0, low_open=True)
    radius = threshold * std
    counts = np.zeros(len(modes), dtype=np.int64)
    for start in range(0, len(samples), _CHUNK):
        chunk = samples[start : start + _CHUNK]
        # ||x - m|| for every (sample, mode) pair, in float64 so that a distance of 3 std stays
        # exact next to coordinates of ~4.
        distances = np.linalg.norm(chunk[:, None, :] - modes[None, :, :], axis=-1)
        finite = np.all(np.isfinite(chunk), axis=1)
        distances[~finite] = np.inf  # argmin of an all-inf row is 0; the mask below drops it
        nearest = np.argmin(distances, axis=1)
        close = distances[np.arange(len(chunk)), nearest] < radius
        counts += np.bincount(nearest[close], minlength=len(modes))
    return counts


def mode_metrics(samples, modes, std, threshold=3.0):
    """PacGAN's mode metrics: modes captured, fraction of high-quality samples, reverse KL.

    With `counts = mode_counts(samples, modes, std, threshold)` (high-quality samples per mode,
    see `mode_counts`), N samples and K modes:

    - `modes_captured` = #{k : counts_k >= 1}, an int in [0, K];
    - `high_quality` = sum(counts) / N, the fraction of samples within `threshold` std of their
      nearest mode, in [0, 1];
    - `reverse_kl` = KL(p || u) = sum_k p_k log(p_k K) in nats, with p = counts / sum(counts) and
      u the uniform 1 / K of the true mixture. A mode with no high-quality sample has p_k = 0 and
      adds 0 (the limit of p log p), so the value stays finite: 0 when the high-quality samples
      are spread exactly evenly, log(K / m) when they are spread evenly over m modes, at most
      log K (all on one mode). It is NaN when no sample is high quality (p is undefined).
      This direction (generated first) is PacGAN's "reverse KL"; the other, KL(u || p), would be
      infinite whenever a mode is missed.

    Args:
        samples: generated points (N, D), N >= 1; PacGAN uses 2,500.
        modes: the mixture's centres (K, D), e.g. `keras_gans.data.toys.ring_modes()`.
        std: the mixture's standard deviation per coordinate, e.g. `toys.RING_STD` (0.01).
        threshold: the high-quality radius in standard deviations (3 in PacGAN).

    Returns:
        A dict with `modes_captured` (int), `high_quality` (float) and `reverse_kl` (float).

    Raises:
        ValueError: naming the bad shape or value.

    Example:
    >>> modes = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> samples = np.array([[0.0, 0.0], [0.0, 0.01], [1.0, 0.0], [0.5, 0.5]])
    >>> result = mode_metrics(samples, modes, std=0.01)
    >>> result["modes_captured"], result["high_quality"]
    (2, 0.75)
    >>> round(result["reverse_kl"], 6)  # p = (2/3, 1/3, 0, 0): 2/3 log(8/3) + 1/3 log(4/3)
    0.74978

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    counts = mode_counts(samples, modes, std, threshold)
    num_samples = len(np.asarray(samples))
    total = int(counts.sum())
    if total == 0:
        reverse_kl = math.nan
    else:
        p = counts[counts > 0] / total
        # KL(p || u) = sum_k p_k log(p_k / (1 / K)); terms with p_k = 0 are 0 and left out.
        reverse_kl = float(np.sum(p * np.log(p * len(counts))))
    return {
        "modes_captured": int(np.count_nonzero(counts)),
        "high_quality": total / num_samples,
        "reverse_kl": reverse_kl,
    }


def _check_points(samples, modes):
    samples = np.asarray(samples, dtype=np.float64)
    modes = np.asarray(modes, dtype=np.float64)
    if modes.ndim != 2 or modes.shape[0] < 1 or modes.shape[1] < 1:
        raise ValueError(f"modes must be an array (K, D) with K, D >= 1, got shape {modes.shape}")
    if not np.all(np.isfinite(modes)):
        raise ValueError(f"modes must be finite, got {modes[~np.all(np.isfinite(modes), axis=1)][:3].tolist()}")
    if samples.ndim != 2 or samples.shape[0] < 1 or samples.shape[1] != modes.shape[1]:
        raise ValueError(
            f"samples must be an array (N, {modes.shape[1]}) with N >= 1 to match modes "
            f"{modes.shape}, got shape {samples.shape}"
        )
    return samples, modes

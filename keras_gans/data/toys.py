"""Toy 2-D data for watching mode collapse: a ring and a grid of Gaussians, and a swiss roll.

The ring and the grid are the synthetic sets of PacGAN (Lin et al. 2018), with their mode centres
and standard deviation exposed (`ring_modes`, `grid_modes`, `RING_STD`, `GRID_STD`) so that
`keras_gans.metrics.modes.mode_metrics` can count the modes a generator covers. The swiss roll
has no discrete modes; it is the third toy set of Gulrajani et al. (2017).

Each set comes twice: `sample_*` returns a numpy array (N, 2), and the function named after the
set returns a batched, shuffled, prefetched `tf.data.Dataset` of float32 (batch_size, 2) points
with a static batch size and a known cardinality, ready for `model.fit`.
"""

import numpy as np
import tensorflow as tf

from keras_gans import _validation
from keras_gans.data import _pipeline

# PacGAN's 2D-ring: variance 1e-4 in each dimension (their code: VARIANCES = 0.01 ** 2 * I).
RING_STD = 0.01
# PacGAN's 2D-grid: variance 0.0025 in each dimension (0.05 ** 2 * I).
GRID_STD = 0.05
# Gulrajani et al.'s gan_toy.py: make_swiss_roll(noise=0.25), (x, z) divided by 7.5
# ("stdev plus a little"), which brings the roll to about [-1.6, 1.9]^2.
SWISS_ROLL_NOISE = 0.25
SWISS_ROLL_SCALE = 1.0 / 7.5

__all__ = [
    "GRID_STD",
    "RING_STD",
    "grid",
    "grid_modes",
    "ring",
    "ring_modes",
    "sample_grid",
    "sample_ring",
    "sample_swiss_roll",
    "swiss_roll",
]


def ring_modes(modes=8, radius=1.0):
    """Centres of the ring: `modes` points evenly spaced on a circle, the first on the x axis.

    Centre i is `radius * (cos(2 pi i / modes), sin(2 pi i / modes))`, i = 0 .. modes - 1, as in
    PacGAN's 2D-ring (8 modes, radius 1).

    Args:
        modes: number of Gaussians, an int >= 1.
        radius: radius of the circle, a finite number > 0.

    Returns:
        A float32 numpy array (modes, 2).

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> ring_modes(4).round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    modes = _validation.positive_int("modes", modes)
    radius = _validation.number("radius", radius, low=0, low_open=True)
    angles = 2.0 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def grid_modes(size=5, spacing=2.0):
    """Centres of the grid: a `size` x `size` square lattice centred on the origin.

    The coordinates are `spacing * (i - (size - 1) / 2)` for i = 0 .. size - 1 on each axis, so the
    defaults give PacGAN's 2D-grid, the 25 points {-4, -2, 0, 2, 4}^2. Rows run over x first:
    centre `i * size + j` is at (x_i, y_j).

    Args:
        size: points per side, an int >= 1.
        spacing: distance between neighbouring centres, a finite number > 0.

    Returns:
        A float32 numpy array (size * size, 2).

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> centres = grid_modes()
    >>> centres.shape, centres[0].tolist(), centres[-1].tolist()
    ((25, 2), [-4.0, -4.0], [4.0, 4.0])

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    size = _validation.positive_int("size", size)
    spacing = _validation.number("spacing", spacing, low=0, low_open=True)
    axis = spacing * (np.arange(size) - (size - 1) / 2.0)
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype("float32")


def sample_ring(num_samples, modes=8, radius=1.0, std=RING_STD, seed=None):
    """Draws `num_samples` points from the ring: a uniform mixture of Gaussians on a circle.

    Each point picks one of the `ring_modes(modes, radius)` centres with probability 1 / modes
    and adds isotropic Gaussian noise of standard deviation `std` per coordinate. The defaults are
    PacGAN's 2D-ring: 8 modes on the unit circle, std 0.01 (variance 1e-4).

    Args:
        num_samples: number of points, an int >= 1.
        modes: number of Gaussians, an int >= 1.
        radius: radius of the circle, > 0.
        std: standard deviation of each Gaussian per coordinate, >= 0.
        seed: seed of the draws (numpy `default_rng`); None for fresh entropy.

    Returns:
        A float32 numpy array (num_samples, 2).

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> points = sample_ring(1000, seed=0)
    >>> points.shape, points.dtype.name
    ((1000, 2), 'float32')
    >>> bool(np.all(np.abs(np.linalg.norm(points, axis=1) - 1.0) < 0.06))  # 6 std of the ring
    True

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    return _sample_mixture(num_samples, ring_modes(modes, radius), std, seed)


def sample_grid(num_samples, size=5, spacing=2.0, std=GRID_STD, seed=None):
    """Draws `num_samples` points from the grid: a uniform mixture of Gaussians on a lattice.

    As `sample_ring`, with the `grid_modes(size, spacing)` centres, each picked with probability
    1 / size^2. The defaults are PacGAN's 2D-grid: 25 modes at {-4, -2, 0, 2, 4}^2, std 0.05
    (variance 0.0025).

    Args:
        num_samples, std, seed: as for `sample_ring`.
        size: centres per side, an int >= 1.
        spacing: distance between neighbouring centres, > 0.

    Returns:
        A float32 numpy array (num_samples, 2); a ValueError names any bad argument.

    Example:
    >>> points = sample_grid(500, seed=0)
    >>> points.shape, bool(np.all(np.abs(points) < 4.5))
    ((500, 2), True)

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    return _sample_mixture(num_samples, grid_modes(size, spacing), std, seed)


def sample_swiss_roll(num_samples, noise=SWISS_ROLL_NOISE, scale=SWISS_ROLL_SCALE, seed=None):
    """Draws `num_samples` points from the swiss roll: a noisy spiral in the plane.

    `sklearn.datasets.make_swiss_roll` draws t ~ U[1.5 pi, 4.5 pi] and returns
    (t cos t, h, t sin t) plus Gaussian noise of std `noise`; the spiral is its (x, z) plane,
    (t cos t, t sin t), multiplied by `scale`. The defaults are those of Gulrajani et al.'s toy
    experiments (noise 0.25, divided by 7.5). It has no discrete modes, so it has no `*_modes`
    function: use it to look at the critic, not to count modes.

    Args:
        num_samples, seed: as for `sample_ring`.
        noise: standard deviation of the noise before scaling, >= 0.
        scale: factor applied to the (x, z) coordinates, > 0.

    Returns:
        A float32 numpy array (num_samples, 2); a ValueError names any bad argument.

    Example:
    >>> points = sample_swiss_roll(1000, seed=0)
    >>> points.shape, bool(np.all(np.abs(points) < 2.2))
    ((1000, 2), True)

    Reference:
        Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville. "Improved Training of Wasserstein
        GANs", NeurIPS 2017 (its gan_toy.py). https://arxiv.org/abs/1704.00028
    """
    num_samples = _validation.positive_int("num_samples", num_samples)
    noise = _validation.number("noise", noise, low=0)
    scale = _validation.number("scale", scale, low=0, low_open=True)
    from sklearn.datasets import make_swiss_roll  # only this set needs scikit-learn

    rng = np.random.default_rng(seed)
    # make_swiss_roll takes a legacy seed; one drawn from the Generator keeps `seed` the only knob.
    points, _ = make_swiss_roll(num_samples, noise=noise, random_state=int(rng.integers(2**31)))
    return (points[:, [0, 2]] * scale).astype("float32")


def ring(num_samples, batch_size, modes=8, radius=1.0, std=RING_STD, seed=None):
    """Batches of `sample_ring` points: PacGAN's 2D-ring as a `tf.data.Dataset`.

    `num_samples` points are drawn once (`sample_ring`), then reshuffled every epoch and batched
    with the last partial batch dropped, so every batch has `batch_size` points.

    Args:
        num_samples: points per epoch, an int >= `batch_size`.
        batch_size: points per batch.
        modes: number of Gaussians on the circle (8 in PacGAN).
        radius: radius of the circle (1 in PacGAN).
        std: standard deviation of each Gaussian per coordinate (0.01 in PacGAN).
        seed: seed of the points and of the shuffle order; None for fresh entropy.

    Returns:
        A prefetched `tf.data.Dataset` of float32 (batch_size, 2) tensors;
        `cardinality()` is `num_samples // batch_size`.

    Raises:
        ValueError: naming the bad value of any argument, or when `num_samples < batch_size`.

    Example:
    >>> ds = ring(1000, batch_size=64, seed=0)
    >>> ds.element_spec, int(ds.cardinality())
    (TensorSpec(shape=(64, 2), dtype=tf.float32, name=None), 15)

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    return _dataset(sample_ring, num_samples, batch_size, seed, modes, radius, std)


def grid(num_samples, batch_size, size=5, spacing=2.0, std=GRID_STD, seed=None):
    """Batches of `sample_grid` points: PacGAN's 2D-grid as a `tf.data.Dataset`, batched as `ring`'s.

    Args:
        num_samples, batch_size, seed: as for `ring`.
        size, spacing, std: as for `sample_grid` (5, 2 and 0.05 in PacGAN: 25 modes).

    Returns:
        As `ring`: a prefetched dataset of `num_samples // batch_size` float32 (batch_size, 2) batches.

    Example:
    >>> ds = grid(1000, batch_size=100, seed=0)
    >>> ds.element_spec.shape, int(ds.cardinality())
    (TensorShape([100, 2]), 10)

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    return _dataset(sample_grid, num_samples, batch_size, seed, size, spacing, std)


def swiss_roll(num_samples, batch_size, noise=SWISS_ROLL_NOISE, scale=SWISS_ROLL_SCALE, seed=None):
    """Batches of `sample_swiss_roll` points as a `tf.data.Dataset`, batched as `ring`'s.

    Args:
        num_samples, batch_size, seed: as for `ring`.
        noise, scale: as for `sample_swiss_roll` (0.25 and 1 / 7.5 by default).

    Returns:
        As `ring`: a prefetched dataset of `num_samples // batch_size` float32 (batch_size, 2) batches.

    Example:
    >>> batches = [batch.numpy() for batch in swiss_roll(256, batch_size=32, seed=0)]
    >>> len(batches), batches[0].shape, batches[0].dtype.name
    (8, (32, 2), 'float32')

    Reference:
        Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville. "Improved Training of Wasserstein
        GANs", NeurIPS 2017 (its gan_toy.py). https://arxiv.org/abs/1704.00028
    """
    return _dataset(sample_swiss_roll, num_samples, batch_size, seed, noise, scale)


def _sample_mixture(num_samples, centres, std, seed):
    num_samples = _validation.positive_int("num_samples", num_samples)
    std = _validation.number("std", std, low=0)
    rng = np.random.default_rng(seed)
    # A uniform mixture: the mode of each point is drawn, so counts per mode vary (multinomial)
    # as they do in the papers' samplers, rather than being exactly num_samples / modes.
    labels = rng.integers(0, len(centres), size=num_samples)
    noise = rng.standard_normal((num_samples, 2))
    return (centres[labels].astype("float64") + std * noise).astype("float32")


def _dataset(sample, num_samples, batch_size, seed, *options):
    """`sample(num_samples, *options, seed=seed)` drawn once, reshuffled every epoch, in full batches."""
    num_samples = _validation.positive_int("num_samples", num_samples)
    batch_size = _validation.positive_int("batch_size", batch_size)
    if num_samples < batch_size:
        raise ValueError(
            f"num_samples={num_samples} is fewer than one batch of batch_size={batch_size}; "
            "every batch is full, so draw at least batch_size points"
        )
    points = sample(num_samples, *options, seed=seed)
    dataset = tf.data.Dataset.from_tensor_slices(points)
    dataset = dataset.shuffle(len(points), seed=seed, reshuffle_each_iteration=True)
    # Full batches only: a static batch dimension, and no short batch to leave a critic step
    # with fewer points than the others.
    batches = dataset.batch(batch_size, drop_remainder=True)
    return _pipeline.prefetch_batches(batches, len(points) // batch_size)

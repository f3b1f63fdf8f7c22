"""Toy 2-D sets: PacGAN's ring and grid, the swiss roll; samplers and datasets."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.data.toys import (
    GRID_STD,
    RING_STD,
    grid,
    grid_modes,
    ring,
    ring_modes,
    sample_grid,
    sample_ring,
    sample_swiss_roll,
    swiss_roll,
)


def test_ring_modes_are_pacgans_unit_circle():
    centres = ring_modes()
    assert centres.shape == (8, 2) and centres.dtype == np.float32
    # PacGAN: means (cos(2 pi i / 8), sin(2 pi i / 8)), i = 0..7.
    expected = [[np.cos(np.pi * i / 4), np.sin(np.pi * i / 4)] for i in range(8)]
    np.testing.assert_allclose(centres, expected, atol=1e-7)
    np.testing.assert_allclose(ring_modes(3, radius=2.0)[1], [-1.0, np.sqrt(3)], rtol=1e-6)
    assert RING_STD == 0.01


def test_grid_modes_are_pacgans_lattice():
    centres = grid_modes()
    assert centres.shape == (25, 2) and centres.dtype == np.float32
    expected = {(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)}
    assert {tuple(c) for c in centres.tolist()} == expected
    assert grid_modes(2, spacing=1.0).tolist() == [[-0.5, -0.5], [-0.5, 0.5], [0.5, -0.5], [0.5, 0.5]]
    assert GRID_STD == 0.05


@pytest.mark.parametrize(
    "sample, centres, std",
    [(sample_ring, ring_modes(), RING_STD), (sample_grid, grid_modes(), GRID_STD)],
    ids=["ring", "grid"],
)
def test_mixture_samples_have_the_stated_modes_and_std(sample, centres, std):
    points = sample(40_000, seed=0)
    assert points.shape == (40_000, 2) and points.dtype == np.float32
    distances = np.linalg.norm(points[:, None] - centres[None], axis=-1)
    nearest = distances.argmin(axis=1)
    offsets = points - centres[nearest]
    # Isotropic noise of the stated std, centred on the modes (4e4 draws: std within ~1%).
    np.testing.assert_allclose(offsets.std(axis=0), [std, std], rtol=0.03)
    np.testing.assert_allclose(offsets.mean(axis=0), [0.0, 0.0], atol=0.05 * std)
    # A uniform mixture: every mode near 1/K of the points.
    shares = np.bincount(nearest, minlength=len(centres)) / len(points)
    np.testing.assert_allclose(shares, 1.0 / len(centres), atol=0.2 / len(centres))


def test_samples_follow_the_seed_and_honour_the_parameters():
    np.testing.assert_array_equal(sample_ring(100, seed=3), sample_ring(100, seed=3))
    assert not np.array_equal(sample_ring(100, seed=3), sample_ring(100, seed=4))
    points = sample_ring(1000, modes=3, radius=5.0, std=0.0, seed=0)
    assert {tuple(p) for p in points.round(5).tolist()} == {tuple(c) for c in ring_modes(3, 5.0).round(5).tolist()}
    points = sample_grid(500, size=3, spacing=10.0, std=0.0, seed=0)
    assert set(np.unique(points).tolist()) == {-10.0, 0.0, 10.0}


def test_swiss_roll_is_the_scaled_xz_plane_of_sklearn():
    points = sample_swiss_roll(5000, noise=0.0, seed=0)
    assert points.shape == (5000, 2) and points.dtype == np.float32
    # Without noise (x, z) * 7.5 = (t cos t, t sin t), t in [1.5 pi, 4.5 pi].
    t = np.linalg.norm(points * 7.5, axis=1)
    assert t.min() >= 1.5 * np.pi - 1e-3 and t.max() <= 4.5 * np.pi + 1e-3
    angle = np.arctan2(points[:, 1], points[:, 0])
    np.testing.assert_allclose(np.cos(angle), np.cos(t), atol=1e-3)
    np.testing.assert_array_equal(sample_swiss_roll(50, seed=1), sample_swiss_roll(50, seed=1))
    np.testing.assert_allclose(sample_swiss_roll(50, scale=1.0, seed=1), 7.5 * sample_swiss_roll(50, seed=1), rtol=1e-5)


@pytest.mark.parametrize("make", [ring, grid, swiss_roll], ids=["ring", "grid", "swiss_roll"])
def test_datasets_are_full_float32_batches_with_known_cardinality(make):
    ds = make(1000, batch_size=64, seed=0)
    assert ds.element_spec == tf.TensorSpec((64, 2), tf.float32)
    assert int(ds.cardinality()) == 1000 // 64
    batches = [batch.numpy() for batch in ds]
    assert len(batches) == 15 and all(b.shape == (64, 2) for b in batches)


def test_dataset_holds_the_sampled_points_reshuffled_each_epoch():
    ds = ring(256, batch_size=256, seed=5)
    first, second = (next(iter(ds)).numpy() for _ in range(2))
    expected = sample_ring(256, seed=5)
    # The same points (drawn once), in a new order each epoch.
    np.testing.assert_array_equal(np.sort(first, axis=0), np.sort(expected, axis=0))
    np.testing.assert_array_equal(np.sort(second, axis=0), np.sort(expected, axis=0))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ring(10, batch_size=64), "num_samples=10.*batch_size=64"),
        (lambda: ring(100, batch_size=0), "batch_size.*got 0"),
        (lambda: ring(100, 10, modes=0), "modes must be an int >= 1, got 0"),
        (lambda: ring(100, 10, radius=-1.0), "radius must be a finite number > 0, got -1.0"),
        (lambda: ring(100, 10, std=float("nan")), "std must be a finite number >= 0, got nan"),
        (lambda: grid(100, 10, size=2.5), "size must be an int >= 1, got 2.5"),
        (lambda: grid(100, 10, spacing=0), "spacing must be a finite number > 0, got 0"),
        (lambda: swiss_roll(100, 10, noise=-0.1), "noise must be a finite number >= 0, got -0.1"),
        (lambda: sample_ring(True), "num_samples must be an int >= 1, got True"),
        (lambda: sample_swiss_roll(0), "num_samples must be an int >= 1, got 0"),
    ],
)
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()

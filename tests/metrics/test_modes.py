"""PacGAN's mode metrics against hand-computed values."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.data.toys import (
    GRID_STD,
    RING_STD,
    grid_modes,
    ring_modes,
    sample_grid,
    sample_ring,
)
from keras_gans.metrics import modes as modes_module
from keras_gans.metrics.modes import mode_counts, mode_metrics

SQUARE = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])


def test_samples_on_every_mode_score_perfectly():
    centres = ring_modes()
    result = mode_metrics(np.repeat(centres, 3, axis=0), centres, RING_STD)
    assert result == {"modes_captured": 8, "high_quality": 1.0, "reverse_kl": 0.0}


def test_one_mode_only_is_the_largest_reverse_kl():
    centres = ring_modes()
    samples = centres[[2]] + np.array([[0.0, 0.0], [0.01, 0.0], [0.0, -0.02]])
    result = mode_metrics(samples, centres, RING_STD)
    assert result["modes_captured"] == 1 and result["high_quality"] == 1.0
    assert result["reverse_kl"] == pytest.approx(math.log(8), abs=1e-12)


def test_hand_computed_counts_fraction_and_kl():
    # std 0.5, threshold 3: the high-quality radius is 1.5, exact in binary.
    samples = np.array(
        [
            [0.0, 0.0], [1.0, 0.0], [0.0, -1.4],  # mode 0, inside 1.5
            [4.0, 1.0],  # mode 1, inside
            [1.5, 0.0],  # mode 0 at exactly 1.5: not strictly inside, low quality
            [2.0, 2.0],  # equidistant from all four (2.83): low quality
            [4.0, 2.5],  # nearest is mode 3 at 1.5: low quality
        ]
    )
    assert mode_counts(samples, SQUARE, std=0.5).tolist() == [3, 1, 0, 0]
    result = mode_metrics(samples, SQUARE, std=0.5)
    assert result["modes_captured"] == 2
    assert result["high_quality"] == pytest.approx(4 / 7)
    # p = (3/4, 1/4, 0, 0), u = 1/4: KL = 3/4 log 3 + 1/4 log 1; the empty modes add 0.
    assert result["reverse_kl"] == pytest.approx(0.75 * math.log(3), abs=1e-12)


def test_even_spread_over_half_the_modes_is_log_two():
    samples = np.array([[0.1, 0.0], [0.0, 0.1], [4.0, 4.1], [3.9, 4.0]])
    result = mode_metrics(samples, SQUARE, std=0.5)
    assert result["modes_captured"] == 2 and result["high_quality"] == 1.0
    assert result["reverse_kl"] == pytest.approx(math.log(2), abs=1e-12)


def test_threshold_is_in_standard_deviations():
    samples = np.array([[0.0, 1.75]])  # 3.5 std of 0.5 from mode 0
    assert mode_counts(samples, SQUARE, std=0.5).tolist() == [0, 0, 0, 0]
    assert mode_counts(samples, SQUARE, std=0.5, threshold=4.0).tolist() == [1, 0, 0, 0]
    assert mode_counts(samples, SQUARE, std=1.0).tolist() == [1, 0, 0, 0]


def test_a_sample_counts_only_for_its_nearest_mode():
    # Within 3 std of both modes, nearer to mode 1: it is counted once, for mode 1.
    centres = np.array([[0.0, 0.0], [1.0, 0.0]])
    assert mode_counts(np.array([[0.6, 0.0]]), centres, std=1.0).tolist() == [0, 1]


def test_no_high_quality_sample_gives_nan_kl():
    result = mode_metrics(np.array([[2.0, 2.0], [10.0, -3.0]]), SQUARE, std=0.5)
    assert result["modes_captured"] == 0 and result["high_quality"] == 0.0
    assert math.isnan(result["reverse_kl"])


def test_non_finite_samples_are_low_quality_but_counted_in_n():
    samples = np.array([[0.0, 0.0], [np.nan, 0.0], [np.inf, np.inf], [4.0, 0.0]])
    assert mode_counts(samples, SQUARE, std=0.5).tolist() == [1, 1, 0, 0]
    assert mode_metrics(samples, SQUARE, std=0.5)["high_quality"] == 0.5


def test_chunks_give_the_same_counts(monkeypatch):
    samples = sample_grid(1000, std=0.3, seed=0)
    whole = mode_counts(samples, grid_modes(), GRID_STD)
    monkeypatch.setattr(modes_module, "_CHUNK", 7)
    np.testing.assert_array_equal(mode_counts(samples, grid_modes(), GRID_STD), whole)
    assert 0 < whole.sum() < 1000  # std 0.3 >> 0.05: some in, some out


def test_tensors_are_accepted():
    samples = tf.constant(ring_modes())
    assert mode_metrics(samples, tf.constant(ring_modes()), RING_STD)["modes_captured"] == 8


@pytest.mark.parametrize(
    "sample, centres, std",
    [(sample_ring, ring_modes(), RING_STD), (sample_grid, grid_modes(), GRID_STD)],
    ids=["ring", "grid"],
)
def test_the_true_distribution_scores_as_expected(sample, centres, std):
    # PacGAN's 2,500 samples, drawn from the data itself.
    result = mode_metrics(sample(2500, seed=0), centres, std)
    assert result["modes_captured"] == len(centres)
    # P(||noise|| < 3 std) for 2-D isotropic Gaussian noise is 1 - exp(-9/2) = 0.9889.
    assert result["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    # Multinomial noise alone: E[KL] ~ (K - 1) / (2 N) = 0.0014 (ring), 0.0048 (grid).
    assert 0 <= result["reverse_kl"] < 0.02


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(samples=np.zeros((3, 3))), r"samples must be an array \(N, 2\).*got shape \(3, 3\)"),
        (dict(samples=np.zeros((0, 2))), r"N >= 1.*got shape \(0, 2\)"),
        (dict(samples=np.zeros(2)), r"got shape \(2,\)"),
        (dict(modes=np.zeros(2)), r"modes must be an array \(K, D\).*got shape \(2,\)"),
        (dict(modes=np.array([[0.0, np.nan]])), "modes must be finite"),
        (dict(std=0.0), "std must be a finite number > 0, got 0.0"),
        (dict(std=True), "std must be a finite number > 0, got True"),
        (dict(threshold=-3), "threshold must be a finite number > 0, got -3"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    arguments = dict(samples=np.zeros((3, 2)), modes=SQUARE, std=0.5)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        mode_metrics(**arguments)

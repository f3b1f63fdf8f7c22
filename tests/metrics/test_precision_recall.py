"""Improved precision and recall (k-NN balls) against values worked out by hand."""

import importlib

import numpy as np
import pytest

from keras_gans.metrics.precision_recall import precision_recall


def test_points_on_a_line_by_hand():
    # Real 0, 1, 3 with k = 1: radii 1 (to 1), 1 (to 0), 2 (to 1) -> support [-1, 5].
    # Fake 4.5, 6, 10, 11: radii 1.5, 1.5, 1, 1 -> support [3, 7.5] and [9, 12].
    real = np.array([[0.0], [1.0], [3.0]])
    fake = np.array([[4.5], [6.0], [10.0], [11.0]])
    result = precision_recall(real, fake, k=1)
    # Only 4.5 lies within 2 of the real 3: precision 1/4. Only 3 lies within 1.5 of 4.5: recall 1/3.
    assert result == pytest.approx({"precision": 0.25, "recall": 1 / 3})


def test_a_point_on_a_ball_boundary_is_inside():
    real = np.array([[0.0, 0.0], [2.0, 0.0]])  # k = 1: both radii 2
    assert precision_recall(real, np.array([[0.0, 2.0], [0.0, 2.0 + 1e-9]]), k=1)["precision"] == 0.5


def test_a_far_sample_with_a_wide_ball_counts():
    # The nearest real sample of 6.0 is 4.0 (radius 0.5), but 0.0's ball (radius 10, to its
    # neighbour 10.0) reaches it: the support is a union, not the nearest ball alone.
    real = np.array([[0.0], [10.0], [4.0], [4.5]])
    assert precision_recall(real, np.array([[6.0], [6.0]]), k=1)["precision"] == 1.0


def test_larger_k_widens_the_balls():
    real = np.array([[0.0], [1.0], [3.0]])
    fake = np.array([[5.5], [5.5], [5.5]])
    # k = 1: radii 1, 1, 2 -> 5.5 is 2.5 from 3: outside. k = 2: radii 3, 2, 3 -> inside 3's ball.
    assert precision_recall(real, fake, k=1)["precision"] == 0.0
    assert precision_recall(real, fake, k=2)["precision"] == 1.0


def test_same_sample_scores_one_and_far_sample_zero():
    points = np.random.default_rng(0).normal(size=(200, 3))
    assert precision_recall(points, points) == {"precision": 1.0, "recall": 1.0}
    assert precision_recall(points, points + 100.0) == {"precision": 0.0, "recall": 0.0}


def test_collapse_keeps_precision_and_loses_recall():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(1000, 2))
    collapsed = 0.2 * rng.normal(size=(1000, 2))
    result = precision_recall(real, collapsed)
    assert result["precision"] > 0.95 and result["recall"] < 0.5


def test_chunks_give_the_same_answer(monkeypatch):
    module = importlib.import_module("keras_gans.metrics.precision_recall")

    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(300, 4)), rng.normal(size=(250, 4)) * 1.3
    whole = precision_recall(real, fake)
    monkeypatch.setattr(module, "_CHUNK", 7)
    assert precision_recall(real, fake) == whole


@pytest.mark.parametrize(
    "real, fake, k, message",
    [
        (np.zeros((5, 2)), np.zeros((5, 2)), 0, "k must be an int >= 1, got 0"),
        (np.zeros((5, 2)), np.zeros((5, 2)), True, "k must be an int >= 1, got True"),
        (np.zeros((3, 2)), np.zeros((5, 2)), 3, r"real must be an array \(N, D\) with N > k=3, got shape \(3, 2\)"),
        (np.zeros(5), np.zeros((5, 2)), 1, r"real must be an array \(N, D\).*got shape \(5,\)"),
        (np.zeros((5, 2)), np.zeros((5, 3)), 1, "same number of features, got 2 and 3"),
        (np.zeros((5, 2)), np.full((5, 2), np.nan), 1, "fake has 10 non-finite values"),
    ],
)
def test_errors_name_the_bad_value(real, fake, k, message):
    with pytest.raises(ValueError, match=message):
        precision_recall(real, fake, k=k)

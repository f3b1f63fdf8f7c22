"""CycleGAN's losses against values computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def test_cycle_consistency_loss_by_hand():
    x = np.array([[[[0.0], [1.0]], [[-1.0], [0.5]]]], "float32")  # (1, 2, 2, 1)
    rec = np.array([[[[0.5], [1.0]], [[0.0], [-0.5]]]], "float32")
    # |0.5 - 0| + |1 - 1| + |0 - -1| + |-0.5 - 0.5| = 2.5 over 4 pixels
    assert float(losses.cycle_consistency_loss(x, rec)) == pytest.approx(0.625)
    assert float(losses.cycle_consistency_loss(x, x)) == 0.0


def test_identity_loss_by_hand_and_dtype():
    y = tf.constant([[1.0, -1.0, 0.0, 0.25]], tf.float16)
    mapped = tf.constant([[1.0, 1.0, -0.5, 0.25]], tf.float16)
    # (0 + 2 + 0.5 + 0) / 4
    result = losses.identity_loss(y, mapped)
    assert result.dtype == tf.float32 and float(result) == pytest.approx(0.625)


def test_cyclegan_objective_weights_by_hand():
    # The generators' objective with lambda = 10 and identity 0.5 lambda, as CycleGAN composes it:
    # LS adversarial E[(D(G(x)) - 1)^2] = 2 * least_squares_generator_loss (Mao's 1/2 undone).
    fake_scores = np.array([[0.0], [2.0]], "float32")  # (1 + 1) / 2 = 1
    adversarial = 2.0 * float(losses.least_squares_generator_loss(fake_scores))
    assert adversarial == pytest.approx(1.0)
    cycle = float(losses.cycle_consistency_loss([[0.0, 0.0]], [[0.2, -0.2]]))  # 0.2
    identity = float(losses.identity_loss([[0.0, 0.0]], [[0.1, 0.1]]))  # 0.1
    assert adversarial + 10 * cycle + 0.5 * 10 * identity == pytest.approx(1.0 + 2.0 + 0.5)

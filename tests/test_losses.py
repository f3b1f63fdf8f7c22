"""Every loss against a value computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def test_wasserstein_critic_loss_by_hand():
    # E[D(G(z))] - E[D(x)] = (1 - 1) / 2 - (2 + 4) / 2 = -3
    assert float(losses.wasserstein_critic_loss([[2.0], [4.0]], [[1.0], [-1.0]])) == pytest.approx(-3.0)
    # identical scores: the critic sees no difference
    assert float(losses.wasserstein_critic_loss([[0.5], [0.5]], [[0.5], [0.5]])) == pytest.approx(0.0)


def test_wasserstein_generator_loss_by_hand():
    assert float(losses.wasserstein_generator_loss([[1.0], [3.0]])) == pytest.approx(-2.0)
    assert float(losses.wasserstein_generator_loss(np.array([-4.0, 0.0, 1.0]))) == pytest.approx(1.0)


def test_interpolate_endpoints_and_midpoint():
    real, fake = tf.zeros((3, 2, 2, 1)), tf.ones((3, 2, 2, 1)) * 4.0
    alpha = tf.constant([0.0, 0.25, 1.0])[:, None, None, None]
    x_hat = losses.interpolate(real, fake, alpha).numpy()
    np.testing.assert_allclose(x_hat[:, 0, 0, 0], [0.0, 1.0, 4.0])


def linear_critic(x, training=False):
    # D(x) = 2 * sum(x): grad_x D = 2 everywhere, so ||grad||_2 = 2 sqrt(number of pixels).
    return 2.0 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]


def test_gradient_penalty_linear_critic_exact_value():
    real = tf.random.normal((5, 2, 2, 1))
    fake = tf.random.normal((5, 2, 2, 1))
    alpha = tf.random.uniform((5, 1, 1, 1))
    # 4 pixels: ||grad|| = 2 * sqrt(4) = 4 for every sample, gp = (4 - 1)^2 = 9.
    assert float(losses.gradient_penalty(linear_critic, real, fake, alpha)) == pytest.approx(9.0, abs=1e-5)


def test_gradient_penalty_unit_norm_critic_is_zero():
    def unit_critic(x, training=False):
        # weights 1/2 on 4 pixels: ||grad|| = sqrt(4 / 4) = 1
        return 0.5 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]

    real, fake = tf.zeros((2, 2, 2, 1)), tf.ones((2, 2, 2, 1))
    assert float(losses.gradient_penalty(unit_critic, real, fake, tf.fill((2, 1, 1, 1), 0.3))) == pytest.approx(
        0.0, abs=1e-6
    )


def test_gradient_penalty_is_taken_per_sample_at_the_interpolates():
    def square_critic(x, training=False):
        # D(x) = sum(x^2): grad = 2 x_hat, one pixel, so ||grad|| = 2 |x_hat|
        return tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]

    real, fake = tf.zeros((2, 1, 1, 1)), tf.ones((2, 1, 1, 1))
    alpha = tf.constant([0.25, 0.75])[:, None, None, None]
    # x_hat = [0.25, 0.75], norms [0.5, 1.5], gp = ((0.5 - 1)^2 + (1.5 - 1)^2) / 2 = 0.25
    assert float(losses.gradient_penalty(square_critic, real, fake, alpha)) == pytest.approx(0.25, abs=1e-6)


def test_gradient_penalty_epsilon_keeps_gradients_finite_at_zero_norm():
    # A critic whose input gradient is exactly 0: without the epsilon, d||g||/dw = w / ||g|| = 0 / 0.
    weight = tf.Variable(tf.zeros((4, 1)))

    def critic(x, training=False):
        return tf.matmul(tf.reshape(x, (-1, 4)), weight)

    real, fake = tf.zeros((3, 2, 2, 1)), tf.ones((3, 2, 2, 1))
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(critic, real, fake, tf.fill((3, 1, 1, 1), 0.5))
    grad = tape.gradient(gp, weight)
    assert float(gp) == pytest.approx(1.0, abs=1e-4)  # (sqrt(eps) - 1)^2
    assert np.isfinite(grad.numpy()).all()


def test_gradient_penalty_is_float32_for_half_precision_critic():
    def half_critic(x, training=False):
        return tf.cast(linear_critic(tf.cast(x, tf.float16)), tf.float16)

    x = tf.zeros((2, 2, 2, 1))
    gp = losses.gradient_penalty(half_critic, x, x + 1.0, tf.fill((2, 1, 1, 1), 0.5))
    assert gp.dtype == tf.float32
    assert float(gp) == pytest.approx(9.0, abs=1e-3)

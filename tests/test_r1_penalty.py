"""The R1 penalty (Mescheder et al. 2018) that StyleGAN trains with: values by hand."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def test_r1_on_a_linear_critic_is_the_squared_norm_of_its_weights():
    weights = tf.constant([[[[1.0], [-2.0]], [[0.5], [3.0]]]])  # (1, 2, 2, 1); ||a||^2 = 1 + 4 + 0.25 + 9

    def linear(x, training=False):  # D(x) = <a, x> + 7: gradient a everywhere
        return tf.reduce_sum(weights * x, axis=[1, 2, 3])[:, None] + 7.0

    real = tf.random.normal((3, 2, 2, 1), seed=0)
    assert float(losses.r1_penalty(linear, real)) == pytest.approx(14.25, rel=1e-6)


def test_r1_is_the_mean_over_samples_of_each_ones_own_gradient():
    def quadratic(x, training=False):  # D(x) = sum x^2: gradient 2x
        return tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]

    real = np.array([1.0, 2.0, 0.0, -3.0], "float32").reshape(2, 1, 1, 2)  # ||2x||^2: 4 * 5 and 4 * 9
    assert float(losses.r1_penalty(quadratic, tf.constant(real))) == pytest.approx((20.0 + 36.0) / 2, rel=1e-6)


def test_r1_is_float32_under_a_half_precision_critic():
    def half(x, training=False):
        return tf.reduce_sum(tf.cast(x, "float16") * tf.constant(0.5, "float16"), axis=[1, 2, 3])[:, None]

    value = losses.r1_penalty(half, tf.ones((2, 2, 2, 1)))
    assert value.dtype == tf.float32 and float(value) == pytest.approx(4 * 0.25)

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import ReparametrizedSpectralNormalization

RNG = np.random.default_rng(0)
W = RNG.standard_normal((5, 3)).astype("float32")
X = RNG.standard_normal((4, 5)).astype("float32")


def dense(kernel=W, wrapper=ReparametrizedSpectralNormalization):
    layer = wrapper(keras.layers.Dense(kernel.shape[1], use_bias=False))
    layer.build(X.shape)
    layer.layer.kernel.assign(kernel)
    return layer


def converged(layer, calls=60):
    for _ in range(calls):
        layer(X, training=True)
    return layer


def test_raw_kernel_is_never_overwritten_and_outputs_use_w_over_sigma():
    layer = converged(dense())
    np.testing.assert_array_equal(np.asarray(layer.layer.kernel), W)
    sigma = np.linalg.svd(W, compute_uv=False)[0]
    np.testing.assert_allclose(layer(X), X @ W / sigma, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer(X, training=True), X @ W / sigma, rtol=1e-4, atol=1e-5)


def test_gradient_reaches_w_through_sigma_as_the_exact_svd_gives_it():
    layer = converged(dense())
    kernel = layer.layer.kernel
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X, training=True) ** 2)
    grad = tape.gradient(loss, kernel.value)

    # The same loss with sigma from the exact SVD: d sigma / dW = v1 u1^T at convergence.
    w = tf.constant(W)
    with tf.GradientTape() as tape:
        tape.watch(w)
        exact = tf.reduce_sum((X @ (w / tf.linalg.svd(w, compute_uv=False)[0])) ** 2)
    np.testing.assert_allclose(grad, tape.gradient(exact, w), rtol=1e-3, atol=1e-4)

    # Keras' own layer differentiates through the stored W / sigma only: a different gradient.
    keras_layer = converged(dense(wrapper=keras.layers.SpectralNormalization))
    with tf.GradientTape() as tape:
        keras_loss = tf.reduce_sum(keras_layer(X, training=True) ** 2)
    keras_grad = tape.gradient(keras_loss, keras_layer.layer.kernel.value)
    assert not np.allclose(keras_grad, grad, atol=1e-3)


def test_power_iteration_advances_u_in_training_calls_only():
    layer = dense()
    u0 = np.asarray(layer.vector_u).copy()
    layer(X)
    np.testing.assert_array_equal(np.asarray(layer.vector_u), u0)
    layer(X, training=True)
    assert not np.allclose(np.asarray(layer.vector_u), u0)


def test_an_all_zero_kernel_gives_zeros_not_nan():
    layer = dense(np.zeros_like(W))
    np.testing.assert_array_equal(layer(X, training=True), np.zeros((4, 3)))


def test_conv_kernel_and_a_keras_file_round_trip(tmp_path):
    inputs = keras.Input((8, 8, 2))
    outputs = ReparametrizedSpectralNormalization(keras.layers.Conv2D(3, 3, padding="same"))(inputs)
    model = keras.Model(inputs, outputs)
    images = RNG.standard_normal((2, 8, 8, 2)).astype("float32")
    for _ in range(5):
        model(images, training=True)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[-1], ReparametrizedSpectralNormalization)
    np.testing.assert_allclose(loaded(images), model(images), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_computes_in_half_with_a_float32_kernel(policy):
    keras.mixed_precision.set_global_policy(policy)
    try:
        layer = ReparametrizedSpectralNormalization(keras.layers.Dense(3))
        out = layer(X, training=True)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert layer.layer.kernel.dtype == "float32"
    assert np.isfinite(np.asarray(out, dtype="float32")).all()

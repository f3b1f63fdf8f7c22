import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import ReparametrizedSpectralNormalization

RNG = np.random.default_rng(0)
W = RNG.standard_normal((5, 3)).astype("float32")
X = RNG.standard_normal((4, 5)).astype("float32")


def dense(kernel=W, wrapper=ReparametrizedSpectralNormalization, **options):
    layer = wrapper(keras.layers.Dense(kernel.shape[1], use_bias=False, **options.pop("dense", {})), **options)
    layer.build(X.shape)
    layer.layer.kernel.assign(kernel)
    return layer


def converged(layer, calls=60):
    for _ in range(calls):
        layer(X, training=True)
    return layer


def test_calls_never_write_the_raw_kernel_and_outputs_use_w_over_sigma():
    layer = converged(dense())
    np.testing.assert_array_equal(np.asarray(layer.layer.kernel), W)
    sigma = np.linalg.svd(W, compute_uv=False)[0]
    np.testing.assert_allclose(layer(X), X @ W / sigma, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer(X, training=True), X @ W / sigma, rtol=1e-4, atol=1e-5)


def sgd_step(layer, learning_rate=0.5):
    """One optimizer step on a loss of the layer's output; returns the output before it."""
    optimizer = keras.optimizers.SGD(learning_rate)
    with tf.GradientTape() as tape:
        out = layer(X, training=True)
        loss = tf.reduce_sum(out[:, 0]) - tf.reduce_sum(out[:, 1:] ** 2)
    optimizer.apply_gradients([(tape.gradient(loss, layer.layer.kernel.value), layer.layer.kernel)])
    return out


def test_an_optimizer_step_ends_with_the_raw_kernel_divided_by_its_sigma():
    layer = converged(dense(W * 3.0))
    sgd_step(layer)
    raw = np.asarray(layer.layer.kernel)
    # ||W u|| with the converged u is sigma up to the step's change: ~1, the output unchanged.
    assert np.linalg.svd(raw, compute_uv=False)[0] == pytest.approx(1.0, abs=0.05)
    plain = converged(dense(W * 3.0, rescale_kernel=False))
    sgd_step(plain)
    plain_raw = np.asarray(plain.layer.kernel)
    assert np.linalg.svd(plain_raw, compute_uv=False)[0] > 2.5
    # W / sigma(W) is scale invariant: both layers compute the same function after the step.
    np.testing.assert_allclose(raw / np.linalg.norm(raw), plain_raw / np.linalg.norm(plain_raw), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(converged(layer)(X), converged(plain)(X), rtol=1e-3, atol=1e-4)


def test_the_wrapped_layers_own_constraint_is_applied_after_the_rescale():
    layer = converged(dense(W * 3.0, dense={"kernel_constraint": keras.constraints.NonNeg()}))
    sgd_step(layer)
    raw = np.asarray(layer.layer.kernel)
    assert raw.min() >= 0 and (raw > 0).any()
    assert np.abs(raw).max() < 1.5  # rescaled from sigma ~ 3 first


def test_rescale_kernel_is_checked_and_kept_in_the_config():
    with pytest.raises(ValueError, match="rescale_kernel must be True or False, got 'yes'"):
        ReparametrizedSpectralNormalization(keras.layers.Dense(2), rescale_kernel="yes")
    layer = ReparametrizedSpectralNormalization(keras.layers.Dense(2), rescale_kernel=False)
    assert ReparametrizedSpectralNormalization.from_config(layer.get_config()).rescale_kernel is False


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

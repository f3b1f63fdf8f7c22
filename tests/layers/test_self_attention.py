import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import SelfAttention

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 4, 4, 16)).astype("float32")


def test_gamma_zero_gives_exactly_the_input():
    layer = SelfAttention()
    np.testing.assert_array_equal(np.asarray(layer(X, training=True)), X)
    assert float(layer.gamma) == 0.0


def test_each_attention_row_is_a_distribution_over_the_positions():
    layer = SelfAttention(spectral_norm=False)
    beta = np.asarray(layer.attention(X))
    assert beta.shape == (2, 16, 16) and (beta >= 0).all()
    np.testing.assert_allclose(beta.sum(axis=-1), 1.0, rtol=1e-6)


def test_output_is_gamma_times_attended_values_plus_the_input():
    layer = SelfAttention(key_channels=3, value_channels=5, spectral_norm=False)
    layer.build(X.shape)
    layer.gamma.assign(0.7)
    f, g, h, v = (np.asarray(conv.kernel)[0, 0] for conv in (layer.query, layer.key, layer.value, layer.out))
    flat = X.reshape(2, 16, 16)
    # s_{j,i} = f(x_j)^T g(x_i); beta = softmax_i; o = v(sum_i beta_{j,i} h(x_i)); y = gamma o + x
    logits = (flat @ f) @ np.transpose(flat @ g, (0, 2, 1))
    beta = np.exp(logits - logits.max(-1, keepdims=True))
    beta /= beta.sum(-1, keepdims=True)
    expected = 0.7 * (beta @ (flat @ h)) @ v + flat
    np.testing.assert_allclose(np.asarray(layer(X)).reshape(2, 16, 16), expected, rtol=1e-4, atol=1e-5)


def test_a_left_position_attends_most_to_its_copy_in_the_right_half():
    # A 2 x 4 map whose right half (columns 2, 3) repeats its left half (columns 0, 1): position
    # (r, c) and (r, c + 2) hold the same unit feature vector, the four left ones distinct.
    channels = 16
    left = RNG.standard_normal((2, 2, channels))
    left /= np.linalg.norm(left, axis=-1, keepdims=True)
    image = (4.0 * np.concatenate([left, left], axis=1))[None].astype("float32")
    # f = g = identity: s_{j,i} = <x_j, x_i>, largest (Cauchy-Schwarz) where x_i = x_j: at j and at its copy.
    layer = SelfAttention(key_channels=channels, spectral_norm=False)
    layer.build(image.shape)
    for conv in (layer.query, layer.key):
        conv.kernel.assign(np.eye(channels, dtype="float32")[None, None])
    beta = np.asarray(layer.attention(image))[0]
    for row in range(2):
        for column in range(2):
            j, copy = row * 4 + column, row * 4 + column + 2
            assert beta[j, copy] == pytest.approx(beta[j, j], rel=1e-6)
            others = np.delete(beta[j], [j, copy])
            assert beta[j, copy] > 2 * others.max(), (j, beta[j])
    # The same with spectral norm: sigma(I) = 1, so W / sigma(W) is still the identity.
    normalised = SelfAttention(key_channels=channels)
    normalised.build(image.shape)
    for conv in (normalised.query, normalised.key):
        conv.layer.kernel.assign(np.eye(channels, dtype="float32")[None, None])
    np.testing.assert_allclose(np.asarray(normalised.attention(image, training=True))[0], beta, rtol=1e-5)


def test_default_channel_reductions_and_spectral_norm():
    layer = SelfAttention()
    layer.build(X.shape)
    shapes = [tuple(conv.layer.kernel.shape) for conv in (layer.query, layer.key, layer.value, layer.out)]
    assert shapes == [(1, 1, 16, 2), (1, 1, 16, 2), (1, 1, 16, 8), (1, 1, 8, 16)]
    assert all(isinstance(conv, keras.layers.SpectralNormalization)
               for conv in (layer.query, layer.key, layer.value, layer.out))


def test_gradients_reach_gamma_and_every_convolution():
    layer = SelfAttention()
    layer.build(X.shape)
    layer.gamma.assign(0.5)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X, training=True) ** 2)
    grads = tape.gradient(loss, layer.trainable_variables)
    assert len(grads) == 5 and all(g is not None and np.abs(np.asarray(g)).max() > 0 for g in grads)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="key_channels must be an int >= 1 or None, got 0"):
        SelfAttention(key_channels=0)
    with pytest.raises(ValueError, match="spectral_norm must be True or False, got 'yes'"):
        SelfAttention(spectral_norm="yes")


def test_keras_round_trip(tmp_path):
    inputs = keras.Input((4, 4, 16))
    model = keras.Model(inputs, SelfAttention(value_channels=4, name="attention")(inputs))
    layer = model.get_layer("attention")
    layer.gamma.assign(0.3)
    model(X, training=True)  # one power iteration: u differs from its initial value
    model.save(tmp_path / "attention.keras")
    loaded = keras.models.load_model(tmp_path / "attention.keras")
    assert loaded.get_layer("attention").get_config() == layer.get_config()
    np.testing.assert_allclose(np.asarray(loaded(X)), np.asarray(model(X)), rtol=1e-6)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))

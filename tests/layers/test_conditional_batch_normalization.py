import keras
import numpy as np
import pytest

from keras_gans.layers import ConditionalBatchNormalization

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3, 3, 2)).astype("float32") * 2.0 + 1.0
C = RNG.standard_normal((4, 5)).astype("float32")


def by_hand(x, c, w_gain, w_bias, mean, variance, epsilon=1e-5):
    # y = (1 + c W_gain) (x - mean) / sqrt(variance + eps) + c W_bias, per channel, per example
    x_hat = (x - mean) / np.sqrt(variance + epsilon)
    return (1 + c @ w_gain)[:, None, None, :] * x_hat + (c @ w_bias)[:, None, None, :]


def layer_with(spectral_norm=False):
    layer = ConditionalBatchNormalization(spectral_norm=spectral_norm)
    layer.build((X.shape, C.shape))
    return layer


def kernels(layer):
    if layer.spectral_norm:
        return [np.asarray(layer.gain.layer.kernel), np.asarray(layer.bias.layer.kernel)]
    return [np.asarray(layer.gain.kernel), np.asarray(layer.bias.kernel)]


def test_training_uses_batch_statistics_and_the_conditioned_gain_and_bias():
    layer = layer_with()
    w_gain, w_bias = kernels(layer)
    expected = by_hand(X, C, w_gain, w_bias, X.mean(axis=(0, 1, 2)), X.var(axis=(0, 1, 2)))
    np.testing.assert_allclose(np.asarray(layer([X, C], training=True)), expected, rtol=1e-4, atol=1e-5)


def test_inference_uses_the_moving_statistics():
    layer = layer_with()
    layer([X, C], training=True)
    # One update from (0, 1) with momentum 0.9 moves 0.1 of the way to the batch statistics.
    mean = 0.1 * X.mean(axis=(0, 1, 2))
    variance = 0.9 + 0.1 * X.var(axis=(0, 1, 2))
    np.testing.assert_allclose(np.asarray(layer.normalization.moving_mean), mean, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layer.normalization.moving_variance), variance, rtol=1e-5)
    w_gain, w_bias = kernels(layer)
    np.testing.assert_allclose(np.asarray(layer([X, C])), by_hand(X, C, w_gain, w_bias, mean, variance),
                               rtol=1e-4, atol=1e-5)


def test_one_hot_condition_gives_each_class_its_own_gain_and_bias():
    layer = layer_with()
    w_gain, w_bias = kernels(layer)
    labels = np.array([0, 3, 3, 1])
    y = np.asarray(layer([X, np.eye(5, dtype="float32")[labels]], training=True))
    x_hat = (X - X.mean(axis=(0, 1, 2))) / np.sqrt(X.var(axis=(0, 1, 2)) + 1e-5)
    for n, label in enumerate(labels):  # row `label` of each map: class label's gain and bias
        np.testing.assert_allclose(y[n], (1 + w_gain[label]) * x_hat[n] + w_bias[label], rtol=1e-4, atol=1e-5)


def test_spectral_norm_divides_each_map_by_its_largest_singular_value():
    layer = layer_with(spectral_norm=True)
    for _ in range(60):  # the power iteration converges
        layer([X, C], training=True)
    w_gain, w_bias = kernels(layer)
    w_gain, w_bias = (w / np.linalg.svd(w, compute_uv=False)[0] for w in (w_gain, w_bias))
    expected = by_hand(X, C, w_gain, w_bias, X.mean(axis=(0, 1, 2)), X.var(axis=(0, 1, 2)))
    np.testing.assert_allclose(np.asarray(layer([X, C], training=True)), expected, rtol=1e-3, atol=1e-4)


def test_dense_features_and_bad_arguments():
    layer = ConditionalBatchNormalization(spectral_norm=False)
    assert tuple(layer([X[:, 0, 0], C], training=True).shape) == (4, 2)
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \[0, 1\), got 1.0"):
        ConditionalBatchNormalization(momentum=1.0)
    with pytest.raises(ValueError, match="epsilon must be a finite number > 0, got 0"):
        ConditionalBatchNormalization(epsilon=0)


def test_keras_round_trip(tmp_path):
    features, condition = keras.Input(X.shape[1:]), keras.Input(C.shape[1:])
    model = keras.Model([features, condition], ConditionalBatchNormalization(name="cbn")([features, condition]))
    model([X, C], training=True)
    model.save(tmp_path / "cbn.keras")
    loaded = keras.models.load_model(tmp_path / "cbn.keras")
    assert loaded.get_layer("cbn").get_config() == model.get_layer("cbn").get_config()
    np.testing.assert_allclose(np.asarray(loaded([X, C])), np.asarray(model([X, C])), rtol=1e-6)

"""StyleGAN's layers: AdaIN, noise input, pixel norm, equalised dense, constant, minibatch std, truncation."""

import math

import keras
import numpy as np
import pytest

from keras_gans.layers import (
    AdaptiveInstanceNormalization,
    EqualizedConv2D,
    EqualizedDense,
    LearnedConstant,
    MinibatchStandardDeviation,
    NoiseInput,
    PixelNormalization,
    StyleTruncation,
)

RNG = np.random.default_rng(0)


def test_adain_output_has_the_styles_mean_and_std_per_channel():
    x = (RNG.normal(size=(2, 5, 5, 3)) * 4 + 7).astype("float32")
    w = RNG.normal(size=(2, 4)).astype("float32")
    layer = AdaptiveInstanceNormalization()
    layer([x, w])
    kernel = RNG.normal(size=(4, 6)).astype("float32")
    bias = np.array([1.0, 2.0, -0.5, 0.0, 3.0, -1.0], "float32")
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    # y = A w with the equalised coefficient 1 / sqrt(w_dim) = 1/2; y_s the first 3, y_b the last 3
    y = w @ kernel / 2.0 + bias
    y_s, y_b = y[:, :3], y[:, 3:]
    out = np.asarray(layer([x, w]))
    np.testing.assert_allclose(out.mean(axis=(1, 2)), y_b, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=(1, 2)), np.abs(y_s), rtol=1e-4)
    # and the normalised map itself: y_s (x - mu) / sigma + y_b
    mu, sigma = x.mean(axis=(1, 2), keepdims=True), x.std(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mu) / sigma * y_s[:, None, None] + y_b[:, None, None], rtol=1e-4, atol=1e-4)


def test_adain_starts_as_instance_norm_and_refuses_wrong_ranks():
    x = RNG.normal(size=(1, 4, 4, 2)).astype("float32")
    layer = AdaptiveInstanceNormalization()
    layer([x, np.zeros((1, 3), "float32")])
    np.testing.assert_array_equal(np.asarray(layer.bias), [1, 1, 0, 0])
    with pytest.raises(ValueError, match=r"takes \[\(N, H, W, C\), \(N, w_dim\)\]"):
        AdaptiveInstanceNormalization()([np.zeros((1, 4, 2), "float32"), np.zeros((1, 3), "float32")])


def test_noise_with_zero_scale_is_the_identity_and_scales_per_channel():
    x = RNG.normal(size=(3, 4, 4, 2)).astype("float32")
    layer = NoiseInput(seed=1)
    for training in (True, False):
        np.testing.assert_array_equal(np.asarray(layer(x, training=training)), x)
    layer.scale.assign([2.0, -1.0])
    fixed = np.asarray(layer.fixed_noise)[..., 0]
    out = np.asarray(layer(x))  # inference: the fixed map, the same for every image and call
    np.testing.assert_allclose(out[..., 0], x[..., 0] + 2.0 * fixed, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out[..., 1], x[..., 1] - fixed, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(x)), out)
    # training: fresh noise per image and call, one value per pixel shared by the channels
    noise = (np.asarray(layer(x, training=True)) - x) / np.array([2.0, -1.0])
    np.testing.assert_allclose(noise[..., 0], noise[..., 1], atol=1e-5)
    again = (np.asarray(layer(x, training=True)) - x)[..., 0] / 2.0
    assert not np.allclose(noise[0], noise[1]) and not np.allclose(noise[..., 0], again)
    assert abs(noise.std() - 1.0) < 0.5


def test_pixel_norm_by_hand():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]], "float32")
    out = np.asarray(PixelNormalization()(x))
    expected = x / np.sqrt(np.array([[12.5], [0.0], [1.0]]) + 1e-8)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert np.allclose(np.mean(out[[0, 2]] ** 2, axis=-1), 1.0)


def test_equalized_dense_scales_its_weights_at_run_time():
    layer = EqualizedDense(3, lr_multiplier=0.01, gain=2.0, bias_initializer=0.5)
    x = RNG.normal(size=(4, 16)).astype("float32")
    out = np.asarray(layer(x))
    kernel, bias = np.asarray(layer.kernel), np.asarray(layer.bias)
    np.testing.assert_allclose(bias, 50.0)  # stored 0.5 / 0.01, effective 0.5
    # y = x (K * gain * lr_mul / sqrt(fan_in)) + b * lr_mul
    np.testing.assert_allclose(out, x @ (kernel * 2.0 * 0.01 / 4.0) + 0.5, rtol=1e-5, atol=1e-5)
    # stored N(0, 1 / lr_mul^2): std about 100
    wide = EqualizedDense(64, lr_multiplier=0.01)
    wide.build((None, 256))
    assert 80 < np.asarray(wide.kernel).std() < 120


def test_minibatch_std_by_hand():
    x = np.zeros((4, 1, 1, 2), "float32")
    x[:, 0, 0, 0] = [1.0, 2.0, 3.0, 4.0]  # group of 4: std sqrt(1.25); channel 1 std 0 (1e-4 by epsilon)
    out = np.asarray(MinibatchStandardDeviation(group_size=4)(x))
    np.testing.assert_allclose(out[..., 2], (math.sqrt(1.25) + 1e-4) / 2, rtol=1e-4)
    np.testing.assert_array_equal(out[..., :2], x)
    # groups of 2: image n in group n mod 2 -> images (0, 2) and (1, 3), std 1 each in channel 0
    pairs = np.asarray(MinibatchStandardDeviation(group_size=2)(x))
    np.testing.assert_allclose(pairs[:, 0, 0, 2], (1.0 + 1e-4) / 2, rtol=1e-4)
    # a batch the group size does not divide is one group
    odd = np.asarray(MinibatchStandardDeviation(group_size=4)(x[:3]))
    np.testing.assert_allclose(odd[..., 2], (np.std([1.0, 2.0, 3.0]) + 1e-4) / 2, rtol=1e-4)


def test_truncation_pulls_the_first_cutoff_layers_towards_w_average():
    layer = StyleTruncation(num_layers=4, cutoff=3)
    w = RNG.normal(size=(2, 5)).astype("float32")
    layer([w, np.ones(2, "float32")])
    average = RNG.normal(size=5).astype("float32")
    layer.w_average.assign(average)
    out = np.asarray(layer([w, np.array([0.0, 0.5], "float32")]))
    np.testing.assert_allclose(out[0, :3], np.broadcast_to(average, (3, 5)), rtol=1e-6)  # psi 0: w_avg
    np.testing.assert_allclose(out[1, :3], np.broadcast_to(average + 0.5 * (w[1] - average), (3, 5)), rtol=1e-5)
    np.testing.assert_allclose(out[:, 3], w, rtol=1e-6)  # past the cutoff: w itself
    assert StyleTruncation(num_layers=4, cutoff=None).cutoff is None
    assert not layer.trainable_weights


def test_learned_constant_repeats_one_tensor():
    out = np.asarray(LearnedConstant((2, 2, 3))(np.zeros((5, 7), "float32")))
    assert out.shape == (5, 2, 2, 3) and (out == 1.0).all()


@pytest.mark.parametrize("factory,match", [
    (lambda: EqualizedDense(0), "units must be an int >= 1, got 0"),
    (lambda: EqualizedDense(3, lr_multiplier=0.0), "lr_multiplier must be a finite number > 0, got 0.0"),
    (lambda: PixelNormalization(epsilon=-1.0), "epsilon must be a finite number > 0, got -1.0"),
    (lambda: MinibatchStandardDeviation(group_size=1), r"group_size must be an int >= 2, got 1"),
    (lambda: StyleTruncation(num_layers=3, cutoff=-1), "cutoff must be an int >= 0 or None, got -1"),
    (lambda: LearnedConstant((4, 0)), r"shape must be a non-empty tuple or list of ints >= 1, got \(4, 0\)"),
])
def test_bad_arguments_are_refused_naming_the_value(factory, match):
    with pytest.raises(ValueError, match=match):
        factory()


def test_keras_round_trip_of_every_layer(tmp_path):
    z = keras.Input((4,), name="z")
    psi = keras.Input((), name="psi")
    w = EqualizedDense(6, lr_multiplier=0.01, gain=math.sqrt(2), activation="leaky_relu")(PixelNormalization()(z))
    ws = StyleTruncation(num_layers=2, cutoff=1)([w, psi])
    x = NoiseInput(seed=3)(LearnedConstant((4, 4, 2))(z))
    x = AdaptiveInstanceNormalization()([x, ws[:, 0]])
    x = MinibatchStandardDeviation(group_size=2)(EqualizedConv2D(3, 3)(x))
    model = keras.Model([z, psi], x)
    for weight in model.weights:  # non-default values everywhere, so a lost weight shows
        weight.assign(RNG.normal(size=weight.shape).astype("float32"))
    inputs = [RNG.normal(size=(4, 4)).astype("float32"), np.full(4, 0.7, "float32")]
    model.save(tmp_path / "layers.keras")
    loaded = keras.models.load_model(tmp_path / "layers.keras")
    np.testing.assert_allclose(np.asarray(loaded(inputs)), np.asarray(model(inputs)), rtol=1e-5, atol=1e-6)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]


def test_equalized_conv_scales_its_kernel_by_he_constant():
    x = RNG.normal(size=(2, 5, 5, 3)).astype("float32")
    layer = EqualizedConv2D(4, 3, gain=2.0)
    out = np.asarray(layer(x))
    layer.bias.assign(np.arange(4, dtype="float32"))
    kernel = np.asarray(layer.kernel) * 2.0 / math.sqrt(27)  # gain / sqrt(3 * 3 * 3)
    # the centre pixel by hand: its 3x3 neighbourhood times the scaled kernel
    centre = np.einsum("nhwc,hwcf->nf", x[:, 1:4, 1:4], kernel)
    np.testing.assert_allclose(out[:, 2, 2], centre, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(layer(x))[:, 2, 2], centre + np.arange(4), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="kernel_size must be odd, got 2"):
        EqualizedConv2D(4, 2)

import keras
import numpy as np
import pytest

from keras_gans.layers import ReflectionPadding2D, instance_normalization

X = np.random.default_rng(0).normal(2.0, 3.0, (2, 5, 6, 3)).astype("float32")


def test_instance_normalization_is_the_formula_per_sample_and_channel():
    # (x - mean_hw) / sqrt(var_hw + 1e-5), no scale or offset (CycleGAN's InstanceNorm2d(affine=False))
    layer = instance_normalization()
    expected = (X - X.mean(axis=(1, 2), keepdims=True)) / np.sqrt(X.var(axis=(1, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(layer(X), expected, atol=1e-5)
    assert layer.weights == []
    # Inference normalises the same way: no running statistics.
    np.testing.assert_allclose(layer(X, training=True), layer(X, training=False), atol=1e-6)


def test_instance_normalization_affine_learns_scale_and_offset():
    layer = instance_normalization(affine=True)
    layer.build(X.shape)
    assert sorted(tuple(w.shape) for w in layer.trainable_weights) == [(3,), (3,)]
    with pytest.raises(ValueError, match="epsilon"):
        instance_normalization(epsilon=0)


def test_reflection_padding_mirrors_without_repeating_the_edge():
    x = np.arange(12, dtype="float32").reshape(1, 3, 4, 1)
    out = np.asarray(ReflectionPadding2D(1)(x))[0, :, :, 0]
    # numpy's "reflect" mode is PyTorch's ReflectionPad2d
    np.testing.assert_array_equal(out, np.pad(x[0, :, :, 0], 1, mode="reflect"))
    assert ReflectionPadding2D(2).compute_output_shape((None, 8, 8, 3)) == (None, 12, 12, 3)
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(0)


def test_reflection_padding_round_trip(tmp_path):
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, ReflectionPadding2D(2)(inputs))
    model.save(tmp_path / "pad.keras")
    loaded = keras.models.load_model(tmp_path / "pad.keras")
    x = np.random.default_rng(1).standard_normal((2, 4, 4, 2)).astype("float32")
    np.testing.assert_array_equal(loaded(x), model(x))

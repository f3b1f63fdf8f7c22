import numpy as np
import pytest
import keras
import tensorflow as tf

from keras_gans.networks import build_critic, build_discriminator, build_generator
from keras_gans.networks.dcgan import base_resolution
from tests.networks.helpers import Clip, as_list, largest_singular_value, normalised_kernel, spectral_layers, weighted_layers


@pytest.mark.parametrize("size,expected", [(8, (4, 1)), (16, (4, 2)), (28, (7, 2)), (32, (4, 3)), (64, (4, 4))])
def test_base_resolution(size, expected):
    assert base_resolution(size) == expected


@pytest.mark.parametrize("bad", [0, 4, 5, 30, 100, -16, 16.0, "64", True, None])
def test_bad_image_size_names_the_value(bad):
    with pytest.raises(ValueError, match=repr(bad).replace("(", r"\(")):
        build_generator(image_size=bad)


@pytest.mark.parametrize("size", [16, 28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_shapes(size, channels):
    g = build_generator(size, channels, latent_dim=8, width=4)
    d = build_critic(size, channels, width=4)
    images = g(np.random.normal(size=(2, 8)).astype("float32"))
    assert images.shape == (2, size, size, channels)
    assert float(np.abs(images).max()) <= 1.0
    assert d(images).shape == (2, 1)


def test_paper_sizes_at_64px():
    g, d = build_generator(64), build_critic(64)
    # latent 128 -> 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x3
    shapes = [tuple(l.output.shape[1:]) for l in g.layers if isinstance(l, keras.layers.Conv2DTranspose)]
    assert shapes == [(8, 8, 256), (16, 16, 128), (32, 32, 64), (64, 64, 3)]
    filters = [l.filters for l in d.layers if isinstance(l, keras.layers.Conv2D)]
    assert filters == [64, 128, 256, 512]


def test_critic_has_no_batch_norm_and_a_linear_output():
    for normalization in ("layer", None):
        d = build_critic(16, 3, width=4, normalization=normalization)
        assert not any(isinstance(l, keras.layers.BatchNormalization) for l in d.layers)
        norms = [l for l in d.layers if isinstance(l, keras.layers.LayerNormalization)]
        assert len(norms) == (1 if normalization else 0)  # none on the input layer
        assert d.layers[-1].activation is keras.activations.linear
        assert not d.layers[-1].use_bias  # a constant score offset cancels in every loss


@pytest.mark.parametrize("kwargs,match", [
    ({"channels": 2}, "channels must be 1 or 3, got 2"),
    ({"width": 0}, "width must be an int >= 1, got 0"),
    ({"latent_dim": -1}, "latent_dim must be an int >= 1, got -1"),
])
def test_generator_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_generator(16, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    ({"normalization": "instance"}, "normalization must be one of 'layer', 'batch', None; got 'instance'"),
    ({"num_classes": 1}, "num_classes must be an int >= 2 or None, got 1"),
    ({"num_classes": True}, "num_classes must be an int >= 2 or None, got True"),
    ({"spectral_norm": "yes"}, "spectral_norm must be True or False, got 'yes'"),
    ({"output_bias": 1}, "output_bias must be True or False, got 1"),
    ({"kernel_constraint": "no_such_constraint"}, "no_such_constraint"),
    ({"width": 2.5}, "width must be an int >= 1, got 2.5"),
])
def test_critic_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_critic(16, **kwargs)
    with pytest.raises(ValueError, match=match):
        build_discriminator(16, **kwargs)


def test_numpy_integers_are_accepted():
    g = build_generator(np.int64(16), np.int32(1), latent_dim=np.int64(8), width=np.int64(4))
    d = build_critic(np.int64(16), np.int64(1), width=np.int16(4), num_classes=np.int64(10))
    assert tuple(g.input.shape) == (None, 8) and tuple(g.output.shape) == (None, 16, 16, 1)
    assert [tuple(o.shape) for o in d.outputs] == [(None, 1), (None, 10)]
    assert d.get_layer("score").kernel.shape == (4 * 2 * 2 * 8, 1)  # width 4 doubled once, 2x2 map


# ------------------------------------------------------------- critic options


def _types(model):
    return [type(layer).__name__ for layer in model.layers[1:]]


def test_batch_norm_after_every_conv_but_the_first():
    d = build_critic(32, 3, width=4, normalization="batch")
    assert _types(d) == [
        "Conv2D", "LeakyReLU",
        "Conv2D", "BatchNormalization", "LeakyReLU",
        "Conv2D", "BatchNormalization", "LeakyReLU",
        "Flatten", "Dense",
    ]
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    # A bias before batch norm is cancelled by its mean subtraction.
    assert [conv.use_bias for conv in convs] == [True, False, False]


def test_discriminator_is_the_dcgan_discriminator():
    d = build_discriminator(64)
    assert d.name == "discriminator"
    assert [l.filters for l in d.layers if isinstance(l, keras.layers.Conv2D)] == [64, 128, 256, 512]
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in d.layers) == 3
    assert not any(isinstance(l, keras.layers.LayerNormalization) for l in d.layers)
    score = d.get_layer("score")
    assert score.use_bias and score.activation is keras.activations.linear
    assert d.output.dtype == "float32"


def test_output_bias():
    assert build_critic(16, 1, width=4, output_bias=True).get_layer("score").use_bias
    assert not build_discriminator(16, 1, width=4, output_bias=False).get_layer("score").use_bias


@pytest.mark.parametrize("size", [16, 28])
@pytest.mark.parametrize("channels", [1, 3])
def test_acgan_heads(size, channels):
    d = build_critic(size, channels, width=4, num_classes=10)
    score, logits = d(np.zeros((2, size, size, channels), "float32"))
    assert score.shape == (2, 1) and logits.shape == (2, 10)
    assert [o.dtype for o in d.outputs] == ["float32", "float32"]
    assert d.output_names == ["score", "class_logits"]
    assert d.get_layer("class_logits").use_bias


def test_features_layer_gives_a_feature_extractor():
    d = build_critic(28, 1, width=4)
    extractor = keras.Model(d.input, d.get_layer("features").output)
    x = np.random.default_rng(0).standard_normal((2, 28, 28, 1)).astype("float32")
    features = extractor(x)
    assert features.shape == (2, 7 * 7 * 8)
    # The score is a linear function of the features.
    expected = keras.ops.matmul(features, d.get_layer("score").kernel)
    np.testing.assert_allclose(d(x), expected, rtol=1e-5, atol=1e-6)


CONSTRAINED_CRITICS = {
    "layer": dict(normalization="layer"),
    "batch": dict(normalization="batch", output_bias=True),
    "acgan": dict(normalization="layer", output_bias=True, num_classes=5),
    "spectral": dict(normalization="batch", spectral_norm=True, num_classes=5),
}


@pytest.mark.parametrize("kwargs", CONSTRAINED_CRITICS.values(), ids=CONSTRAINED_CRITICS.keys())
def test_constraint_on_every_weight(kwargs):
    clip = Clip(0.01)
    d = build_critic(16, 3, width=4, kernel_constraint=clip, **kwargs)
    kinds = {v.path.split("/")[-1] for v in d.trainable_weights}
    assert {"kernel", "bias", "gamma", "beta"} <= kinds
    for variable in d.trainable_weights:
        # A spectrally normalised kernel's constraint rescales it to sigma 1, then applies clip.
        assert getattr(variable.constraint, "then", variable.constraint) is clip, variable.path


@pytest.mark.parametrize("kwargs", CONSTRAINED_CRITICS.values(), ids=CONSTRAINED_CRITICS.keys())
def test_clipping_constraint_clips_after_a_step(kwargs):
    d = build_critic(16, 3, width=4, kernel_constraint=Clip(0.01), **kwargs)
    # gamma starts at 1: the step must bring it (and every weight pushed past c) back to [-c, c].
    assert max(float(np.abs(v.numpy()).max()) for v in d.trainable_weights) == 1.0
    x = np.random.default_rng(0).standard_normal((4, 16, 16, 3)).astype("float32")
    with tf.GradientTape() as tape:
        loss = sum(keras.ops.sum(o) for o in (d(x, training=True) if "num_classes" in kwargs else [d(x, training=True)]))
    grads = tape.gradient(loss, d.trainable_weights)
    keras.optimizers.SGD(learning_rate=10.0).apply_gradients(zip(grads, d.trainable_weights))
    for variable in d.trainable_weights:
        assert float(np.abs(variable.numpy()).max()) <= 0.01 + 1e-7, variable.path
    assert np.isclose(max(float(np.abs(v.numpy()).max()) for v in d.trainable_weights), 0.01)


@pytest.mark.parametrize("builder", [build_critic, build_discriminator])
@pytest.mark.parametrize("num_classes", [None, 10])
def test_spectral_norm_wraps_every_conv_and_dense(builder, num_classes):
    d = builder(28, 3, width=4, spectral_norm=True, normalization=None, num_classes=num_classes)
    wrapped = spectral_layers(d)
    # 2 convolutions, the score and the class head.
    assert len(wrapped) == len(weighted_layers(d)) == (3 if num_classes is None else 4)
    assert not any(isinstance(l, (keras.layers.Conv2D, keras.layers.Dense)) for l in d.layers)
    assert d.get_layer("score").layer.units == 1
    x = np.random.default_rng(0).standard_normal((4, 28, 28, 3)).astype("float32")
    for _ in range(20):
        # One power iteration per training call, persistent across calls (Miyato et al., Alg. 1).
        d(x, training=True)
    for layer in wrapped:
        assert abs(largest_singular_value(normalised_kernel(layer)) - 1.0) < 0.05, layer.name


def test_spectral_norm_is_off_in_inference():
    d = build_critic(16, 1, width=4, spectral_norm=True)
    before = [v.numpy().copy() for v in d.weights]
    d(np.ones((2, 16, 16, 1), "float32"), training=False)
    for old, new in zip(before, d.weights):
        np.testing.assert_array_equal(old, new.numpy())


def test_outputs_are_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        d = build_critic(16, 3, width=4, spectral_norm=True, num_classes=3, normalization="batch")
        g = build_generator(16, 3, latent_dim=8, width=4)
        outputs = as_list(d(np.zeros((2, 16, 16, 3), "float32"), training=True))
        outputs += as_list(g(np.zeros((2, 8), "float32")))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert [o.dtype for o in outputs] == ["float32"] * 3


def test_batch_norm_momentum_follows_the_dcgan_reference_code():
    from keras_gans.networks.dcgan import BATCH_NORM_MOMENTUM

    nets = (build_generator(16, 1, latent_dim=8, width=4), build_critic(16, 1, width=4, normalization="batch"))
    norms = [l for net in nets for l in net.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert norms and all(l.momentum == BATCH_NORM_MOMENTUM == 0.9 for l in norms)

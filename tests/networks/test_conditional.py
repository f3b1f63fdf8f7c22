import numpy as np
import pytest
import keras

from keras_gans.layers import GlobalSumPooling2D
from keras_gans.networks import (
    build_conditional_discriminator,
    build_conditional_generator,
    build_projection_discriminator,
)
from tests.networks.helpers import largest_singular_value, normalised_kernel, spectral_layers, weighted_layers

LABELS = np.array([0, 1, 2, 9], "int32")


def _same_image(size, channels, n=len(LABELS)):
    image = np.random.default_rng(0).standard_normal((1, size, size, channels)).astype("float32")
    return np.repeat(image, n, axis=0)


@pytest.mark.parametrize("size", [16, 28])
@pytest.mark.parametrize("channels", [1, 3])
def test_shapes_and_inputs(size, channels):
    g = build_conditional_generator(size, channels, latent_dim=8, num_classes=10, width=4)
    discriminators = [
        build_conditional_discriminator(size, channels, num_classes=10, width=4),
        build_projection_discriminator(size, channels, num_classes=10, width=4),
    ]
    images = g([np.random.default_rng(0).standard_normal((4, 8)).astype("float32"), LABELS]).numpy()
    assert images.shape == (4, size, size, channels) and images.dtype == "float32"
    assert float(np.abs(images).max()) <= 1.0
    assert [i.name for i in g.inputs] == ["z", "labels"]
    for d in discriminators:
        assert [i.name for i in d.inputs] == ["images", "labels"]
        assert d.inputs[1].dtype == "int32" and d.inputs[1].shape == (None,)
        assert d([images, LABELS]).shape == (4, 1) and d.output.dtype == "float32"


def test_generator_is_the_dcgan_generator_on_z_and_one_hot():
    g = build_conditional_generator(64, 3, latent_dim=128, num_classes=10)
    assert g.get_layer("z_and_label").output.shape == (None, 138)
    shapes = [tuple(l.output.shape[1:]) for l in g.layers if isinstance(l, keras.layers.Conv2DTranspose)]
    assert shapes == [(8, 8, 256), (16, 16, 128), (32, 32, 64), (64, 64, 3)]


def test_generator_output_depends_on_the_label():
    g = build_conditional_generator(16, 1, latent_dim=8, num_classes=10, width=4)
    z = np.repeat(np.random.default_rng(0).standard_normal((1, 8)).astype("float32"), 4, axis=0)
    images = g([z, LABELS]).numpy()
    for i in range(1, 4):
        assert np.abs(images[i] - images[0]).max() > 1e-6


@pytest.mark.parametrize("builder", [build_conditional_discriminator, build_projection_discriminator])
def test_score_depends_on_the_label(builder):
    d = builder(16, 3, num_classes=10, width=4)
    scores = d([_same_image(16, 3), LABELS]).numpy()[:, 0]
    assert len(set(scores.tolist())) == 4


def test_conditional_discriminator_tiles_the_label_over_the_image():
    d = build_conditional_discriminator(16, 3, num_classes=10, width=4, normalization=None)
    joined = keras.Model(d.inputs, d.get_layer("images_and_label_maps").output)
    images = _same_image(16, 3)
    x = joined([images, LABELS]).numpy()
    assert x.shape == (4, 16, 16, 13)
    np.testing.assert_array_equal(x[..., :3], images)
    expected = np.broadcast_to(np.eye(10, dtype="float32")[LABELS][:, None, None, :], (4, 16, 16, 10))
    np.testing.assert_array_equal(x[..., 3:], expected)
    # DCGAN critic trunk and options, reused.
    assert [l.filters for l in d.layers if isinstance(l, keras.layers.Conv2D)] == [4, 8]
    assert d.get_layer("score").use_bias


def test_conditional_discriminator_options():
    bn = build_conditional_discriminator(32, 1, num_classes=3, width=4)
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in bn.layers) == 2
    sn = build_conditional_discriminator(16, 1, num_classes=3, width=4, spectral_norm=True, normalization=None,
                                         output_bias=False)
    assert len(spectral_layers(sn)) == len(weighted_layers(sn)) == 3
    assert not sn.get_layer("score").layer.use_bias


@pytest.mark.parametrize("spectral_norm", [True, False])
def test_projection_equals_psi_plus_inner_product(spectral_norm):
    d = build_projection_discriminator(16, 3, num_classes=10, width=4, spectral_norm=spectral_norm)
    images = np.random.default_rng(1).standard_normal((4, 16, 16, 3)).astype("float32")
    for _ in range(3):
        d([images, LABELS], training=True)  # u has moved on from its initial value

    def weights(name):
        layer = d.get_layer(name)
        return layer.layer if spectral_norm else layer

    def kernel(name):
        return np.asarray(normalised_kernel(d.get_layer(name)) if spectral_norm else weights(name).kernel)

    phi = keras.Model(d.input, d.get_layer("features").output)([images, LABELS]).numpy()
    assert phi.shape == (4, 8)  # width * 2**(n-1) features, summed over 4 x 4 positions
    psi = phi @ kernel("psi") + weights("psi").bias.numpy()
    embedding = kernel("class_embedding")  # V, (num_classes, features)
    assert embedding.shape == (10, 8)
    projection = np.sum(embedding[LABELS] * phi, axis=-1, keepdims=True)
    np.testing.assert_allclose(d([images, LABELS]).numpy(), psi + projection, rtol=1e-4, atol=1e-6)
    assert np.abs(projection).max() > 1e-6


def test_projection_features_are_a_spatial_sum_without_normalisation():
    d = build_projection_discriminator(16, 1, num_classes=3, width=4, spectral_norm=False)
    assert not any(isinstance(l, (keras.layers.BatchNormalization, keras.layers.LayerNormalization)) for l in d.layers)
    trunk = keras.Model(d.input, d.get_layer("features").input)
    features = keras.Model(d.input, d.get_layer("features").output)
    x = [_same_image(16, 1, 2), LABELS[:2]]
    np.testing.assert_allclose(features(x), trunk(x).numpy().sum(axis=(1, 2)), rtol=1e-5)


def test_projection_spectral_norm_on_convs_psi_and_embedding():
    d = build_projection_discriminator(28, 3, num_classes=10, width=4)
    wrapped = spectral_layers(d)
    assert {"psi", "class_embedding"} <= {l.name for l in wrapped}
    assert len(wrapped) == len(weighted_layers(d)) == 4
    images = np.random.default_rng(0).standard_normal((4, 28, 28, 3)).astype("float32")
    for _ in range(20):
        d([images, LABELS], training=True)
    for layer in wrapped:
        assert abs(largest_singular_value(normalised_kernel(layer)) - 1.0) < 0.05, layer.name


def test_outputs_are_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        g = build_conditional_generator(16, 1, latent_dim=8, num_classes=10, width=4)
        images = g([np.zeros((4, 8), "float32"), LABELS]).numpy()
        scores = [
            builder(16, 1, num_classes=10, width=4)([images, LABELS], training=True)
            for builder in (build_conditional_discriminator, build_projection_discriminator)
        ]
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert [o.dtype for o in (images, *scores)] == ["float32"] * 3


@pytest.mark.parametrize("builder", [
    build_conditional_generator, build_conditional_discriminator, build_projection_discriminator,
])
@pytest.mark.parametrize("kwargs,match", [
    ({"num_classes": 1}, "num_classes must be an int >= 2, got 1"),
    ({"num_classes": None}, "num_classes must be an int >= 2, got None"),
    ({"num_classes": 2.0}, "num_classes must be an int >= 2, got 2.0"),
    ({"channels": 2}, "channels must be 1 or 3, got 2"),
    ({"image_size": 30}, "got 30"),
    ({"width": 0}, "width must be an int >= 1, got 0"),
])
def test_argument_errors(builder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        builder(**kwargs)


@pytest.mark.parametrize("builder", [
    build_conditional_generator, build_conditional_discriminator, build_projection_discriminator,
])
def test_numpy_integers_are_accepted(builder):
    model = builder(np.int64(16), np.int64(1), num_classes=np.int64(3), width=np.int64(4))
    assert [tuple(i.shape)[1:] for i in model.inputs][-1] == ()  # the labels input


def test_discriminator_argument_errors():
    with pytest.raises(ValueError, match="normalization must be .* got 'group'"):
        build_conditional_discriminator(16, normalization="group")
    with pytest.raises(ValueError, match="spectral_norm must be True or False, got 1"):
        build_projection_discriminator(16, spectral_norm=1)


def test_global_sum_pooling():
    x = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(GlobalSumPooling2D()(x), x.sum(axis=(1, 2)))
    np.testing.assert_array_equal(GlobalSumPooling2D(keepdims=True)(x), x.sum(axis=(1, 2), keepdims=True))
    layer = GlobalSumPooling2D.from_config(GlobalSumPooling2D(keepdims=True, name="pool").get_config())
    assert layer.keepdims and layer.name == "pool"
    with pytest.raises(ValueError, match="keepdims must be True or False, got 'yes'"):
        GlobalSumPooling2D(keepdims="yes")

import numpy as np
import pytest
import keras

from keras_gans.networks import build_critic, build_generator
from keras_gans.networks.dcgan import base_resolution


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
    ({"width": 0}, "width must be a positive int, got 0"),
    ({"latent_dim": -1}, "latent_dim must be a positive int, got -1"),
])
def test_generator_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_generator(16, **kwargs)


def test_critic_normalization_error():
    with pytest.raises(ValueError, match="normalization must be"):
        build_critic(16, normalization="batch")

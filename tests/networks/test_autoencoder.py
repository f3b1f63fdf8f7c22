"""The autoencoder discriminators (EBGAN, BEGAN) and BEGAN's generator: shapes at 16-64 px, layers, checks."""

import keras
import numpy as np
import pytest

from keras_gans.networks import build_began_discriminator, build_began_generator, build_ebgan_discriminator


@pytest.mark.parametrize("size,code_side", [(16, 4), (32, 8), (64, 8)])
def test_ebgan_discriminator_reconstructs_at_the_input_size_with_the_papers_code(size, code_side):
    d = build_ebgan_discriminator(size, 3, width=4)
    filters = 4 * (2 if size < 64 else 4)
    assert [tuple(t.shape) for t in d.outputs] == [(None, size, size, 3), (None, code_side, code_side, filters)]
    # Batch norm after every convolution but the encoder's first (and the linear output).
    convolutions = [layer for layer in d.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))]
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == len(convolutions) - 2


@pytest.mark.parametrize("size", [16, 32, 64])
def test_began_networks_have_no_batch_norm_elu_everywhere_and_the_generator_is_the_decoder_shape(size):
    d = build_began_discriminator(size, 1, width=4, embedding_dim=8)
    g = build_began_generator(size, 1, latent_dim=8, width=4)
    assert [tuple(t.shape) for t in d.outputs] == [(None, size, size, 1), (None, 8)]
    assert tuple(g.output.shape) == (None, size, size, 1)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in d.layers + g.layers)
    hidden = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)][:-1]
    assert all(layer.get_config()["activation"] == "elu" for layer in hidden)
    # The generator's layers are the decoder's (from the dense layer on), with the same shapes.
    decoder = d.layers[[layer.name for layer in d.layers].index("code") + 1:]
    decoder_shapes = [tuple(w.shape) for layer in decoder for w in layer.weights]
    generator_shapes = [tuple(w.shape) for layer in g.layers for w in layer.weights]
    assert decoder_shapes == generator_shapes


def test_generator_images_are_in_minus_1_1():
    g = build_began_generator(16, 1, latent_dim=8, width=4)
    images = np.asarray(g(np.random.default_rng(0).normal(size=(4, 8)).astype("float32") * 10))
    assert images.min() >= -1 and images.max() <= 1


@pytest.mark.parametrize("builder", [build_ebgan_discriminator, build_began_discriminator])
def test_bad_arguments_are_refused_naming_the_value(builder):
    with pytest.raises(ValueError, match="image_size must be 4 to 7 times a power of two"):
        builder(30, 1)
    with pytest.raises(ValueError, match="width must be an int >= 1, got 0"):
        builder(16, 1, width=0)
    with pytest.raises(ValueError, match="channels must be 1 or 3, got 2"):
        builder(16, 2)

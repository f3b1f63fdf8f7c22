"""StyleGAN's networks: shapes at every supported size, styles per layer, and .keras round trips."""

import keras
import numpy as np
import pytest

from keras_gans.networks import (
    build_mapping_network,
    build_style_discriminator,
    build_style_generator,
    build_synthesis_network,
    synthesis_layers,
)


def layers_of(model, kind):
    return [layer for layer in model.layers if type(layer).__name__ == kind]


@pytest.mark.parametrize("size,channels,styles", [(16, 1, 6), (28, 3, 6), (32, 3, 8)])
def test_generator_and_discriminator_shapes(size, channels, styles):
    generator = build_style_generator(size, channels, latent_dim=8, width=4, mapping_layers=2)
    assert synthesis_layers(size) == styles
    synthesis = generator.get_layer("synthesis")
    assert tuple(synthesis.inputs[0].shape) == (None, styles, 8)
    # one AdaIN and one noise input per style
    assert len(layers_of(synthesis, "AdaptiveInstanceNormalization")) == styles
    assert len(layers_of(synthesis, "NoiseInput")) == styles
    images = np.asarray(generator([np.zeros((2, 8), "float32"), np.ones(2, "float32")]))
    assert images.shape == (2, size, size, channels) and np.abs(images).max() <= 1.0
    discriminator = build_style_discriminator(size, channels, width=4)
    assert tuple(discriminator(images).shape) == (2, 1)
    assert layers_of(discriminator, "MinibatchStandardDeviation")


def test_filters_double_per_halving_up_to_eight_times_the_width():
    synthesis = build_synthesis_network(64, 3, w_dim=8, width=2)
    assert synthesis.get_layer("constant").constant.shape == (1, 4, 4, 16)  # 2 * min(2^4, 8)
    assert synthesis.get_layer("conv_64_1").filters == 2 and synthesis.get_layer("conv_32_0").filters == 4


def test_mapping_network_normalises_z_and_learns_slower():
    mapping = build_mapping_network(6, w_dim=5, num_layers=3)
    dense = layers_of(mapping, "EqualizedDense")
    assert [layer.units for layer in dense] == [5, 5, 5] and {layer.lr_multiplier for layer in dense} == {0.01}
    z = np.random.default_rng(0).standard_normal((2, 6)).astype("float32")
    # pixel norm first: z and 3 z map to the same w
    np.testing.assert_allclose(np.asarray(mapping(z)), np.asarray(mapping(3 * z)), rtol=1e-5, atol=1e-6)


def test_generator_round_trips_through_a_keras_file(tmp_path):
    generator = build_style_generator(16, 1, latent_dim=8, width=4, mapping_layers=2, truncation_cutoff=4)
    generator.get_layer("truncation").w_average.assign(np.arange(8, dtype="float32"))
    for layer in layers_of(generator.get_layer("synthesis"), "NoiseInput"):
        layer.scale.assign(np.full(layer.scale.shape, 0.5, "float32"))
    generator.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    inputs = [np.random.default_rng(1).standard_normal((3, 8)).astype("float32"), np.array([1.0, 0.5, 0.0], "float32")]
    np.testing.assert_allclose(np.asarray(loaded(inputs)), np.asarray(generator(inputs)), atol=1e-6)
    assert loaded.get_layer("truncation").cutoff == 4
    np.testing.assert_array_equal(np.asarray(loaded.get_layer("truncation").w_average), np.arange(8))


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="image_size must be 4 to 7 times a power of two"):
        build_style_generator(30, 1, latent_dim=8, width=4)
    with pytest.raises(ValueError, match="channels must be 1 or 3, got 2"):
        build_style_discriminator(16, 2)

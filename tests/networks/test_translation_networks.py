"""CycleGAN's ResNet generator and PatchGAN discriminator: shapes, the paper's sizes, conditioning, saving."""

import keras
import numpy as np
import pytest

from keras_gans import networks
from keras_gans.layers import ReflectionPadding2D


def test_paper_sizes_have_the_authors_parameter_counts():
    # pytorch-CycleGAN-and-pix2pix: resnet_6blocks (128 px) 7,837,699 and resnet_9blocks 11,378,179
    # parameters with instance norm; the n_layers=3 PatchGAN 2,764,737.
    assert networks.build_resnet_generator(128, 3).count_params() == 7_837_699
    assert networks.build_resnet_generator(256, 3).count_params() == 11_378_179
    d = networks.build_patch_discriminator(256, 3)
    assert d.count_params() == 2_764_737
    assert tuple(d.output.shape) == (None, 30, 30, 1)


def test_patch_discriminator_scales_its_patches_to_the_image():
    assert networks.receptive_field(3) == 70
    sizes = {size: networks.patch_layers(size) for size in (16, 32, 64, 128, 256, 512)}
    assert sizes == {16: 1, 32: 1, 64: 2, 128: 3, 256: 3, 512: 3}
    d = networks.build_patch_discriminator(16, 1, width=4)
    assert tuple(d.output.shape) == (None, 6, 6, 1)
    with pytest.raises(ValueError, match="num_layers=3 halves 16 px images"):
        networks.build_patch_discriminator(16, 1, width=4, num_layers=3)


def test_generator_structure_and_blocks():
    assert networks.default_blocks(128) == 6 and networks.default_blocks(256) == 9
    g = networks.build_resnet_generator(16, 1, width=4, blocks=2)
    adds = [layer for layer in g.layers if isinstance(layer, keras.layers.Add)]
    assert len(adds) == 2
    assert sum(isinstance(layer, ReflectionPadding2D) for layer in g.layers) == 2 + 2 * 2
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    y = np.asarray(g(x))
    assert y.shape == x.shape and np.all(np.abs(y) <= 1)
    with pytest.raises(ValueError, match="blocks"):
        networks.build_resnet_generator(16, 1, blocks=0)


def test_extra_input_channels_tile_the_conditions_over_the_image():
    g = networks.build_resnet_generator(16, 3, width=4, blocks=1, extra_input_channels=2)
    tiled = keras.Model(g.inputs, g.get_layer("images_and_conditions").output)
    images = np.zeros((2, 16, 16, 3), "float32")
    conditions = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    out = np.asarray(tiled([images, conditions]))
    assert out.shape == (2, 16, 16, 5)
    np.testing.assert_array_equal(out[:, :, :, 3:], np.broadcast_to(conditions[:, None, None, :], (2, 16, 16, 2)))
    # The output depends on the condition, by far more than rounding: a tiled condition is constant, and
    # reflection padding then instance norm would remove it (differences of ~1e-6 passed `not allclose`).
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    assert np.mean(np.abs(g([x, conditions]) - g([x, conditions[::-1]]))) > 1e-3
    assert isinstance(g.get_layer("c7s1_pad"), keras.layers.ZeroPadding2D)
    with pytest.raises(ValueError, match="padding='reflect' with extra_input_channels=2 would make the output"):
        networks.build_resnet_generator(16, 3, width=4, blocks=1, extra_input_channels=2, padding="reflect")
    with pytest.raises(ValueError, match="padding must be one of 'reflect', 'zero'; got 'same'"):
        networks.build_resnet_generator(16, 3, padding="same")


@pytest.mark.parametrize("builder,kwargs", [
    (networks.build_resnet_generator, dict(width=4, blocks=1, extra_input_channels=3, affine_norm=True)),
    (networks.build_patch_discriminator, dict(width=4)),
])
def test_keras_round_trip(builder, kwargs, tmp_path):
    model = builder(16, 3, **kwargs)
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in model.layers)
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((2, *t.shape[1:])).astype("float32") for t in model.inputs]
    inputs = inputs[0] if len(inputs) == 1 else inputs
    model.save(tmp_path / "x.keras")
    loaded = keras.models.load_model(tmp_path / "x.keras")
    np.testing.assert_allclose(loaded(inputs), model(inputs), atol=1e-6)

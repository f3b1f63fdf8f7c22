"""Every builder's model survives model.save("x.keras") / keras.models.load_model with identical outputs."""

import numpy as np
import pytest
import keras

from keras_gans import networks
from tests.networks.helpers import Clip, all_layers, as_list, random_inputs

# name: (builder, positional args, keyword args)
CASES = {
    "generator": (networks.build_generator, (16, 1), dict(latent_dim=8, width=4)),
    "critic": (networks.build_critic, (16, 3), dict(width=4)),
    "critic_clipped_acgan": (networks.build_critic, (16, 1), dict(
        width=4, normalization="batch", kernel_constraint=Clip(0.01), output_bias=True, num_classes=10)),
    "critic_spectral": (networks.build_critic, (16, 1), dict(width=4, normalization=None, spectral_norm=True)),
    "discriminator": (networks.build_discriminator, (16, 3), dict(width=4)),
    "discriminator_spectral_acgan": (networks.build_discriminator, (16, 1), dict(
        width=4, spectral_norm=True, num_classes=10)),
    "mlp_generator": (networks.build_mlp_generator, ((4, 4, 1),), dict(latent_dim=8, hidden=(16,))),
    "mlp_generator_conditional": (networks.build_mlp_generator, ((2,),), dict(
        latent_dim=8, hidden=(16, 8), output_activation=None, num_classes=10)),
    "mlp_discriminator": (networks.build_mlp_discriminator, ((4, 4, 1),), dict(hidden=(16,), dropout=0.3)),
    "mlp_discriminator_conditional": (networks.build_mlp_discriminator, ((2,),), dict(
        hidden=(16, 8), num_classes=10, spectral_norm=True, kernel_constraint=Clip(0.1))),
    "conditional_generator": (networks.build_conditional_generator, (16, 1), dict(
        latent_dim=8, num_classes=10, width=4)),
    "conditional_discriminator": (networks.build_conditional_discriminator, (16, 3), dict(num_classes=10, width=4)),
    "projection_discriminator": (networks.build_projection_discriminator, (16, 1), dict(num_classes=10, width=4)),
    "ebgan_discriminator": (networks.build_ebgan_discriminator, (16, 1), dict(width=4)),
    "began_discriminator": (networks.build_began_discriminator, (16, 3), dict(width=4, embedding_dim=8)),
    "began_generator": (networks.build_began_generator, (16, 1), dict(latent_dim=8, width=4)),
    "classifier": (networks.build_classifier, (16, 1), dict(num_classes=10, width=4)),
    "residual_generator": (networks.build_residual_generator, (16, 1), dict(
        latent_dim=8, num_classes=10, width=4, hierarchical=True, shared_dim=4)),
    "residual_discriminator": (networks.build_residual_discriminator, (16, 3), dict(num_classes=10, width=4)),
    "laplacian_generator": (networks.build_laplacian_generator, (16, 1), dict(width=4)),
    "laplacian_discriminator": (networks.build_laplacian_discriminator, (16, 1), dict(width=4)),
    "stage1_generator": (networks.build_stage1_generator, (8, 1), dict(
        latent_dim=8, embedding_dim=10, condition_dim=4, width=4)),
    "stage2_generator": (networks.build_stage2_generator, (16, 1), dict(condition_dim=4, width=4, residual_blocks=1)),
    "matching_discriminator": (networks.build_matching_discriminator, (8, 1), dict(
        embedding_dim=10, condition_dim=4, width=4)),
    "mapping_network": (networks.build_mapping_network, (), dict(latent_dim=8, num_layers=2)),
    "synthesis_network": (networks.build_synthesis_network, (16, 1), dict(w_dim=8, width=4, seed=0)),
    "style_generator": (networks.build_style_generator, (16, 1), dict(latent_dim=8, width=4, mapping_layers=2, seed=0)),
    "style_discriminator": (networks.build_style_discriminator, (16, 1), dict(width=4, group_size=3)),
    "patch_discriminator": (networks.build_patch_discriminator, (16, 3), dict(width=4)),
    "resnet_generator": (networks.build_resnet_generator, (16, 1), dict(width=4, blocks=1, extra_input_channels=2)),
    "stargan_generator": (networks.build_stargan_generator, (16, 3), dict(num_domains=3, width=4, blocks=1)),
    "stargan_discriminator": (networks.build_stargan_discriminator, (16, 3), dict(num_domains=3, width=4)),
}


@pytest.mark.parametrize("builder,args,kwargs", CASES.values(), ids=CASES.keys())
def test_keras_round_trip(builder, args, kwargs, tmp_path):
    model = builder(*args, **kwargs)
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in all_layers(model))
    inputs = random_inputs(model)
    # A training call moves batch-norm statistics and spectral-norm vectors off their initial values.
    model(inputs, training=True)
    path = tmp_path / "x.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model) and loaded.name == model.name
    assert [i.name for i in loaded.inputs] == [i.name for i in model.inputs]
    for expected, actual in zip(as_list(model(inputs)), as_list(loaded(inputs)), strict=True):
        np.testing.assert_array_equal(actual, expected)
    for expected, actual in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(actual.numpy(), expected.numpy())
    # Constraints travel with the file.
    constraints = [type(v.constraint).__name__ for v in model.trainable_weights]
    assert [type(v.constraint).__name__ for v in loaded.trainable_weights] == constraints


# Builders that only combine others covered above: build_dcgan_pair returns build_generator's
# and build_discriminator's models, build_lapgan_networks the levels' and build_stackgan_networks
# the stages' networks.
COMPOSITES = {"build_dcgan_pair", "build_lapgan_networks", "build_stackgan_networks"}


def test_every_public_builder_is_covered():
    assert {builder.__name__ for builder, _, _ in CASES.values()} == {
        name for name in networks.__all__ if name.startswith("build_") and name not in COMPOSITES
    }

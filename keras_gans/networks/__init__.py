"""Functional network builders."""

from keras_gans.networks.conditional import (
    build_conditional_discriminator,
    build_conditional_generator,
    build_projection_discriminator,
)
from keras_gans.networks.dcgan import (
    build_critic,
    build_dcgan_pair,
    build_discriminator,
    build_generator,
    check_image_size,
)
from keras_gans.networks.mlp import build_mlp_discriminator, build_mlp_generator
from keras_gans.networks.pyramid import (
    build_lapgan_networks,
    build_residual_discriminator,
    build_residual_generator,
    pyramid_sides,
)
from keras_gans.networks.stackgan import (
    build_matching_discriminator,
    build_stackgan_networks,
    build_stage1_generator,
    build_stage2_generator,
)

__all__ = [
    "build_conditional_discriminator",
    "build_conditional_generator",
    "build_critic",
    "build_dcgan_pair",
    "build_discriminator",
    "build_generator",
    "build_mlp_discriminator",
    "build_mlp_generator",
    "build_projection_discriminator",
    "check_image_size",
    "build_lapgan_networks",
    "build_residual_discriminator",
    "build_residual_generator",
    "pyramid_sides",
    "build_matching_discriminator",
    "build_stackgan_networks",
    "build_stage1_generator",
    "build_stage2_generator",
]

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
from keras_gans.networks.resnet import build_resnet_discriminator, build_resnet_generator

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
    "build_resnet_discriminator",
    "build_resnet_generator",
    "check_image_size",
]

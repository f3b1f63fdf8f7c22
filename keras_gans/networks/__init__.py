"""Functional network builders."""

from keras_gans.networks.dcgan import build_critic, build_discriminator, build_generator, check_image_size

__all__ = ["build_critic", "build_discriminator", "build_generator", "check_image_size"]

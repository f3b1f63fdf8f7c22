"""Functional network builders, by family."""

from keras_gans.networks.autoencoder import (
    build_began_discriminator,
    build_began_generator,
    build_ebgan_discriminator,
)
from keras_gans.networks.classifier import build_classifier
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
from keras_gans.networks.patch import build_patch_discriminator, patch_layers, receptive_field
from keras_gans.networks.pyramid import (
    build_lapgan_networks,
    build_laplacian_discriminator,
    build_laplacian_generator,
    pyramid_sides,
)
from keras_gans.networks.residual import build_residual_discriminator, build_residual_generator
from keras_gans.networks.resnet_translator import build_resnet_generator, default_blocks
from keras_gans.networks.stackgan import (
    build_matching_discriminator,
    build_stackgan_networks,
    build_stage1_generator,
    build_stage2_generator,
)
from keras_gans.networks.stargan import build_stargan_discriminator, build_stargan_generator, tile_labels
from keras_gans.networks.style import (
    build_mapping_network,
    build_style_discriminator,
    build_style_generator,
    build_synthesis_network,
    style_mixing,
    synthesis_layers,
)

__all__ = [
    # DCGAN, fully connected, conditional and projection (round one)
    "build_conditional_discriminator", "build_conditional_generator", "build_critic", "build_dcgan_pair",
    "build_discriminator", "build_generator", "build_mlp_discriminator", "build_mlp_generator",
    "build_projection_discriminator", "check_image_size",
    # residual class-conditional networks with self-attention (SAGAN, BigGAN)
    "build_residual_discriminator", "build_residual_generator",
    # autoencoder discriminators (EBGAN, BEGAN) and Triple-GAN's classifier
    "build_began_discriminator", "build_began_generator", "build_ebgan_discriminator", "build_classifier",
    # LAPGAN's levels and StackGAN's stages
    "build_lapgan_networks", "build_laplacian_discriminator", "build_laplacian_generator", "pyramid_sides",
    "build_matching_discriminator", "build_stackgan_networks", "build_stage1_generator", "build_stage2_generator",
    # StyleGAN
    "build_mapping_network", "build_style_discriminator", "build_style_generator", "build_synthesis_network",
    "style_mixing", "synthesis_layers",
    # image-to-image translation (CycleGAN, StarGAN)
    "build_patch_discriminator", "build_resnet_generator", "default_blocks", "patch_layers", "receptive_field",
    "build_stargan_discriminator", "build_stargan_generator", "tile_labels",
]

"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization

# Image-to-image translation (CycleGAN, StarGAN).
from keras_gans.layers.image_pool import ImagePool  # noqa: E402
from keras_gans.layers.instance_normalization import instance_normalization  # noqa: E402
from keras_gans.layers.reflection_padding import ReflectionPadding2D  # noqa: E402

__all__ = ["GlobalSumPooling2D", "ReparametrizedSpectralNormalization"]
__all__ += ["ImagePool", "ReflectionPadding2D", "instance_normalization"]

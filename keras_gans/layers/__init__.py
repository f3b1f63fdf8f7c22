"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.conditioning_augmentation import ConditioningAugmentation
from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization

__all__ = ["GlobalSumPooling2D", "ReparametrizedSpectralNormalization"]
__all__ += ["ConditioningAugmentation"]

"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization

# StyleGAN (Karras et al. 2019)
from keras_gans.layers.adaptive_instance_normalization import AdaptiveInstanceNormalization
from keras_gans.layers.equalized_conv2d import EqualizedConv2D
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.learned_constant import LearnedConstant
from keras_gans.layers.minibatch_standard_deviation import MinibatchStandardDeviation
from keras_gans.layers.noise_input import NoiseInput
from keras_gans.layers.pixel_normalization import PixelNormalization
from keras_gans.layers.style_truncation import StyleTruncation

__all__ = ["GlobalSumPooling2D", "ReparametrizedSpectralNormalization"]
__all__ += [
    "AdaptiveInstanceNormalization", "EqualizedConv2D", "EqualizedDense", "LearnedConstant",
    "MinibatchStandardDeviation", "NoiseInput", "PixelNormalization", "StyleTruncation",
]

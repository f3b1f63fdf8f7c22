"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.conditional_batch_normalization import ConditionalBatchNormalization
from keras_gans.layers.conditioning_augmentation import ConditioningAugmentation
from keras_gans.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reference_batch import ReferenceBatch
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization
from keras_gans.layers.self_attention import SelfAttention
from keras_gans.layers.virtual_batch_normalization import VirtualBatchNormalization

# StyleGAN (Karras et al. 2019)
from keras_gans.layers.adaptive_instance_normalization import AdaptiveInstanceNormalization
from keras_gans.layers.equalized_conv2d import EqualizedConv2D
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.learned_constant import LearnedConstant
from keras_gans.layers.minibatch_standard_deviation import MinibatchStandardDeviation
from keras_gans.layers.noise_input import NoiseInput
from keras_gans.layers.pixel_normalization import PixelNormalization
from keras_gans.layers.style_truncation import StyleTruncation

# Image-to-image translation (CycleGAN, StarGAN)
from keras_gans.layers.image_pool import ImagePool
from keras_gans.layers.instance_normalization import instance_normalization
from keras_gans.layers.reflection_padding import ReflectionPadding2D

__all__ = [
    "GlobalSumPooling2D", "ReparametrizedSpectralNormalization",
    # Salimans et al. 2016; SAGAN and BigGAN (issue 14)
    "MinibatchDiscrimination", "ReferenceBatch", "VirtualBatchNormalization",
    "ConditionalBatchNormalization", "SelfAttention",
    # StackGAN and StyleGAN (issue 16)
    "ConditioningAugmentation",
    "AdaptiveInstanceNormalization", "EqualizedConv2D", "EqualizedDense", "LearnedConstant",
    "MinibatchStandardDeviation", "NoiseInput", "PixelNormalization", "StyleTruncation",
    # image-to-image translation (issue 17)
    "ImagePool", "ReflectionPadding2D", "instance_normalization",
]

"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.conditional_batch_normalization import ConditionalBatchNormalization
from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization
from keras_gans.layers.self_attention import SelfAttention

__all__ = [
    "ConditionalBatchNormalization", "GlobalSumPooling2D", "ReparametrizedSpectralNormalization", "SelfAttention",
]

"""Layers Keras lacks, and spectral normalisation as the paper defines it (see its docstring)."""

from keras_gans.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gans.layers.pooling import GlobalSumPooling2D
from keras_gans.layers.reference_batch import ReferenceBatch
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization
from keras_gans.layers.virtual_batch_normalization import VirtualBatchNormalization

__all__ = [
    "GlobalSumPooling2D", "ReparametrizedSpectralNormalization",
    # Salimans et al. 2016 (issue 14)
    "MinibatchDiscrimination", "ReferenceBatch", "VirtualBatchNormalization",
]

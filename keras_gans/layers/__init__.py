"""Layers Keras lacks; spectral normalisation is Keras's own `keras.layers.SpectralNormalization`."""

from keras_gans.layers.pooling import GlobalSumPooling2D

__all__ = ["GlobalSumPooling2D"]

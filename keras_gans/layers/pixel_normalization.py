"""Pixelwise feature vector normalisation (Karras et al. 2018), the first step of StyleGAN's mapping network."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNormalization(keras.layers.Layer):
    """Divides each feature vector by its root mean square: `x / sqrt(mean(x^2) + epsilon)`.

    Progressive GAN normalises every pixel's feature vector with it; StyleGAN normalises
    the latent z with it before the mapping network, so that only z's direction matters.
    The mean runs over the last axis (the features, or the channels of a channels-last
    map); the result is computed in float32 and cast back.

    Args:
        epsilon: added to the mean square (1e-8 as in the authors' code), > 0.
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> out = PixelNormalization()(np.array([[3.0, 4.0]], "float32"))  # rms = sqrt(12.5)
    >>> np.round(np.asarray(out, "float64"), 4).tolist()
    [[0.8485, 1.1314]]

    Reference:
        Karras, Aila, Laine, Lehtinen. "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, Sec. 4.2. https://arxiv.org/abs/1710.10196
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = validation.number("epsilon", epsilon, low=0, low_open=True)

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        # b = a / sqrt(1/N sum_j a_j^2 + epsilon)  (Karras et al. 2018, Eq. 2)
        x = x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + self.epsilon)
        return ops.cast(x, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}

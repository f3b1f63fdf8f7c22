"""Global sum pooling, the pooling of the projection discriminator (Miyato & Koyama 2018)."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class GlobalSumPooling2D(keras.layers.Layer):
    """Sums a channels-last feature map over its spatial axes.

    Keras has global average and max pooling but no sum. The SNGAN and projection
    discriminators pool with a sum: the features then grow with the image area,
    which the spectrally normalised linear layers after it do not undo (a mean
    would divide the critic's Lipschitz bound by the area).

    Args:
        keepdims: keep the spatial axes with length 1, giving (N, 1, 1, C) instead of (N, C).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> tuple(GlobalSumPooling2D()(np.ones((2, 3, 4, 5), "float32")).shape)
    (2, 5)
    >>> float(GlobalSumPooling2D()(np.ones((1, 3, 4, 1), "float32"))[0, 0])
    12.0

    Reference:
        Miyato, Koyama. "cGANs with Projection Discriminator", ICLR 2018.
    """

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = validation.boolean("keepdims", keepdims)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def call(self, inputs):
        # phi(x) = sum_{h, w} f(x)[h, w, :]
        return ops.sum(inputs, axis=(1, 2), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0], 1, 1, input_shape[3])
        return (input_shape[0], input_shape[3])

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}

"""A 2-D convolution with the equalised learning rate (Karras et al. 2018), as StyleGAN's networks use."""

import math

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(keras.layers.Layer):
    """Channels-last 'same' convolution, stride 1, whose kernel is scaled in every call.

    The stored kernel is N(0, 1); each call multiplies it by `gain / sqrt(fan_in)` with
    `fan_in = kernel_size^2 * input channels` (He's constant), so every weight sees the
    same relative step under Adam (see `EqualizedDense`). StyleGAN uses it for every
    convolution of both networks (gain sqrt(2), 1 for the toRGB layers).

    Args:
        filters: output channels, >= 1.
        kernel_size: side of the square kernel, an odd int >= 1.
        gain: multiplier of 1 / sqrt(fan_in): sqrt(2) before a leaky ReLU, 1 otherwise.
        use_bias: add a bias (initialised to 0).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> tuple(EqualizedConv2D(5, 3)(np.ones((2, 8, 8, 3), "float32")).shape)
    (2, 8, 8, 5)

    Reference:
        Karras, Aila, Laine, Lehtinen. "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, Sec. 4.1. https://arxiv.org/abs/1710.10196
    """

    def __init__(self, filters, kernel_size=3, gain=math.sqrt(2.0), use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.filters = validation.positive_int("filters", filters)
        self.kernel_size = validation.positive_int("kernel_size", kernel_size)
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size!r}")
        self.gain = validation.number("gain", gain, low=0, low_open=True)
        self.use_bias = validation.boolean("use_bias", use_bias)

    def build(self, input_shape):
        fan_in = self.kernel_size * self.kernel_size * int(input_shape[-1])
        shape = (self.kernel_size, self.kernel_size, int(input_shape[-1]), self.filters)
        self.kernel = self.add_weight(shape=shape, name="kernel", initializer=keras.initializers.RandomNormal(stddev=1.0))
        self.runtime_coefficient = self.gain / math.sqrt(fan_in)
        self.bias = self.add_weight(shape=(self.filters,), name="bias", initializer="zeros") if self.use_bias else None

    def call(self, inputs):
        outputs = ops.conv(inputs, self.kernel * self.runtime_coefficient, strides=1, padding="same")
        if self.bias is not None:
            outputs = outputs + self.bias
        return outputs

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size, "gain": self.gain,
                "use_bias": self.use_bias}

"""A dense layer with the equalised learning rate and a learning-rate multiplier (Karras et al. 2018, 2019)."""

import math

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """Dense layer whose weights are scaled in every call, not at initialisation.

    The stored kernel is drawn from N(0, 1 / lr_multiplier^2) and multiplied at run time
    by `gain * lr_multiplier / sqrt(fan_in)`; the bias by `lr_multiplier`. The effective
    weights then start with He's scale, while an adaptive optimizer (Adam), whose steps are
    about the same size for every stored weight, moves the effective weights by
    `lr_multiplier` times its learning rate in units of their own scale: every layer learns
    at the same speed, and StyleGAN's mapping network learns 100 times slower
    (`lr_multiplier=0.01`).

    Args:
        units: output size, >= 1.
        lr_multiplier: learning-rate multiplier, > 0 (StyleGAN's mapping network: 0.01).
        gain: multiplier of He's 1 / sqrt(fan_in): sqrt(2) before a (leaky) ReLU, 1 otherwise.
        use_bias: add a bias.
        bias_initializer: the effective bias at initialisation, a number (the stored bias is
            this over `lr_multiplier`).
        activation: a Keras activation name or callable, or None.
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> layer = EqualizedDense(3, lr_multiplier=0.01)
    >>> tuple(layer(np.ones((2, 4), "float32")).shape)
    (2, 3)
    >>> round(float(np.std(np.asarray(EqualizedDense(256, lr_multiplier=0.01)(np.eye(64, dtype="float32"))))), 1)
    0.1

    Reference:
        Karras et al. "Progressive Growing of GANs", ICLR 2018, Sec. 4.1; Karras, Laine, Aila.
        "A Style-Based Generator Architecture for Generative Adversarial Networks", CVPR 2019,
        Appendix C (mapping network learning rate 100 times lower). https://arxiv.org/abs/1812.04948
    """

    def __init__(self, units, lr_multiplier=1.0, gain=1.0, use_bias=True, bias_initializer=0.0, activation=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = validation.positive_int("units", units)
        self.lr_multiplier = validation.number("lr_multiplier", lr_multiplier, low=0, low_open=True)
        self.gain = validation.number("gain", gain, low=0, low_open=True)
        self.use_bias = validation.boolean("use_bias", use_bias)
        self.bias_initializer = validation.number("bias_initializer", bias_initializer)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        # init N(0, 1 / lr_mul^2); runtime coefficient gain * lr_mul / sqrt(fan_in) (equalised learning rate)
        self.kernel = self.add_weight(
            shape=(fan_in, self.units), name="kernel",
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
        )
        self.runtime_coefficient = self.gain * self.lr_multiplier / math.sqrt(fan_in)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias",
                initializer=keras.initializers.Constant(self.bias_initializer / self.lr_multiplier),
            )

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.runtime_coefficient)
        if self.bias is not None:
            outputs = outputs + self.bias * self.lr_multiplier
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(), "units": self.units, "lr_multiplier": self.lr_multiplier, "gain": self.gain,
            "use_bias": self.use_bias, "bias_initializer": self.bias_initializer,
            "activation": keras.activations.serialize(self.activation),
        }

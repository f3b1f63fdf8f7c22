"""Adaptive instance normalisation with a learned affine style map (StyleGAN's AdaIN)."""

import math

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaptiveInstanceNormalization(keras.layers.Layer):
    """`AdaIN(x_i, y) = y_s,i (x_i - mu(x_i)) / sigma(x_i) + y_b,i`, the style y from w by a learned affine map.

    Each channel i of a feature map is normalised over its pixels (instance norm), then
    scaled by `y_s,i` and shifted by `y_b,i`. The style `y = (y_s, y_b) = A w` comes from
    an intermediate latent w through a learned affine map A (the "A" boxes of the paper's
    Figure 1), whose weights use the equalised learning rate (N(0, 1) stored, scaled by
    1 / sqrt(w_dim) at run time) and whose biases start at 1 for `y_s` and 0 for `y_b`,
    so a fresh layer is close to a plain instance norm. The output's per-channel mean is
    `y_b,i` and its standard deviation `|y_s,i|` (up to epsilon). Computed in float32.

    Inputs: `[x, w]`, a channels-last map (N, H, W, C) and styles' latents (N, w_dim).

    Args:
        epsilon: added to the variance, > 0 (1e-8 as in the authors' code).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> layer = AdaptiveInstanceNormalization()
    >>> x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    >>> out = np.asarray(layer([x, np.zeros((2, 8), "float32")]))  # w = 0: y_s = 1, y_b = 0
    >>> bool(np.allclose(out.mean(axis=(1, 2)), 0, atol=1e-5)), bool(np.allclose(out.std(axis=(1, 2)), 1, atol=1e-4))
    (True, True)

    Reference:
        Huang, Belongie. "Arbitrary Style Transfer in Real-time with Adaptive Instance
        Normalization", ICCV 2017. Karras, Laine, Aila. "A Style-Based Generator Architecture for
        Generative Adversarial Networks", CVPR 2019, Eq. 1. https://arxiv.org/abs/1812.04948
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = validation.number("epsilon", epsilon, low=0, low_open=True)

    def build(self, input_shape):
        feature_shape, style_shape = input_shape
        if len(feature_shape) != 4 or len(style_shape) != 2:
            raise ValueError(
                f"AdaptiveInstanceNormalization takes [(N, H, W, C), (N, w_dim)], got shapes {list(input_shape)}"
            )
        channels, w_dim = int(feature_shape[-1]), int(style_shape[-1])
        self.kernel = self.add_weight(shape=(w_dim, 2 * channels), name="kernel",
                                      initializer=keras.initializers.RandomNormal(stddev=1.0))
        # y_s starts at 1 (the authors' x * (style_s + 1)), y_b at 0.
        bias = [1.0] * channels + [0.0] * channels
        self.bias = self.add_weight(shape=(2 * channels,), name="bias", initializer=keras.initializers.Constant(bias))
        self.runtime_coefficient = 1.0 / math.sqrt(w_dim)

    def styles(self, w):
        """`(y_s, y_b)`, each (N, C) float32: the affine map A applied to `w` (N, w_dim)."""
        # y = A w: equalised weights, gain 1
        y = ops.matmul(ops.cast(w, "float32"), ops.cast(self.kernel, "float32") * self.runtime_coefficient)
        y = y + ops.cast(self.bias, "float32")
        channels = self.kernel.shape[-1] // 2
        return y[:, :channels], y[:, channels:]

    def call(self, inputs):
        x, w = inputs
        x = ops.cast(x, "float32")
        mean = ops.mean(x, axis=(1, 2), keepdims=True)
        x = x - mean
        x = x * ops.rsqrt(ops.mean(ops.square(x), axis=(1, 2), keepdims=True) + self.epsilon)
        scale, shift = self.styles(w)
        # AdaIN(x_i, y) = y_s,i (x_i - mu(x_i)) / sigma(x_i) + y_b,i  (Eq. 1)
        out = x * scale[:, None, None, :] + shift[:, None, None, :]
        return ops.cast(out, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}

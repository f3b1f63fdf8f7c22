"""The truncation trick in W and the running average w-bar it pulls towards (StyleGAN)."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleTruncation(keras.layers.Layer):
    """Repeats w for every synthesis layer and truncates the first `cutoff` ones: `w' = w_avg + psi (w - w_avg)`.

    `w_average` (w-bar, a non-trainable weight saved with the network) is the running
    average of w over training; the model that trains the network updates it
    (`StyleGAN`: `w_avg <- 0.995 w_avg + 0.005 mean(w)`, the authors' decay). With
    `psi = 1` the styles are w itself, `psi = 0` gives every z the average style, and
    values between trade variety for typicality. Truncating only the coarse layers (the
    first `cutoff` of `num_layers`) is the authors' default (`cutoff=8`: at 1024 px, the
    4-32 px layers); at the 16-32 px of this package's defaults 8 covers every layer.

    Inputs: `[w, psi]`, latents (N, w_dim) and one psi per sample (N,).
    Output: per-layer latents (N, num_layers, w_dim).

    Args:
        num_layers: synthesis layers that take a style, >= 1.
        cutoff: how many of the first layers are truncated, >= 0 (None: all).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> layer = StyleTruncation(num_layers=3, cutoff=2)
    >>> out = layer([np.full((1, 2), 4.0, "float32"), np.array([0.5], "float32")])  # w_average starts at 0
    >>> np.asarray(out)[0].tolist()
    [[2.0, 2.0], [2.0, 2.0], [4.0, 4.0]]

    Reference:
        Karras, Laine, Aila. "A Style-Based Generator Architecture for Generative Adversarial
        Networks", CVPR 2019, Appendix B. https://arxiv.org/abs/1812.04948
    """

    def __init__(self, num_layers, cutoff=8, **kwargs):
        super().__init__(**kwargs)
        self.num_layers = validation.positive_int("num_layers", num_layers)
        self.cutoff = validation.non_negative_int("cutoff", cutoff, allow_none=True)

    def build(self, input_shape):
        w_dim = int(input_shape[0][-1])
        # "mean": under several replicas each assigns its own batch's update; the variable keeps their mean.
        self.w_average = self.add_weight(shape=(w_dim,), name="w_average", initializer="zeros", trainable=False,
                                         aggregation="mean")

    def call(self, inputs):
        w, psi = inputs
        w = ops.cast(w, "float32")
        average = ops.cast(self.w_average, "float32")
        ws = ops.repeat(w[:, None, :], self.num_layers, axis=1)
        cutoff = self.num_layers if self.cutoff is None else min(self.cutoff, self.num_layers)
        # psi on the first `cutoff` layers, 1 on the rest
        truncated = ops.cast(ops.arange(self.num_layers) < cutoff, "float32")[None, :, None]
        psi = ops.reshape(ops.cast(psi, "float32"), (-1, 1, 1))
        coefficient = truncated * psi + (1.0 - truncated)
        # w' = w_avg + psi (w - w_avg)
        return ops.cast(average + coefficient * (ws - average), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.num_layers, input_shape[0][-1])

    def get_config(self):
        return {**super().get_config(), "num_layers": self.num_layers, "cutoff": self.cutoff}

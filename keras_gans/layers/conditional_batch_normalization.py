"""ConditionalBatchNormalization: batch norm whose gain and bias are linear maps of a conditioning vector."""

import keras
from keras import ops

from keras_gans import _validation as validation
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization

# Moving averages keep 0.9 of the old value per step (PyTorch's momentum 0.1, BigGAN-PyTorch's setting).
MOMENTUM = 0.9
# BigGAN-PyTorch's BN_eps.
EPSILON = 1e-5


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalisation whose per-channel gain and bias are computed from a conditioning vector.

    The features are normalised with batch statistics (moving averages in inference,
    as `keras.layers.BatchNormalization`), then scaled and shifted per example:
    y = (1 + c W_gain) * x_hat + c W_bias, with c the example's conditioning vector
    (BigGAN-PyTorch's `ccbn`). With c = one_hot(label) the rows of W_gain and
    W_bias are a gain and a bias per class: SAGAN's class-conditional batch norm
    (de Vries et al. 2017; Miyato & Koyama 2018). With c = [z chunk, shared class
    embedding] it is BigGAN's hierarchical-latent conditioning. The gain is 1 +
    a linear map so that a zero vector leaves plain normalisation.

    Called on `[features (N, H, W, C) or (N, C), condition (N, D)]`.

    Args:
        spectral_norm: wrap the two linear maps in `ReparametrizedSpectralNormalization`
            (BigGAN-PyTorch does with a spectrally normalised generator).
        momentum: weight of the old value in the moving mean and variance.
        epsilon: added to the variance before its square root.
        kernel_initializer: of the two linear maps: "orthogonal" (BigGAN's), or
            "zeros" to start as plain batch norm (gain 1, bias 0 for every class, as
            SNGAN's class-conditional batch norm starts; not with `spectral_norm`).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> layer = ConditionalBatchNormalization(spectral_norm=False)
    >>> x = np.random.default_rng(0).standard_normal((4, 2, 2, 3)).astype("float32")
    >>> y = layer([x, np.zeros((4, 5), "float32")], training=True)  # c = 0: plain batch norm
    >>> bool(np.allclose(np.asarray(y).mean(axis=(0, 1, 2)), 0.0, atol=1e-5))
    True

    Reference:
        de Vries, Strub, Mary, Larochelle, Pietquin, Courville. "Modulating early
        visual processing by language", NeurIPS 2017.
        Brock, Donahue, Simonyan. "Large Scale GAN Training for High Fidelity
        Natural Image Synthesis", ICLR 2019. https://arxiv.org/abs/1809.11096
    """

    def __init__(self, spectral_norm=True, momentum=MOMENTUM, epsilon=EPSILON, kernel_initializer="orthogonal",
                 **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = validation.boolean("spectral_norm", spectral_norm)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.momentum = validation.number("momentum", momentum, low=0.0, high=1.0, high_open=True)
        self.epsilon = validation.number("epsilon", epsilon, low=0.0, low_open=True)

    def _linear(self, units, name):
        # BigGAN-PyTorch: bias-free linear maps, orthogonal initialisation (G_init "ortho").
        dense = keras.layers.Dense(units, use_bias=False, kernel_initializer=self.kernel_initializer,
                                   dtype=self.dtype_policy, name=name)
        if self.spectral_norm:
            return ReparametrizedSpectralNormalization(dense, dtype=self.dtype_policy, name=f"{name}_sn")
        return dense

    def build(self, input_shape):
        features_shape, condition_shape = input_shape
        channels = features_shape[-1]
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum, epsilon=self.epsilon, center=False, scale=False, dtype=self.dtype_policy,
            name="normalization",
        )
        self.normalization.build(features_shape)
        self.gain = self._linear(channels, "gain")
        self.bias = self._linear(channels, "bias")
        self.gain.build(condition_shape)
        self.bias.build(condition_shape)

    def call(self, inputs, training=False):
        features, condition = inputs
        condition = ops.cast(condition, self.compute_dtype)
        normalized = self.normalization(features, training=training)
        # (N, C) -> (N, 1, ..., 1, C), to broadcast over the spatial axes.
        shape = (-1,) + (1,) * (len(features.shape) - 2) + (features.shape[-1],)
        gain = ops.reshape(1.0 + self.gain(condition, training=training), shape)
        bias = ops.reshape(self.bias(condition, training=training), shape)
        # y = (1 + c W_gain) x_hat + c W_bias
        return gain * normalized + bias

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "spectral_norm": self.spectral_norm, "momentum": self.momentum,
                "epsilon": self.epsilon, "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}

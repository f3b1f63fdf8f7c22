"""SelfAttention: the self-attention block of SAGAN (Zhang et al. 2019), also used by BigGAN."""

import keras
from keras import ops

from keras_gans import _validation as validation
from keras_gans.layers.reparametrized_spectral_normalization import ReparametrizedSpectralNormalization


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention(keras.layers.Layer):
    """Self-attention over the positions of a feature map, added to it with a learned weight.

    Every position of the output may draw on every position of the input, not just
    its convolutional neighbourhood. With x_i the features at position i, 1x1
    convolutions give queries f(x), keys g(x) and values h(x); position j attends
    to position i with beta_{j,i} = softmax_i(f(x_j)^T g(x_i)), a distribution over
    the N = H W positions; o_j = v(sum_i beta_{j,i} h(x_i)) with v a last 1x1
    convolution; the layer returns y = gamma o + x. gamma starts at 0, so the block
    starts as the identity and the network learns how much to rely on attention
    (Zhang et al., Sec. 4). The channel reductions are BigGAN-PyTorch's: C/8 for
    f and g, C/2 for h. Its keys and values are also max-pooled by 2 to save
    memory; here they are not, as in the paper.

    Args:
        key_channels: channels of f(x) and g(x); None for channels // 8 (at least 1).
        value_channels: channels of h(x); None for channels // 2 (at least 1).
        spectral_norm: wrap the four 1x1 convolutions in
            `ReparametrizedSpectralNormalization` (SAGAN and BigGAN do, in both networks).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    `attention(x)` returns beta, (batch, N, N) with rows indexed by the attending
    position j and columns by the attended position i, both in row-major (h, w) order.

    Example:
    >>> import numpy as np
    >>> layer = SelfAttention()
    >>> x = np.random.default_rng(0).standard_normal((2, 4, 4, 16)).astype("float32")
    >>> bool(np.all(np.asarray(layer(x)) == x))  # gamma = 0 at initialisation
    True
    >>> beta = np.asarray(layer.attention(x))
    >>> beta.shape, bool(np.allclose(beta.sum(axis=-1), 1.0))
    ((2, 16, 16), True)

    Reference:
        Zhang, Goodfellow, Metaxas, Odena. "Self-Attention Generative Adversarial
        Networks", ICML 2019. https://arxiv.org/abs/1805.08318
    """

    def __init__(self, key_channels=None, value_channels=None, spectral_norm=True, **kwargs):
        super().__init__(**kwargs)
        self.key_channels = validation.positive_int("key_channels", key_channels, allow_none=True)
        self.value_channels = validation.positive_int("value_channels", value_channels, allow_none=True)
        self.spectral_norm = validation.boolean("spectral_norm", spectral_norm)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def _conv(self, filters, name):
        conv = keras.layers.Conv2D(filters, 1, use_bias=False, kernel_initializer="orthogonal",
                                   dtype=self.dtype_policy, name=name)
        if self.spectral_norm:
            return ReparametrizedSpectralNormalization(conv, dtype=self.dtype_policy, name=f"{name}_sn")
        return conv

    def build(self, input_shape):
        channels = input_shape[-1]
        keys = self.key_channels or max(channels // 8, 1)
        values = self.value_channels or max(channels // 2, 1)
        self.query = self._conv(keys, "query")  # f
        self.key = self._conv(keys, "key")  # g
        self.value = self._conv(values, "value")  # h
        self.out = self._conv(channels, "output")  # v
        for conv in (self.query, self.key, self.value):
            conv.build(input_shape)
        self.out.build((*input_shape[:-1], values))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def _flat(self, x):
        # (B, H, W, C) -> (B, H W, C): positions in row-major order.
        shape = ops.shape(x)
        return ops.reshape(x, (shape[0], shape[1] * shape[2], shape[3]))

    def attention(self, inputs, training=False):
        """beta (batch, N, N): row j is position j's softmax over the positions it attends to."""
        if not self.built:
            self.build(ops.shape(inputs))
        query = self._flat(self.query(inputs, training=training))
        key = self._flat(self.key(inputs, training=training))
        # s_{j,i} = f(x_j)^T g(x_i); beta_{j,i} = exp(s_{j,i}) / sum_i exp(s_{j,i}), in float32
        # so that a float16 policy's logits do not overflow the softmax.
        logits = ops.matmul(ops.cast(query, "float32"), ops.transpose(ops.cast(key, "float32"), (0, 2, 1)))
        return ops.softmax(logits, axis=-1)

    def call(self, inputs, training=False):
        beta = ops.cast(self.attention(inputs, training=training), self.compute_dtype)
        value = self._flat(self.value(inputs, training=training))
        shape = ops.shape(inputs)
        # sum_i beta_{j,i} h(x_i), back to (B, H, W, C/2), then o = v(...).
        attended = ops.reshape(ops.matmul(beta, value), (shape[0], shape[1], shape[2], ops.shape(value)[-1]))
        output = self.out(attended, training=training)
        # y = gamma o + x (Zhang et al., Eq. 3)
        return ops.cast(self.gamma, self.compute_dtype) * output + inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "key_channels": self.key_channels, "value_channels": self.value_channels,
                "spectral_norm": self.spectral_norm}

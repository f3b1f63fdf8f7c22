"""MinibatchDiscrimination: features that compare each sample with the rest of its minibatch."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Appends to each sample's features how close it is to the other samples of its batch.

    A discriminator that looks at one sample at a time cannot tell a generator that
    draws the same image for every z from one that draws varied images; Salimans et
    al. let it look at the whole minibatch (Sec. 3.2). A learned tensor T (A x B x C)
    maps each sample's features f(x_i) (A values) to a matrix M_i (B rows of C);
    for each row b, `c_b(x_i, x_j) = exp(-||M_i,b - M_j,b||_L1)` and
    `o(x_i)_b = sum_j c_b(x_i, x_j)`; the layer outputs `[f(x_i), o(x_i)]`. Batches of
    near-copies give large o; the discriminator learns to flag them, and the
    generator is pushed towards variety.

    The sum runs over every j of the batch, j = i included, as the paper writes it:
    each o(x_i)_b then holds a constant exp(0) = 1 for the sample itself. The authors'
    Lasagne code (openai/improved-gan, `nn.MinibatchLayer`) leaves j = i out (it adds
    1e6 to the diagonal distances); the two differ by that constant, which the next
    layer's bias absorbs. Their code also adds a learned bias to o and
    weight-normalises T; here T is a plain kernel drawn from N(0, 0.05), their
    initial scale.

    The batch is whatever the layer is called on: a discriminator called separately
    on the real and on the generated batch (as DCGAN does) compares real with real
    and fake with fake, the paper's setting; with packing (PacGAN) the samples are the
    packs; under `tf.distribute` each replica compares within its own slice. A batch
    of one gives o = 1. Time grows as batch^2 * B * C, memory as batch^2 * B.

    Args:
        num_kernels: B, the number of rows of M (features appended), >= 1. The
            authors' code uses 100.
        kernel_dim: C, the length of each row, >= 1. The authors' code uses 5.
        kernel_initializer: initializer of T, stored as an (A, B * C) matrix.
        kernel_constraint: a constraint on T (e.g. WGAN's clipping), or None.
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Input: (N, A) features (flatten a feature map first). Output: (N, A + B).

    Example:
    >>> import numpy as np
    >>> layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2)
    >>> out = layer(np.zeros((4, 5), "float32"))
    >>> tuple(out.shape), np.asarray(out)[0, 5:].tolist()  # four identical samples: o = 4
    ((4, 8), [4.0, 4.0, 4.0])

    Reference:
        Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen. "Improved Techniques
        for Training GANs", NeurIPS 2016, Sec. 3.2. https://arxiv.org/abs/1606.03498
    """

    def __init__(
        self, num_kernels=100, kernel_dim=5, kernel_initializer=None, kernel_constraint=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.num_kernels = validation.positive_int("num_kernels", num_kernels)
        self.kernel_dim = validation.positive_int("kernel_dim", kernel_dim)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.05)
        )
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.input_spec = keras.layers.InputSpec(ndim=2)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination needs a known feature size, got input shape {input_shape}")
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer,
            constraint=self.kernel_constraint,
        )

    def call(self, inputs):
        # M_i = f(x_i) T, as (N, B, C)
        matrices = ops.reshape(ops.matmul(inputs, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # ||M_i,b - M_j,b||_L1 for every pair (i, j): (N, N, B), summed one of the C columns at a
        # time so that no (N, N, B, C) tensor is held
        distances = 0.0
        for column in range(self.kernel_dim):
            rows = matrices[:, :, column]
            distances = distances + ops.abs(rows[:, None] - rows[None, :])
        # o(x_i)_b = sum_j exp(-||M_i,b - M_j,b||_L1), j = i included (Salimans et al. Eq. in Sec. 3.2)
        closeness = ops.sum(ops.exp(-distances), axis=1)
        return ops.concatenate([inputs, ops.cast(closeness, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self):
        return {
            **super().get_config(),
            "num_kernels": self.num_kernels,
            "kernel_dim": self.kernel_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
        }

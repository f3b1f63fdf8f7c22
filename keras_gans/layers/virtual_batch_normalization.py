"""VirtualBatchNormalization: each example normalised with a fixed reference batch plus itself."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class VirtualBatchNormalization(keras.layers.Layer):
    """Batch norm whose statistics come from a fixed reference batch and the example itself.

    Batch norm makes each output depend on the other examples of its minibatch.
    Salimans et al. (Sec. 3.4) normalise each example x instead with the statistics
    of a reference batch R of N examples, chosen once at the start of training, plus
    x itself: per channel, over the batch and spatial axes,
    `mu = 1/(N+1) mu_x + N/(N+1) mu_R` and `E[x^2] = 1/(N+1) E_x[x^2] + N/(N+1) E_R[x^2]`
    (the weights of the authors' TensorFlow code, openai/improved-gan `imagenet/`),
    `y = gamma (x - mu) / sqrt(E[x^2] - mu^2 + epsilon) + beta`: exactly batch norm
    over R plus x. The reference rows themselves are normalised with R's statistics
    alone. Outputs never depend on the rest of the minibatch, in training as in
    inference, so there are no moving averages.

    The statistics of R must be taken with the current weights at this layer, so the
    reference rows travel through the network with the batch: the first `reference_size`
    rows of this layer's input are R's activations, put there by a `ReferenceBatch` at
    the network's input, which also chooses, stores and saves R (see it). What is
    saved is the reference batch of inputs; each layer's statistics follow from it
    and the weights, so a loaded model gives the same outputs. The authors use VBN in
    the generator only, as its extra rows cost a forward pass.

    Args:
        reference_size: N, the rows at the front of each input that are the
            reference batch, >= 1.
        epsilon: added to the variance, as in batch norm (1e-5 in the authors' code).
        center: learn beta.
        scale: learn gamma.
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Input: (N + B, ..., C), channels last. Output: the same shape, the first N rows
    the reference's normalised activations.

    Example:
    >>> import numpy as np
    >>> vbn = VirtualBatchNormalization(reference_size=2, epsilon=0.0)
    >>> rows = np.array([[1.0], [3.0], [5.0]], "float32")  # reference 1, 3; example 5
    >>> [round(float(v), 4) for v in np.asarray(vbn(rows))[:, 0]]  # 5: (5 - 3) / sqrt(8 / 3), batch norm of {1, 3, 5}
    [-1.0, 1.0, 1.2247]

    Reference:
        Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen. "Improved Techniques
        for Training GANs", NeurIPS 2016, Sec. 3.4. https://arxiv.org/abs/1606.03498
    """

    def __init__(self, reference_size, epsilon=1e-5, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        self.reference_size = validation.positive_int("reference_size", reference_size)
        self.epsilon = validation.number("epsilon", epsilon, low=0)
        self.center = validation.boolean("center", center)
        self.scale = validation.boolean("scale", scale)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)

    def build(self, input_shape):
        channels = (input_shape[-1],)
        self.gamma = self.add_weight(name="gamma", shape=channels, initializer="ones") if self.scale else None
        self.beta = self.add_weight(name="beta", shape=channels, initializer="zeros") if self.center else None

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        count = self.reference_size
        reference, examples = x[:count], x[count:]
        spatial = tuple(range(1, len(x.shape) - 1))
        # mu_R, E_R[x^2] per channel, over the reference rows and their positions
        reference_mean = ops.mean(reference, axis=(0, *spatial))
        reference_square = ops.mean(ops.square(reference), axis=(0, *spatial))
        # mu_x, E_x[x^2] of each example over its own positions
        example_mean = ops.mean(examples, axis=spatial, keepdims=True) if spatial else examples
        example_square = ops.square(examples)
        if spatial:
            example_square = ops.mean(example_square, axis=spatial, keepdims=True)
        # Batch norm over R plus x: x weighs 1/(N+1), R weighs N/(N+1)
        new = 1.0 / (count + 1.0)
        mean = new * example_mean + (1.0 - new) * reference_mean
        square = new * example_square + (1.0 - new) * reference_square
        outputs = ops.concatenate(
            [_normalize(reference, reference_mean, reference_square, self.epsilon),
             _normalize(examples, mean, square, self.epsilon)],
            axis=0,
        )
        if self.gamma is not None:
            outputs = outputs * ops.cast(self.gamma, "float32")
        if self.beta is not None:
            outputs = outputs + ops.cast(self.beta, "float32")
        return ops.cast(outputs, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(), "reference_size": self.reference_size, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
        }


def _normalize(x, mean, square, epsilon):
    # (x - mu) / sqrt(E[x^2] - mu^2 + epsilon); round-off can make the variance a hair negative
    variance = ops.maximum(square - ops.square(mean), 0.0)
    return (x - mean) / ops.sqrt(variance + epsilon)

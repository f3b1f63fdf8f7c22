"""A learned constant tensor repeated over the batch: the input of StyleGAN's synthesis network."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class LearnedConstant(keras.layers.Layer):
    """Returns one learned tensor of `shape` for every sample of its input.

    StyleGAN's synthesis network starts from a learned 4x4 constant instead of z: the
    styles and the noise carry everything that varies. The input only supplies the batch
    size. Initialised to ones, as in the authors' code.

    Args:
        shape: the constant's shape without the batch, e.g. (4, 4, 512).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> tuple(LearnedConstant((4, 4, 8))(np.zeros((3, 5), "float32")).shape)
    (3, 4, 4, 8)

    Reference:
        Karras, Laine, Aila. "A Style-Based Generator Architecture for Generative Adversarial
        Networks", CVPR 2019, Sec. 2 and Table 1 (D). https://arxiv.org/abs/1812.04948
    """

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.shape = validation.positive_ints("shape", shape)

    def build(self, input_shape):
        self.constant = self.add_weight(shape=(1, *self.shape), name="constant", initializer="ones")

    def call(self, inputs):
        batch = ops.shape(inputs)[0]
        return ops.broadcast_to(ops.cast(self.constant, self.compute_dtype), (batch, *self.shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.shape)

    def get_config(self):
        return {**super().get_config(), "shape": list(self.shape)}

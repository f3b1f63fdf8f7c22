"""Minibatch standard deviation (Karras et al. 2018): a feature map of the batch's variety for the discriminator."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStandardDeviation(keras.layers.Layer):
    """Appends one channel holding the mean standard deviation of the features over groups of images.

    The batch is split into groups of `group_size`; within each group the standard
    deviation of every feature at every pixel is taken over the group's images, averaged
    to one number, and appended as a constant channel to each image of the group. A
    generator that collapses to few images makes it small, which the discriminator can
    see. A batch of fewer than `group_size` images is one group; a batch that
    `group_size` does not divide is one group too (the authors' code requires it to
    divide). Computed in float32.

    Args:
        group_size: images per group, >= 2 (4 as in the authors' code).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> x = np.concatenate([np.zeros((2, 2, 2, 1)), np.full((2, 2, 2, 1), 2.0)]).astype("float32")
    >>> out = np.asarray(MinibatchStandardDeviation(group_size=4)(x))
    >>> out.shape, float(out[0, 0, 0, 1])  # the images' std is 1 at every pixel
    ((4, 2, 2, 2), 1.0)

    Reference:
        Karras, Aila, Laine, Lehtinen. "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, Sec. 3. https://arxiv.org/abs/1710.10196
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = validation.positive_int("group_size", group_size, minimum=2)

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch, height, width = shape[0], shape[1], shape[2]
        divides = ops.logical_and(ops.equal(batch % self.group_size, 0), batch >= self.group_size)
        group = ops.where(divides, self.group_size, batch)
        x = ops.cast(inputs, "float32")
        # [G, M, H, W, C]: M groups of G images; the statistic is over each group's images.
        y = ops.reshape(x, (group, -1, height, width, inputs.shape[-1]))
        y = y - ops.mean(y, axis=0, keepdims=True)
        y = ops.sqrt(ops.mean(ops.square(y), axis=0) + 1e-8)
        y = ops.mean(y, axis=(1, 2, 3), keepdims=True)  # [M, 1, 1, 1]
        # image n belongs to group n mod M, as in the authors' reshape
        y = ops.tile(y, (group, height, width, 1))
        return ops.concatenate([inputs, ops.cast(y, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}

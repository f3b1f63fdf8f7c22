"""Reflection padding, the padding of CycleGAN's and StarGAN's ResNet generators (Keras has none)."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads a channels-last feature map by mirroring it at its edges (the edge itself not repeated).

    Zero padding puts a dark frame around every feature map, which a 7x7 convolution at
    the image border turns into border artefacts; CycleGAN's generator (Zhu et al. 2017,
    Appendix 7.2) pads by reflection before its 7x7 and 3x3 convolutions instead.

    Args:
        padding: pixels added on each side of both spatial axes, >= 1.
        **kwargs: base layer keyword arguments (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)  # rows [0, 1, 2], [3, 4, 5], [6, 7, 8]
    >>> ReflectionPadding2D(1)(x)[0, 1, :, 0].numpy().tolist()  # the first row, mirrored at both ends
    [1.0, 0.0, 1.0, 2.0, 1.0]

    Reference:
        Zhu, Park, Isola, Efros. "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017. https://arxiv.org/abs/1703.10593
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = validation.positive_int("padding", padding)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        grow = lambda side: None if side is None else side + 2 * self.padding  # noqa: E731
        return (input_shape[0], grow(input_shape[1]), grow(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}

"""Instance normalisation as a Keras layer: `keras.layers.GroupNormalization` with one group per channel."""

import keras

from keras_gans import _validation as validation

# PyTorch's InstanceNorm2d epsilon, which the CycleGAN and StarGAN authors use.
INSTANCE_NORM_EPSILON = 1e-5


def instance_normalization(affine=False, epsilon=INSTANCE_NORM_EPSILON, name=None):
    """A layer normalising each image's each channel over its spatial axes (instance norm).

    y = (x - mean_hw(x)) / sqrt(var_hw(x) + epsilon), per sample and channel, then
    `gamma * y + beta` when `affine`. `GroupNormalization(groups=-1)` is exactly this (one
    group per channel; tested against the formula), so no layer of our own is needed and
    saved models need nothing of keras_gans to load it. Unlike batch norm it keeps no
    running statistics: training and inference normalise the same way, as in the papers.

    Args:
        affine: learn a per-channel scale and offset. CycleGAN's code has none
            (`InstanceNorm2d(affine=False)`); StarGAN's has them.
        epsilon: added to the variance.
        name: the layer's name.

    Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(3.0, 2.0, (2, 8, 8, 3)).astype("float32")
    >>> y = instance_normalization()(x).numpy()
    >>> bool(np.allclose(y.mean(axis=(1, 2)), 0, atol=1e-5)), bool(np.allclose(y.std(axis=(1, 2)), 1, atol=1e-3))
    (True, True)

    Reference:
        Ulyanov, Vedaldi, Lempitsky. "Instance Normalization: The Missing Ingredient for
        Fast Stylization", 2016. https://arxiv.org/abs/1607.08022
    """
    affine = validation.boolean("affine", affine)
    epsilon = validation.number("epsilon", epsilon, low=0, low_open=True)
    return keras.layers.GroupNormalization(groups=-1, epsilon=epsilon, center=affine, scale=affine, name=name)

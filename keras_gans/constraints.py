"""Weight constraints for GAN training."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class ClipConstraint(keras.constraints.Constraint):
    """Clips every entry of a weight to [-clip_value, clip_value] after each update.

    WGAN keeps its critic in a family of K-Lipschitz functions by clipping all its
    weights to a compact box (Arjovsky et al. 2017, Algorithm 1, line 7). As a Keras
    constraint, the optimizer applies it right after each update of the variable.

    Args:
        clip_value: half-width c of the box, a finite number > 0 (0.01 in the paper).

    Example:
    >>> import numpy as np
    >>> np.asarray(ClipConstraint(0.01)(np.array([-1.0, 0.005, 3.0]))).tolist()
    [-0.01, 0.005, 0.01]

    Reference:
        Arjovsky, Chintala, Bottou. "Wasserstein GAN", ICML 2017.
    """

    def __init__(self, clip_value=0.01):
        self.clip_value = validation.number("clip_value", clip_value, low=0, low_open=True)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}

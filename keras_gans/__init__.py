"""keras_gans: GAN variants as Keras 3 models you can learn from and actually train.

Each variant is a `keras.Model` subclass overriding `train_step`; train it with
`model.fit(dataset, callbacks=[...])` and export its generator as a SavedModel.
"""

import keras as _keras

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        "keras_gans needs the TensorFlow backend of Keras (tf.GradientTape, tf.data, "
        f"SavedModel); KERAS_BACKEND is {_keras.backend.backend()!r}. "
        "Set KERAS_BACKEND=tensorflow."
    )

from keras_gans import callbacks, constraints, data, losses, metrics, networks  # noqa: E402
from keras_gans.export import export_generator  # noqa: E402
from keras_gans.models import (  # noqa: E402
    ACGAN,
    CGAN,
    DCGAN,
    FGAN,
    GAN,
    LSGAN,
    SNGAN,
    VARIANTS,
    WGAN,
    WGANGP,
    BaseGAN,
    ProjectionCGAN,
    RaGAN,
)

__version__ = "0.1.0"

__all__ = [
    "ACGAN",
    "CGAN",
    "DCGAN",
    "FGAN",
    "GAN",
    "LSGAN",
    "SNGAN",
    "VARIANTS",
    "WGAN",
    "WGANGP",
    "BaseGAN",
    "ProjectionCGAN",
    "RaGAN",
    "callbacks",
    "constraints",
    "data",
    "export_generator",
    "losses",
    "metrics",
    "networks",
]

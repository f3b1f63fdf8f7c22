"""GAN variants, each a `keras.Model` subclass overriding `train_step`."""

from keras_gans.models.base import BaseGAN
from keras_gans.models.wgan_gp import WGANGP

__all__ = ["BaseGAN", "WGANGP"]

"""GAN variants, each a `keras.Model` subclass overriding `train_step`.

Every variant module is imported here, eagerly: importing registers its class
with Keras, which `keras.models.load_model` needs to rebuild a saved model.
"""

from keras_gans.models.base import BaseGAN
from keras_gans.models.gan import GAN
from keras_gans.models.sngan import SNGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

# Command-line names, in the order the README's table lists them.
VARIANTS = {
    "gan": GAN,
    "wgan": WGAN,
    "wgan-gp": WGANGP,
    "sngan": SNGAN,
}


def variant(name):
    """The model class for a command-line name, e.g. "wgan-gp" -> WGANGP."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(f"unknown variant {name!r}; valid names: {', '.join(VARIANTS)}") from None


__all__ = ["VARIANTS", "BaseGAN", "GAN", "SNGAN", "WGAN", "WGANGP", "variant"]

"""GAN variants, each a `keras.Model` subclass overriding `train_step`.

Every variant module is imported here, eagerly: importing registers its class
with Keras, which `keras.models.load_model` needs to rebuild a saved model.
"""

from keras_gans.models._defaults import Defaults, OptimizerSpec, adam, rmsprop
from keras_gans.models.acgan import ACGAN
from keras_gans.models.base import BaseGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.fgan import FGAN
from keras_gans.models.gan import GAN
from keras_gans.models.lapgan import LAPGAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.projection_cgan import ProjectionCGAN
from keras_gans.models.ragan import RaGAN
from keras_gans.models.sngan import SNGAN
from keras_gans.models.stackgan import StackGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

# Command-line names, in the order of the README's table.
VARIANTS = {
    "gan": GAN,
    "cgan": CGAN,
    "acgan": ACGAN,
    "projection-cgan": ProjectionCGAN,
    "dcgan": DCGAN,
    "wgan": WGAN,
    "wgan-gp": WGANGP,
    "sngan": SNGAN,
    "lsgan": LSGAN,
    "ragan": RaGAN,
    "fgan": FGAN,
    "lapgan": LAPGAN,
}


def variant(name):
    """The model class for a command-line name, e.g. "wgan-gp" -> WGANGP."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(f"unknown variant {name!r}; valid names: {', '.join(VARIANTS)}") from None


__all__ = [
    "ACGAN", "CGAN", "DCGAN", "FGAN", "GAN", "LSGAN", "SNGAN", "VARIANTS", "WGAN", "WGANGP",
    "BaseGAN", "Defaults", "OptimizerSpec", "ProjectionCGAN", "RaGAN", "adam", "rmsprop", "variant",
    "LAPGAN", "StackGAN",
]

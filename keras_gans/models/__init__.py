"""GAN variants, each a `keras.Model` subclass overriding `train_step`.

Every variant module is imported here, eagerly: importing registers its class
with Keras, which `keras.models.load_model` needs to rebuild a saved model.
"""

from keras_gans.models._defaults import Defaults, OptimizerSpec, adam, rmsprop
from keras_gans.models.acgan import ACGAN
from keras_gans.models.base import BaseGAN
from keras_gans.models.began import BEGAN
from keras_gans.models.biggan import BigGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.dragan import DRAGAN
from keras_gans.models.ebgan import EBGAN
from keras_gans.models.fgan import FGAN
from keras_gans.models.gan import GAN
from keras_gans.models.improved_dcgan import ImprovedDCGAN
from keras_gans.models.lapgan import LAPGAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.projection_cgan import ProjectionCGAN
from keras_gans.models.ragan import RaGAN
from keras_gans.models.sagan import SAGAN
from keras_gans.models.sngan import SNGAN
from keras_gans.models.stackgan import StackGAN
from keras_gans.models.stargan import StarGAN
from keras_gans.models.stylegan import StyleGAN
from keras_gans.models.triple_gan import TripleGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

# Command-line names, in the order of the README's table.
VARIANTS = {
    "gan": GAN,
    "cgan": CGAN,
    "acgan": ACGAN,
    "projection-cgan": ProjectionCGAN,
    "dcgan": DCGAN,
    "improved-dcgan": ImprovedDCGAN,
    "wgan": WGAN,
    "wgan-gp": WGANGP,
    "sngan": SNGAN,
    "lsgan": LSGAN,
    "ragan": RaGAN,
    "fgan": FGAN,
    "sagan": SAGAN,
    "biggan": BigGAN,
    "ebgan": EBGAN,
    "began": BEGAN,
    "triple-gan": TripleGAN,
    "dragan": DRAGAN,
    "lapgan": LAPGAN,
    "stackgan": StackGAN,
    "stylegan": StyleGAN,
    "cyclegan": CycleGAN,
    "stargan": StarGAN,
}

def variant(name):
    """The model class for a command-line name, e.g. "wgan-gp" -> WGANGP."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(f"unknown variant {name!r}; valid names: {', '.join(VARIANTS)}") from None


__all__ = [
    "ACGAN", "BEGAN", "BigGAN", "CGAN", "CycleGAN", "DCGAN", "DRAGAN", "EBGAN", "FGAN", "GAN", "ImprovedDCGAN",
    "LAPGAN", "LSGAN", "ProjectionCGAN", "RaGAN", "SAGAN", "SNGAN", "StackGAN", "StarGAN", "StyleGAN", "TripleGAN",
    "WGAN", "WGANGP",
    "BaseGAN", "Defaults", "OptimizerSpec", "VARIANTS", "adam", "rmsprop", "variant",
]

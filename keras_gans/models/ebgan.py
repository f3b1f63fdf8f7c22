"""EBGAN: energy-based GAN with an autoencoder discriminator (Zhao, Mathieu & LeCun 2017)."""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._autoencoder import AutoencoderMixin
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_ebgan_discriminator, build_generator

# The paper's margin for 64x64 RGB images (CelebA, LSUN). The energy is a Euclidean norm over
# the pixels, so for other image shapes the margin scales with the square root of their count.
PAPER_MARGIN, PAPER_PIXELS = 20.0, 64 * 64 * 3


def paper_margin(image_shape):
    """The margin m for images of `image_shape` (H, W, C): 20 * sqrt(H W C / (64 * 64 * 3)).

    Example:
    >>> paper_margin((64, 64, 3)), round(paper_margin((16, 16, 1)), 3)
    (20.0, 2.887)
    """
    return PAPER_MARGIN * math.sqrt(math.prod(image_shape) / PAPER_PIXELS)


@keras.saving.register_keras_serializable(package="keras_gans")
class EBGAN(AutoencoderMixin, BaseGAN):
    """Energy-based GAN: the discriminator is an autoencoder and its energy the reconstruction error.

    The discriminator assigns each image the energy `D(x) = ||Dec(Enc(x)) - x||`: it
    learns to reconstruct real images (low energy) and to give generated ones an energy
    of at least the margin m, `L_D = D(x) + [m - D(G(z))]^+`; the generator lowers the
    energy of its samples, `L_G = D(G(z))`, plus the pulling-away term on the encoder's
    codes of a batch of samples (their mean squared cosine similarity), which keeps the
    samples apart. See `keras_gans.losses.ebgan_energy` for the energy's definition.

    Metrics: `d_loss`, `g_loss` (with the pulling-away term), `d_real` and `d_fake` (mean
    energy of real and generated images in the discriminator step) and `pt` (the
    pulling-away term, unweighted).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: an autoencoder, a `keras.Model` images -> `[reconstruction, code]`
            (`keras_gans.networks.build_ebgan_discriminator`).
        margin: m, > 0. None takes the paper's 20 for 64x64x3 images, scaled by the
            square root of the pixel count for other shapes (`paper_margin`).
        pulling_away_weight: weight of the pulling-away term in the generator's loss,
            >= 0 (0.1 in the paper; 0 is EBGAN without it).
        **kwargs: `critic_steps`, `latent_dim`, `seed` and the rest for `BaseGAN`.

    Example:
    >>> import numpy as np
    >>> model = EBGAN(*EBGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    >>> round(model.margin, 3)
    2.887
    >>> model.compile()  # Adam(1e-3, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'pt']

    Reference:
        Zhao, Mathieu, LeCun. "Energy-based Generative Adversarial Network", ICLR 2017.
        https://arxiv.org/abs/1609.03126
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "pt")
    config_keys = ("margin", "pulling_away_weight")
    # Zhao et al. 2017, CelebA/LSUN settings: Adam, learning rate 1e-3, beta_1 = 0.5; DCGAN's z of 100.
    defaults = Defaults(latent_dim=100, optimizer=adam(1e-3, beta_1=0.5))

    def __init__(self, generator, discriminator, *, margin=None, pulling_away_weight=0.1, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.margin = paper_margin(self.data_shape) if margin is None else float(
            _validation.number("margin", margin, low=0, low_open=True))
        self.pulling_away_weight = _validation.number("pulling_away_weight", pulling_away_weight, low=0)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN's generator and the paper's autoencoder discriminator."""
        return (
            build_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_ebgan_discriminator(image_size, channels, width=width),
        )

    def discriminator_step(self, real):
        images = self.images_of(real)
        fake, _ = self.fake_for(real)
        with tf.GradientTape() as tape:
            outputs = self.discriminator_outputs(images, None, fake, None)
            real_energy = losses.ebgan_energy(images, outputs["real"][0])
            fake_energy = losses.ebgan_energy(fake, outputs["fake"][0])
            # L_D = D(x) + [m - D(G(z))]^+  (Eq. 1)
            d_loss = losses.ebgan_discriminator_loss(real_energy, fake_energy, self.margin)
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, "d_real": ops.mean(real_energy), "d_fake": ops.mean(fake_energy)}

    def generator_step(self, real):
        with tf.GradientTape() as tape:
            fake, _ = self.fake_for(real)
            reconstruction, code = self.discriminate(fake)
            pt = losses.pulling_away_term(code)
            # L_G = D(G(z)) + w PT(S), S the encoder's codes of the batch's samples  (Eqs. 2, 3)
            g_loss = losses.ebgan_generator_loss(losses.ebgan_energy(fake, reconstruction))
            g_loss = g_loss + self.pulling_away_weight * pt
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss, "pt": pt}

    def reconstruction_error(self, images, reconstructions):
        return losses.ebgan_energy(images, reconstructions)

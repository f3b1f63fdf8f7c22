"""LSGAN: least squares GAN (Mao et al. 2017)."""

import keras
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_dcgan_pair


@keras.saving.register_keras_serializable(package="keras_gans")
class LSGAN(BaseGAN):
    """Least squares GAN: the discriminator regresses real to b and fake to a.

    The discriminator's linear output D is fitted by least squares to `b` on real
    images and `a` on generated ones; the generator pulls D(G(z)) towards `c`
    (Mao et al. Eq. 2). Unlike the sigmoid cross-entropy, the squared error keeps
    penalising generated samples that lie on the real side of the decision
    boundary but far from the data, so their gradient does not vanish. With
    `b - c = 1` and `b - a = 2` (the -1-1-0 coding) the game minimises the Pearson
    chi-squared divergence (Eq. 8-9); the 0-1-1 coding is the default.

    Metrics: `d_loss`, `g_loss`, and `d_real` / `d_fake`, the discriminator's mean
    raw outputs `E[D(x)]` and `E[D(G(z))]` (its targets are b and a).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: a `keras.Model` images -> (N, 1) linear outputs (no sigmoid).
        critic_steps: discriminator updates per generator update (1 in the paper).
        a: target of D on generated images.
        b: target of D on real images; must differ from a.
        c: the value the generator wants D to take on its images.
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = LSGAN(*LSGAN.default_networks(image_size=16, channels=1, latent_dim=8, width=4),
    ...               a=-1.0, b=1.0, c=0.0, seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Mao, Li, Xie, Lau, Wang, Smolley. "Least Squares Generative Adversarial
        Networks", ICCV 2017. https://arxiv.org/abs/1611.04076
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    # Batch norm in the discriminator: real and fake in separate calls, as the authors' code.
    joint_discriminator_call = False

    config_keys = ("a", "b", "c")
    # Mao et al.: z of 1024; Adam with beta_1 = 0.5 and learning rate 0.0002 as for their 28 px
    # nets (and DCGAN's). Their 112 px LSUN nets used 0.001 (the authors' train_lsun.py).
    defaults = Defaults(latent_dim=1024, width=64)

    def __init__(self, generator, discriminator, *, a=0.0, b=1.0, c=1.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.a, self.b, self.c = (_validation.number(key, value) for key, value in (("a", a), ("b", b), ("c", c)))
        if a == b:
            raise ValueError(f"a (the fake target) and b (the real target) must differ, got a={a!r}, b={b!r}")

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN `(generator, discriminator)`: `build_generator` and `build_discriminator`.

        The discriminator's output is already linear, as LSGAN needs. The paper's
        LSUN nets (112 px, VGG-like, 3x3 kernels) do not scale to every image
        size; its design rules are DCGAN's (batch norm, ReLU / LeakyReLU 0.2), so
        the DCGAN nets stand in for them.
        """
        return build_dcgan_pair(image_size, channels, latent_dim, width)

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = outputs["real"], outputs["fake"]
        # 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]  (Eq. 2)
        d_loss = losses.least_squares_discriminator_loss(real, fake, a=self.a, b=self.b)
        return d_loss, {"d_real": _mean(real), "d_fake": _mean(fake)}

    def generator_loss(self, outputs, fake_labels):
        # 1/2 E[(D(G(z)) - c)^2]  (Eq. 2)
        return losses.least_squares_generator_loss(outputs["fake"], c=self.c), {}


def _mean(scores):
    return ops.mean(ops.cast(scores, "float32"))

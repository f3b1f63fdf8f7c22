"""f-GAN: variational divergence minimisation (Nowozin et al. 2016)."""

import keras

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_dcgan_pair


@keras.saving.register_keras_serializable(package="keras_gans")
class FGAN(BaseGAN):
    """f-GAN: a GAN for any f-divergence, through its variational lower bound.

    Every f-divergence has the lower bound
    `D_f(P || Q) >= sup_T E_P[T(x)] - E_Q[f*(T(x))]`, f* the convex conjugate
    of f. The discriminator's raw output V passes through an activation g_f into
    the domain of f*, `T = g_f(V)`, and is trained to maximise the bound; the
    generator Q minimises it, in practice by maximising `E_Q[g_f(V(G(z)))]`
    (Sec. 3.2). The choice of f picks the divergence the generator minimises:
    KL, reverse KL, Pearson or Neyman chi-squared, squared Hellinger,
    Jensen-Shannon, or the original GAN's.

    Metrics: `d_loss`, `g_loss`, and `divergence`, the discriminator's estimate of
    the bound `E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))]` (equal to `-d_loss`).

    Unbounded divergences can diverge: with "reverse_kl", "neyman" and
    "squared_hellinger" the real term contains exp(-V), which overflows float32
    once V < -88 (the loss is then truly -inf, not a rounding error); measured on
    the ring of 8 Gaussians with Adam(1e-3), reverse KL went to NaN within 2,000
    steps (tutorial 07). Use `keras_gans.callbacks.NaNGuard` to stop at the first
    such step, a smaller learning rate, or "jensen_shannon".

    Departure from the paper: the two players update in turn (Algorithm 1 of
    Goodfellow et al.), not simultaneously from one gradient evaluation as the
    paper's single-step Algorithm 1.

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: a `keras.Model` images -> (N, 1) raw outputs V (no
            activation; g_f is applied by the loss).
        critic_steps: discriminator updates per generator update (1 in the paper).
        divergence: one of `keras_gans.losses.F_DIVERGENCES`: "kl", "reverse_kl",
            "pearson", "neyman", "squared_hellinger", "jensen_shannon" (default:
            bounded conjugate, the steadiest start) or "gan".
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = FGAN(*FGAN.default_networks(image_size=16, channels=1, latent_dim=8, width=4),
    ...              divergence="squared_hellinger", seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'divergence', 'g_loss']

    Reference:
        Nowozin, Cseke, Tomioka. "f-GAN: Training Generative Neural Samplers using
        Variational Divergence Minimization", NeurIPS 2016.
        https://arxiv.org/abs/1606.00709
    """

    metric_names = ("d_loss", "g_loss", "divergence")
    # Batch norm in the DCGAN discriminator: real and fake in separate calls.
    joint_discriminator_call = False

    config_keys = ("divergence",)
    # Nowozin et al. Sec. 4: Adam, learning rate 0.0002, beta_1 = 0.5; DCGAN's z of 100 and width 64.
    defaults = Defaults(latent_dim=100, width=64)

    def __init__(self, generator, discriminator, *, divergence="jensen_shannon", **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.divergence = _validation.one_of("divergence", divergence, losses.F_DIVERGENCES)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN `(generator, discriminator)`, the paper's nets for its LSUN experiments.

        `build_generator` and `build_discriminator`, whose linear output is V.
        The paper's MNIST nets were fully connected (`GAN.default_networks` gives
        such a pair); the DCGAN ones scale to the library's image sizes.
        """
        return build_dcgan_pair(image_size, channels, latent_dim, width)

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        # -(E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))])  (Eq. 6, T = g_f(V))
        d_loss = losses.f_gan_discriminator_loss(outputs["real"], outputs["fake"], self.divergence)
        return d_loss, {"divergence": -d_loss}

    def generator_loss(self, outputs, fake_labels):
        # -E_Q[g_f(V(G(z)))]  (Sec. 3.2)
        return losses.f_gan_generator_loss(outputs["fake"], self.divergence), {}

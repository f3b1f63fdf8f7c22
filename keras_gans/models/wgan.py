"""WGAN: Wasserstein GAN with weight clipping (Arjovsky et al. 2017)."""

import keras

from keras_gans import losses
from keras_gans.constraints import ClipConstraint
from keras_gans.models._defaults import Defaults, rmsprop
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_critic, build_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(BaseGAN):
    """Wasserstein GAN with a weight-clipped critic.

    The critic estimates the Wasserstein-1 distance through the Kantorovich-Rubinstein
    dual, `max over 1-Lipschitz f of E[f(x)] - E[f(G(z))]`; clipping every critic
    weight to [-c, c] keeps it in a K-Lipschitz family. The model puts a
    `ClipConstraint(c)` on every trainable critic variable itself (kernels, biases,
    normalisation scales and offsets), so clipping holds whatever critic is passed;
    Keras applies it after each critic update. Clipping is crude: weights pile up at
    +-c and capacity suffers, which WGAN-GP's penalty was designed to fix.

    Metrics: `d_loss`, `g_loss`, `wasserstein` (`E[D(x)] - E[D(G(z))]`).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: the critic, images -> (N, 1) unbounded scores.
        critic_steps: critic updates per generator update (n_critic, 5 in the paper).
        clip_value: c, the half-width of the clipping box (0.01 in the paper).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model`.

    Example:
    >>> import numpy as np
    >>> model = WGAN(*WGAN.default_networks(16, 1, latent_dim=8, width=4), critic_steps=2)
    >>> model.compile()  # RMSprop(5e-5) for both, as in the paper
    >>> _ = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=2, verbose=0)
    >>> max(float(abs(np.asarray(w)).max()) for w in model.critic.trainable_weights) <= 0.01
    True

    Reference:
        Arjovsky, Chintala, Bottou. "Wasserstein GAN", ICML 2017. https://arxiv.org/abs/1701.07875
    """

    metric_names = ("d_loss", "g_loss", "wasserstein")

    config_keys = ("clip_value",)
    # Arjovsky et al. 2017, Algorithm 1: n_critic = 5, RMSProp, alpha = 5e-5 (momentum-based
    # optimizers made training unstable in their experiments); DCGAN's z of 100 and width 64.
    defaults = Defaults(latent_dim=100, width=64, critic_steps=5, optimizer=rmsprop(5e-5))

    def __init__(self, generator, discriminator, *, clip_value=0.01, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.clip = ClipConstraint(clip_value)
        self.clip_value = self.clip.clip_value
        for variable in self.discriminator.trainable_variables:
            variable.constraint = self.clip
            # Clip from the start, not only after the first update.
            variable.assign(self.clip(variable))

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The paper's DCGAN generator and critic (batch norm in the critic, linear score)."""
        return (
            build_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_critic(image_size, channels, width=width, normalization="batch"),
        )

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        critic_loss = losses.wasserstein_critic_loss(outputs["real"], outputs["fake"])
        return critic_loss, {"wasserstein": -critic_loss}

    def generator_loss(self, outputs, fake_labels):
        return losses.wasserstein_generator_loss(outputs["fake"]), {}

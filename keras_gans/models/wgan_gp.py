"""WGAN-GP: Wasserstein GAN with a gradient penalty (Gulrajani et al. 2017)."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._penalty import GradientPenaltyOptions
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_critic, build_generator, packing


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(GradientPenaltyOptions, BaseGAN):
    """Wasserstein GAN with gradient penalty.

    The critic estimates the Wasserstein-1 distance `E[D(x)] - E[D(G(z))]` between
    the data and the generator; the generator lowers it. Instead of clipping the
    critic's weights to keep it 1-Lipschitz (WGAN), a penalty pushes the norm of its
    gradient to 1 on points between real and generated samples. Each generator
    update follows `critic_steps` critic updates, each on a fresh real batch
    (Algorithm 1; `fit` arranges the batches, see `BaseGAN.fit`).

    Metrics: `d_loss` (critic loss with penalty), `g_loss`, `gp` (penalty without
    its weight) and `wasserstein` (the critic's estimate `E[D(x)] - E[D(G(z))]`).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: the critic, a `keras.Model` images -> (N, 1) unbounded
            scores, without batch norm (it would make the per-sample penalty
            depend on the batch).
        critic_steps: critic updates per generator update (n_critic, 5 in the paper).
        gradient_penalty_weight: lambda (10 in the paper).
        gradient_penalty_target: the norm k the penalty pulls the critic's gradient
            towards (1 in the paper), a number >= 0.
        one_sided: penalise only gradient norms above k, `max(0, ||grad|| - k)^2`
            (Petzka et al. 2018); False is the paper's two-sided penalty.
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and mixing-weight draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans.networks import build_generator, build_critic
    >>> model = WGANGP(build_generator(16, 1, latent_dim=8, width=4),
    ...                build_critic(16, 1, width=4), critic_steps=2)
    >>> model.compile()  # Adam(1e-4, beta_1=0.0, beta_2=0.9) for both
    >>> history = model.fit(tf.random.uniform((8, 16, 16, 1), -1, 1), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'gp', 'wasserstein']

    Reference:
        Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville. "Improved Training of
        Wasserstein GANs", NeurIPS 2017. https://arxiv.org/abs/1704.00028
        Petzka, Fischer, Lukovnikov. "On the regularization of Wasserstein GANs",
        ICLR 2018 (the one-sided penalty).
    """

    metric_names = ("d_loss", "g_loss", "gp", "wasserstein")
    # Gulrajani et al. 2017, Algorithm 1: n_critic = 5, alpha = 1e-4, beta_1 = 0, beta_2 = 0.9; z of 128.
    defaults = Defaults(latent_dim=128, critic_steps=5, optimizer=adam(1e-4, beta_1=0.0, beta_2=0.9))

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN generator and critic, the critic with layer norm and no batch norm (Sec. 4)."""
        return (
            build_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_critic(image_size, channels, width=width, normalization="layer"),
        )

    def discriminator_step(self, real):
        # Overridden, not just the loss: the penalty needs the images themselves.
        real = self.images_of(real)
        count = ops.shape(real)[0]
        # fake_batch, not fake_for(real): one shape read a critic step (each is a graph op).
        fake, _ = self.fake_batch(count)
        # PacGAN: the critic and its penalty see packs of m (x_hat between a real and a fake pack).
        real, fake = packing.pack_samples(real, self.pack), packing.pack_samples(fake, self.pack)
        batch_size = count // self.pack
        # alpha ~ U[0, 1], one per sample (Algorithm 1, line 4), shaped to broadcast over
        # whatever a sample is: an image (H, W, C) or a point of a toy set (2,).
        alpha = self.random_uniform([batch_size] + [1] * (len(real.shape) - 1))
        with tf.GradientTape() as tape:
            real_scores = self.discriminator(real, training=True)
            fake_scores = self.discriminator(fake, training=True)
            critic_loss = losses.wasserstein_critic_loss(real_scores, fake_scores)
            gp = losses.gradient_penalty(
                self.discriminator, real, fake, alpha, target=self.gradient_penalty_target, one_sided=self.one_sided
            )
            # L = E[D(G(z))] - E[D(x)] + lambda gp  (Eq. 3)
            d_loss = critic_loss + self.gradient_penalty_weight * gp
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, "gp": gp, "wasserstein": -critic_loss}

    def generator_loss(self, outputs, fake_labels):
        return losses.wasserstein_generator_loss(outputs["fake"]), {}

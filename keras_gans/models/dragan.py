"""DRAGAN: the GAN with a gradient penalty around the real data (Kodali et al. 2017)."""

import keras
import tensorflow as tf

from keras_gans import losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._penalty import GradientPenaltyOptions
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_critic, build_generator, packing


@keras.saving.register_keras_serializable(package="keras_gans")
class DRAGAN(GradientPenaltyOptions, BaseGAN):
    """DRAGAN: the non-saturating GAN with a gradient penalty in a neighbourhood of the data.

    Kodali et al. trace mode collapse to sharp gradients of the discriminator around
    real points (the game's bad local equilibria) and penalise them there: the
    discriminator loss is the GAN's cross-entropy plus
    `lambda E[(||grad D(x_hat)|| - k)^2]` at points near real samples, not between
    real and generated ones as in WGAN-GP. The points are drawn as the authors' code
    draws them: `x_p = x + 0.5 std(x) U[0, 1]` per pixel, std over the whole batch,
    and `x_hat = x + alpha (x_p - x)`, alpha ~ U[0, 1] per sample (see
    `keras_gans.losses.dragan_penalty`). The generator minimises `-E[log D(G(z))]`.

    Metrics: `d_loss` (with the penalty), `g_loss`, `gp` (the penalty without its
    weight), `d_real` = E[sigmoid(D(x))] and `d_fake` = E[sigmoid(D(G(z)))].

    Defaults: the authors' code's lambda = 10, one discriminator step per generator
    step, Adam(1e-4, beta_1=0.5, beta_2=0.9) for both, z of 100. The networks are
    the DCGAN generator and a DCGAN discriminator with layer norm instead of batch
    norm, so that each sample's penalty depends on that sample only (the authors'
    notebook uses fully connected nets without normalisation).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: a `keras.Model` images -> (N, 1) logits, without batch norm.
        gradient_penalty_weight: lambda (10).
        gradient_penalty_target: the norm k (1 in the paper), >= 0.
        one_sided: penalise only norms above k (Petzka et al. 2018).
        critic_steps: discriminator updates per generator update (1).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and perturbation draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> model = DRAGAN(*DRAGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    >>> model.compile()  # Adam(1e-4, beta_1=0.5, beta_2=0.9) for both
    >>> history = model.fit(tf.random.uniform((8, 16, 16, 1), -1, 1), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'gp']

    Reference:
        Kodali, Abernethy, Hays, Kira. "On Convergence and Stability of GANs",
        arXiv:1705.07215, 2017. https://github.com/kodalinaveen3/DRAGAN
    """

    metric_names = ("d_loss", "g_loss", "gp", "d_real", "d_fake")
    # The authors' notebook: lambd = 10, Adam(1e-4, beta1=0.5, beta2=0.9) for D and G, z of 100, 1 D step.
    defaults = Defaults(latent_dim=100, critic_steps=1, optimizer=adam(1e-4, beta_1=0.5, beta_2=0.9))

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN generator; DCGAN discriminator with layer norm and a biased logit (no batch norm)."""
        return (
            build_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_critic(image_size, channels, width=width, normalization="layer", output_bias=True,
                         name="discriminator"),
        )

    def discriminator_step(self, real):
        # Overridden, not just the loss: the penalty needs the real images themselves.
        real = self.images_of(real)
        count = tf.shape(real)[0]
        fake, _ = self.fake_batch(count)
        # PacGAN: the penalty's points are packs of m perturbed real samples, as the discriminator sees them.
        packed = packing.pack_samples(real, self.pack)
        # U[0, 1] per pixel for the perturbation, U[0, 1] per sample for the point on it.
        # Shapes as lists (batch first): under several replicas each draws its slice of a global draw.
        noise = self.random_uniform([count // self.pack, *packed.shape[1:]])
        alpha = self.random_uniform([count // self.pack] + [1] * (len(packed.shape) - 1))
        with tf.GradientTape() as tape:
            outputs = self.discriminator_outputs(real, None, fake, None)
            gp = losses.dragan_penalty(
                self.discriminator, packed, noise, alpha, target=self.gradient_penalty_target, one_sided=self.one_sided
            )
            # -E[log D(x)] - E[log(1 - D(G(z)))] + lambda E[(||grad D(x_hat)|| - k)^2]
            d_loss = losses.minimax_discriminator_loss(outputs["real"], outputs["fake"]) + self.gradient_penalty_weight * gp
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, "gp": gp, "d_real": mean_probability(outputs["real"]),
                "d_fake": mean_probability(outputs["fake"])}

    def generator_loss(self, outputs, fake_labels):
        # -E[log D(G(z))], the non-saturating loss of the authors' code
        return losses.non_saturating_generator_loss(outputs["fake"]), {}

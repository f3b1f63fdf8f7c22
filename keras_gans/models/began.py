"""BEGAN: boundary equilibrium GAN (Berthelot, Schumm & Metz 2017)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import _validation, losses
from keras_gans.models._autoencoder import AutoencoderMixin
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_began_discriminator, build_began_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class BEGAN(AutoencoderMixin, BaseGAN):
    """Boundary equilibrium GAN: an autoencoder discriminator held at an equilibrium by k_t.

    The discriminator is an autoencoder with the L1 reconstruction loss
    `L(v) = |v - D(v)|`. It lowers `L(x) - k_t L(G(z))`; the generator lowers `L(G(z))`.
    The control variable k_t, a proportional controller, keeps the equilibrium
    `L(G(z)) = gamma L(x)`: `k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)`,
    updated after each discriminator step from that step's losses. gamma, the diversity
    ratio, trades image quality (low) for diversity (high). `M_global = L(x) +
    |gamma L(x) - L(G(z))|` measures convergence; the paper shows it falls as the samples
    improve. k_t is a non-trainable weight of the model: saved in `.keras` files,
    restored by `BackupAndRestore` and `--resume`.

    Latents are drawn uniformly in [-1, 1] as in the paper (training and `draw_inputs`).
    Under `MirroredStrategy` each replica updates k_t from its own losses and the
    replicas' values are averaged (the global-batch update unless the clip binds).

    Metrics: `d_loss`, `g_loss`, `d_real` = L(x), `d_fake` = L(G(z)) (both in the
    discriminator step), `k` (k_t used by the step's loss) and `convergence` (M_global).

    Args:
        generator: a `keras.Model` z -> images (`keras_gans.networks.build_began_generator`).
        discriminator: an autoencoder, a `keras.Model` images -> `[reconstruction, code]`
            (`keras_gans.networks.build_began_discriminator`), without batch norm.
        diversity_ratio: gamma = E[L(G(z))] / E[L(x)] at equilibrium, in (0, 1]
            (0.5 by default; the paper shows 0.3 to 0.7). What is reachable depends on the
            data: on 16 px digits the generator does not reach fakes that reconstruct twice
            as well as the digits, so at 0.5 k_t falls to 0 and the generator stays on one
            blob; 1.0 trains better there (BENCHMARKS.md, "EBGAN and BEGAN").
        k_learning_rate: lambda_k, the proportional gain of k_t, >= 0 (0.001). At 0.001 k_t
            needs thousands of steps to rebuild after it has fallen to 0; the 1,500-step
            digits benchmark uses 0.01 with gamma 1 (10 of 10 classes; BENCHMARKS.md).
        **kwargs: `critic_steps`, `latent_dim`, `seed` and the rest for `BaseGAN`.

    Example:
    >>> import numpy as np
    >>> model = BEGAN(*BEGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    >>> model.compile()  # Adam(1e-4, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['convergence', 'd_fake', 'd_loss', 'd_real', 'g_loss', 'k']
    >>> 0.0 <= float(model.k) <= 1.0
    True

    Reference:
        Berthelot, Schumm, Metz. "BEGAN: Boundary Equilibrium Generative Adversarial
        Networks", arXiv:1703.10717, 2017.
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "k", "convergence")
    # M_global and k_t have units of their own: a panel each in `LossPlot`.
    metric_panels = (("d_loss", "g_loss"), ("d_real", "d_fake"), ("convergence",), ("k",))
    config_keys = ("diversity_ratio", "k_learning_rate")
    # Berthelot et al. 2017, Sec. 4.1: Adam, learning rate 1e-4, N_z = N_h = 64 (N_h shrinks below
    # 64 px: `embedding_size`), n = 64; the
    # authors' code (carpedm20/BEGAN-tensorflow is the paper's reference port) uses beta_1 = 0.5.
    defaults = Defaults(latent_dim=64, optimizer=adam(1e-4, beta_1=0.5))
    # No batch norm: real and fake go through the autoencoder in one call.
    joint_discriminator_call = True

    def __init__(self, generator, discriminator, *, diversity_ratio=0.5, k_learning_rate=0.001, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.diversity_ratio = _validation.number("diversity_ratio", diversity_ratio, low=0, high=1, low_open=True)
        self.k_learning_rate = _validation.number("k_learning_rate", k_learning_rate, low=0)
        # k_0 = 0 (Sec. 3.4). Not trained by an optimizer: model state, saved and resumed.
        self.k = self.add_weight(shape=(), initializer="zeros", trainable=False, name="k", aggregation="mean")

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The paper's ELU generator and autoencoder; the embedding N_h from `embedding_size`."""
        return (
            build_began_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_began_discriminator(image_size, channels, width=width,
                                      embedding_dim=cls.embedding_size(image_size, latent_dim)),
        )

    @staticmethod
    def embedding_size(image_size, latent_dim):
        """N_h of `default_networks`: N_z from 64 px up (the paper's N_h = N_z), shrunk with the side below.

        The paper's bottleneck is 64 numbers for 64x64x3 images (12,288 values). At 16x16x1
        (256 values) a code of 64 leaves the autoencoder loose enough to reconstruct smooth
        images that are not digits, which is all the generator seeks; 16 numbers trained
        better (gamma 1, 300 steps at width 16: 7 digit classes against 4, Frechet distance
        192 against 246; BENCHMARKS.md, "EBGAN and BEGAN"). A departure from the paper:
        N_h = N_z * side / 64 below 64 px, at least 1.

        Example:
        >>> BEGAN.embedding_size(64, 64), BEGAN.embedding_size(128, 64), BEGAN.embedding_size(16, 64)
        (64, 64, 16)
        """
        return max(1, latent_dim * min(image_size, 64) // 64)

    def sample_latent(self, batch_size):
        """z ~ U[-1, 1]^N_z (Sec. 4.1)."""
        return 2.0 * self.random_uniform((batch_size, self.latent_dim)) - 1.0

    def draw_inputs(self, count, seed=None):
        """`count` latents z ~ U[-1, 1]^N_z from numpy's `default_rng(seed)`."""
        count = _validation.positive_int("the number of images", count)
        return np.random.default_rng(seed).uniform(-1.0, 1.0, (count, self.latent_dim)).astype("float32")

    def discriminator_step(self, real):
        images = self.images_of(real)
        fake, _ = self.fake_for(real)
        # A copy: the value of k_t now, not the variable that the update below overwrites.
        k = keras.ops.copy(self.k.value)
        with tf.GradientTape() as tape:
            outputs = self.discriminator_outputs(images, None, fake, None)
            loss_real = losses.began_reconstruction_loss(images, outputs["real"][0])
            loss_fake = losses.began_reconstruction_loss(fake, outputs["fake"][0])
            # L_D = L(x) - k_t L(G(z))  (Eq. 4)
            d_loss = losses.began_discriminator_loss(loss_real, loss_fake, k)
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        gamma = self.diversity_ratio
        self.k.assign(losses.began_k_update(k, loss_real, loss_fake, gamma, self.k_learning_rate))
        return {"d_loss": d_loss, "d_real": loss_real, "d_fake": loss_fake, "k": k,
                "convergence": losses.began_convergence(loss_real, loss_fake, gamma)}

    def generator_step(self, real):
        with tf.GradientTape() as tape:
            fake, _ = self.fake_for(real)
            reconstruction, _ = self.discriminate(fake)
            # L_G = L(G(z))  (Eq. 4)
            g_loss = losses.began_generator_loss(losses.began_reconstruction_loss(fake, reconstruction))
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss}

    def reconstruction_error(self, images, reconstructions):
        return losses.began_reconstruction_loss(images, reconstructions, per_image=True)

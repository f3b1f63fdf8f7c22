"""SAGAN: self-attention in both networks, spectral norm in both, the two time-scale rule (Zhang et al. 2019)."""

import keras

from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.projection_cgan import ProjectionCGAN
from keras_gans.networks import build_residual_discriminator, build_residual_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class SAGAN(ProjectionCGAN):
    """Class-conditional GAN whose networks attend over all positions of a feature map.

    Convolutions only combine neighbouring positions, so a convolutional GAN draws
    textures well but structure that spans the image (a dog's four legs) poorly.
    SAGAN adds a self-attention block (`keras_gans.layers.SelfAttention`) to both
    networks, at the 32 x 32 feature maps at 128 px (the middle resolution,
    `min(image_size // 2, 32)`, here at 16-64 px). Both networks are spectrally
    normalised (in G it conditions the optimisation, Zhang et al. Sec. 5.1), and the
    discriminator learns four times faster than the generator with one update each
    (the two time-scale update rule, Heusel et al. 2017: D 4e-4, G 1e-4, Adam
    beta = (0, 0.9)) instead of several discriminator updates per generator update.
    Class-conditional: conditional batch norm in the residual generator (a gain and a
    bias per class), a projection discriminator (Miyato & Koyama 2018), hinge loss.

    The losses and the training step are `ProjectionCGAN`'s (one discriminator call
    on real and generated pairs together, none in training mode in the generator
    phase): what SAGAN changes is its networks and its schedule's defaults.

    Metrics: `d_loss`, `g_loss`, `d_real` = E[D(x, y)], `d_fake` = E[D(G(z, y'), y')].

    Args:
        generator: a `keras.Model` from `[z (N, latent_dim), labels (N,) int32]` to
            images in [-1, 1], e.g. `build_residual_generator`.
        discriminator: a `keras.Model` from `[images, labels (N,) int32]` to (N, 1)
            scores, e.g. `build_residual_discriminator` (no batch norm).
        num_classes: number of classes K, an int >= 2.
        critic_steps: discriminator updates per generator update (1 in the paper).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and label draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = SAGAN(*SAGAN.default_networks(16, 1, latent_dim=8, width=4, num_classes=3), num_classes=3, seed=0)
    >>> model.compile()  # D: Adam(4e-4, 0, 0.9), G: Adam(1e-4, 0, 0.9)
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> sorted(model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']
    >>> model.generate(np.zeros((3, 8), "float32"), labels=[0, 1, 2]).shape
    (3, 16, 16, 1)

    Reference:
        Zhang, Goodfellow, Metaxas, Odena. "Self-Attention Generative Adversarial
        Networks", ICML 2019. https://arxiv.org/abs/1805.08318
    """

    # Zhang et al., Sec. 5: TTUR with lr 4e-4 for D and 1e-4 for G, Adam(beta_1 = 0, beta_2 = 0.9),
    # one D step per G step; z of 128 (their code's z_dim) and 64 channels (gf_dim, df_dim).
    defaults = Defaults(
        latent_dim=128, width=64, critic_steps=1, optimizer=adam(1e-4, beta_1=0.0, beta_2=0.9),
        optimizers=(("d_optimizer", adam(4e-4, beta_1=0.0, beta_2=0.9)),),
    )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generator, discriminator)`: residual nets with self-attention, class-conditional batch norm in G."""
        return (
            build_residual_generator(image_size, channels, latent_dim, num_classes, width=width),
            build_residual_discriminator(image_size, channels, num_classes=num_classes, width=width),
        )

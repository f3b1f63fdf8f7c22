"""GAN: the original generative adversarial network (Goodfellow et al. 2014)."""

import keras

from keras_gans import losses
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator
from keras_gans.networks.dcgan import _check_positive, check_channels

GENERATOR_LOSSES = ("non_saturating", "minimax")


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(BaseGAN):
    """The original GAN: a discriminator that classifies, a generator that fools it.

    The discriminator D outputs a logit and is trained by binary cross-entropy to
    tell real samples from generated ones, `-E[log D(x)] - E[log(1 - D(G(z)))]`.
    The generator either minimises the game's own value `E[log(1 - D(G(z)))]`
    ("minimax"), or maximises `E[log D(G(z))]` ("non_saturating"), the heuristic
    the paper trains with because its gradient does not vanish while D confidently
    rejects the samples; both have the same fixed point.

    Metrics: `d_loss`, `g_loss`, and `d_real` / `d_fake`, the discriminator's mean
    probabilities `E[D(x)]` and `E[D(G(z))]` (both 1/2 at the game's equilibrium).

    Args:
        generator: a `keras.Model` z -> samples (images in [-1, 1]).
        discriminator: a `keras.Model` samples -> (N, 1) logits (no sigmoid). Real
            and generated samples go through it in one call (no batch statistics in
            the fully connected nets of `default_networks`).
        critic_steps: discriminator updates per generator update (k, 1 in the paper).
        generator_loss: "non_saturating" (default, `-E[log D(G(z))]`) or "minimax"
            (`E[log(1 - D(G(z)))]`).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = GAN(*GAN.default_networks(image_size=8, channels=1, latent_dim=4, width=8), seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 8, 8, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Goodfellow, Pouget-Abadie, Mirza, Xu, Warde-Farley, Ozair, Courville,
        Bengio. "Generative Adversarial Nets", NeurIPS 2014.
        https://arxiv.org/abs/1406.2661
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    # The fully connected discriminator has no batch statistics: one call on real and fake.
    joint_discriminator_call = True

    def __init__(
        self,
        generator,
        discriminator,
        critic_steps=1,
        generator_loss="non_saturating",
        latent_dim=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            generator, discriminator, critic_steps=critic_steps, latent_dim=latent_dim, seed=seed, **kwargs
        )
        if generator_loss not in GENERATOR_LOSSES:
            raise ValueError(
                f"generator_loss must be one of {', '.join(map(repr, GENERATOR_LOSSES))}, got {generator_loss!r}"
            )
        self.generator_loss_name = generator_loss

    @classmethod
    def default_networks(cls, image_size=64, channels=3, latent_dim=None, width=None, num_classes=None):
        """The paper's fully connected `(generator, discriminator)` for images of `image_size`.

        Goodfellow et al.'s MNIST nets: a generator of two ReLU layers of 1200
        units, a discriminator of two maxout layers of 240 units x 5 pieces with
        dropout 0.5. Departures: tanh output for images in [-1, 1] (the paper's was
        a sigmoid for [0, 1]); LeakyReLU 0.2 instead of maxout, with `width`
        units, as many as the maxout layers' linear pieces.

        Args:
            image_size: side of the square images.
            channels: 1 or 3.
            latent_dim: size of z (None: 100).
            width: units of every hidden layer of both nets (None: 1200).
            num_classes: must be None, GAN is unconditional.
        """
        cls.check_unconditional(num_classes)
        check_channels(channels)
        latent_dim = 100 if latent_dim is None else latent_dim
        width = 1200 if width is None else width
        # Named here: the builders would report them as output_shape or hidden.
        _check_positive(image_size=image_size, latent_dim=latent_dim, width=width)
        shape = (image_size, image_size, channels)
        generator = build_mlp_generator(shape, latent_dim=latent_dim, hidden=(width, width))
        discriminator = build_mlp_discriminator(shape, hidden=(width, width), dropout=0.5)
        return generator, discriminator

    def default_optimizers(self):
        # Not the paper's: it used SGD with momentum (lr 0.1 decaying, momentum 0.5 -> 0.7).
        # Adam(2e-4, beta_1=0.5) is Radford et al.'s setting, robust without a schedule.
        return tuple(keras.optimizers.Adam(2e-4, beta_1=0.5) for _ in range(2))

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = outputs["real"], outputs["fake"]
        # -E[log D(x)] - E[log(1 - D(G(z)))]  (Eq. 1)
        d_loss = losses.minimax_discriminator_loss(real, fake)
        return d_loss, {"d_real": mean_probability(real), "d_fake": mean_probability(fake)}

    def generator_loss(self, outputs, fake_labels):
        if self.generator_loss_name == "minimax":
            # E[log(1 - D(G(z)))]  (Eq. 1)
            return losses.minimax_generator_loss(outputs["fake"]), {}
        # -E[log D(G(z))]  (Sec. 3, the heuristic the paper trains with)
        return losses.non_saturating_generator_loss(outputs["fake"]), {}

    def get_config(self):
        return {**super().get_config(), "generator_loss": self.generator_loss_name}


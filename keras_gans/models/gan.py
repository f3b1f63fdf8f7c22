"""GAN: the original generative adversarial network (Goodfellow et al. 2014)."""

import keras

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

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

    # Goodfellow et al.'s MNIST nets: z of 100, hidden layers of 1200 units. Not the paper's
    # optimizer: it used SGD with momentum (lr 0.1 decaying, momentum 0.5 -> 0.7); Adam(2e-4,
    # beta_1=0.5), Radford et al.'s setting, is robust without a schedule.
    defaults = Defaults(latent_dim=100, width=1200)

    def __init__(self, generator, discriminator, *, generator_loss="non_saturating", **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.generator_loss_name = _validation.one_of("generator_loss", generator_loss, GENERATOR_LOSSES)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The paper's fully connected `(generator, discriminator)` for images of `image_size`.

        Goodfellow et al.'s MNIST nets: a generator of two ReLU layers of 1200
        units, a discriminator of two maxout layers of 240 units x 5 pieces with
        dropout 0.5. Departures: tanh output for images in [-1, 1] (the paper's was
        a sigmoid for [0, 1]); LeakyReLU 0.2 instead of maxout, with `width`
        units, as many as the maxout layers' linear pieces.
        """
        _validation.channels(channels)
        # Named here: the builders would report them as output_shape or hidden.
        for name, value in (("image_size", image_size), ("latent_dim", latent_dim), ("width", width)):
            _validation.positive_int(name, value)
        shape = (image_size, image_size, channels)
        generator = build_mlp_generator(shape, latent_dim=latent_dim, hidden=(width, width))
        discriminator = build_mlp_discriminator(shape, hidden=(width, width), dropout=0.5)
        return generator, discriminator

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


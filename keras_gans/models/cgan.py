"""CGAN: the class-conditional GAN (Mirza & Osindero 2014), optionally matching-aware (Reed et al. 2016)."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_conditional_discriminator, build_conditional_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(BaseGAN):
    """Conditional GAN: the generator and the discriminator both see the class label.

    The generator maps `[z, y]` to an image of class y and the discriminator judges
    `[image, y]` pairs, so the game is played once per class: `min_G max_D
    E[log D(x | y)] + E[log(1 - D(G(z | y) | y))]` (Mirza & Osindero, Eq. 2), with
    the discriminator's output a logit and the generator trained on the
    non-saturating `-E[log D(G(z | y) | y)]`. Fake labels are drawn uniformly.
    With `mismatched_pairs=True` the discriminator is matching-aware (GAN-CLS,
    Reed et al. 2016): it also learns that a real image paired with a wrong label
    is fake, so that it must check the label, not only the realism.

    Metrics: `d_loss`, `g_loss`, `d_real` = E[sigmoid(D(x, y))], `d_fake` =
    E[sigmoid(D(G(z, y'), y'))] and, with `mismatched_pairs`, `d_mismatched` =
    E[sigmoid(D(x, y_wrong))].

    Defaults (`default_networks`, `default_optimizers`): the conditional DCGAN
    networks of `keras_gans.networks` with Adam(2e-4, beta_1=0.5) for both, the
    usual convolutional cGAN. The paper's MNIST experiment used MLPs (a maxout
    discriminator, dropout) trained with SGD (learning rate 0.1 decaying to 1e-6,
    momentum 0.5 rising to 0.7) and z ~ U[0, 1]^100; `build_mlp_generator` and
    `build_mlp_discriminator` with `num_classes` give an MLP cGAN (ReLU and
    LeakyReLU units, not maxout). z is drawn from N(0, I) here.

    Args:
        generator: a `keras.Model` from `[z (N, latent_dim), labels (N,) int32]` to
            images in [-1, 1].
        discriminator: a `keras.Model` from `[images, labels (N,) int32]` to (N, 1)
            logits.
        num_classes: number of classes K, an int >= 2.
        mismatched_pairs: add GAN-CLS's mismatched term: the discriminator loss is
            `-log D(x, y) - (log(1 - D(x, y_wrong)) + log(1 - D(G(z, y'), y'))) / 2`
            (Reed et al., Algorithm 1), y_wrong drawn uniformly from the K - 1
            classes other than y. Generated images keep their own drawn labels y'
            (GAN-CLS pairs them with the batch's matching text).
        critic_steps: discriminator updates per generator update (k = 1 in the paper).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and label draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = CGAN(*CGAN.default_networks(16, 1, latent_dim=8, width=4, num_classes=3),
    ...              num_classes=3, mismatched_pairs=True, seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> history = model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_mismatched', 'd_real', 'g_loss']
    >>> model.generate(np.zeros((3, 8), "float32"), labels=[0, 1, 2]).shape
    (3, 16, 16, 1)

    Reference:
        Mirza, Osindero. "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
        Reed et al. "Generative Adversarial Text to Image Synthesis", ICML 2016 (GAN-CLS).
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    conditional = True

    config_keys = ("mismatched_pairs",)
    # The paper's z of 100; DCGAN's width 64 and Adam(2e-4, beta_1=0.5), see the class docstring.
    defaults = Defaults(latent_dim=100, width=64)

    def __init__(self, generator, discriminator, *, mismatched_pairs=False, **kwargs):
        self.mismatched_pairs = _validation.boolean("mismatched_pairs", mismatched_pairs)
        # Before BaseGAN.__init__, which makes one tracker per name.
        self.metric_names = CGAN.metric_names + (("d_mismatched",) if mismatched_pairs else ())
        super().__init__(generator, discriminator, **kwargs)

    def check_networks(self):
        self.check_two_input_discriminator("logit")

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generator, discriminator)`: the conditional DCGAN pair, one-hot labels joined to z and to the image.

        The discriminator has batch norm and a biased logit.
        """
        generator = build_conditional_generator(image_size, channels, latent_dim, num_classes, width=width)
        discriminator = build_conditional_discriminator(
            image_size, channels, num_classes=num_classes, width=width, normalization="batch", output_bias=True
        )
        return generator, discriminator

    def mismatched_labels(self, labels):
        """Labels that differ from `labels` everywhere, uniform over the K - 1 other classes."""
        # y_wrong = (y + k) mod K, k ~ U{1, ..., K - 1}: never y, each other class with probability 1 / (K - 1).
        offsets = self.random_integers(tf.shape(labels), 1, self.num_classes)
        return (ops.cast(labels, "int32") + offsets) % self.num_classes

    def discriminator_outputs(self, real_images, real_labels, fake_images, fake_labels):
        outputs = super().discriminator_outputs(real_images, real_labels, fake_images, fake_labels)
        if self.mismatched_pairs:
            # GAN-CLS's third kind of pair: a real image with a label it does not have.
            outputs["mismatched"] = self.discriminate(real_images, self.mismatched_labels(real_labels))
        return outputs

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = outputs["real"], outputs["fake"]
        # -E[log D(x|y)] - E[log(1 - D(G(z|y')|y'))]  (Mirza & Osindero, Eq. 2)
        d_loss = losses.minimax_discriminator_loss(real, fake)
        metrics = {"d_real": mean_probability(real), "d_fake": mean_probability(fake)}
        if self.mismatched_pairs:
            mismatched = outputs["mismatched"]
            # GAN-CLS (Reed et al., Algorithm 1): -log s_r - (log(1 - s_w) + log(1 - s_f)) / 2,
            # the mean of the two BCE losses that pair the real term with each kind of fake pair.
            d_loss = 0.5 * (d_loss + losses.minimax_discriminator_loss(real, mismatched))
            metrics["d_mismatched"] = mean_probability(mismatched)
        return d_loss, metrics

    def generator_loss(self, outputs, fake_labels):
        # -E[log D(G(z|y)|y)], the non-saturating form (Goodfellow et al. 2014, Sec. 3)
        return losses.non_saturating_generator_loss(outputs["fake"]), {}


"""SNGAN: spectrally normalised discriminator with the hinge loss (Miyato et al. 2018)."""

import keras

from keras_gans import losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_critic, build_generator


@keras.saving.register_keras_serializable(package="keras_gans")
class SNGAN(BaseGAN):
    """GAN whose discriminator layers are divided by their largest singular value.

    Spectral normalisation divides every kernel by an estimate of its spectral norm
    (one power iteration per training call), which bounds each layer's Lipschitz
    constant by 1 without clipping and without a penalty, at the cost of one
    matrix-vector product per layer. Trained with the hinge loss.

    The default critic uses `keras_gans.layers.ReparametrizedSpectralNormalization`
    (W / sigma(W) computed in each call, the gradient reaching W through sigma, as in
    the paper; Keras' own layer instead overwrites the kernel with W / sigma and
    differentiates through that). Each training call advances the power iteration,
    so the critic is called once per phase: on real and fake concatenated in the
    discriminator phase (there is no batch norm to mix their statistics), and in
    inference mode on the fakes in the generator phase, which leaves u as it is.

    Metrics: `d_loss`, `g_loss`, `d_real`, `d_fake` (mean raw scores).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: images -> (N, 1) scores, with
            `keras.layers.SpectralNormalization` layers or the reparametrised subclass
            (build_critic(spectral_norm=True)).
        critic_steps: discriminator updates per generator update: 1 for the standard
            CNN, 5 for the ResNet nets in the paper.
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model`.

    Example:
    >>> import numpy as np
    >>> model = SNGAN(*SNGAN.default_networks(16, 1, latent_dim=8, width=4))
    >>> model.compile()  # Adam(2e-4, beta_1=0.0, beta_2=0.9)
    >>> sorted(model.fit(np.zeros((4, 16, 16, 1), "float32"), batch_size=2, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Miyato, Kataoka, Koyama, Yoshida. "Spectral Normalization for Generative
        Adversarial Networks", ICLR 2018. https://arxiv.org/abs/1802.05957
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    joint_discriminator_call = True
    discriminator_training_in_generator_step = False

    # z of 128. Adam(2e-4, beta_1=0, beta_2=0.9): the setting of the authors' hinge-loss ResNet runs
    # (there with 5 critic steps), kept for every critic_steps. The paper's Table 1 setting C for the
    # standard CNN with one critic step is Adam(2e-4, 0.5, 0.999): pass it to compile to match.
    defaults = Defaults(latent_dim=128, width=64, optimizer=adam(2e-4, beta_1=0.0, beta_2=0.9))

    def check_networks(self):
        if not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in _all_layers(self.discriminator)):
            raise ValueError(
                "SNGAN needs a discriminator with keras.layers.SpectralNormalization layers, e.g. "
                f"build_critic(spectral_norm=True); {self.discriminator.name!r} has none"
            )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The standard CNN of the paper, approximated by DCGAN nets; the critic spectrally normalised."""
        return (
            build_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_critic(image_size, channels, width=width, normalization=None, spectral_norm=True,
                         output_bias=True),
        )

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = outputs["real"], outputs["fake"]
        return losses.hinge_discriminator_loss(real, fake), {
            "d_real": keras.ops.mean(real), "d_fake": keras.ops.mean(fake)
        }

    def generator_loss(self, outputs, fake_labels):
        return losses.hinge_generator_loss(outputs["fake"]), {}


def _all_layers(model):
    for layer in model._flatten_layers(include_self=False):
        yield layer

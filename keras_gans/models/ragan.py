"""RaGAN: relativistic average GAN, RaSGAN and RaLSGAN (Jolicoeur-Martineau 2019)."""

import keras
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_dcgan_pair

KINDS = ("standard", "least_squares")


@keras.saving.register_keras_serializable(package="keras_gans")
class RaGAN(BaseGAN):
    """Relativistic average GAN: the discriminator judges real against the average fake.

    Instead of the probability that a sample is real, the discriminator estimates
    how much more realistic it is than the average sample of the other kind:
    `C(x) - E[C(G(z))]` for real samples and `C(G(z)) - E[C(x)]` for fake ones,
    with C its raw output and the averages over the batch. The generator's loss is
    the discriminator's with real and fake swapped, so it also pushes real samples
    to look less real: unlike other GANs its update needs the real batch. `kind`
    picks the sigmoid cross-entropy (RaSGAN) or the least squares (RaLSGAN) form.

    Metrics: `d_loss`, `g_loss`, and `d_real` / `d_fake`, the relativistic
    average discriminator's mean `sigmoid(C(x) - E[C(G(z))])` on real samples and
    `sigmoid(C(G(z)) - E[C(x)])` on generated ones (for "standard", the
    probability that a sample is more realistic than the average of the other kind).

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: a `keras.Model` images -> (N, 1) raw outputs C (no sigmoid).
        critic_steps: discriminator updates per generator update (1 in the paper's
            stable setup).
        kind: "standard" (RaSGAN, Eq. 10-11 with sigmoid cross-entropy) or
            "least_squares" (RaLSGAN, Sec. 4.3).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = RaGAN(*RaGAN.default_networks(image_size=16, channels=1, latent_dim=8, width=4),
    ...               kind="least_squares", seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5, beta_2=0.999) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Jolicoeur-Martineau. "The relativistic discriminator: a key element missing
        from standard GAN", ICLR 2019. https://arxiv.org/abs/1807.00734
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    # Batch norm in the discriminator: real and fake in separate calls, as the author's code.
    joint_discriminator_call = False
    # The generator's loss compares its samples with the real batch (Eq. 11).
    generator_loss_needs_real = True

    config_keys = ("kind",)
    # The author's code's sizes (z of 128, width 128: 1024 filters at 4 x 4 for 64 px) and the
    # paper's stable setup: Adam, learning rate 0.0002, betas (0.5, 0.999), n_D = 1.
    defaults = Defaults(latent_dim=128, width=128, optimizer=adam(2e-4, beta_1=0.5, beta_2=0.999))

    def __init__(self, generator, discriminator, *, kind="standard", **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.kind = _validation.one_of("kind", kind, KINDS)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN `(generator, discriminator)`, as in the paper's 64 px and larger CAT experiments.

        `build_generator` and `build_discriminator` (batch norm in both, LeakyReLU
        0.2 in the discriminator). The generator's first layer is a dense
        projection, the same linear map as the author's code's transposed
        convolution of the 1 x 1 latent, and the discriminator ends in a dense
        layer on the flattened 4 x 4 map, the same as its 4 x 4 convolution. That
        layer has no bias, as there: the losses see only differences
        `C(x) - E[C(G(z))]`, in which a bias cancels, so it would get no gradient.
        """
        return build_dcgan_pair(image_size, channels, latent_dim, width, output_bias=False)

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = ops.cast(outputs["real"], "float32"), ops.cast(outputs["fake"], "float32")
        # standard: -E[log sigmoid(C(x) - E C(G(z)))] - E[log(1 - sigmoid(C(G(z)) - E C(x)))]  (Eq. 10)
        d_loss = losses.relativistic_average_discriminator_loss(real, fake, kind=self.kind)
        return d_loss, {
            "d_real": ops.mean(ops.sigmoid(real - ops.mean(fake))),
            "d_fake": ops.mean(ops.sigmoid(fake - ops.mean(real))),
        }

    def generator_loss(self, outputs, fake_labels):
        # The discriminator's loss with real and fake swapped  (Eq. 11)
        return losses.relativistic_average_generator_loss(outputs["real"], outputs["fake"], kind=self.kind), {}

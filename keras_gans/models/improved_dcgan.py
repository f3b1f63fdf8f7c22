"""ImprovedDCGAN: DCGAN with Salimans et al.'s techniques for training GANs turned on."""

import keras

from keras_gans.models.dcgan import DCGAN
from keras_gans.networks import build_dcgan_pair

# The authors' CIFAR-10 code (openai/improved-gan, train_cifar_minibatch_discrimination.py) puts 100
# kernels of 5 on 192 pooled features. On DCGAN's 1,024 flattened features at 16 px that discriminator
# overpowers the generator: on the digits (1,500 steps, seed 0) D(G(z)) averaged 0.02 and the Frechet
# distance was 20.8 (25 kernels of 5: 24.2) against plain DCGAN's 11.97; 5 kernels of 3 gave 9.29
# (BENCHMARKS.md, "Improved DCGAN techniques"). A departure from the authors' setting, by measurement
# on that seed; seeds 1 and 2 gave 40.49 and 12.06 (DCGAN 12.36, 14.19): no reliable gain yet.
MINIBATCH_KERNELS = (5, 3)
# Virtual batch norm's reference batch: as large as the default batch of 64 (the authors' reference
# batch is one batch of their generator's input).
REFERENCE_SIZE = 64
# The paper gives no weight for historical averaging. 1e-3 keeps its gradient 2 w (theta - mean) a
# small pull beside the losses' (weights move by about 2e-4 a step under Adam); on the digits it
# changed the result little (Frechet 20.82 with it, 21.36 without, 100 x 5 kernels, seed 0).
HISTORICAL_AVERAGING = 1e-3


@keras.saving.register_keras_serializable(package="keras_gans")
class ImprovedDCGAN(DCGAN):
    """DCGAN with the techniques of "Improved Techniques for Training GANs" on by default.

    The same game and networks as `DCGAN`, with Salimans et al.'s changes for
    generating images: minibatch discrimination in the discriminator (Sec. 3.2;
    `keras_gans.layers.MinibatchDiscrimination`, 5 kernels of 3, between its
    "features" and its logit: the authors' 100 of 5 overpower the generator here,
    see `MINIBATCH_KERNELS`), virtual batch norm in the generator (Sec. 3.4;
    `keras_gans.layers.VirtualBatchNormalization` with a reference batch of 64
    latents, the first training batch's), one-sided label smoothing of the real
    target to 0.9 (Sec. 3.4) and historical averaging of both players' weights
    (Sec. 3.3): the techniques of the paper's unlabelled CIFAR-10 row (Table 3,
    "-L+HA"). Feature matching (Sec. 3.1) stays off: the authors used it for
    semi-supervised learning and minibatch discrimination for sample quality; with
    it the generator never sees the minibatch features (its loss reads "features",
    before them), and on the digits it measured far worse (Frechet 47.1 against
    20.8, 100 x 5 kernels, seed 0). `feature_matching=True` turns it on.

    Every option is `DCGAN`'s; only the defaults differ. `DCGAN` itself takes
    `historical_averaging=`, and its network builders take the other two
    (`build_discriminator(..., minibatch_discrimination=(5, 3))`,
    `build_generator(..., virtual_batch_norm=64)`).

    Metrics: `d_loss`, `g_loss` (each with its historical averaging penalty), `d_real`
    and `d_fake`.

    Args:
        generator: a `keras.Model` z -> images in [-1, 1] (see `default_networks`).
        discriminator: a `keras.Model` images -> (N, 1) logits.
        label_smoothing: s; the real target is 1 - s (0.1: the paper's 0.9).
        feature_matching: the generator matches the discriminator's mean "features"
            instead of fooling its output (off; see above).
        historical_averaging: weight of `||theta - (1/t) sum_i theta[i]||^2` in each
            player's cost. The paper gives none; 1e-3 was chosen on the digits.
        **kwargs: `DCGAN`'s and `BaseGAN`'s (`critic_steps`, `latent_dim`, `seed`,
            `name`, ...).

    Example:
    >>> import numpy as np
    >>> model = ImprovedDCGAN(*ImprovedDCGAN.default_networks(image_size=16, channels=1, latent_dim=8, width=4),
    ...                       seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both, as DCGAN
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> model.label_smoothing, model.historical_averaging, sorted(history.history)
    (0.1, 0.001, ['d_fake', 'd_loss', 'd_real', 'g_loss'])

    Reference:
        Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen. "Improved Techniques
        for Training GANs", NeurIPS 2016. https://arxiv.org/abs/1606.03498
    """

    def __init__(
        self, generator, discriminator, *, label_smoothing=0.1, feature_matching=False,
        historical_averaging=HISTORICAL_AVERAGING, **kwargs
    ):
        super().__init__(
            generator, discriminator, label_smoothing=label_smoothing, feature_matching=feature_matching,
            historical_averaging=historical_averaging, **kwargs
        )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """DCGAN's pair with virtual batch norm in G and minibatch discrimination in D."""
        return build_dcgan_pair(
            image_size, channels, latent_dim, width, virtual_batch_norm=REFERENCE_SIZE,
            minibatch_discrimination=MINIBATCH_KERNELS,
        )

"""DCGAN: deep convolutional GAN (Radford et al. 2016), with Salimans et al.'s options."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_dcgan_pair, packing


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(BaseGAN):
    """Deep convolutional GAN: the non-saturating GAN on all-convolutional nets.

    The GAN game (binary cross-entropy for the discriminator, `-E[log D(G(z))]` for
    the generator) played by Radford et al.'s networks: strided (transposed)
    convolutions instead of pooling, batch norm in both nets (except the
    discriminator's input layer and the generator's output), ReLU and tanh in the
    generator, LeakyReLU 0.2 in the discriminator, weights from N(0, 0.02). Two
    options from Salimans et al. 2016: one-sided label smoothing, and feature
    matching, where the generator matches the mean of the discriminator's
    "features" layer on real data instead of fooling its output.

    Real and generated images go through the discriminator in separate calls, as
    the paper's separate real and fake minibatches: its batch norm then normalises
    each with its own statistics.

    Metrics: `d_loss`, `g_loss`, and `d_real` / `d_fake`, the discriminator's mean
    probabilities `E[D(x)]` and `E[D(G(z))]`.

    Args:
        generator: a `keras.Model` z -> images in [-1, 1].
        discriminator: a `keras.Model` images -> (N, 1) logits (no sigmoid); with
            `feature_matching`, it must have a layer named "features".
        critic_steps: discriminator updates per generator update (1 in the paper).
        label_smoothing: s in [0, 1); the real images' target becomes 1 - s, the
            generated ones' stays 0 (one-sided, Salimans et al. Sec. 3.4). 0: none.
        feature_matching: if True, the generator minimises
            `||E[f(x)] - E[f(G(z))]||^2` over the discriminator's "features" layer f
            (Salimans et al. Sec. 3.1) instead of `-E[log D(G(z))]`.
        historical_averaging: weight w >= 0 of historical averaging (Salimans et al.
            Sec. 3.3): each player's cost gains `w ||theta - (1/t) sum_i theta[i]||^2`
            over its trainable weights, the average taken over the values each of its
            updates started from (the current one included, so the first update's
            penalty is 0). The running averages and counts are non-trainable weights
            of the model, saved, restored and resumed with it. 0 (the default): off,
            and no such weights.
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = DCGAN(*DCGAN.default_networks(image_size=16, channels=1, latent_dim=8, width=4),
    ...               label_smoothing=0.1, seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> history = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss']

    Reference:
        Radford, Metz, Chintala. "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
        https://arxiv.org/abs/1511.06434
        Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen. "Improved Techniques
        for Training GANs", NeurIPS 2016. https://arxiv.org/abs/1606.03498
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake")
    # Batch norm in the discriminator: real and fake in separate calls (separate minibatches).
    joint_discriminator_call = False

    config_keys = ("label_smoothing", "feature_matching", "historical_averaging")
    # Radford et al.: z of 100 (drawn from N(0, I) here, from U[-1, 1] there); width 64 as in the
    # authors' code (filters 64-128-256-512 for 64 px; the paper's Figure 1 draws a generator twice
    # as wide, 1024 at 4 x 4); Sec. 4: Adam, learning rate 0.0002, beta_1 = 0.5 (beta_2 = 0.999).
    defaults = Defaults(latent_dim=100, width=64)

    def __init__(
        self, generator, discriminator, *, label_smoothing=0.0, feature_matching=False, historical_averaging=0.0,
        **kwargs
    ):
        super().__init__(generator, discriminator, **kwargs)
        self.label_smoothing = _validation.number("label_smoothing", label_smoothing, low=0, high=1, high_open=True)
        self.feature_matching = _validation.boolean("feature_matching", feature_matching)
        self.historical_averaging = _validation.number("historical_averaging", historical_averaging, low=0)
        self.historical_averages = self._historical_averages() if self.historical_averaging > 0 else {}
        self.feature_extractor = None
        if feature_matching:
            names = [layer.name for layer in discriminator.layers]
            if "features" not in names:
                raise ValueError(
                    f"feature_matching needs a discriminator layer named 'features'; "
                    f"{discriminator.name!r} has {names}"
                )
            # Shares the discriminator's layers and weights; built once, here.
            self.feature_extractor = keras.Model(
                discriminator.inputs, discriminator.get_layer("features").output, name="features"
            )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The paper's `(generator, discriminator)`: `build_generator` and `build_discriminator`."""
        return build_dcgan_pair(image_size, channels, latent_dim, width)

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        real, fake = outputs["real"], outputs["fake"]
        # -(1 - s) E[log D(x)] - s E[log(1 - D(x))] - E[log(1 - D(G(z)))]; s = 0: Goodfellow et al. Eq. 1
        d_loss = losses.minimax_discriminator_loss(real, fake, real_label=1.0 - self.label_smoothing)
        d_loss = d_loss + self.historical_penalty("discriminator")
        return d_loss, {"d_real": mean_probability(real), "d_fake": mean_probability(fake)}

    def generator_loss(self, outputs, fake_labels):
        # -E[log D(G(z))], the non-saturating loss
        return losses.non_saturating_generator_loss(outputs["fake"]) + self.historical_penalty("generator"), {}

    # ------------------------------------------------------- historical averaging

    def _historical_averages(self):
        """`{role: (count t, [running mean of each trainable weight])}`, non-trainable weights of the model."""
        averages = {}
        for role in ("discriminator", "generator"):
            # The same values on every replica: the first replica's update is kept.
            variables = [
                self.add_weight(shape=variable.shape, initializer="zeros", trainable=False,
                                aggregation="only_first_replica", name=f"{role}_average_{i}")
                for i, variable in enumerate(getattr(self, role).trainable_variables)
            ]
            count = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                    aggregation="only_first_replica", name=f"{role}_history_count")
            averages[role] = (count, variables)
        return averages

    def record_history(self, role):
        """Folds the `role` network's current weights theta[t] into its running average (before its update)."""
        if role not in self.historical_averages:
            return
        count, averages = self.historical_averages[role]
        t = count + 1.0
        for average, variable in zip(averages, getattr(self, role).trainable_variables):
            average.assign(losses.running_average(average, variable, t))
        count.assign(t)

    def historical_penalty(self, role):
        """`w ||theta - (1/t) sum_i theta[i]||^2` of the `role` network (0 when historical averaging is off)."""
        if role not in self.historical_averages:
            return 0.0
        _, averages = self.historical_averages[role]
        parameters = getattr(self, role).trainable_variables
        return self.historical_averaging * losses.historical_averaging_penalty(parameters, averages)

    def discriminator_step(self, real):
        self.record_history("discriminator")
        return super().discriminator_step(real)

    def generator_step(self, real):
        self.record_history("generator")
        if not self.feature_matching:
            return super().generator_step(real)
        # A different update, not only a different loss of D(G(z)): it reads the
        # discriminator's features of the real batch and of the fakes.
        images = self.images_of(real)
        with tf.GradientTape() as tape:
            fake, _ = self.fake_for(real)
            # One call on real and fake together: in separate training-mode calls, batch norm
            # would centre each batch's features on the same beta, hiding the very difference
            # in means that feature matching is meant to close.
            count = ops.shape(images)[0] // self.pack
            both = packing.pack_samples(ops.concatenate([ops.cast(images, fake.dtype), fake], 0), self.pack)
            features = self.feature_extractor(both, training=True)
            # ||E[f(x)] - E[f(G(z))]||_2^2  (Salimans et al. Sec. 3.1)
            g_loss = losses.feature_matching_loss(features[:count], features[count:])
            g_loss = g_loss + self.historical_penalty("generator")
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss}

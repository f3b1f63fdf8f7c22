"""StyleGAN: a style-based generator (Karras, Laine, Aila 2019), without progressive growing."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._ema import ema_copy, update_ema
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_style_discriminator, build_style_generator, style_mixing


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN(BaseGAN):
    """Style-based generator: a mapping network to W, per-layer styles through AdaIN, per-pixel noise.

    The generator (`keras_gans.networks.build_style_generator`) maps z to an intermediate
    latent w with an 8-layer MLP, repeats w once per synthesis layer (the truncation layer),
    and feeds each layer's w to an AdaIN after every convolution of a synthesis network
    that starts from a learned 4x4 constant and adds per-pixel noise. Training uses the
    non-saturating loss with the R1 penalty `gamma / 2 E[||grad D(x)||^2]` on real data, and
    style mixing regularisation: with probability 0.9 an image's styles come from two
    latents, w1 for the layers before a random crossover and w2 from it on. The running
    average w-bar of w (decay 0.995) is tracked in training and kept in the generator's
    truncation layer, so it is saved, resumed and exported with it; an exponential moving
    average of the generator's weights (`ema_generator`, half-life 10,000 images as in
    the authors' code) is what `generate` and the export run.

    Not the paper's: no progressive growing (every layer trains at the final resolution
    from the first step), no blur in the up- and downsampling, a tanh on the generator's
    output (images in [-1, 1] like every generator here), one crossover per image (the
    authors' code draws one per minibatch). Lazy R1 (`r1_interval=16`: the penalty on every
    16th discriminator update, multiplied by 16) is StyleGAN2's (Karras et al. 2020,
    Sec. 3.1), not StyleGAN's, without StyleGAN2's matching change of Adam's settings.

    Truncation: `generate(n, truncation_psi=psi)` and the export's `truncation_psi` input
    give `w' = w-bar + psi (w - w-bar)` on the first `truncation_cutoff` layers (the
    authors' default: 8, the coarse and middle styles at 1024 px, every style at 16-32 px).

    Metrics: `d_loss`, `g_loss`, `r1` (the penalty without its weight; 0 on the steps lazy
    regularisation skips), `d_real`, `d_fake` (mean logits).

    Args:
        generator: a `keras_gans.networks.build_style_generator` network: `[z, truncation_psi]
            -> images` with layers named `mapping`, `truncation` and `synthesis`.
        discriminator: images -> logits (N, 1).
        r1_gamma: gamma of the R1 penalty, >= 0 (10 in the paper).
        r1_interval: discriminator updates per R1 evaluation, >= 1 (1: every update, the paper;
            16: StyleGAN2's lazy regularisation).
        style_mixing_probability: fraction of images generated from two latents, in [0, 1].
        w_average_decay: decay of the running average w-bar, in [0, 1) (0.995).
        ema_half_life: images over which the EMA generator's weights halve their memory,
            > 0 (10,000: decay 0.5 ** (batch / 10,000) per step).
        critic_steps, latent_dim, seed: see `BaseGAN`.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = StyleGAN(*StyleGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    >>> model.compile()  # Adam(1e-3, beta_1=0, beta_2=0.99) for both
    >>> sorted(model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'r1']
    >>> model.generate(3, seed=0, truncation_psi=0.7).shape
    (3, 16, 16, 1)

    Reference:
        Karras, Laine, Aila. "A Style-Based Generator Architecture for Generative Adversarial
        Networks", CVPR 2019. https://arxiv.org/abs/1812.04948
    """

    metric_names = ("d_loss", "g_loss", "r1", "d_real", "d_fake")
    state_networks = ("ema_generator",)
    sampling_network = "ema_generator"
    config_keys = ("r1_gamma", "r1_interval", "style_mixing_probability", "w_average_decay", "ema_half_life")
    # Appendix C: Adam(0.001, beta_1=0, beta_2=0.99) for both networks (the mapping network's
    # 100x lower rate is its layers' lr multiplier); z and w of 512.
    defaults = Defaults(latent_dim=512, width=64, optimizer=adam(1e-3, beta_1=0.0, beta_2=0.99))

    def __init__(self, generator, discriminator, *, r1_gamma=10.0, r1_interval=1, style_mixing_probability=0.9,
                 w_average_decay=0.995, ema_half_life=10_000.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.r1_gamma = _validation.number("r1_gamma", r1_gamma, low=0)
        self.r1_interval = _validation.positive_int("r1_interval", r1_interval)
        self.style_mixing_probability = _validation.number("style_mixing_probability", style_mixing_probability,
                                                           low=0, high=1)
        self.w_average_decay = _validation.number("w_average_decay", w_average_decay, low=0, high=1, high_open=True)
        self.ema_half_life = _validation.number("ema_half_life", ema_half_life, low=0, low_open=True)
        self.ema_generator = ema_copy(generator)

    def _check_conditioning(self, num_classes):
        # The generator's second input is truncation_psi, not labels: StyleGAN is unconditional here.
        self.check_unconditional(num_classes)
        return None

    def check_networks(self):
        names = {layer.name for layer in self.generator.layers}
        if len(self.generator.inputs) != 2 or not {"mapping", "truncation", "synthesis"} <= names:
            raise ValueError(
                "StyleGAN's generator must map [z, truncation_psi] through layers named mapping, truncation and "
                f"synthesis (keras_gans.networks.build_style_generator); {self.generator.name!r} has inputs "
                f"{[tuple(t.shape) for t in self.generator.inputs]} and layers {sorted(names)}"
            )
        if self.pack != 1:
            raise ValueError(f"StyleGAN's discriminator sees a minibatch standard deviation, not packs: pack must "
                             f"be 1, got {self.pack}")

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The style-based generator and a minibatch-std discriminator at the final resolution (no growing)."""
        return (
            build_style_generator(image_size, channels, latent_dim=latent_dim, width=width),
            build_style_discriminator(image_size, channels, width=width),
        )

    # ------------------------------------------------------------ the parts

    @property
    def num_styles(self):
        """Number of per-layer latents the synthesis network takes."""
        return int(self.generator.get_layer("synthesis").inputs[0].shape[1])

    def w_average(self, network=None):
        """w-bar, the running average of w: the variable in `network`'s (the generator's) truncation layer."""
        return (network or self.generator).get_layer("truncation").w_average

    def mixed_styles(self, count, training=True):
        """`(ws, w1, crossover)`: per-layer latents of `count` images with style mixing regularisation.

        w1 = f(z1) for every layer; with probability `style_mixing_probability` an image
        switches to w2 = f(z2) at a crossover drawn uniformly from [1, num_styles); otherwise
        its crossover is num_styles (w1 alone). No truncation in training.
        """
        mapping = self.generator.get_layer("mapping")
        layers = self.num_styles
        w1 = mapping(self.sample_latent(count), training=training)
        ws1 = ops.repeat(w1[:, None, :], layers, axis=1)
        if self.style_mixing_probability == 0 or layers == 1:
            return ws1, w1, ops.full((count,), layers, "int32")
        w2 = mapping(self.sample_latent(count), training=training)
        mixing = self.random_uniform((count,)) < self.style_mixing_probability
        crossover = ops.where(mixing, self.random_integers((count,), 1, layers), layers)
        ws = style_mixing(ws1, ops.repeat(w2[:, None, :], layers, axis=1), crossover)
        return ws, w1, crossover

    def fake_for(self, real, training=True):
        count = ops.shape(self.images_of(real))[0]
        ws, _, _ = self.mixed_styles(count, training)
        return self.generator.get_layer("synthesis")(ws, training=training), None

    def fake_batch(self, batch_size, training=True):
        ws, _, _ = self.mixed_styles(batch_size, training)
        return self.generator.get_layer("synthesis")(ws, training=training), None

    # ------------------------------------------------------------ training

    def discriminator_step(self, real):
        # Overridden: R1 needs the real images themselves.
        images = self.images_of(real)
        fake, _ = self.fake_batch(ops.shape(images)[0])
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(images, training=True)
            fake_logits = self.discriminator(fake, training=True)
            # non-saturating GAN: D minimises softplus(-D(x)) + softplus(D(G(z)))
            loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
            r1 = self._r1(images)
            # + gamma / 2 E[||grad D(x)||^2], times the interval when it is evaluated lazily
            d_loss = loss + 0.5 * self.r1_gamma * self.r1_interval * r1
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, "r1": r1, "d_real": ops.mean(ops.cast(real_logits, "float32")),
                "d_fake": ops.mean(ops.cast(fake_logits, "float32"))}

    def _r1(self, images):
        if self.r1_gamma == 0:
            return ops.zeros((), "float32")
        if self.r1_interval == 1:
            return losses.r1_penalty(self.discriminator, images)
        due = ops.equal(ops.mod(self.d_optimizer.iterations, self.r1_interval), 0)
        return tf.cond(due, lambda: losses.r1_penalty(self.discriminator, images), lambda: tf.zeros((), "float32"))

    def generator_step(self, real):
        count = ops.shape(self.images_of(real))[0]
        with tf.GradientTape() as tape:
            ws, w1, _ = self.mixed_styles(count)
            fake = self.generator.get_layer("synthesis")(ws, training=True)
            g_loss = losses.non_saturating_generator_loss(self.discriminator(fake, training=True))
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        self.update_averages(w1, count)
        return {"g_loss": g_loss}

    def update_averages(self, w, count):
        """After a generator update: w-bar towards this batch's mean w, the EMA generator towards G."""
        average = self.w_average()
        # w_avg <- lerp(mean(w), w_avg, 0.995) (the authors' dlatent_avg_beta)
        batch_mean = ops.mean(ops.cast(w, "float32"), axis=0)
        average.assign(self.w_average_decay * average + (1.0 - self.w_average_decay) * batch_mean)
        # beta = 0.5 ** (batch / half-life) (the authors' G_smoothing_kimg = 10)
        decay = ops.power(0.5, ops.cast(count, "float32") / self.ema_half_life)
        update_ema(self.ema_generator, self.generator, decay)
        # w-bar is a statistic, not a weight: the average generator uses the generator's own
        # (the authors' moving average copies non-trainable variables).
        self.w_average(self.ema_generator).assign(average)

    # ------------------------------------------------------------ sampling

    def generate(self, z, labels=None, batch_size=256, seed=None, truncation_psi=1.0):
        """Images from the EMA generator, with the truncation trick; see `BaseGAN.generate`.

        Args:
            truncation_psi: psi of `w' = w-bar + psi (w - w-bar)` on the first
                `truncation_cutoff` styles: 1 (the default) is no truncation, 0 the average
                image, 0.7 the authors' choice for pictures.
        """
        psi = _validation.number("truncation_psi", truncation_psi)
        if labels is not None:
            raise ValueError(f"StyleGAN is unconditional: generate takes no labels, got {labels!r}")
        z = self.draw_inputs(int(z), seed) if isinstance(z, (int, np.integer)) and not isinstance(z, bool) else z
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (N, {self.latent_dim}), got {z.shape}")
        network = self.sampling_generator
        parts = [network([z[i : i + batch_size], np.full(len(z[i : i + batch_size]), psi, "float32")], training=False)
                 for i in range(0, len(z), batch_size)]
        return np.concatenate([ops.convert_to_numpy(part) for part in parts]).astype("float32")

    def serving_specs(self):
        """`z` (N, latent_dim) and one `truncation_psi` per image (N,), both float32."""
        return [tf.TensorSpec((None, self.latent_dim), tf.float32, name="z"),
                tf.TensorSpec((None,), tf.float32, name="truncation_psi")]

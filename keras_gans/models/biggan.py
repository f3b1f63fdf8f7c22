"""BigGAN: SAGAN scaled up, with a hierarchical latent, orthogonal regularisation, an EMA generator and truncation."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._ema import ema_copy, update_ema
from keras_gans.models.sagan import SAGAN
from keras_gans.networks import build_residual_discriminator, build_residual_generator

# The layer of `build_residual_generator` that orthogonal regularisation leaves out (BigGAN-PyTorch
# blacklists G.shared's parameters in its `ortho` call).
SHARED_EMBEDDING = "shared_embedding"


@keras.saving.register_keras_serializable(package="keras_gans")
class BigGAN(SAGAN):
    """SAGAN with BigGAN's changes for scale: hierarchical latent, shared embedding, orthogonal regularisation, EMA, truncation.

    The generator is residual with one self-attention block; its conditional batch
    norms take [z chunk, shared class embedding]: z is split into one chunk per
    residual block plus one for the input layer, so that the latent reaches every
    resolution directly, and one class embedding is shared by every block instead of
    a gain and a bias table per layer (Brock et al., Sec. 3 and Appendix B). Both
    networks are spectrally normalised; the discriminator projects (as SAGAN's);
    the loss is the hinge loss. The generator's loss adds orthogonal regularisation
    `beta * sum ||W^T W ⊙ (1 - I)||_F^2` over its kernels (shared embedding left
    out; `keras_gans.losses.orthogonal_regularization`), which the paper found
    makes the generator smooth enough for the truncation trick. An exponential
    moving average of the generator's weights (decay 0.9999, after `ema_start`
    generator updates; before that it copies the generator) is what `generate`,
    the callbacks and export sample with.

    Truncation: `generate(n, labels, truncation=t)` redraws every latent value
    whose magnitude exceeds t until it does not, i.e. draws z from N(0, 1)
    conditioned on |z| <= t per value. Smaller t trades variety for fidelity
    (Sec. 3.1). The exported `serve` signature takes `z`, `labels` and a scalar
    `truncation` (values of z above it are redrawn in the graph; pass a large
    value, e.g. 1e9, for none).

    Short runs: the defaults are the paper's, for batch 2,048 and ~200,000 steps. On
    the embedded digits (16 px, batch 64, 1,500 generator steps) they reached 0.41
    label accuracy; SAGAN's optimizers and one critic step (the rates and critic
    steps of BigGAN-PyTorch's own ImageNet scripts), with `ema_decay=0.9867` and
    `ema_start=150` (the paper's EMA window and start as shares of the run),
    reached 0.991 and Frechet 3.80, the raw generator 7.36; at 3,000 steps 0.996
    and 1.57 (BENCHMARKS.md, "SAGAN and BigGAN").

    Metrics: `d_loss`, `g_loss` (orthogonal penalty included), `d_real`, `d_fake`,
    `orthogonal` (the penalty).

    Args:
        generator: `[z (N, latent_dim), labels (N,) int32]` -> images in [-1, 1], e.g.
            `build_residual_generator(..., hierarchical=True)`.
        discriminator: `[images, labels]` -> (N, 1) scores, without batch norm, e.g.
            `build_residual_discriminator`.
        num_classes: number of classes K, an int >= 2.
        orthogonal_weight: beta of the orthogonal regularisation (1e-4), >= 0.
        ema_decay: weight of the old average per generator update, in [0, 1) (0.9999).
        ema_start: generator updates before averaging starts (BigGAN-PyTorch's
            `ema_start`, 20,000 in its ImageNet scripts), >= 0.
        critic_steps: discriminator updates per generator update (2 in the paper).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and label draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = BigGAN(*BigGAN.default_networks(16, 1, latent_dim=6, width=4, num_classes=3), num_classes=3, seed=0)
    >>> model.compile()  # D: Adam(2e-4, 0, 0.999), G: Adam(5e-5, 0, 0.999)
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> sorted(model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0).history)
    ['d_fake', 'd_loss', 'd_real', 'g_loss', 'orthogonal']
    >>> model.generate(3, labels=[0, 1, 2], truncation=0.5, seed=0).shape
    (3, 16, 16, 1)

    Reference:
        Brock, Donahue, Simonyan. "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019. https://arxiv.org/abs/1809.11096
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "orthogonal")
    state_networks = ("ema_generator",)
    sampling_network = "ema_generator"
    config_keys = ("orthogonal_weight", "ema_decay", "ema_start")

    # Brock et al., Appendix C: SAGAN's setting with the learning rates halved (D 2e-4, G 5e-5),
    # two D steps per G step, Adam(beta_1 = 0, beta_2 = 0.999); z of 120 (20 per slot at 128 px)
    # and a shared embedding of 128 (BigGAN-PyTorch's launch scripts); 64 channels (its default ch).
    defaults = Defaults(
        latent_dim=120, width=64, critic_steps=2, optimizer=adam(5e-5, beta_1=0.0, beta_2=0.999),
        optimizers=(("d_optimizer", adam(2e-4, beta_1=0.0, beta_2=0.999)),),
    )

    def __init__(
        self, generator, discriminator, *, orthogonal_weight=1e-4, ema_decay=0.9999, ema_start=20000, **kwargs
    ):
        super().__init__(generator, discriminator, **kwargs)
        self.orthogonal_weight = _validation.number("orthogonal_weight", orthogonal_weight, low=0.0)
        self.ema_decay = _validation.number("ema_decay", ema_decay, low=0.0, high=1.0, high_open=True)
        self.ema_start = _validation.non_negative_int("ema_start", ema_start)
        self.ema_generator = ema_copy(generator)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generator, discriminator)`: residual nets with self-attention; hierarchical latent, shared embedding in G."""
        return (
            build_residual_generator(image_size, channels, latent_dim, num_classes, width=width, hierarchical=True),
            build_residual_discriminator(image_size, channels, num_classes=num_classes, width=width),
        )

    def regularized_kernels(self):
        """The generator's trainable weights of two or more axes, but the shared embedding's."""
        return [v for v in self.generator.trainable_variables if len(v.shape) >= 2 and SHARED_EMBEDDING not in v.path]

    def generator_loss(self, outputs, fake_labels):
        g_loss, metrics = super().generator_loss(outputs, fake_labels)
        # R_beta(W) = beta ||W^T W ⊙ (1 - I)||_F^2 (Brock et al., Eq. 3), summed over G's kernels.
        penalty = losses.orthogonal_regularization(self.regularized_kernels(), beta=self.orthogonal_weight)
        return g_loss + penalty, {**metrics, "orthogonal": penalty}

    def generator_step(self, real):
        metrics = super().generator_step(real)
        # a <- decay a + (1 - decay) w after each G update; a copy of G before ema_start updates.
        update_ema(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations, self.ema_start)
        return metrics

    # ----------------------------------------------------------------- truncation

    def generate(self, z, labels=None, batch_size=256, seed=None, truncation=None):
        """`SamplingMixin.generate` with the EMA generator, and the truncation trick when `truncation` is set.

        With `truncation=t` (> 0) every value of z (drawn, for an int `z`, with
        `seed`) whose magnitude exceeds t is redrawn from N(0, 1) until it does not
        (`truncate_latents`); None samples z as it is.
        """
        if truncation is not None:
            rng = np.random.default_rng(seed)
            if isinstance(z, (int, np.integer)) and not isinstance(z, bool):
                z = self.draw_inputs(int(z), seed)
            z = truncate_latents(z, truncation, rng)
        return super().generate(z, labels, batch_size=batch_size, seed=seed)

    def serving_specs(self):
        return super().serving_specs() + [tf.TensorSpec((), tf.float32, name="truncation")]

    def serving_inputs(self, inputs):
        z, labels, truncation = inputs
        return [_truncate_in_graph(z, truncation), labels]


def truncate_latents(z, truncation, rng=None):
    """`z` with every value of magnitude above `truncation` redrawn from N(0, 1) until it is not.

    The result is distributed as N(0, 1) conditioned on |z| <= t per value (BigGAN's
    truncation trick, Sec. 3.1); values already within [-t, t] are kept.

    Args:
        z: latents, an array of any shape.
        truncation: t, a finite number > 0.
        rng: a `numpy.random.Generator` (or a seed) for the redraws.

    Returns:
        A float32 array of `z`'s shape with every |value| <= t.

    Example:
    >>> z = np.array([[0.1, -3.0, 2.5]], "float32")
    >>> out = truncate_latents(z, 1.0, rng=0)
    >>> float(out[0, 0]), bool(np.abs(out).max() <= 1.0)
    (0.10000000149011612, True)
    """
    truncation = _validation.number("truncation", truncation, low=0.0, low_open=True)
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    z = np.array(z, dtype="float32")
    outside = np.abs(z) > truncation
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum())).astype("float32")
        outside = np.abs(z) > truncation
    return z


def _truncate_in_graph(z, truncation):
    """`truncate_latents` inside an exported graph: redraw the values above `truncation` until none is."""
    truncation = ops.cast(truncation, z.dtype)
    tf.debugging.assert_positive(truncation, message="truncation must be > 0")

    def redraw(z):
        return ops.where(ops.abs(z) > truncation, tf.random.normal(tf.shape(z), dtype=z.dtype), z)

    return tf.while_loop(lambda z: ops.any(ops.abs(z) > truncation), redraw, [z])[0]

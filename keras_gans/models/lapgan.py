"""LAPGAN: a Laplacian pyramid of generative adversarial networks (Denton et al. 2015)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses, pyramid
from keras_gans.models._defaults import Defaults
from keras_gans.models.base import BaseGAN, mean_probability, refuse_packing
from keras_gans.networks.pyramid import build_lapgan_networks


@keras.saving.register_keras_serializable(package="keras_gans")
class LAPGAN(BaseGAN):
    """Laplacian pyramid GAN: a GAN per pyramid level, sampled coarse to fine.

    An image is generated as a Laplacian pyramid (`keras_gans.pyramid`). Level 0, the
    coarsest, is an ordinary GAN: G_0(z_0) is a small image. Each finer level k adds the
    detail its coarser image lacks: its generator maps a noise plane z_k and the
    upsampled coarser image l_k = upsample(I_{k-1}) to a residual, I_k = l_k + G_k(z_k,
    l_k) (Eq. 2), and its discriminator judges (residual, l_k) pairs, real residuals
    h_k = I_k - l_k of the training images' pyramids against generated ones. The levels
    train independently, each on the real pyramid's level (as in the paper), in one
    `fit`: one training step updates every level's discriminator, then every level's
    generator. Sampling (`generate`, the GIF callback, export) runs the chain coarse to
    fine from a single latent vector that holds z_0 followed by each finer level's noise
    plane, flattened, so that an image is a function of its latent; the final image is
    clipped to [-1, 1] (a sum of residuals is unbounded).

    Each level is a pair of players with its own optimizers: level 0's networks are
    `generator` / `discriminator` with `g_optimizer` / `d_optimizer`, level k's are
    `generator_k` / `discriminator_k` with `g_optimizer_k` / `d_optimizer_k` (the
    players are declared per instance, as the number of levels follows the image size).
    Losses: the minimax discriminator loss and the non-saturating generator loss at
    every level (the paper's objective, Eq. 1, with logits).

    Metrics: `d_loss`, `g_loss` (sums over the levels), and per level k `d_loss_k`,
    `g_loss_k`, `d_real_k`, `d_fake_k` (mean sigmoid of the discriminator's logits).

    Defaults (`default_networks`): `keras_gans.networks.build_lapgan_networks`, levels
    halving the image down to 8 px (the paper's CIFAR-10 coarsest level), and
    Adam(2e-4, beta_1=0.5) for every player. The paper trained with SGD (learning rate
    0.02 with decay, momentum 0.5 rising to 0.8); Adam is the setting this package's
    other convolutional GANs use and trains reliably at these sizes.

    Args:
        generators: the levels' generators, coarse to fine: level 0 from z (N, latent) to
            (N, s_0, s_0, C) in [-1, 1]; level k from `[noise (N, s_k, s_k, 1), coarse
            (N, s_k, s_k, C)]` to residuals (N, s_k, s_k, C), s_k = 2 s_{k-1}.
        discriminators: the levels' discriminators, coarse to fine: level 0 from images
            to (N, 1) logits, level k from `[residuals, coarse]` to (N, 1) logits.
        critic_steps: discriminator updates per generator update at every level.
        latent_dim: size of the whole latent (z_0 and the noise planes); inferred when None.
        seed: seed of the noise draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = LAPGAN(*LAPGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    >>> model.levels, model.latent_dim  # z_0 of 8 and a 16x16 noise plane
    (2, 264)
    >>> model.compile()
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> history = model.fit(images, batch_size=4, verbose=0)
    >>> model.generate(3, seed=0).shape
    (3, 16, 16, 1)

    Reference:
        Denton, Chintala, Szlam, Fergus. "Deep Generative Image Models using a Laplacian
        Pyramid of Adversarial Networks", NeurIPS 2015.
    """

    defaults = Defaults(latent_dim=100, width=64)

    def __init__(self, generators, discriminators, **kwargs):
        generators, discriminators = list(generators), list(discriminators)
        refuse_packing(type(self).__name__, kwargs)
        if not generators or len(generators) != len(discriminators):
            raise ValueError(
                f"LAPGAN needs one generator and one discriminator per level, coarse to fine; got "
                f"{len(generators)} generators and {len(discriminators)} discriminators"
            )
        # Before the sampler chain is built from them (BaseGAN.__init__ infers latent_dim from it).
        _check_levels(generators, discriminators)
        # Before BaseGAN.__init__, which reads the players and makes one tracker per metric name.
        self.levels = len(generators)
        self.players = BaseGAN.players + tuple(
            pair for k in range(1, self.levels) for pair in ((f"discriminator_{k}", f"d_optimizer_{k}"),
                                                             (f"generator_{k}", f"g_optimizer_{k}"))
        )
        self.metric_names = ("d_loss", "g_loss") + tuple(
            f"{name}_{k}" for k in range(self.levels) for name in ("d_loss", "g_loss", "d_real", "d_fake")
        )
        finer = {}
        for k in range(1, self.levels):
            finer[f"generator_{k}"], finer[f"discriminator_{k}"] = generators[k], discriminators[k]
        super().__init__(generators[0], discriminators[0], **finer, **kwargs)

    # ------------------------------------------------------------- the levels

    @property
    def generators(self):
        """The levels' generators, coarse to fine."""
        return [self.generator] + [getattr(self, f"generator_{k}") for k in range(1, self.levels)]

    @property
    def discriminators(self):
        """The levels' discriminators, coarse to fine."""
        return [self.discriminator] + [getattr(self, f"discriminator_{k}") for k in range(1, self.levels)]

    def level_optimizers(self, k):
        """`(discriminator optimizer, generator optimizer)` of level k, after `compile`."""
        suffix = f"_{k}" if k else ""
        return getattr(self, f"d_optimizer{suffix}"), getattr(self, f"g_optimizer{suffix}")

    @property
    def data_shape(self):
        return tuple(self.generators[-1].outputs[0].shape[1:])

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generators, discriminators)` of `build_lapgan_networks`: levels from 8 px up to `image_size`.

        The sizes are the package's (4-7 times a power of two, what its datasets deliver), though
        the fully connected coarsest level alone could take any.
        """
        return build_lapgan_networks(_validation.image_size(image_size), channels, latent_dim, width)

    @classmethod
    def option_names(cls):
        return [name for name in super().option_names() if name not in ("generators", "discriminators")]

    # ----------------------------------------------------------------- sampling

    @property
    def sampling_generator(self):
        """The chain coarse to fine: z (z_0, then each level's noise plane, flattened) -> final images."""
        chain = self.__dict__.get("__sampler")
        if chain is None:
            chain = self._build_sampler()
            # Not a tracked attribute: the chain holds the levels' own variables, saved with them.
            object.__setattr__(self, "__sampler", chain)
        return chain

    def noise_sizes(self):
        """The sizes of the latent's parts: z_0, then level k's noise plane (s_k * s_k) for k >= 1."""
        return [self.generator.inputs[0].shape[-1]] + [
            int(np.prod(g.inputs[0].shape[1:])) for g in self.generators[1:]
        ]

    def _build_sampler(self):
        sizes = self.noise_sizes()
        z = keras.Input((sum(sizes),), name="z")
        image = self.generator(z[:, : sizes[0]])
        offset = sizes[0]
        for k, g in enumerate(self.generators[1:], start=1):
            noise = ops.reshape(z[:, offset : offset + sizes[k]], (-1, *g.inputs[0].shape[1:]))
            offset += sizes[k]
            # I_k = l_k + G_k(z_k, l_k), l_k = upsample(I_{k-1})  (Denton et al., Eq. 2)
            coarse = pyramid.upsample(image)
            image = coarse + g([noise, coarse])
        # The levels add unbounded residuals; the samples are images in [-1, 1], as every generator's.
        return keras.Model(z, ops.clip(image, -1.0, 1.0), name="lapgan_sampler")

    def sample_levels(self, z):
        """The images of every level for latents `z` (N, latent_dim), coarse to fine, as numpy arrays.

        Level k's image is upsample(level k-1's) plus level k's generated residual: the
        chain `generate` runs, stopped at each level (for a pyramid figure). The chain runs
        on the unclipped images; each level is returned clipped to [-1, 1], as `generate`
        returns the last.
        """
        z = ops.convert_to_tensor(np.asarray(z, "float32"))
        sizes = self.noise_sizes()
        images = [self.generator(z[:, : sizes[0]], training=False)]
        offset = sizes[0]
        for k, g in enumerate(self.generators[1:], start=1):
            noise = ops.reshape(z[:, offset : offset + sizes[k]], (-1, *g.inputs[0].shape[1:]))
            offset += sizes[k]
            coarse = pyramid.upsample(images[-1])
            images.append(coarse + g([noise, coarse], training=False))
        return [np.clip(ops.convert_to_numpy(image), -1.0, 1.0).astype("float32") for image in images]

    def score(self, images, labels=None):
        """Realness per image (N,): the sum over levels of each discriminator's logit on the image's own pyramid.

        Level 0 judges the image's coarsest low-pass image, level k its residual with the
        upsampled coarser image (inference mode). Used by `BestSamples`.
        """
        if labels is not None:
            raise ValueError(f"LAPGAN is unconditional: score takes no labels, got {labels!r}")
        levels = self.training_pyramid(ops.convert_to_tensor(np.asarray(images, "float32")))
        logits = [ops.reshape(ops.cast(self.level_discriminate(k, target, coarse, training=False), "float32"), (-1,))
                  for k, (target, coarse) in enumerate(levels)]
        return sum(logits)

    # ----------------------------------------------------------------- training

    def training_pyramid(self, images):
        """`[(target, coarse), ...]` per level of real `images`: (I_0, None), then (h_k, upsample(I_{k-1}))."""
        low = pyramid.gaussian_pyramid(ops.cast(images, "float32"), self.levels)
        levels = [(low[0], None)]
        for k in range(1, self.levels):
            coarse = pyramid.upsample(low[k - 1])
            # h_k = I_k - upsample(I_{k-1})  (Eq. 3)
            levels.append((low[k] - coarse, coarse))
        return levels

    def level_fake(self, k, coarse, count, training=True):
        """Level k's generated sample for `count` fresh noises: an image (k = 0) or a residual given `coarse`."""
        g = self.generators[k]
        if k == 0:
            return g(self.random_normal((count, g.inputs[0].shape[-1])), training=training)
        noise = self.random_normal((count, *g.inputs[0].shape[1:]))
        return g([noise, coarse], training=training)

    def level_discriminate(self, k, sample, coarse, training=True):
        d = self.discriminators[k]
        return d(sample, training=training) if k == 0 else d([sample, coarse], training=training)

    def level_discriminator_step(self, k, target, coarse):
        """One update of level k's discriminator on real (target, coarse) against generated; its metrics."""
        count = ops.shape(target)[0]
        fake = self.level_fake(k, coarse, count)
        with tf.GradientTape() as tape:
            real_logits = self.level_discriminate(k, target, coarse)
            fake_logits = self.level_discriminate(k, fake, coarse)
            # -E[log D_k(h_k, l_k)] - E[log(1 - D_k(G_k(z_k, l_k), l_k))]  (Eq. 1 at level k)
            d_loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
        self.apply_gradients(self.level_optimizers(k)[0], d_loss, tape, self.discriminators[k])
        return {f"d_loss_{k}": d_loss, f"d_real_{k}": mean_probability(real_logits),
                f"d_fake_{k}": mean_probability(fake_logits)}

    def level_generator_step(self, k, target, coarse):
        """One update of level k's generator (non-saturating loss); its metrics."""
        count = ops.shape(target)[0]
        with tf.GradientTape() as tape:
            fake = self.level_fake(k, coarse, count)
            # -E[log D_k(G_k(z_k, l_k), l_k)], the non-saturating form
            g_loss = losses.non_saturating_generator_loss(self.level_discriminate(k, fake, coarse))
        self.apply_gradients(self.level_optimizers(k)[1], g_loss, tape, self.generators[k])
        return {f"g_loss_{k}": g_loss}

    def schedule(self, real_batches):
        """Every level's discriminator on each real batch's pyramid, then every level's generator.

        The levels are independent (each sees the real coarser image, never a generated
        one), so their order within a phase does not matter.
        """
        pyramids = [self.training_pyramid(self.images_of(real)) for real in real_batches]
        values = []
        for levels in pyramids:
            steps = [self.level_discriminator_step(k, *level) for k, level in enumerate(levels)]
            values += steps + [{"d_loss": sum(step[f"d_loss_{k}"] for k, step in enumerate(steps))}]
        steps = [self.level_generator_step(k, *level) for k, level in enumerate(pyramids[-1])]
        return values + steps + [{"g_loss": sum(step[f"g_loss_{k}"] for k, step in enumerate(steps))}]

    # ------------------------------------------------------------------- config

    def get_config(self):
        config = super().get_config()
        for name, _ in self.players:
            config.pop(name)
        config["generators"] = [keras.saving.serialize_keras_object(g) for g in self.generators]
        config["discriminators"] = [keras.saving.serialize_keras_object(d) for d in self.discriminators]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generators", "discriminators"):
            config[key] = [keras.saving.deserialize_keras_object(network) for network in config[key]]
        return cls(**config)



def _check_levels(generators, discriminators):
    """Raises a ValueError unless level k generates (2^k s_0)-sided samples from the right inputs."""
    channels = generators[0].outputs[0].shape[-1]
    side = generators[0].outputs[0].shape[1]
    for k, (g, d) in enumerate(zip(generators, discriminators)):
        expected = (side * 2**k, side * 2**k, channels)
        inputs = 1 if k == 0 else 2
        got = tuple(g.outputs[0].shape[1:])
        if got != expected or len(g.inputs) != inputs or len(d.inputs) != inputs:
            raise ValueError(
                f"LAPGAN level {k} must generate (N, {', '.join(map(str, expected))}) from "
                f"{'z' if k == 0 else '[noise, coarse]'} and judge {'images' if k == 0 else '[residual, coarse]'}; "
                f"got a generator of {len(g.inputs)} input(s) to {got} and a discriminator of {len(d.inputs)} input(s)"
            )

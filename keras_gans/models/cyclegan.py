"""CycleGAN: unpaired image-to-image translation with cycle consistency (Zhu et al. 2017)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.layers import ImagePool
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._input_checks import assert_image_values
from keras_gans.models._lr_schedule import ConstantThenLinearDecay
from keras_gans.models.base import BaseGAN
from keras_gans.networks import build_patch_discriminator, build_resnet_generator

DIRECTIONS = ("a_to_b", "b_to_a")
# Zhu et al. Sec. 4: Adam with learning rate 2e-4 and beta_1 = 0.5 for every network.
LEARNING_RATE, BETA_1 = 2e-4, 0.5


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(BaseGAN):
    """CycleGAN: two generators G: X -> Y and F: Y -> X, each the other's inverse.

    Without pairs, a translator G fooled into producing images of Y could map every x to
    the same y. CycleGAN trains the inverse F alongside it and asks each round trip to
    return the input: F(G(x)) ~ x and G(F(y)) ~ y (cycle consistency, Eq. 2), so a
    translation must keep what it needs to be undone. Discriminators D_Y and D_X judge
    patches of real and translated images with the least-squares loss (Eq. 1 with
    Mao et al.'s squares), and are trained on a pool of the last 50 translations.

    The full objective of the generators (Eq. 3, plus the identity term of Sec. 5.2):
    L = E[(D_Y(G(x)) - 1)^2] + E[(D_X(F(y)) - 1)^2]
        + lambda (E|F(G(x)) - x| + E|G(F(y)) - y|)
        + identity_weight * lambda (E|G(y) - y| + E|F(x) - x|);
    each discriminator minimises 1/2 (E[(D(real) - 1)^2] + E[D(pooled fake)^2]).

    Data: `(x_a, x_b)` batches, unpaired (`keras_gans.data.load_domains`). One step updates
    G and F on the batch, then D_Y and D_X on the real images and pooled translations.

    Metrics: `g_loss` and `f_loss` (G's and F's least-squares adversarial terms), `cycle`
    and `identity` (the two directions' L1 terms summed, before their weights),
    `dy_loss` and `dx_loss` (the discriminators' losses).

    Args:
        generator: G, a `keras.Model` from domain A images to domain B images.
        discriminator: D_Y, images of B -> patch scores (linear).
        inverse_generator: F, B -> A.
        discriminator_x: D_X, images of A -> patch scores.
        cycle_weight: lambda of the cycle-consistency terms (10 in the paper).
        identity_weight: the identity terms' weight as a fraction of lambda (0.5 in the
            authors' code; 0 turns them off).
        pool_size: translations each discriminator's pool keeps (50); 0 trains on the
            latest only.
        total_steps: with a value, the learning rate decays linearly to 0 at this step
            (`ConstantThenLinearDecay`, in the default optimizers); None keeps it constant.
        decay_start_step: the step the decay begins; None: half of `total_steps`.
        seed: seed of the pool draws.
        **kwargs: passed to `BaseGAN` / `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans.data import digit_domains
    >>> model = CycleGAN(*CycleGAN.default_networks(image_size=16, channels=1, width=4), seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for G, F, D_Y and D_X
    >>> history = model.fit(digit_domains(image_size=16, batch_size=2).take(2), verbose=0)
    >>> sorted(history.history)
    ['cycle', 'dx_loss', 'dy_loss', 'f_loss', 'g_loss', 'identity']
    >>> import numpy as np
    >>> model.translate(np.zeros((3, 16, 16, 1), "float32"), direction="b_to_a").shape
    (3, 16, 16, 1)

    Reference:
        Zhu, Park, Isola, Efros. "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017. https://arxiv.org/abs/1703.10593
    """

    players = (
        ("discriminator", "d_optimizer"),
        ("generator", "g_optimizer"),
        ("inverse_generator", "f_optimizer"),
        ("discriminator_x", "dx_optimizer"),
    )
    generator_input = "images"
    two_domains = True
    metric_names = ("g_loss", "f_loss", "cycle", "identity", "dy_loss", "dx_loss")
    config_keys = ("cycle_weight", "identity_weight", "pool_size", "total_steps", "decay_start_step")
    defaults = Defaults(width=64, optimizer=adam(LEARNING_RATE, beta_1=BETA_1))

    def __init__(
        self, generator, discriminator, inverse_generator=None, discriminator_x=None, *, cycle_weight=10.0,
        identity_weight=0.5, pool_size=50, total_steps=None, decay_start_step=None, **kwargs
    ):
        super().__init__(
            generator, discriminator, inverse_generator=inverse_generator, discriminator_x=discriminator_x, **kwargs
        )
        self.cycle_weight = _validation.number("cycle_weight", cycle_weight, low=0)
        self.identity_weight = _validation.number("identity_weight", identity_weight, low=0)
        self.pool_size = _validation.non_negative_int("pool_size", pool_size)
        self.total_steps = _validation.positive_int("total_steps", total_steps, allow_none=True)
        self.decay_start_step = _validation.non_negative_int("decay_start_step", decay_start_step, allow_none=True)
        if self.total_steps is not None:
            ConstantThenLinearDecay(LEARNING_RATE, self.total_steps, self.decay_start_step)  # checks the pair
        elif self.decay_start_step is not None:
            raise ValueError(f"decay_start_step={self.decay_start_step} needs total_steps (the step the rate reaches 0)")
        shape = tuple(self.generator.outputs[0].shape[1:])
        # pool_y holds translations G(x) for D_Y, pool_x holds F(y) for D_X.
        self.pool_y = ImagePool(shape, self.pool_size, name="pool_y")
        self.pool_x = ImagePool(shape, self.pool_size, name="pool_x")

    def check_networks(self):
        shapes = {
            "generator": (self.generator.inputs[0].shape[1:], self.generator.outputs[0].shape[1:]),
            "inverse_generator": (self.inverse_generator.inputs[0].shape[1:], self.inverse_generator.outputs[0].shape[1:]),
            "discriminator": (self.discriminator.inputs[0].shape[1:],),
            "discriminator_x": (self.discriminator_x.inputs[0].shape[1:],),
        }
        found = {tuple(s) for pair in shapes.values() for s in pair}
        if len(found) != 1 or any(len(getattr(self, name).inputs) != 1 for name in shapes):
            raise ValueError(
                "CycleGAN's four networks must each take one image input of the same shape, and the generators "
                f"output it: got {', '.join(f'{k} {[tuple(s) for s in v]}' for k, v in shapes.items())}"
            )

    @property
    def discriminator_y(self):
        """D_Y, the discriminator of domain B (the base's `discriminator`)."""
        return self.discriminator

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(G, D_Y, F, D_X)`: ResNet generators (6 blocks below 256 px, 9 from it) and PatchGAN discriminators."""
        return (
            build_resnet_generator(image_size, channels, width, name="generator"),
            build_patch_discriminator(image_size, channels, width, name="discriminator_y"),
            build_resnet_generator(image_size, channels, width, name="inverse_generator"),
            build_patch_discriminator(image_size, channels, width, name="discriminator_x"),
        )

    def default_optimizers(self):
        """Adam(2e-4, 0.5) for each player; with `total_steps`, on the constant-then-linear schedule."""
        if self.total_steps is None:
            return super().default_optimizers()
        return tuple(
            keras.optimizers.Adam(
                ConstantThenLinearDecay(LEARNING_RATE, self.total_steps, self.decay_start_step), beta_1=BETA_1
            )
            for _ in self.players
        )

    # -------------------------------------------------------------------- training

    def schedule(self, real_batches):
        values, fakes = [], None
        for i, real in enumerate(reversed(real_batches)):
            x, y = self.domains_of(real)
            if i == 0:  # the generators' update on the last batch, then the discriminators' on its translations
                generator_values, fakes = self.generators_step(x, y)
                values.append(generator_values)
            else:  # further critic steps' batches: fresh translations, no generator update
                fakes = (self.generator(x, training=True), self.inverse_generator(y, training=True))
            values.append(self.discriminators_step(x, y, *fakes))
        return values

    def domains_of(self, real):
        """`(x_a, x_b)` of a batch, the second checked as the base checks the first."""
        if not isinstance(real, (tuple, list)) or len(real) < 2:
            raise ValueError(
                "CycleGAN trains on unpaired (x_a, x_b) batches, e.g. keras_gans.data.load_domains('digits-domains')"
            )
        self.check_images(real[1])
        return real[0], assert_image_values(real[1])

    def generators_step(self, x, y):
        """One update of G and F on the full objective; returns metrics and the translations `(G(x), F(y))`."""
        with tf.GradientTape(persistent=True) as tape:
            fake_y = self.generator(x, training=True)
            fake_x = self.inverse_generator(y, training=True)
            # Least squares towards "real" (Eq. 1 with Mao et al.'s squares); the authors' MSELoss has no
            # 1/2, so Mao's 1/2 is undone and lambda weighs the cycle against the full adversarial term.
            g_loss = 2.0 * losses.least_squares_generator_loss(self.discriminator(fake_y, training=True))
            f_loss = 2.0 * losses.least_squares_generator_loss(self.discriminator_x(fake_x, training=True))
            # Eq. 2: E|F(G(x)) - x| + E|G(F(y)) - y|
            cycle = losses.cycle_consistency_loss(x, self.inverse_generator(fake_y, training=True)) + \
                losses.cycle_consistency_loss(y, self.generator(fake_x, training=True))
            total = g_loss + f_loss + self.cycle_weight * cycle
            if self.identity_weight > 0:
                # Sec. 5.2: G(y) ~ y and F(x) ~ x
                identity = losses.identity_loss(y, self.generator(y, training=True)) + \
                    losses.identity_loss(x, self.inverse_generator(x, training=True))
                total = total + self.identity_weight * self.cycle_weight * identity
            else:
                identity = ops.zeros(())
        self.apply_gradients(self.g_optimizer, total, tape, self.generator)
        self.apply_gradients(self.f_optimizer, total, tape, self.inverse_generator)
        del tape
        metrics = {"g_loss": g_loss, "f_loss": f_loss, "cycle": cycle, "identity": identity}
        return metrics, (ops.stop_gradient(fake_y), ops.stop_gradient(fake_x))

    def discriminators_step(self, x, y, fake_y, fake_x):
        """One update of D_Y and D_X on real images and pooled translations; returns metrics."""
        pooled_y, pooled_x = self._pooled(self.pool_y, fake_y), self._pooled(self.pool_x, fake_x)
        values = {}
        for name, network, optimizer, real, fake in (
            ("dy_loss", self.discriminator, self.d_optimizer, y, pooled_y),
            ("dx_loss", self.discriminator_x, self.dx_optimizer, x, pooled_x),
        ):
            with tf.GradientTape() as tape:
                # 1/2 (E[(D(real) - 1)^2] + E[D(fake)^2]), the authors' (loss_real + loss_fake) * 0.5
                loss = losses.least_squares_discriminator_loss(network(real, training=True), network(fake, training=True))
            self.apply_gradients(optimizer, loss, tape, network)
            values[name] = loss
        return values

    def _pooled(self, pool, fakes):
        if self.pool_size == 0:
            return fakes
        count = ops.shape(fakes)[0]
        return pool.query(fakes, self.random_uniform((count,)), self.random_integers((count,), 0, self.pool_size))

    # ------------------------------------------------------------------ translating

    def translate(self, images, direction="a_to_b", batch_size=256):
        """Translated images, float32 numpy in [-1, 1]: by G ("a_to_b") or F ("b_to_a"), in inference mode.

        For `keras_gans.metrics.evaluate_translation`, whose target domain 1 is B:
        `lambda x, t: model.translate(x, ("b_to_a", "a_to_b")[t])`.
        """
        direction = _validation.one_of("direction", direction, DIRECTIONS)
        return self.generate(images, batch_size=batch_size) if direction == "a_to_b" else \
            self.inverse().generate(images, batch_size=batch_size)

    def translation_columns(self, images, labels=None):
        """`[("translated", ...), ("round trip", ...)]` of images of A (label 0) and B (label 1).

        An image of A shows G(x) and F(G(x)), one of B F(y) and G(F(y)); `labels` None: all of A.
        The GIF callback's columns (`keras_gans.callbacks.FixedNoiseGIF`).
        """
        images = np.asarray(images, "float32")
        if labels is not None and (np.shape(labels) != (len(images),) or not np.isin(labels, (0, 1)).all()):
            raise ValueError(f"labels must be {len(images)} domains, 0 (A) or 1 (B), got {labels!r}")
        of_b = np.zeros(len(images), bool) if labels is None else np.asarray(labels) == 1
        forward, back = np.empty_like(images), np.empty_like(images)
        for rows, there, home in ((~of_b, "a_to_b", "b_to_a"), (of_b, "b_to_a", "a_to_b")):
            if rows.any():
                forward[rows] = self.translate(images[rows], there)
                back[rows] = self.translate(forward[rows], home)
        return [("translated", forward), ("round trip", back)]

    def inverse(self):
        """The same networks as a CycleGAN from B to A (F and D_X first), e.g. to export F.

        The networks are shared, not copied: training either model trains both.
        """
        inverse = self.__dict__.get("_inverse_model")
        if inverse is None:
            inverse = CycleGAN(
                self.inverse_generator, self.discriminator_x, self.generator, self.discriminator,
                cycle_weight=self.cycle_weight, identity_weight=self.identity_weight, pool_size=0,
                name=f"{self.name}_inverse",
            )
            object.__setattr__(self, "_inverse_model", inverse)  # not tracked: its networks are ours
        return inverse

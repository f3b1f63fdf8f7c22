"""BaseGAN: the training schedule every variant shares, and the hooks a variant overrides."""

import inspect

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation
from keras_gans.models import _batching
from keras_gans.models._defaults import Defaults
from keras_gans.models._input_checks import InputChecksMixin, check_fit_arguments
from keras_gans.models._noise import NoiseMixin
from keras_gans.models._players import PlayersMixin
from keras_gans.models._sampling import SamplingMixin
from keras_gans.networks import packing


class BaseGAN(PlayersMixin, NoiseMixin, InputChecksMixin, SamplingMixin, keras.Model):
    """Base class of the GAN variants: players, their updates, and Algorithm 1's schedule.

    A player is a network trained by its own optimizer: the discriminator
    (`d_optimizer`) and the generator (`g_optimizer`) for most variants; a variant may
    declare more in `players` (a classifier, a second generator/discriminator pair), and
    keep networks or variables that no optimizer trains (an EMA copy of a network, a
    control variable) as attributes created in its `__init__`. `compile`, `.keras`
    save/load, `BackupAndRestore`, mixed precision and distribution handle every player.

    A variant states its losses in `discriminator_loss` and `generator_loss` (or
    overrides `discriminator_step` / `generator_step`, or `schedule` for more players);
    this class runs each step: `critic_steps` discriminator updates, each on its own
    real batch, then one generator update. So that every update sees fresh data while
    `fit` stays the way to train, `fit` hands `train_step` the next `critic_steps`
    batches at once (one Keras step is one generator step; an epoch is still one pass
    over the data) and `train_step` slices them apart.

    What the generator consumes is a variant's choice (`generator_input`): latents z
    (with class labels when conditional) or, for an image-to-image model, images (with
    target labels when conditional). Training (`generator_inputs`), `generate`,
    `draw_inputs` (the fixed inputs of the GIF callback) and `serving_specs` (export)
    follow it.

    Args:
        generator: a `keras.Model` from latents (N, latent_dim) to images, from
            `[z, labels]` when `num_classes` is set, or from images for an
            image-to-image variant.
        discriminator: a `keras.Model` from images (or `[images, labels]`) to
            scores (N, 1) (the critic).
        critic_steps: discriminator updates per generator update, >= 1; None takes
            the variant's default.
        latent_dim: size of z; inferred from the generator's input when None.
        num_classes: number of classes of a conditional model; None if unconditional.
        seed: seed of the latent, label and mixing-weight draws in `train_step`.
        pack: samples per discriminator input (PacGAN, Lin et al. 2018), >= 1. With
            m > 1 the discriminator judges m real or m generated samples concatenated
            along their last axis (`keras_gans.networks.packing`), wherever it is
            called; build it for packs (`build_mlp_discriminator(..., pack=m)`,
            `build_critic(..., pack=m)`). Batch sizes must be multiples of m.
            Unconditional variants only.
        class_names: one name per class of a conditional model, in label order (e.g.
            from `keras_gans.data.dataset_info`); saved with the model and its export,
            so that samples and captions can name classes.
        **kwargs: the networks of further players, by their names in `players`, and
            the rest for `keras.Model` (e.g. `name`).
    """

    # The networks an optimizer trains, each with the attribute of its optimizer, in the
    # order `compile` and `default_optimizers` take them. Every one is a constructor argument.
    players = (("discriminator", "d_optimizer"), ("generator", "g_optimizer"))
    # The keys `train_step` returns, each a `keras.metrics.Mean` tracker.
    metric_names = ("d_loss", "g_loss")
    # Groups of metrics a loss plot draws on panels of their own (`LossPlot(panels=...)`), for
    # metrics of other units than the losses; None: the losses, then the rest.
    metric_panels = None
    # Networks that no optimizer trains but that are saved and restored with the model (an
    # EMA copy of the generator): attributes the variant's `__init__` creates.
    state_networks = ()
    # The network that `generate` and export run: "generator", or a state network holding an
    # average of its weights ("ema_generator", see `keras_gans.models._ema`).
    sampling_network = "generator"
    # Option attributes stored in the config as they are (constructor argument = attribute).
    config_keys = ()
    # The variant's paper's settings (see `Defaults`).
    defaults = Defaults()
    # "latent" (z, and labels when conditional) or "images" (an image-to-image model).
    generator_input = "latent"
    # True for the variants that cannot run without labels (cGAN, ACGAN, projection; StackGAN, whose
    # labels index a table of class embeddings unless it is given embeddings in their place).
    conditional = False
    # True for the variants that learn from labelled and unlabelled images at once (Triple-GAN):
    # each batch is (labelled images, labels, unlabelled images), e.g. from
    # `keras_gans.data.digits(labels_per_class=K)`; the command line and the tests feed them so.
    semi_supervised = False
    # True for the variants trained on unpaired (x_a, x_b) batches of two image domains (CycleGAN).
    two_domains = False
    # Set by variants whose discriminator has no batch statistics (no batch norm): one call on
    # real and fake concatenated, so that layers that update state on each training call
    # (spectral norm's power iteration) advance once per update.
    joint_discriminator_call = False
    # Set by variants whose generator loss also needs D(x) (relativistic losses).
    generator_loss_needs_real = False
    # Whether the generator phase runs the discriminator in training mode (batch statistics
    # of the fakes, as DCGAN does); SNGAN turns it off so the phase leaves the
    # discriminator's spectral-norm state alone.
    discriminator_training_in_generator_step = True

    def __init__(
        self, generator, discriminator, *, critic_steps=None, latent_dim=None, num_classes=None, seed=None,
        pack=1, class_names=None, **kwargs
    ):
        networks = {"generator": generator, "discriminator": discriminator}
        networks.update({name: kwargs.pop(name, None) for name, _ in self.players if name not in networks})
        super().__init__(**kwargs)
        for role, network in networks.items():
            if not isinstance(network, keras.Model):
                raise TypeError(f"{role} must be a keras.Model, got {type(network).__name__}")
            setattr(self, role, network)
        critic_steps = self.defaults.critic_steps if critic_steps is None else critic_steps
        self.critic_steps = _validation.positive_int("critic_steps", critic_steps)
        self.latent_dim = self._check_latent_dim(latent_dim)
        self.num_classes = self._check_conditioning(num_classes)
        self.class_names = self._check_class_names(class_names)
        self.pack = self._check_pack(pack)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        # The networks arrive built; without this `fit` would try to build the wrapper.
        self.built = True
        self.check_networks()

    def check_networks(self):
        """Raises a ValueError when the networks do not fit the variant (called by `__init__`)."""

    def networks(self):
        """`{name: network}` of every player, then of the networks no optimizer trains."""
        names = ["generator", "discriminator"] + [name for name, _ in self.players] + list(self.state_networks)
        return {name: getattr(self, name) for name in dict.fromkeys(names)}

    @property
    def critic(self):
        """The discriminator, by its Wasserstein name."""
        return self.discriminator

    @property
    def data_shape(self):
        """The shape of one real sample (the discriminator takes `pack` of them at once)."""
        return packing.unpacked_shape(self.discriminator.inputs[0].shape[1:], self.pack)

    @property
    def metrics(self):
        # Listing the trackers here makes Keras reset them at each epoch.
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    @classmethod
    def default_networks(cls, image_size=64, channels=3, latent_dim=None, width=None, num_classes=None):
        """`(generator, discriminator)` with the paper's architecture for this image size.

        The command line builds its models with it; `build_networks` says which networks.

        Args:
            image_size: side of the square images: 4..7 times a power of two.
            channels: 1 or 3.
            latent_dim: size of z; None takes the variant's default (`defaults`).
            width: filters of the discriminator's first and the generator's last
                hidden convolution; None takes the variant's default.
            num_classes: number of classes of a conditional variant (None: the
                variant's default); must be None for an unconditional one.
        """
        if cls.conditional:
            num_classes = _validation.num_classes(cls.defaults.num_classes if num_classes is None else num_classes)
        else:
            cls.check_unconditional(num_classes)
        # Checked for every variant, an image-to-image one too (it has no latent and ignores it).
        latent_dim = cls.defaults.latent_dim if latent_dim is None else _validation.positive_int("latent_dim", latent_dim)
        width = cls.defaults.width if width is None else width
        return cls.build_networks(image_size, channels, latent_dim, width, num_classes)

    @classmethod
    def option_names(cls):
        """The constructor's options besides networks, latent_dim, num_classes and seed (for the CLI's --param)."""
        skip = {"self", "seed", "num_classes", "class_names", "latent_dim", "generator", "discriminator"}
        skip |= {name for name, _ in cls.players}
        names = []
        for function in (cls.__init__, BaseGAN.__init__):
            for name, parameter in inspect.signature(function).parameters.items():
                if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY) and name not in skip:
                    names.append(name)
        return list(dict.fromkeys(names))

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """The networks of `default_networks`, all arguments resolved."""
        raise NotImplementedError

    def check_two_input_discriminator(self, output):
        """Raises a ValueError unless the discriminator maps `[images, labels]` to one `output` per image."""
        net = self.discriminator
        if len(net.inputs) != 2 or len(net.outputs) != 1:
            raise ValueError(
                f"{type(self).__name__}'s discriminator must map [images, labels] to one {output} per image, "
                f"got a model with {len(net.inputs)} inputs and {len(net.outputs)} outputs"
            )

    @classmethod
    def check_unconditional(cls, num_classes):
        """Raises a ValueError when an unconditional variant is asked for classes."""
        if num_classes is not None:
            raise ValueError(f"{cls.__name__} is unconditional: num_classes must be None, got {num_classes!r}")

    # --------------------------------------------------------------------- fit

    def fit(self, x=None, y=None, batch_size=None, *args, **kwargs):
        """`keras.Model.fit`, feeding `critic_steps` real batches to each step.

        A `tf.data.Dataset` of batches of B is regrouped into batches of
        `critic_steps * B` (`Dataset.rebatch`, one copy), so each discriminator update
        of Algorithm 1 gets B fresh real images. With `critic_steps > 1`, arrays (with
        `batch_size`, Keras' default 32 when None, and `y` as labels) are first made a
        dataset of full batches, reshuffled each epoch unless `shuffle=False`; with one
        critic step they go to Keras as they are. Everything else is Keras' own `fit`:
        `epochs`, `callbacks`, `steps_per_epoch` (counted in generator steps),
        `initial_epoch`, ...

        Bad input is refused before the first step, naming the value: `epochs`,
        `batch_size`, `steps_per_epoch` that are not positive ints (or an
        `initial_epoch` that leaves no epoch to train); images of the wrong shape, an
        int dtype, or values outside [-1, 1] (arrays are checked whole, NaN and inf
        included; a dataset's element spec up front and each batch's values as the step
        reads them); labels of a conditional model that are not ints in
        [0, num_classes) of shape (N,); a dataset with no batches. A dataset batch that
        breaks the value checks later stops training at that batch with an error naming
        the bad values (under `jit_compile`, which drops assertions from compiled steps,
        a dataset's values are checked in its pipeline); a NaN in a dataset batch makes
        that step's losses NaN, which `NaNGuard` reports. A fit whose data yields not one
        full step raises instead of returning an empty history.
        """
        check_fit_arguments(self, x, y, batch_size, args, kwargs)
        packing.check_pack_batch(batch_size, self.pack)
        self.check_fit_data(x, y)
        # Full batches only where a short last batch could leave a critic update (or a pack) short.
        if (self.critic_steps > 1 or self.pack > 1) and isinstance(x, (np.ndarray, tf.Tensor)):
            x = _batching.array_batches(x, y, batch_size, kwargs.get("shuffle", True), self.seed)
            y = batch_size = None
        if isinstance(x, tf.data.Dataset):
            if self.jit_compile:
                x = self.check_values_in_pipeline(x)
            # A dataset shuffles itself; Keras ignores `shuffle` for it but warns.
            kwargs["shuffle"] = False
            if self.critic_steps > 1:
                x = _batching.group_batches(x, self.critic_steps, self.distribute_strategy.num_replicas_in_sync)
        history = super().fit(x, y, batch_size, *args, **kwargs)
        if history.epoch and not history.history:
            # Keras only warns "Your input ran out of data" and returns an empty history.
            raise ValueError(
                f"fit ran {len(history.epoch)} epoch(s) but not one training step: the data yielded no "
                f"full step (critic_steps={self.critic_steps} batches); use more data or smaller batches"
            )
        return history

    # -------------------------------------------------------------- train step

    def train_step(self, data):
        self.run_noise_step(lambda: self.update_trackers(self.schedule(self.split_real_batches(data))))
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if _multi_worker():
            # Keras 3.15 reduces step outputs across workers with
            # strategy.reduce("MEAN", v, axis=0), which fails on scalars; shape (1,) reduces
            # to the same scalar.
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    def schedule(self, real_batches):
        """One step's updates, a list of `{metric: value}`: Algorithm 1's order.

        `critic_steps` discriminator updates, one per real batch, then one generator
        update on the last real batch (relativistic losses and feature matching compare
        against real data there too). A variant with more players extends it.
        """
        values = [self.discriminator_step(real) for real in real_batches]
        values.append(self.generator_step(real_batches[-1]))
        return values

    def split_real_batches(self, data):
        """Slices one step's data into `critic_steps` equal real batches, checking the images."""
        data = self.checked_step_data(data)
        return _batching.split_batches(data, self.images_of(data), self.critic_steps)

    def discriminator_step(self, real):
        """One discriminator update on a real batch; returns {metric name: value}.

        Runs `discriminator_outputs` and `discriminator_loss` under a tape and
        applies the gradient to the discriminator.
        """
        images, labels = self.images_of(real), self.labels_or_none(real)
        fake, fake_labels = self.fake_for(real)
        with tf.GradientTape() as tape:
            outputs = self.discriminator_outputs(images, labels, fake, fake_labels)
            d_loss, metrics = self.discriminator_loss(outputs, labels, fake_labels)
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, **metrics}

    def generator_step(self, real):
        """One generator update, on as many generated samples as `real` has; returns metrics."""
        images, labels = self.images_of(real), self.labels_or_none(real)
        with tf.GradientTape() as tape:
            fake, fake_labels = self.fake_for(real)
            if self.generator_loss_needs_real:
                outputs = self.discriminator_outputs(images, labels, fake, fake_labels)
            else:
                training = self.discriminator_training_in_generator_step
                outputs = {"fake": self.discriminate(fake, fake_labels, training=training)}
            g_loss, metrics = self.generator_loss(outputs, fake_labels)
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss, **metrics}

    def discriminator_outputs(self, real_images, real_labels, fake_images, fake_labels):
        """`{"real": D(x), "fake": D(G(z))}` (each a tensor, or a list for multi-output nets)."""
        if not self.joint_discriminator_call:
            return {
                "real": self.discriminate(real_images, real_labels),
                "fake": self.discriminate(fake_images, fake_labels),
            }
        # Packs of m never straddle the real / fake boundary: the real batch is a multiple of m.
        count = ops.shape(real_images)[0] // self.pack
        images = ops.concatenate([ops.cast(real_images, fake_images.dtype), fake_images], axis=0)
        labels = None if real_labels is None else ops.concatenate([real_labels, fake_labels], axis=0)
        joint = self.discriminate(images, labels)
        split = lambda t: (t[:count], t[count:])  # noqa: E731
        if isinstance(joint, (list, tuple)):
            halves = [split(t) for t in joint]
            return {"real": [h[0] for h in halves], "fake": [h[1] for h in halves]}
        real_out, fake_out = split(joint)
        return {"real": real_out, "fake": fake_out}

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        """Returns `(d_loss, {extra metric: value})` from `discriminator_outputs`."""
        raise NotImplementedError

    def generator_loss(self, outputs, fake_labels):
        """Returns `(g_loss, {extra metric: value})`; `outputs` has "fake" (and "real" if needed)."""
        raise NotImplementedError

    def update_trackers(self, steps):
        """Adds each metric's values from a list of per-phase dicts to its tracker.

        One update per tracker with all of a step's values: the same mean as one update
        per critic step, with a sixth of the variable writes at 5 critic steps.
        """
        collected = {}
        for values in steps:
            for name, value in values.items():
                collected.setdefault(name, []).append(ops.cast(value, "float32"))
        for name, values in collected.items():
            self.trackers[name].update_state(ops.stack(values))

    # --------------------------------------------------- what the generator eats

    def generator_inputs(self, real):
        """The generator's inputs for a training batch like `real`, and the fakes' labels (or None).

        Latent models draw z ~ N(0, I), one per real sample (and class labels uniformly
        when conditional); image-to-image models take the batch's images (and draw
        target labels when conditional).
        """
        count = ops.shape(self.images_of(real))[0]
        if self.generator_input == "latent":
            return self.latent_inputs(count)
        return self._with_labels(self.images_of(real), count)

    def latent_inputs(self, count):
        """`count` fresh latents (with uniform labels when conditional) and the labels (or None)."""
        return self._with_labels(self.sample_latent(count), count)

    def _with_labels(self, first, count):
        if self.num_classes is None:
            return first, None
        labels = self.sample_labels(count)
        return [first, labels], labels

    def fake_for(self, real, training=True):
        """`(generated, labels)` for a training batch like `real` (labels None if unconditional)."""
        inputs, labels = self.generator_inputs(real)
        return self.generator(inputs, training=training), labels

    def fake_batch(self, batch_size, training=True):
        """`(images, labels)` from the generator for `batch_size` fresh latents (and uniform labels)."""
        inputs, labels = self.latent_inputs(batch_size)
        return self.generator(inputs, training=training), labels

    def discriminate(self, images, labels=None, training=True):
        """Discriminator outputs, passing labels when it takes them as a second input.

        With `pack` m > 1 the images go in as packs of m (B / m outputs).
        """
        images = packing.pack_samples(images, self.pack)
        if len(self.discriminator.inputs) > 1:
            return self.discriminator([images, labels], training=training)
        return self.discriminator(images, training=training)

    # ------------------------------------------------------------------ config

    def get_config(self):
        config = {"name": self.name, "critic_steps": self.critic_steps, "latent_dim": self.latent_dim, "seed": self.seed}
        for name, _ in self.players:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        if self.num_classes is not None:
            config["num_classes"] = self.num_classes
        if self.class_names is not None:
            config["class_names"] = list(self.class_names)
        if self.pack > 1:
            config["pack"] = self.pack
        return {**config, **{key: getattr(self, key) for key in self.config_keys}}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name, _ in cls.players:
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def refuse_packing(model_name, kwargs):
    """Raises a ValueError when `pack` > 1 is asked of a variant whose discriminators judge pairs (not packs)."""
    if kwargs.get("pack", 1) != 1:
        raise ValueError(f"{model_name} does not pack samples: pack must be 1, got {kwargs['pack']!r}")


def mean_probability(logits):
    """E[sigmoid(logit)]: a BCE discriminator's mean belief that its inputs are real (a metric)."""
    return ops.mean(ops.sigmoid(ops.cast(logits, "float32")))


def _multi_worker():
    strategy = tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and strategy.extended._in_multi_worker_mode()

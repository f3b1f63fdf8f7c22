"""The plumbing every GAN variant shares: two networks, two optimizers, noise, trackers."""

import inspect
import numbers
import threading

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation
from keras_gans.networks import packing


class BaseGAN(keras.Model):
    """Base class of the GAN variants: a generator, a discriminator and their updates.

    A subclass states its losses in `discriminator_loss` and `generator_loss` (or
    overrides `discriminator_step` / `generator_step` for other updates); this class
    computes the outputs, differentiates and runs the updates in Algorithm 1's
    schedule: `critic_steps` discriminator updates, each on its own real batch, then
    one generator update. So that every update sees
    fresh data while `fit` stays the way to train, `fit` hands `train_step` the next
    `critic_steps` batches of the dataset at once (one Keras step is one generator
    step; an epoch is still one pass over the data) and `train_step` slices them
    apart. The alternative, one batch per step and a `tf.cond` around the generator
    update, fails under `tf.distribute.MirroredStrategy` (a synchronising
    `apply_gradients` inside control flow).

    Subclasses set `metric_names` (the keys `train_step` returns, each a
    `keras.metrics.Mean` tracker) and `default_optimizers()`.

    Conditional variants pass `num_classes`: their generator takes `[z, labels]`,
    their data yields `(images, labels)` batches, and a discriminator with two
    inputs gets `[images, labels]` (one with one input, like ACGAN's, gets images).

    Args:
        generator: a `keras.Model` from latents (N, latent_dim) to images, or from
            `[z, labels]` when `num_classes` is set.
        discriminator: a `keras.Model` from images (or `[images, labels]`) to
            scores (N, 1) (the critic).
        critic_steps: discriminator updates per generator update, >= 1.
        latent_dim: size of z; inferred from the generator's input when None.
        num_classes: number of classes of a conditional model; None if unconditional.
        seed: seed of the latent, label and mixing-weight draws in `train_step`.
        pack: samples per discriminator input (PacGAN, Lin et al. 2018), >= 1. With
            m > 1 the discriminator judges m real or m generated samples concatenated
            along their last axis (`keras_gans.networks.packing`), wherever it is
            called; build it for packs (`build_mlp_discriminator(..., pack=m)`,
            `build_critic(..., pack=m)`). Batch sizes must be multiples of m.
            Unconditional variants only.
        **kwargs: passed to `keras.Model` (e.g. `name`).
    """

    metric_names = ("d_loss", "g_loss")
    # True for the variants that cannot run without labels (cGAN, ACGAN, projection).
    conditional = False

    def __init__(
        self, generator, discriminator, *, critic_steps=1, latent_dim=None, num_classes=None, seed=None, pack=1,
        **kwargs
    ):
        super().__init__(**kwargs)
        for role, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.Model):
                raise TypeError(f"{role} must be a keras.Model, got {type(net).__name__}")
        if not _is_int(critic_steps) or critic_steps < 1:
            raise ValueError(f"critic_steps must be an int >= 1, got {critic_steps!r}")
        critic_steps = int(critic_steps)
        inferred = generator.inputs[0].shape[-1] if generator.inputs else None
        latent_dim = latent_dim if latent_dim is not None else inferred
        if not _is_int(latent_dim) or latent_dim < 1:
            raise ValueError(f"latent_dim must be an int >= 1, got {latent_dim!r}")
        latent_dim = int(latent_dim)
        if inferred is not None and inferred != latent_dim:
            raise ValueError(f"latent_dim={latent_dim} but the generator takes inputs of size {inferred}")
        if self.conditional and num_classes is None:
            raise ValueError(f"{type(self).__name__} is conditional: num_classes must be an int >= 2, got None")
        _check_conditioning(generator, num_classes)
        self.pack = _check_pack(pack, generator, discriminator, num_classes)
        self.generator = generator
        self.discriminator = discriminator
        self.critic_steps = critic_steps
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        # Both networks arrive built; without this `fit` would try to build the wrapper.
        self.built = True

    @property
    def critic(self):
        """The discriminator, by its Wasserstein name."""
        return self.discriminator

    @property
    def metrics(self):
        # Listing the trackers here makes Keras reset them at each epoch.
        return list(self.trackers.values())

    def call(self, z, training=False):
        return self.generator(z, training=training)

    @classmethod
    def default_networks(cls, image_size=64, channels=3, latent_dim=None, width=None, num_classes=None):
        """`(generator, discriminator)` with the paper's architecture for this image size.

        The command line builds its models with it.

        Args:
            image_size: side of the square images: 4..7 times a power of two.
            channels: 1 or 3.
            latent_dim: size of z; None takes the variant's default.
            width: filters of the discriminator's first and the generator's last
                hidden convolution; None takes the variant's default.
            num_classes: number of classes of a conditional variant; must be None for
                an unconditional one.
        """
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

    # ----------------------------------------------------------------- compile

    def default_optimizers(self):
        """Returns `(d_optimizer, g_optimizer)` with the paper's settings."""
        raise NotImplementedError

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile=False, **kwargs):
        """Sets the two optimizers (the paper's defaults when None) and builds them.

        Building here, on the networks' variables and inside the caller's
        distribution scope, is what lets `fit` run under `MirroredStrategy`: an
        optimizer first built inside a replica's `train_step` fails there.

        Args:
            d_optimizer: optimizer of the discriminator, an instance or a name.
            g_optimizer: optimizer of the generator, an instance or a name.
            jit_compile: XLA compilation of `train_step`. Off by default: on CPU it
                was measured slower than plain graphs for these networks.

        Under a `mixed_float16` policy (networks built after
        `keras.mixed_precision.set_global_policy("mixed_float16")`) both optimizers
        are wrapped in `keras.optimizers.LossScaleOptimizer`; `mixed_bfloat16` needs
        no loss scaling.
            **kwargs: passed to `keras.Model.compile` (`run_eagerly`,
                `steps_per_execution`, ...). `loss` and `optimizer` are not used.
        """
        for unused in ("loss", "optimizer", "metrics"):
            if kwargs.get(unused) is not None:
                raise ValueError(
                    f"{type(self).__name__}.compile takes d_optimizer and g_optimizer; "
                    f"{unused}={kwargs[unused]!r} would be ignored"
                )
            kwargs.pop(unused, None)
        defaults = self.default_optimizers() if d_optimizer is None or g_optimizer is None else (None, None)
        self.d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else defaults[0]
        self.g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else defaults[1]
        if self.d_optimizer is self.g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two distinct optimizer instances")
        if self.needs_loss_scaling():
            # float16's range is narrow: small gradients flush to zero unless the loss is
            # scaled up before differentiation and the gradients scaled back (dynamic
            # loss scaling, Micikevicius et al. 2018). bfloat16 has float32's range.
            self.d_optimizer, self.g_optimizer = (
                opt if isinstance(opt, keras.optimizers.LossScaleOptimizer) else keras.optimizers.LossScaleOptimizer(opt)
                for opt in (self.d_optimizer, self.g_optimizer)
            )
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def needs_loss_scaling(self):
        """Whether a layer of either network computes in float16 (a `mixed_float16` policy)."""
        # Layers, not the networks: a loaded Functional model keeps its layers' policies
        # but takes the global policy itself.
        return any(
            layer.compute_dtype == "float16"
            for network in (self.generator, self.discriminator)
            for layer in network.layers
        )

    # Keras saves a layer's weights but not its seed generators' states: without these two
    # methods a loaded model would draw step 1's noise (and dropout masks) again instead of
    # the next step's. The model's own generator and those of the networks' layers (Dropout)
    # are stored, in the networks' layer order.
    _SEED_KEY = "seed_generator_state_"

    def _all_seed_generators(self):
        found = [self.seed_generator]
        for network in (self.generator, self.discriminator):
            for layer in network._flatten_layers(include_self=False):  # Keras offers no public walk
                found += list(getattr(layer, "_seed_generators", ()))
        return found

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, generator in enumerate(self._all_seed_generators()):
            store[f"{self._SEED_KEY}{i}"] = generator.state.numpy()

    def load_own_variables(self, store):
        keys = list(store.keys())
        for i, generator in enumerate(self._all_seed_generators()):
            if f"{self._SEED_KEY}{i}" in keys:  # absent from files saved before this was stored
                generator.state.assign(np.asarray(store[f"{self._SEED_KEY}{i}"]))
        super().load_own_variables({key: store[key] for key in keys if not key.startswith(self._SEED_KEY)})

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "jit_compile": bool(self.jit_compile),
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config["d_optimizer"]),
            g_optimizer=keras.optimizers.deserialize(config["g_optimizer"]),
            jit_compile=config.get("jit_compile", False),
        )

    # --------------------------------------------------------------------- fit

    def fit(self, x=None, y=None, batch_size=None, *args, **kwargs):
        """`keras.Model.fit`, feeding `critic_steps` real batches to each step.

        A `tf.data.Dataset` of batches of B is regrouped into batches of
        `critic_steps * B` (`Dataset.rebatch`, one copy), so each discriminator
        update of Algorithm 1 gets B fresh real images; arrays (with `batch_size`,
        Keras' default 32 when None, and `y` as labels) are first made a dataset of
        full batches, reshuffled each epoch unless `shuffle=False`. Other inputs
        pass as they are and each of their batches is split into `critic_steps` parts.
        Everything else is Keras' own `fit`: `epochs`, `callbacks`,
        `steps_per_epoch` (counted in generator steps), `initial_epoch`, ...

        Bad input is refused before the first step, naming the value: `epochs`,
        `batch_size`, `steps_per_epoch` that are not positive ints (or an
        `initial_epoch` that leaves no epoch to train); images of the wrong shape,
        an int dtype, or values outside [-1, 1] (arrays are checked whole, NaN and
        inf included; a dataset's element spec up front and each batch's values as
        the step reads them); labels of a conditional model that are not ints in
        [0, num_classes) of shape (N,); a dataset with no batches. A dataset batch
        that breaks the value checks later stops training at that batch with an
        error naming the bad values (under `jit_compile`, which drops assertions
        from compiled steps, a dataset's values are checked in its pipeline); a NaN
        in a dataset batch makes that step's losses NaN, which `NaNGuard` reports.
        A fit whose data yields not one full step raises instead of returning an
        empty history.
        """
        arguments = _FIT_SIGNATURE.bind(self, x, y, batch_size, *args, **kwargs).arguments
        _check_fit_arguments(arguments)
        packing.check_pack_batch(arguments.get("batch_size"), self.pack)
        if isinstance(x, (np.ndarray, tf.Tensor)):
            self._check_arrays(x, y)
        elif isinstance(x, tf.data.Dataset):
            self._check_dataset(x)
        if (self.critic_steps > 1 or self.pack > 1) and isinstance(x, (np.ndarray, tf.Tensor)):
            # Arrays become a dataset of full batches, reshuffled each epoch, so that the
            # last batch of an epoch cannot leave a critic step short or empty (or a pack short).
            slices = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
            if kwargs.get("shuffle", True):
                slices = slices.shuffle(len(x), seed=self.seed, reshuffle_each_iteration=True)
            x, y, batch_size = slices.batch(batch_size or 32, drop_remainder=True), None, None
        if isinstance(x, tf.data.Dataset):
            if self.jit_compile:
                x = self._check_values_in_pipeline(x)
            # A dataset shuffles itself; Keras ignores `shuffle` for it but warns.
            kwargs["shuffle"] = False
            if self.critic_steps > 1:
                x = _group_batches(x, self.critic_steps, self.distribute_strategy.num_replicas_in_sync)
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
        # One advance of the seed generator per step; the step's draws derive from it
        # (see _draw_seed). Measured: one variable update per draw cost ~10% of a
        # 16 px WGAN-GP step's CPU time.
        # Thread-local: MirroredStrategy traces each replica's step in its own thread.
        step = self._noise_step
        step.seed, step.draws = self._advance_seed(), 0
        try:
            real_batches = self.split_real_batches(data)
            values = [self.discriminator_step(real) for real in real_batches]
            # The generator step sees the last real batch: relativistic losses and
            # feature matching compare against real data there too.
            values.append(self.generator_step(real_batches[-1]))
            self.update_trackers(values)
        finally:
            step.seed = None
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if _multi_worker():
            # Keras 3.15 reduces step outputs across workers with
            # strategy.reduce("MEAN", v, axis=0), which fails on scalars; shape (1,) reduces
            # to the same scalar.
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    # Set by variants whose discriminator has no batch statistics (no batch norm):
    # one call on real and fake concatenated, so that layers that update state on each
    # training call (spectral norm's power iteration) advance once per update.
    joint_discriminator_call = False
    # Set by variants whose generator loss also needs D(x) (relativistic losses).
    generator_loss_needs_real = False
    # Whether the generator phase runs the discriminator in training mode (batch
    # statistics of the fakes, as DCGAN does); SNGAN turns it off so the phase leaves
    # the discriminator's spectral-norm state alone.
    discriminator_training_in_generator_step = True

    def discriminator_step(self, real):
        """One discriminator update on a real batch; returns {metric name: value}.

        Runs `discriminator_outputs` and `discriminator_loss` under a tape and
        applies the gradient to the discriminator.
        """
        images, labels = self.images_of(real), self.labels_or_none(real)
        fake, fake_labels = self.fake_batch(ops.shape(images)[0])
        with tf.GradientTape() as tape:
            outputs = self.discriminator_outputs(images, labels, fake, fake_labels)
            d_loss, metrics = self.discriminator_loss(outputs, labels, fake_labels)
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, **metrics}

    def generator_step(self, real):
        """One generator update, on as many latents as `real` has images; returns metrics."""
        images, labels = self.images_of(real), self.labels_or_none(real)
        with tf.GradientTape() as tape:
            fake, fake_labels = self.fake_batch(ops.shape(images)[0])
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

    def labels_or_none(self, data):
        """The batch's labels for a conditional model, None for an unconditional one."""
        return None if self.num_classes is None else self.labels_of(data)

    def split_real_batches(self, data):
        """Slices one step's data into `critic_steps` equal real batches."""
        images = self.images_of(data)
        self.check_images(images)
        if images.shape.rank == 4:
            checked = _assert_image_values(images)
            data = (checked, *data[1:]) if isinstance(data, (tuple, list)) else checked
        if self.critic_steps == 1:
            return [data]
        static = images.shape[0]
        if static is not None and static % self.critic_steps:
            raise ValueError(
                f"a step's batch of {static} images cannot be split into critic_steps="
                f"{self.critic_steps} equal real batches; feed a tf.data.Dataset to fit, "
                "which groups the batches itself"
            )
        size = ops.shape(images)[0] // self.critic_steps
        return [
            tf.nest.map_structure(lambda t, i=i: t[i * size : (i + 1) * size], data)
            for i in range(self.critic_steps)
        ]

    @staticmethod
    def images_of(data):
        """The images of a batch that may also hold labels: `x` or `(x, ...)`."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def labels_of(self, data):
        """The int labels of an `(images, labels)` batch, checked to lie in [0, num_classes).

        A batch without labels or with float labels is refused when the step is
        traced; a label out of range stops training at that batch with an error
        naming the range (a one-hot of it would silently be all zeros).
        """
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                f"{type(self).__name__} is conditional: fit it on (images, labels) batches, "
                "e.g. keras_gans.data.digits(with_labels=True)"
            )
        labels = tf.convert_to_tensor(data[1])
        self.check_label_spec(labels)
        return self._assert_label_values(ops.cast(ops.reshape(labels, (-1,)), "int32"))

    def _assert_label_values(self, labels):
        """`labels`, gated on every one lying in [0, num_classes) (an InvalidArgumentError naming them)."""
        message = f"class labels must lie in [0, {self.num_classes})"
        checks = [
            tf.debugging.assert_non_negative(labels, message=message),
            tf.debugging.assert_less(labels, tf.cast(self.num_classes, labels.dtype), message=message),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(labels)

    def _check_values_in_pipeline(self, dataset):
        """The per-batch value checks of `train_step` as a `map` over `dataset`.

        XLA compiles assertions to nothing, so under `jit_compile=True` the checks of
        image values and label ranges run in the input pipeline instead.
        """

        def check(*parts):
            parts = list(parts)
            if isinstance(parts[0], tf.Tensor) and parts[0].shape.rank == 4:
                parts[0] = _assert_image_values(parts[0])
            if self.num_classes is not None and len(parts) > 1 and isinstance(parts[1], tf.Tensor):
                parts[1] = self._assert_label_values(parts[1])
            return parts[0] if len(parts) == 1 else tuple(parts)

        return dataset.map(check, num_parallel_calls=tf.data.AUTOTUNE)

    def fake_batch(self, batch_size, training=True):
        """`(images, labels)` from the generator for fresh latents (and uniform labels).

        Labels are None for an unconditional model.
        """
        z = self.sample_latent(batch_size)
        if self.num_classes is None:
            return self.generator(z, training=training), None
        labels = self.sample_labels(batch_size)
        return self.generator([z, labels], training=training), labels

    def discriminate(self, images, labels=None, training=True):
        """Discriminator outputs, passing labels when it takes them as a second input.

        With `pack` m > 1 the images go in as packs of m (B / m outputs).
        """
        images = packing.pack_samples(images, self.pack)
        if len(self.discriminator.inputs) > 1:
            return self.discriminator([images, labels], training=training)
        return self.discriminator(images, training=training)

    def score(self, images, labels=None):
        """The discriminator's realness score per image, (N,), in inference mode.

        Higher means judged more real. For a multi-output discriminator (ACGAN) it is
        the first output, the real/fake head. Used by `BestSamples`. With `pack` m > 1
        each image is judged as a pack of m copies of itself.
        """
        if self.pack > 1:
            images = ops.repeat(ops.convert_to_tensor(images), self.pack, axis=0)
        outputs = self.discriminate(images, labels, training=False)
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[0]
        return ops.reshape(ops.cast(outputs, "float32"), (-1,))

    def check_images(self, images):
        """Raises a ValueError naming the shape or dtype when images do not fit the critic.

        `images` is anything with `shape` and `dtype`: a tensor, a `tf.TensorSpec` or a
        numpy array. Any float dtype is accepted (the discriminator casts it).
        """
        expected = packing.unpacked_shape(self.discriminator.inputs[0].shape[1:], self.pack)
        shape = tuple(images.shape)
        if shape[1:] != expected:
            raise ValueError(
                f"the dataset yields images of shape {shape}, but the "
                f"discriminator takes (batch, {', '.join(map(str, expected))})"
                + (f" (in packs of pack={self.pack})" if self.pack > 1 else "")
            )
        dtype = tf.as_dtype(images.dtype)
        if not dtype.is_floating:
            raise ValueError(
                f"the dataset yields {dtype.name} images; expected float images "
                "scaled to [-1, 1] (keras_gans.data does this; for uint8 use x / 127.5 - 1)"
            )

    def check_label_spec(self, labels):
        """Raises a ValueError unless `labels` (tensor, spec or array) are int class indices, (N,) or (N, 1)."""
        dtype = tf.as_dtype(labels.dtype)
        if not dtype.is_integer:
            raise ValueError(f"class labels must be integers in [0, {self.num_classes}), got {dtype.name}")
        shape = tuple(labels.shape)
        if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
            raise ValueError(
                f"class labels must have shape (batch,) of class indices in [0, {self.num_classes}), got shape "
                f"{shape}" + (" (one-hot? pass their argmax)" if len(shape) == 2 else "")
            )

    def _check_arrays(self, x, y):
        """`fit`'s checks of array data, on all of it, before training."""
        self.check_images(x)
        if len(x.shape) == 4:
            _check_image_array(np.asarray(x))
        if self.num_classes is None:
            return
        if y is None:
            raise ValueError(
                f"{type(self).__name__} is conditional: fit it on images and labels, fit(x, y=labels)"
            )
        labels = np.asarray(y)
        self.check_label_spec(labels)
        if len(labels) != len(x):
            raise ValueError(f"got {len(x)} images but {len(labels)} labels")
        self._check_label_values(labels.reshape(-1))

    def _check_dataset(self, dataset):
        """`fit`'s checks of a dataset's element spec and cardinality, before training."""
        spec = dataset.element_spec
        images_spec = spec[0] if isinstance(spec, tuple) else spec
        if isinstance(images_spec, tf.TensorSpec) and images_spec.shape.rank is not None:
            self.check_images(images_spec)
        if self.num_classes is not None:
            if not isinstance(spec, tuple) or len(spec) < 2:
                self.labels_of(None)  # the error that explains what a conditional model needs
            if isinstance(spec[1], tf.TensorSpec) and spec[1].shape.rank is not None:
                self.check_label_spec(spec[1])
        if int(dataset.cardinality()) == 0:
            raise ValueError("the dataset is empty (cardinality 0): fit would train no step")

    def _check_label_values(self, labels):
        bad = labels[(labels < 0) | (labels >= self.num_classes)]
        if bad.size:
            raise ValueError(f"class labels must lie in [0, {self.num_classes}), got {sorted(set(bad.tolist()))[:5]}")

    def update_trackers(self, steps):
        """Adds each metric's values from a list of per-phase dicts to its tracker.

        One update per tracker with all of a step's values: the same mean as one
        update per critic step, with a sixth of the variable writes at 5 critic steps.
        """
        collected = {}
        for values in steps:
            for name, value in values.items():
                collected.setdefault(name, []).append(ops.cast(value, "float32"))
        for name, values in collected.items():
            self.trackers[name].update_state(ops.stack(values))

    def apply_gradients(self, optimizer, loss, tape, network):
        """Differentiates `loss` on `tape` and lets `optimizer` update `network`.

        The loss is a mean over this replica's batch; the optimizer sums gradients
        over replicas, so the loss is divided by their number to average over the
        global batch.
        """
        variables = network.trainable_variables
        scale = None
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            # d(scale * loss) without rebuilding the loss inside the tape; the optimizer
            # divides by the scale and skips (and lowers the scale on) non-finite steps.
            scale = optimizer.scale_loss(ops.ones_like(loss))
        grads = tape.gradient(loss, variables, output_gradients=scale)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            grads = [grad / replicas for grad in grads]
        optimizer.apply_gradients(zip(grads, variables))

    # ------------------------------------------------------------------- noise

    def sample_latent(self, batch_size):
        """Draws `batch_size` latents z ~ N(0, I) from the model's seeded generator."""
        return self.random_normal((batch_size, self.latent_dim))

    def sample_labels(self, batch_size):
        """Draws `batch_size` class labels uniformly from [0, num_classes)."""
        return self.random_integers((batch_size,), 0, self.num_classes)

    def random_integers(self, shape, minval, maxval):
        """int32 noise uniform on [minval, maxval), seeded by the model (see `_replica_draw`)."""
        return self._replica_draw(
            lambda full, seed: tf.random.stateless_uniform(full, seed=seed, minval=minval, maxval=maxval, dtype=tf.int32),
            shape,
        )

    def random_normal(self, shape):
        """Standard normal noise, seeded by the model (see `_replica_draw`)."""
        return self._replica_draw(lambda full, seed: tf.random.stateless_normal(full, seed=seed), shape)

    def random_uniform(self, shape):
        """U[0, 1) noise, seeded by the model (see `_replica_draw`)."""
        return self._replica_draw(lambda full, seed: tf.random.stateless_uniform(full, seed=seed), shape)

    def _replica_draw(self, draw, shape):
        """`draw(shape, seed)`, or under R replicas this replica's slice of a global draw.

        Noise has the batch first. Every replica draws the global batch (R times its own)
        with the same seed and keeps the rows of its replica id, so R replicas use
        exactly the noise one replica would draw for the whole global batch: a
        distributed step is the single-device step on the same data, and replicas never
        share latents (the seed generator's state is mirrored, so a per-replica draw
        would repeat the same latents on every replica).
        """
        seed = self._draw_seed()
        context = tf.distribute.get_replica_context()
        replicas = 1 if context is None else context.num_replicas_in_sync
        if replicas == 1:
            return draw(shape, seed)
        rows = shape[0]
        full = draw([rows * replicas] + list(shape[1:]), seed)
        start = context.replica_id_in_sync_group * rows
        return full[start : start + rows]

    @property
    def _noise_step(self):
        """This thread's `(seed, draws)` of the step being traced; seed None outside a step."""
        local = self.__dict__.get("_noise_local")
        if local is None:
            local = threading.local()
            object.__setattr__(self, "_noise_local", local)  # not a Keras-tracked attribute
        if not hasattr(local, "seed"):
            local.seed, local.draws = None, 0
        return local

    def _advance_seed(self):
        return ops.cast(self.seed_generator.next(), "int64")

    def _draw_seed(self):
        """A stateless seed no other draw of this model uses, on any step.

        `SeedGenerator.next` returns `(c, t)` and advances t. Inside `train_step`, draw i
        of the step gets `(c + i, t)`: unique over the step's draws, and over steps
        through t. Outside a step each draw advances the generator itself.
        """
        step = self._noise_step
        if step.seed is None:
            return self._advance_seed()
        index, step.draws = step.draws, step.draws + 1
        return step.seed + tf.constant([index, 0], "int64")

    def generate(self, z, labels=None, batch_size=256, seed=None):
        """Images for latents `z` (an array (N, latent_dim)) or for `z` random latents (an int).

        With an int, `seed` makes the latents reproducible (numpy `default_rng(seed)`).

        The generator runs in inference mode (batch norm uses its moving
        statistics), `batch_size` latents at a time. Returns a float32 numpy array
        in [-1, 1]. `labels` is for conditional variants; an unconditional model
        refuses them rather than ignore them.
        """
        if self.num_classes is None and labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional: generate takes no labels, got {labels!r}")
        if isinstance(z, (int, np.integer)) and not isinstance(z, bool):
            if z < 1:
                raise ValueError(f"the number of images must be >= 1, got {z}")
            z = np.random.default_rng(seed).standard_normal((int(z), self.latent_dim)).astype("float32")
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (N, {self.latent_dim}), got {z.shape}")
        if self.num_classes is not None:
            labels = self._check_labels(labels, len(z))
        chunks = []
        for i in range(0, len(z), batch_size):
            inputs = z[i : i + batch_size] if labels is None else [z[i : i + batch_size], labels[i : i + batch_size]]
            chunks.append(ops.convert_to_numpy(self.generator(inputs, training=False)))
        return np.concatenate(chunks).astype("float32")

    def _check_labels(self, labels, count):
        if labels is None:
            raise ValueError(f"{type(self).__name__} is conditional: generate needs labels, one per latent")
        array = np.asarray(labels)
        if array.shape != (count,) or not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"labels must be {count} ints, one per latent; got shape {array.shape}, dtype {array.dtype}"
            )
        self._check_label_values(array)
        return array.astype("int32")

    # ------------------------------------------------------------------ config

    def get_config(self):
        config = {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "critic_steps": self.critic_steps,
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }
        if self.num_classes is not None:
            config["num_classes"] = self.num_classes
        if self.pack > 1:
            config["pack"] = self.pack
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for role in ("generator", "discriminator"):
            config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)


def _is_int(value):
    # numpy integers count; bools, although ints to Python, do not.
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


_FIT_SIGNATURE = inspect.signature(keras.Model.fit)
# Real images must lie in [-1, 1], the range of the generators' tanh; a little slack for
# rounding. [0, 255] or [0, 1] images would train a critic that tells them apart by range alone.
IMAGE_RANGE_SLACK = 1e-3


def _check_fit_arguments(arguments):
    """Raises a ValueError naming `fit`'s epochs, initial_epoch, batch_size or steps_per_epoch if bad."""
    epochs = arguments.get("epochs", 1)
    if not _is_int(epochs) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    initial_epoch = arguments.get("initial_epoch", 0)
    if not _is_int(initial_epoch) or not 0 <= initial_epoch < epochs:
        raise ValueError(
            f"initial_epoch must be an int in [0, epochs={epochs}) (fit trains epochs initial_epoch+1 to epochs), "
            f"got {initial_epoch!r}"
        )
    for name in ("batch_size", "steps_per_epoch"):
        value = arguments.get(name)
        if value is not None and (not _is_int(value) or value < 1):
            raise ValueError(f"{name} must be None or a positive int, got {value!r}")


def _check_image_array(images):
    """Raises a ValueError naming the range when an image array is not finite and in [-1, 1]."""
    if not images.size:
        raise ValueError(f"got no images: an array of shape {images.shape}")
    low, high = float(np.min(images)), float(np.max(images))
    if not (np.isfinite(low) and np.isfinite(high)) or low < -1 - IMAGE_RANGE_SLACK or high > 1 + IMAGE_RANGE_SLACK:
        raise ValueError(
            f"images must be finite and scaled to [-1, 1], got values in [{low}, {high}] "
            "(for uint8 pixels use x / 127.5 - 1)"
        )


def _assert_image_values(images):
    """`images`, gated on no value lying outside [-1, 1] (an InvalidArgumentError naming the range).

    A NaN compares False and passes: it makes the step's losses NaN, which
    `keras_gans.callbacks.NaNGuard` reports before anything saves the step.
    """
    values = ops.cast(images, "float32")
    outside = tf.reduce_any(tf.abs(values) > 1 + IMAGE_RANGE_SLACK)
    check = tf.debugging.Assert(
        tf.logical_not(outside),
        ["images must be scaled to [-1, 1]; this batch has values in", tf.reduce_min(values), tf.reduce_max(values)],
    )
    with tf.control_dependencies([check]):
        return tf.identity(images)


def mean_probability(logits):
    """E[sigmoid(logit)]: a BCE discriminator's mean belief that its inputs are real (a metric)."""
    return ops.mean(ops.sigmoid(ops.cast(logits, "float32")))


def _check_pack(pack, generator, discriminator, num_classes):
    """`pack` as an int, checked against the conditioning and the networks' shapes."""
    pack = _validation.positive_int("pack", pack)
    if pack > 1 and num_classes is not None:
        raise ValueError(f"pack={pack} is for unconditional models; got num_classes={num_classes}")
    if pack > 1 and generator.outputs and discriminator.inputs:
        sample = tuple(generator.outputs[0].shape[1:])
        if packing.packed_shape(sample, pack) != tuple(discriminator.inputs[0].shape[1:]):
            raise ValueError(
                f"pack={pack}: the discriminator must take packs of {pack} generated samples of shape {sample}, "
                f"{packing.packed_shape(sample, pack)}, got inputs of shape {tuple(discriminator.inputs[0].shape[1:])}; "
                f"build it with pack={pack}"
            )
    return pack


def _check_conditioning(generator, num_classes):
    takes_labels = len(generator.inputs) > 1
    if num_classes is None and takes_labels:
        raise ValueError("the generator takes [z, labels]: pass num_classes for a conditional model")
    if num_classes is not None:
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
        if not takes_labels:
            raise ValueError(f"num_classes={num_classes} but the generator takes no labels input")


def _multi_worker():
    strategy = tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and strategy.extended._in_multi_worker_mode()


def _group_batches(dataset, groups, replicas=1):
    """Regroups a dataset of batches of B into batches of `groups * B`, dropping a rest.

    With R > 1 replicas the rows are ordered replica by replica: a distribution strategy
    hands replica r the r-th contiguous part of each global batch, which then holds the
    r-th part of each of the `groups` batches. Every critic update then sees one original
    batch over all replicas, as on one device.
    """
    spec = tf.nest.flatten(dataset.element_spec)[0]
    if spec.shape.rank is None or spec.shape.rank < 1:
        raise ValueError(f"fit needs a batched dataset of images, got elements of spec {spec}")
    batch_size = spec.shape[0]
    batches = int(dataset.cardinality())
    if 0 <= batches < groups:
        # With batches of at most B, fewer than `groups` of them cannot fill one step.
        raise ValueError(
            f"the dataset has {batches} batches per epoch, fewer than the critic_steps={groups} that one "
            "generator step needs; use more data, smaller batches, or dataset.repeat() with steps_per_epoch"
        )
    if batch_size is None:
        # A dataset batched without drop_remainder: read B off its first batch.
        batch_size = int(tf.nest.flatten(next(iter(dataset)))[0].shape[0])
        return _by_replica(dataset.rebatch(groups * batch_size, drop_remainder=True), groups, replicas, batch_size)
    grouped = dataset.rebatch(groups * batch_size, drop_remainder=True)
    if batches >= 0:
        # All batches are full, so the count is exact; Keras shows it in the progress bar.
        grouped = grouped.apply(tf.data.experimental.assert_cardinality(batches // groups))
    return _by_replica(grouped, groups, replicas, batch_size)


def _by_replica(grouped, groups, replicas, batch_size):
    """Reorders each grouped batch (groups, R, B/R, ...) -> (R, groups, B/R, ...)."""
    if replicas == 1:
        return grouped
    if batch_size % replicas:
        raise ValueError(
            f"a batch of {batch_size} cannot be split evenly over {replicas} replicas; "
            f"use a batch size that is a multiple of {replicas}"
        )

    def reorder(tensor):
        parts = tf.reshape(tensor, [groups, replicas, batch_size // replicas] + tensor.shape[1:].as_list())
        return tf.reshape(tf.transpose(parts, [1, 0] + list(range(2, len(parts.shape)))), tf.shape(tensor))

    return grouped.map(lambda *batch: tf.nest.map_structure(reorder, batch if len(batch) > 1 else batch[0]))

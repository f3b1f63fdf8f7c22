"""StackGAN: two stacked conditional GANs, low resolution then refined (Zhang et al. 2017)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN, mean_probability, refuse_packing
from keras_gans.networks.stackgan import build_stackgan_networks


@keras.saving.register_keras_serializable(package="keras_gans")
class StackGAN(BaseGAN):
    """StackGAN: Stage-I sketches from an embedding at low resolution, Stage-II refines it 4x.

    The condition is any fixed-length embedding phi per image (a sentence embedding in
    the paper; this package ships no text encoder: `keras_gans.data.with_embeddings`
    pairs images with yours, `digits_with_embeddings` makes digit ones). Conditioning
    augmentation draws c ~ N(mu(phi), diag(sigma^2(phi))) by reparametrisation and adds
    the KL term against N(0, I) to the generator's loss (weight 1, averaged over c's
    dimensions as the authors' code does: `kl_penalty`). Stage-I's generator maps (z, c)
    to an image a quarter of the final side; Stage-II's maps (Stage-I's image, c)
    through residual blocks to the final side. Each stage has its own matching-aware
    discriminator (GAN-CLS, as `CGAN(mismatched_pairs=True)`): real images with the
    wrong embedding count as fake.

    Two ways to condition it. With `num_classes` (the command line's way), it is fed
    `(images, labels)` like a cGAN and each label picks its class's row of
    `class_embeddings` (one-hot rows by default; the digits' class-mean images, say, or
    any (K, E) table); the wrong embedding of an image is another class's, drawn
    uniformly, and `generate`, `score` and export take labels. Without, it is fed
    `(images, embeddings)` of one embedding per image (`keras_gans.data.with_embeddings`),
    the wrong embedding is another image's of the batch (the batch rolled by a random
    offset, as the authors' code pairs images with other images' text), and `generate`
    and export take embeddings.

    Training runs in two stages of one model (`stage`): fit with `stage=1` trains
    Stage-I on images downsampled 4x (average pooling); set `model.stage = 2` and fit
    again to train Stage-II, Stage-I frozen (run in inference mode; its optimizers do
    not step), or run both in one fit with `keras_gans.callbacks.StageSchedule` (what
    `keras-gans train stackgan --stage1-epochs N` does). `generate`, the GIF callback
    and export give the current stage's images: after Stage-II training, the final
    images of both stages run as one function of (z, embeddings or labels). Departures,
    at this package's sizes: Stage-II conditions on Stage-I's c (the issue's design;
    the paper gives Stage-II its own conditioning augmentation, hence no KL term in
    Stage-II here), and its encoder keeps Stage-I's side instead of downsampling to 16x16.

    The generator's latent holds z and the augmentation's eps: its first
    `latent_dim - condition_dim` entries are z, the rest eps, both N(0, I), so that an
    image is a function of its inputs.

    Metrics: `d_loss`, `g_loss`, `d_real`, `d_fake`, `d_mismatched` (mean sigmoid of the
    logits), and `kl` (Stage-I; the KL summed over c's dimensions).

    Args:
        generator: Stage-I, `[z (N, latent_dim), embeddings (N, E)]` -> `[images,
            c, mu, log_variance]` (`build_stage1_generator`).
        discriminator: Stage-I's, `[images, embeddings]` -> (N, 1) logits.
        stage2_generator: `[Stage-I images, c]` -> images 4x the side.
        stage2_discriminator: Stage-II's, `[images, embeddings]` -> (N, 1) logits.
        stage: 1 or 2, the stage that `fit` trains (settable: `model.stage = 2`).
        kl_weight: weight of the KL term (1 in the paper), >= 0.
        class_embeddings: (K, E) float table, row k the embedding of class k, for a
            model fed labels; None: the one-hot rows when `num_classes` is set (E must
            then be K). Given alone, `num_classes` is its row count.
        num_classes, class_names: as `BaseGAN`; None (the default) for a model fed
            embeddings.
        critic_steps, latent_dim, seed, **kwargs: as `BaseGAN`.

    Example:
    >>> import numpy as np
    >>> model = StackGAN(*StackGAN.default_networks(16, 1, latent_dim=8, width=4, embedding_dim=10), seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for every player, as the paper
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> embeddings = np.eye(10, dtype="float32")[np.arange(8) % 10]
    >>> history = model.fit(images, embeddings, batch_size=4, verbose=0)  # Stage-I
    >>> model.generate(2, embeddings[:2], seed=0).shape
    (2, 4, 4, 1)
    >>> model.stage = 2  # the next fit trains Stage-II, Stage-I frozen
    >>> model.generate(2, embeddings[:2], seed=0).shape
    (2, 16, 16, 1)
    >>> labelled = StackGAN(*StackGAN.default_networks(16, 1, latent_dim=8, width=4, num_classes=10), num_classes=10)
    >>> labelled.generate(2, labels=[3, 7], seed=0, stage=2).shape  # one-hot class embeddings
    (2, 16, 16, 1)

    Reference:
        Zhang et al. "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017.
    """

    # Fed (images, labels) like cGAN: a label picks its class's row of `class_embeddings`
    # (one-hot by default); with num_classes None the model takes (images, embeddings).
    conditional = True
    players = BaseGAN.players + (
        ("stage2_discriminator", "stage2_d_optimizer"), ("stage2_generator", "stage2_g_optimizer"))
    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "d_mismatched", "kl")
    config_keys = ("stage", "kl_weight")
    # The paper: z of 100, N_g = 128, Adam(2e-4, beta_1=0.5) for every network.
    defaults = Defaults(latent_dim=100, width=64, optimizer=adam(2e-4, beta_1=0.5))
    condition_dim_default = 128

    def __init__(self, generator, discriminator, stage2_generator, stage2_discriminator, *, stage=1, kl_weight=1.0,
                 class_embeddings=None, **kwargs):
        refuse_packing(type(self).__name__, kwargs)
        self._stage = _validation.one_of("stage", stage, (1, 2))
        self.kl_weight = _validation.number("kl_weight", kl_weight, low=0)
        if class_embeddings is not None and kwargs.get("num_classes") is None:
            kwargs["num_classes"] = len(class_embeddings)  # one class per row of the table
        super().__init__(generator, discriminator, stage2_generator=stage2_generator,
                         stage2_discriminator=stage2_discriminator, **kwargs)
        self.class_embeddings = self._check_class_embeddings(class_embeddings)

    # ------------------------------------------------------------------ stages

    @property
    def stage(self):
        """The stage `fit` trains and `generate` samples: 1 or 2."""
        return self._stage

    @stage.setter
    def stage(self, value):
        self._stage = _validation.one_of("stage", value, (1, 2))
        # The next fit traces the other stage's step.
        self.train_function = None

    @property
    def generator_steps(self):
        """Generator updates of both stages (they train one after the other)."""
        return int(self.g_optimizer.iterations) + int(self.stage2_g_optimizer.iterations)

    @property
    def multi_label(self):
        """False: labels are class indices (the generator's float input takes their embeddings)."""
        return False

    @property
    def embedding_dim(self):
        """Size E of the embeddings."""
        return int(self.generator.inputs[1].shape[-1])

    @property
    def condition_dim(self):
        """Size of c (the augmentation's eps is the last `condition_dim` entries of the latent)."""
        return int(self.generator.outputs[1].shape[-1])

    @property
    def data_shape(self):
        return tuple(self.stage2_discriminator.inputs[0].shape[1:])

    def _check_conditioning(self, num_classes):
        # The generator's second input is an embedding: classes, when given, index a table of them.
        return None if num_classes is None else _validation.num_classes(num_classes)

    def _check_class_embeddings(self, table):
        if self.num_classes is None:
            return None
        if table is None:
            if self.embedding_dim != self.num_classes:
                raise ValueError(f"class_embeddings: the one-hot default needs embedding_dim == num_classes "
                                 f"({self.num_classes}), got embedding_dim {self.embedding_dim}; pass a table")
            return np.eye(self.num_classes, dtype="float32")
        table = np.asarray(table, "float32")
        if table.shape != (self.num_classes, self.embedding_dim) or not np.isfinite(table).all():
            raise ValueError(f"class_embeddings must be finite floats ({self.num_classes}, {self.embedding_dim}): one "
                             f"embedding per class; got shape {table.shape}")
        return table

    def get_config(self):
        config = super().get_config()
        if self.class_embeddings is not None:
            config["class_embeddings"] = self.class_embeddings.tolist()
        return config

    def check_networks(self):
        low = tuple(self.generator.outputs[0].shape[1:])
        high = tuple(self.stage2_generator.outputs[0].shape[1:])
        if len(self.generator.outputs) != 4 or high != (4 * low[0], 4 * low[1], low[2]):
            raise ValueError(
                f"StackGAN's Stage-I generator must output [images, c, mu, log_variance] and Stage-II images 4x its "
                f"side; got {len(self.generator.outputs)} Stage-I outputs, images {low} and Stage-II images {high}"
            )

    @classmethod
    def default_networks(cls, image_size=64, channels=3, latent_dim=None, width=None, num_classes=None,
                         embedding_dim=None, condition_dim=None):
        """The four networks for a final side `image_size` (Stage-I at a quarter of it).

        `latent_dim` is z's size (the default 100); the generator's latent adds
        `condition_dim` entries (128 by default, the paper's N_g) for the augmentation's
        eps. `embedding_dim` is E (default: `num_classes`, for their one-hot rows, or 10).
        """
        if num_classes is not None:
            num_classes = _validation.num_classes(num_classes)
        if embedding_dim is None:  # the classes' one-hot rows, or the digits' ten
            embedding_dim = 10 if num_classes is None else num_classes
        latent_dim = cls.defaults.latent_dim if latent_dim is None else latent_dim
        width = cls.defaults.width if width is None else width
        condition_dim = cls.condition_dim_default if condition_dim is None else condition_dim
        return build_stackgan_networks(image_size, channels, latent_dim, embedding_dim, condition_dim, width)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        return cls.default_networks(image_size, channels, latent_dim, width, num_classes)

    # ----------------------------------------------------------------- sampling

    @property
    def sampling_generator(self):
        """`[z, embeddings]` -> the current stage's images (what export serves)."""
        return self.sampler()

    def sampler(self, stage=None):
        """`[z, embeddings]` -> the images of `stage` (default: the current one): Stage-I's, or both stages'."""
        stage = self.stage if stage is None else _validation.one_of("stage", stage, (1, 2))
        key = f"__sampler_{stage}"
        chain = self.__dict__.get(key)
        if chain is None:
            z, embeddings = (keras.Input(t.shape[1:], name=t.name) for t in self.generator.inputs)
            low, c, _, _ = self.generator([z, embeddings])
            images = low if stage == 1 else self.stage2_generator([low, c])
            chain = keras.Model([z, embeddings], images, name=f"stackgan_stage{stage}_sampler")
            # Not a tracked attribute: the chain holds the stages' own variables, saved with them.
            object.__setattr__(self, key, chain)
        return chain

    def serving_specs(self):
        """`[z, embeddings]`, or `[z, labels]` (int32) when the model has class embeddings."""
        z = tf.TensorSpec((None, self.latent_dim), tf.float32, name="z")
        if self.num_classes is not None:
            return [z, tf.TensorSpec((None,), tf.int32, name="labels")]
        return [z, tf.TensorSpec((None, self.embedding_dim), tf.float32, name="embeddings")]

    def serving_inputs(self, inputs):
        z, condition = inputs
        return [z, condition if self.num_classes is None else self.embeddings_of(condition)]

    def embeddings_of(self, labels):
        """The class embeddings of int `labels` (rows of `class_embeddings`)."""
        return ops.take(ops.convert_to_tensor(self.class_embeddings), labels, axis=0)

    def generate(self, z, embeddings=None, batch_size=256, seed=None, stage=None, labels=None):
        """Images of `stage` (default: the current) for latents `z` (or a count) and one embedding each.

        Stage-I's images, or Stage-II's refinement of them; as `BaseGAN.generate` otherwise.
        A model with class embeddings also takes int `labels` in place of `embeddings`.
        """
        if isinstance(z, (int, np.integer)) and not isinstance(z, bool):
            z = self.draw_inputs(int(z), seed)
        z = np.asarray(z, "float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (N, {self.latent_dim}), got {z.shape}")
        embeddings = self._condition(embeddings, labels, len(z))
        sampler = self.sampler(stage)
        chunks = [ops.convert_to_numpy(sampler([z[i : i + batch_size], embeddings[i : i + batch_size]], training=False))
                  for i in range(0, len(z), batch_size)]
        return np.concatenate(chunks).astype("float32")

    def score(self, images, labels=None, embeddings=None):
        """The current stage's discriminator logit per image, (N,), for its labels or embeddings."""
        embeddings = self._condition(embeddings, labels, len(images))
        inputs = [ops.convert_to_tensor(images, "float32"), ops.convert_to_tensor(embeddings)]
        logits = self.stage_players()[0](inputs, training=False)
        return ops.reshape(ops.cast(logits, "float32"), (-1,))

    def _condition(self, embeddings, labels, count):
        """(count, E) float32 embeddings: given, or the class embeddings of `labels`."""
        if labels is not None:
            if embeddings is not None:
                raise ValueError("pass labels or embeddings, not both")
            if self.num_classes is None:
                raise ValueError("this StackGAN has no class embeddings (num_classes=None): pass embeddings, not labels")
            embeddings = self.class_embeddings[self._check_labels(labels, count)]
        if embeddings is None:
            raise ValueError("StackGAN generates from embeddings: pass one (N, E) embedding per latent"
                             + (" or labels" if self.num_classes is not None else ""))
        embeddings = np.asarray(embeddings, "float32")
        if embeddings.shape != (count, self.embedding_dim):
            raise ValueError(f"embeddings must have shape ({count}, {self.embedding_dim}), got {embeddings.shape}")
        return embeddings

    # ----------------------------------------------------------------- training

    def check_fit_data(self, x, y):
        super().check_fit_data(x, y)
        if self.num_classes is not None:
            return  # (images, labels), checked as a conditional model's
        spec = x.element_spec if isinstance(x, tf.data.Dataset) else (x, y)
        if not isinstance(spec, tuple) or len(spec) < 2 or spec[1] is None:
            raise ValueError("StackGAN needs (images, embeddings): fit(images, embeddings) or a dataset of pairs "
                             "(keras_gans.data.with_embeddings)")
        shape = tuple(spec[1].shape)
        if len(shape) != 2 or shape[1] != self.embedding_dim:
            raise ValueError(f"embeddings must have shape (N, {self.embedding_dim}), got {shape} (to feed class labels, "
                             "give the model num_classes or class_embeddings)")

    def kl_penalty(self, kl):
        """The generator's KL term: `kl_weight * KL / condition_dim` (the KL averaged over c's dimensions).

        The paper writes lambda D_KL with lambda = 1; the authors' code averages the KL's
        terms over c's N_g dimensions before weighting it. Summed over N_g = 128 dimensions
        at weight 1 it is 128 times as strong and holds mu(phi) at 0 and sigma at 1, so that
        c carries no trace of the embedding (measured on the digits: see BENCHMARKS.md).
        """
        return self.kl_weight * kl / self.condition_dim

    def stage_images(self, images):
        """Real images at the current stage's side: 4x average-pooled for Stage-I, as they are for Stage-II."""
        images = ops.cast(images, "float32")
        return ops.average_pool(images, 4, 4, padding="valid") if self.stage == 1 else images

    def conditions_of(self, real):
        """`(embeddings, labels or None)` of a batch: its embeddings, or its labels' class embeddings."""
        if self.num_classes is None:
            return ops.cast(real[1], "float32"), None
        labels = self.labels_of(real)
        return self.embeddings_of(labels), labels

    def mismatched_embeddings(self, embeddings, labels=None):
        """Embeddings that do not match the batch's images (GAN-CLS's wrong text).

        With labels, each image gets the embedding of another class, drawn uniformly from
        the K - 1 others; without, the batch's embeddings rolled by a random offset in
        [1, B) (each image gets another image's, which may share its class).
        """
        count = ops.shape(embeddings)[0]
        if labels is not None:
            shift = 1 + self.random_integers((count,), 0, self.num_classes - 1)
            return self.embeddings_of((ops.cast(labels, "int32") + shift) % self.num_classes)
        offset = self.random_integers((1,), 1, count)[0]
        return ops.take(embeddings, (ops.arange(count) + offset) % count, axis=0)

    def stage_fake(self, embeddings, training=True):
        """`(images, mu, log_variance)` of the current stage for fresh latents, one per embedding."""
        noise = self.random_normal((ops.shape(embeddings)[0], self.latent_dim))
        # Stage-II: Stage-I is frozen, run in inference mode (its batch norm's moving statistics).
        low, c, mu, log_variance = self.generator([noise, embeddings], training=training and self.stage == 1)
        if self.stage == 1:
            return low, mu, log_variance
        return self.stage2_generator([low, c], training=training), mu, log_variance

    def stage_players(self):
        """`(discriminator, generator, d optimizer, g optimizer)` of the current stage."""
        if self.stage == 1:
            return self.discriminator, self.generator, self.d_optimizer, self.g_optimizer
        return self.stage2_discriminator, self.stage2_generator, self.stage2_d_optimizer, self.stage2_g_optimizer

    def schedule(self, real_batches):
        values = [self.stage_discriminator_step(real) for real in real_batches]
        return values + [self.stage_generator_step(real_batches[-1])]

    def stage_discriminator_step(self, real):
        images, (embeddings, labels) = self.stage_images(real[0]), self.conditions_of(real)
        discriminator, _, d_optimizer, _ = self.stage_players()
        fake, _, _ = self.stage_fake(embeddings)
        wrong = self.mismatched_embeddings(embeddings, labels)
        with tf.GradientTape() as tape:
            real_logits = discriminator([images, embeddings], training=True)
            fake_logits = discriminator([fake, embeddings], training=True)
            mismatched_logits = discriminator([images, wrong], training=True)
            # -log D(x, phi) - (log(1 - D(x, phi_wrong)) + log(1 - D(G(z, c), phi))) / 2  (GAN-CLS; Sec. 3.4)
            d_loss = losses.matching_aware_discriminator_loss(real_logits, fake_logits, mismatched_logits)
        self.apply_gradients(d_optimizer, d_loss, tape, discriminator)
        return {"d_loss": d_loss, "d_real": mean_probability(real_logits), "d_fake": mean_probability(fake_logits),
                "d_mismatched": mean_probability(mismatched_logits)}

    def stage_generator_step(self, real):
        embeddings, _ = self.conditions_of(real)
        discriminator, generator, _, g_optimizer = self.stage_players()
        with tf.GradientTape() as tape:
            fake, mu, log_variance = self.stage_fake(embeddings)
            # -E[log D(G(z, c), phi)] (non-saturating) + lambda KL(N(mu, sigma^2) || N(0, I)) / N_g  (Eq. 3, 5;
            # the KL averaged over c's dimensions, as the authors' code: `kl_penalty`)
            g_loss = losses.non_saturating_generator_loss(discriminator([fake, embeddings], training=True))
            kl = losses.conditioning_augmentation_kl(mu, log_variance)
            if self.stage == 1:
                # Stage-II conditions on frozen Stage-I's c: its KL is a constant there.
                g_loss = g_loss + self.kl_penalty(kl)
        self.apply_gradients(g_optimizer, g_loss, tape, generator)
        return {"g_loss": g_loss, "kl": kl}

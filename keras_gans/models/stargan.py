"""StarGAN: one generator translating images between many domains (Choi et al. 2018)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN
from keras_gans.networks.stargan import build_stargan_discriminator, build_stargan_generator

# Mutually exclusive attributes: a face has one hair colour. The authors' create_labels sets
# one of them and clears the others where it flips any other attribute.
HAIR_COLOURS = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Gray_Hair")


@keras.saving.register_keras_serializable(package="keras_gans")
class StarGAN(BaseGAN):
    """StarGAN: a single generator G(x, c) that translates an image into any target domain c.

    G takes an image and the target label tiled over it (`keras_gans.networks.tile_labels`);
    the discriminator has two heads, a PatchGAN critic D_src and a domain classifier D_cls.
    D learns to tell real from translated images (WGAN-GP) and to classify real images
    into their own domains; G learns to fool D_src, to make D_cls see the target domain in
    its translations, and to map a translation back to its input when given the original
    label, G(G(x, c), c') ~ x (reconstruction, which keeps what the domain does not ask
    to change). Domains are class indices (one-hot inside G, softmax cross-entropy, as the
    paper for RaFD) or, when the generator takes float label vectors, several binary
    attributes at once (sigmoid cross-entropy per attribute, the paper's CelebA setting;
    `StarGAN.default_networks(..., multi_label=True)`). Target labels are the batch's
    labels shuffled, as the authors draw them, so targets follow the data's domain mix.

    Losses (Eq. 5 with WGAN-GP's adversarial term, Eq. 8):
    `L_D = -L_adv + lambda_cls L_cls(D_cls(x), c') + lambda_gp gp` on real x with labels c';
    `L_G = L_adv + lambda_cls L_cls(D_cls(G(x, c)), c) + lambda_rec L_rec`. Each generator
    update follows `critic_steps` (5) discriminator updates, each on a fresh real batch.

    An option not in the paper: `identity_weight` adds CycleGAN's identity term (Zhu et al.
    Sec. 5.2) to L_G, `identity_weight * lambda_rec * E|G(x, c') - x|_1`: translated to its
    own domain, an image should not change. Off (0) by default, as the paper. Measured on
    three coloured digit domains (BENCHMARKS.md, issue 17): without it G reaches the target
    domain within 1,000 steps but draws other digits (content accuracy 0.14, chance); with
    0.5 it keeps 95% of them at 2,000 steps. It did not help a polarity reversal
    (white-on-black to black-on-white), which lost its content instead.

    Metrics: `d_loss`, `g_loss`, `gp`, `wasserstein` (E[D_src(x)] - E[D_src(G(x, c))]),
    `d_cls` (domain loss on real images), `g_cls` (on translations), `g_rec`, `g_id` (the
    identity term before its weight; 0 when off).

    Args:
        generator: a `keras.Model` `[images, labels] -> images`, labels (N,) int domain
            indices or (N, K) float 0/1 attributes (`build_stargan_generator`).
        discriminator: a `keras.Model` `images -> [scores (N, ...), domain logits (N, K)]`
            (`build_stargan_discriminator`).
        num_classes: K, the number of domains or attributes.
        class_names: the domains' (attributes') names, in label order.
        critic_steps: discriminator updates per generator update (n_critic, 5).
        gradient_penalty_weight: lambda_gp (10).
        classification_weight: lambda_cls (1).
        reconstruction_weight: lambda_rec (10).
        identity_weight: the identity term's weight as a fraction of lambda_rec (0: off, the
            paper; 0.5 as CycleGAN's authors weigh theirs).
        seed: seed of the target-label shuffles and penalty mixing weights.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> model = StarGAN(*StarGAN.default_networks(16, 1, width=4, num_classes=3), num_classes=3, critic_steps=1)
    >>> model.compile()  # Adam(1e-4, beta_1=0.5, beta_2=0.999) for both
    >>> images = tf.random.uniform((8, 16, 16, 1), -1, 1)
    >>> history = model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    >>> model.generate(images[:2], labels=[2, 0]).shape
    (2, 16, 16, 1)

    Reference:
        Choi, Choi, Kim, Ha, Kim, Choo. "StarGAN: Unified Generative Adversarial Networks for
        Multi-Domain Image-to-Image Translation", CVPR 2018. https://arxiv.org/abs/1711.09020
    """

    generator_input = "images"
    conditional = True
    metric_names = ("d_loss", "g_loss", "gp", "wasserstein", "d_cls", "g_cls", "g_rec", "g_id")
    config_keys = ("gradient_penalty_weight", "classification_weight", "reconstruction_weight", "identity_weight")
    # The authors' solver: n_critic 5, Adam(1e-4, 0.5, 0.999) for G and D, conv_dim 64; CelebA's five attributes.
    defaults = Defaults(width=64, critic_steps=5, num_classes=5, optimizer=adam(1e-4, beta_1=0.5, beta_2=0.999))

    def __init__(
        self, generator, discriminator, *, gradient_penalty_weight=10.0, classification_weight=1.0,
        reconstruction_weight=10.0, identity_weight=0.0, **kwargs
    ):
        super().__init__(generator, discriminator, **kwargs)
        self.gradient_penalty_weight = _validation.number("gradient_penalty_weight", gradient_penalty_weight, low=0)
        self.classification_weight = _validation.number("classification_weight", classification_weight, low=0)
        self.reconstruction_weight = _validation.number("reconstruction_weight", reconstruction_weight, low=0)
        self.identity_weight = _validation.number("identity_weight", identity_weight, low=0)

    @classmethod
    def default_networks(cls, image_size=64, channels=3, latent_dim=None, width=None, num_classes=None,
                         multi_label=False):
        """`(generator, discriminator)`: `build_stargan_generator` and `build_stargan_discriminator`.

        As `BaseGAN.default_networks` (`latent_dim` is ignored: G translates images), plus
        `multi_label`: labels are vectors of `num_classes` 0/1 attributes, not domain indices.
        """
        if not multi_label:
            return super().default_networks(image_size, channels, latent_dim, width, num_classes)
        num_classes = _validation.num_classes(cls.defaults.num_classes if num_classes is None else num_classes)
        if latent_dim is not None:
            _validation.positive_int("latent_dim", latent_dim)
        width = cls.defaults.width if width is None else width
        return cls._networks(image_size, channels, width, num_classes, multi_label)

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        return cls._networks(image_size, channels, width, num_classes, False)

    @staticmethod
    def _networks(image_size, channels, width, num_classes, multi_label):
        return (
            build_stargan_generator(image_size, channels, num_classes, width=width, multi_label=multi_label),
            build_stargan_discriminator(image_size, channels, num_classes, width=width),
        )

    def check_networks(self):
        net = self.discriminator
        if len(net.outputs) != 2 or tuple(net.outputs[1].shape[1:]) != (self.num_classes,):
            raise ValueError(
                f"StarGAN's discriminator must map images to [scores, domain logits (N, {self.num_classes})], got "
                f"outputs of shapes {[tuple(t.shape) for t in net.outputs]}"
            )

    # ----------------------------------------------------------------- targets

    def generator_inputs(self, real):
        """`([images, target labels], target labels)`: the batch's labels shuffled, as the authors draw c."""
        images, labels = self.images_of(real), self.labels_of(real)
        # A random permutation of the batch: argsort of U[0, 1) draws.
        order = ops.argsort(self.random_uniform((ops.shape(images)[0],)))
        targets = ops.take(labels, order, axis=0)
        return [images, targets], targets

    def classification_loss(self, logits, labels):
        """Domain loss: sigmoid cross-entropy per attribute (multi-label) or softmax cross-entropy."""
        if self.multi_label:
            return losses.attribute_classification_loss(logits, labels)
        return losses.auxiliary_classifier_loss(logits, labels)

    def critic_scores(self, images, training=True):
        """D_src(images), the critic head alone (the gradient penalty's critic)."""
        return self.discriminator(images, training=training)[0]

    # ------------------------------------------------------------------- steps

    def discriminator_step(self, real):
        images, labels = self.images_of(real), self.labels_of(real)
        (_, targets), _ = self.generator_inputs(real)
        fake = self.generator([images, targets], training=True)
        alpha = self.random_uniform([ops.shape(images)[0], 1, 1, 1])
        with tf.GradientTape() as tape:
            real_scores, real_logits = self.discriminator(images, training=True)
            fake_scores, _ = self.discriminator(fake, training=True)
            critic_loss = losses.wasserstein_critic_loss(real_scores, fake_scores)
            # L_cls^r: D classifies real images into their own domains c' (Eq. 2); fakes are not classified.
            d_cls = self.classification_loss(real_logits, labels)
            gp = losses.gradient_penalty(self.critic_scores, images, fake, alpha)
            # L_D = -L_adv + lambda_cls L_cls^r + lambda_gp gp  (Eq. 5 with Eq. 8)
            d_loss = critic_loss + self.classification_weight * d_cls + self.gradient_penalty_weight * gp
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        return {"d_loss": d_loss, "gp": gp, "wasserstein": -critic_loss, "d_cls": d_cls}

    def generator_step(self, real):
        images, labels = self.images_of(real), self.labels_of(real)
        (_, targets), _ = self.generator_inputs(real)
        with tf.GradientTape() as tape:
            fake = self.generator([images, targets], training=True)
            fake_scores, fake_logits = self.discriminator(fake, training=True)
            adversarial = losses.wasserstein_generator_loss(fake_scores)
            # L_cls^f: G makes D classify its translations into the target domains c (Eq. 3).
            g_cls = self.classification_loss(fake_logits, targets)
            # L_rec = E|x - G(G(x, c), c')|_1 (Eq. 4)
            g_rec = losses.reconstruction_loss(images, self.generator([fake, labels], training=True))
            # L_G = L_adv + lambda_cls L_cls^f + lambda_rec L_rec  (Eq. 6)
            g_loss = adversarial + self.classification_weight * g_cls + self.reconstruction_weight * g_rec
            if self.identity_weight > 0:
                # Not in the paper: CycleGAN's identity term (Zhu et al. Sec. 5.2), E|G(x, c') - x|_1.
                g_id = losses.identity_loss(images, self.generator([images, labels], training=True))
                g_loss = g_loss + self.identity_weight * self.reconstruction_weight * g_id
            else:
                g_id = ops.zeros(())
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss, "g_cls": g_cls, "g_rec": g_rec, "g_id": g_id}

    # ------------------------------------------------------------- translating

    def translate_to(self, images, domain, batch_size=256):
        """`images` translated into one target domain (an index, or a name of `class_names`).

        For domain-index labels (with attribute labels, pass target vectors to `generate`).
        The function `keras_gans.metrics.evaluate_translation` takes, as `model.translate_to`.
        """
        if self.multi_label:
            raise ValueError("translate_to takes a domain; with attribute labels pass target vectors to generate")
        if isinstance(domain, str):
            names = list(self.class_names or [])
            if domain not in names:
                raise ValueError(f"unknown domain {domain!r}; the model's domains: {', '.join(names) or 'unnamed'}")
            domain = names.index(domain)
        return self.generate(images, labels=np.full(len(images), domain, "int32"), batch_size=batch_size)

    def translation_targets(self, labels=None, count=None):
        """As `BaseGAN.translation_targets`, but a hair colour is set with the other hair colours
        cleared (`HAIR_COLOURS`) instead of flipped, since a face has one (the authors' `create_labels`)."""
        columns = super().translation_targets(labels, count)
        names = [name for name, _ in columns]
        hair = [k for k, name in enumerate(names) if name in HAIR_COLOURS]
        if not self.multi_label or not hair:
            return columns
        for k in hair:
            target = np.array(labels, "float32")
            target[:, hair] = 0.0
            target[:, k] = 1.0
            columns[k] = (names[k], target)
        return columns

"""Triple-GAN: a classifier, a conditional generator and a discriminator of pairs (Li et al. 2017)."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation, losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models._ema import ema_copy, update_ema
from keras_gans.models._input_checks import assert_image_values
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_classifier, build_conditional_discriminator, build_conditional_generator

# The authors' MNIST schedule: the pseudo-discriminative loss from epoch 300 of 1000, an epoch
# being 60,000 / 100 = 600 classifier updates.
AUTHORS_PSEUDO_DISCRIMINATIVE_START = 300 * 600


@keras.saving.register_keras_serializable(package="keras_gans")
class TripleGAN(BaseGAN):
    """Triple-GAN: semi-supervised classification and class-conditional generation in one game.

    Three players. A classifier C(y | x) labels images; a conditional generator G(z, y)
    draws images of a class; a discriminator D(x, y) judges (image, label) pairs. D
    learns that labelled pairs are real and that both (G(z, y), y) and (x_u, y ~ C(x_u))
    on unlabelled images are fake, weighted alpha and 1 - alpha (Eq. 2); G and C each
    try to make their pairs pass. C also learns from the labelled pairs
    (cross-entropy) and, once G is good, from G's pairs (the pseudo-discriminative
    loss, weight alpha_p): so the few labels, the many unlabelled images and the
    generator all teach the classifier, whose accuracy is the point.

    Each batch is `(labelled images, labels, unlabelled images)`, as
    `keras_gans.data.digits(labels_per_class=K)` yields it. Each step: `critic_steps`
    D updates, one G update, one C update.

    C's expectation over its labels is computed exactly, `sum_y p_c(y | x) (...)`, with
    D run on each unlabelled image paired with every class (the authors' "integrate"
    objective; their default, "argmax", pairs each image with C's most likely label and
    weighs C's loss by that label's probability). No REINFORCE estimator is needed either
    way. Following the authors' code, C's and G's adversarial losses are the
    non-saturating `-log D`, and C's loss carries the authors' semi-supervised terms:
    the entropy of its predictions on unlabelled images (weight 0.3) and the
    cross-entropy of their mean against the uniform (weight 1e-3). C's weights are
    averaged (EMA, rate 0.01, `average_classifier`), which is what `classify` and the
    export use, as the authors evaluate the average.

    Metrics: `d_loss`, `g_loss`, `c_loss`, `c_supervised` (C's cross-entropy on the
    labelled batch), `d_real`, `d_fake`, `d_pseudo` (D's mean probability on labelled,
    generated and C-labelled pairs; C's pairs weighted by C's probabilities).

    Departures from the authors' code: D is the conditional DCGAN discriminator, not their
    MNIST MLP with Gaussian noise layers (which `build_mlp_discriminator` builds with
    `hidden=(1000, 500, 250, 250, 250), negative_slope=0, label_every_layer=True,
    input_noise=0.3, hidden_noise=0.5`), so that the defaults fit colour images at 16-64 px;
    C has no weight decay; C is not pre-trained on the labels before the game; the learning
    rate is not annealed; D's real pairs are the labelled pairs only, as in the paper's
    Eq. 2 (the authors' code also counts C's argmax pairs on a second unlabelled batch as
    real: `argmax_real_weight`). Measured on 8x8 digits with 10 labels per class
    (BENCHMARKS.md, "Triple-GAN and DRAGAN"), none of these alone raised C's held-out
    accuracy over the defaults at 4,000 steps (input noise on D, pre-training, a decaying
    rate, argmax pairs as real, a later or heavier pseudo-discriminative loss, entropy
    weight 1); the authors' D with their argmax pairs and batches of 100 raised it by 1.3
    points over six seeds (0.4 over three), at about seven times the cost; so the paper's
    form stays the default.

    Args:
        generator: a `keras.Model` from `[z, labels]` to images in [-1, 1].
        discriminator: a `keras.Model` from `[images, labels]` to (N, 1) logits.
        classifier: a `keras.Model` from images to (N, num_classes) logits.
        num_classes: K, an int >= 2.
        alpha: the weight of G's pairs in D's loss, 1 - alpha that of C's (1/2).
        pseudo_discriminative_weight: alpha_p, the weight of C's cross-entropy on G's
            pairs (0.1 in the authors' code).
        pseudo_discriminative_start: the C update from which that loss counts
            (the authors': epoch 300 of 1000 on MNIST, 180,000 updates).
        unlabelled_entropy_weight: weight of the entropy of C's predictions on unlabelled
            images (0.3 in the authors' code; 0 turns it off).
        class_balance_weight: weight of the cross-entropy of C's mean prediction against
            the uniform (1e-3 in the authors' code).
        classifier_average: the EMA rate of `average_classifier` (0.01), in (0, 1].
        argmax_real_weight: the share of D's real term given to unlabelled images paired
            with C's most likely label, in [0, 1]: the authors' code counts those pairs as
            real (400 of the 401 pairs in its real batch); 0, the default, keeps the
            paper's Eq. 2, where only labelled pairs are real.
        critic_steps: D updates per step (1).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and label draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> from keras_gans.data import digits
    >>> model = TripleGAN(*TripleGAN.default_networks(8, 1, latent_dim=4, width=4), num_classes=10, seed=0)
    >>> model.compile()  # Adam(1e-3, beta_1=0.5) for all three
    >>> data = digits(image_size=8, batch_size=16, labels_per_class=2, seed=0).take(2)
    >>> sorted(model.fit(data, verbose=0).history)[:3]
    ['c_loss', 'c_supervised', 'd_fake']
    >>> model.classify(np.zeros((3, 8, 8, 1), "float32")).shape
    (3,)

    Reference:
        Li, Xu, Zhu, Zhang. "Triple Generative Adversarial Nets", NeurIPS 2017.
        https://arxiv.org/abs/1703.02291; code: https://github.com/zhenxuan00/triple-gan
    """

    players = BaseGAN.players + (("classifier", "c_optimizer"),)
    state_networks = ("average_classifier",)
    metric_names = ("d_loss", "g_loss", "c_loss", "c_supervised", "d_real", "d_fake", "d_pseudo")
    conditional = True
    semi_supervised = True
    config_keys = ("alpha", "pseudo_discriminative_weight", "pseudo_discriminative_start", "unlabelled_entropy_weight",
                   "class_balance_weight", "classifier_average", "argmax_real_weight")
    # The authors' MNIST code: n_z = 100, Adam(lr 1e-3, beta1 = 0.5) for D, G and C.
    defaults = Defaults(latent_dim=100, width=64, num_classes=10, optimizer=adam(1e-3, beta_1=0.5))

    def __init__(
        self, generator, discriminator, classifier, *, alpha=0.5, pseudo_discriminative_weight=0.1,
        pseudo_discriminative_start=AUTHORS_PSEUDO_DISCRIMINATIVE_START, unlabelled_entropy_weight=0.3,
        class_balance_weight=1e-3, classifier_average=0.01, argmax_real_weight=0.0, **kwargs
    ):
        super().__init__(generator, discriminator, classifier=classifier, **kwargs)
        self.alpha = _validation.number("alpha", alpha, low=0, high=1)
        self.pseudo_discriminative_weight = _validation.number(
            "pseudo_discriminative_weight", pseudo_discriminative_weight, low=0)
        self.pseudo_discriminative_start = _validation.non_negative_int(
            "pseudo_discriminative_start", pseudo_discriminative_start)
        self.unlabelled_entropy_weight = _validation.number("unlabelled_entropy_weight", unlabelled_entropy_weight, low=0)
        self.class_balance_weight = _validation.number("class_balance_weight", class_balance_weight, low=0)
        self.classifier_average = _validation.number(
            "classifier_average", classifier_average, low=0, high=1, low_open=True)
        self.argmax_real_weight = _validation.number("argmax_real_weight", argmax_real_weight, low=0, high=1)
        self.average_classifier = ema_copy(classifier)

    def check_networks(self):
        self.check_two_input_discriminator("logit")
        outputs = tuple(self.classifier.outputs[0].shape[1:]) if self.classifier.outputs else None
        if outputs != (self.num_classes,):
            raise ValueError(
                f"TripleGAN's classifier must map images to ({self.num_classes},) class logits, got outputs of shape "
                f"{outputs}"
            )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generator, discriminator, classifier)`: conditional DCGAN G and D (layer norm in D), the authors' C."""
        return (
            build_conditional_generator(image_size, channels, latent_dim, num_classes, width=width),
            build_conditional_discriminator(image_size, channels, num_classes=num_classes, width=width,
                                            normalization="layer"),
            build_classifier(image_size, channels, num_classes=num_classes, width=width),
        )

    # ------------------------------------------------------------------ data

    def parts_of(self, data):
        """`(labelled images, labels, unlabelled images)` of a batch, labels checked."""
        return self.images_of(data), self.labels_of(data), data[2]

    def checked_step_data(self, data):
        data = super().checked_step_data(data)
        self._require_unlabelled(data)
        self.check_images(data[2])
        return (*data[:2], assert_image_values(data[2]), *data[3:])

    def check_fit_data(self, x, y):
        if not isinstance(x, tf.data.Dataset):
            raise ValueError(
                "TripleGAN is semi-supervised: fit it on a dataset of (labelled images, labels, unlabelled images) "
                "batches, e.g. keras_gans.data.digits(labels_per_class=10)"
            )
        super().check_fit_data(x, y)
        self._require_unlabelled(x.element_spec)
        self.check_images(x.element_spec[2])

    def _require_unlabelled(self, parts):
        if not isinstance(parts, (tuple, list)) or len(parts) < 3:
            raise ValueError(
                "TripleGAN is semi-supervised: its batches must be (labelled images, labels, unlabelled images), "
                "e.g. from keras_gans.data.digits(labels_per_class=10)"
            )

    # ----------------------------------------------------------- the updates

    def schedule(self, real_batches):
        # Algorithm 1 of the paper: D, then G, then C, each on its own loss.
        return super().schedule(real_batches) + [self.classifier_step(real_batches[-1])]

    def pair_logits(self, images, training=True):
        """D's logits on each image paired with every class, (N, K): row i is D(x_i, 0), ..., D(x_i, K - 1)."""
        count, classes = ops.shape(images)[0], self.num_classes
        # [x_0 x K, x_1 x K, ...] against labels [0..K-1, 0..K-1, ...]
        labels = ops.tile(ops.arange(classes, dtype="int32"), [count])
        logits = self.discriminator([ops.repeat(images, classes, axis=0), labels], training=training)
        return ops.reshape(ops.cast(logits, "float32"), (count, classes))

    def class_probabilities(self, images, training=True):
        """C's p_c(y | x), (N, K), float32."""
        return ops.softmax(ops.cast(self.classifier(images, training=training), "float32"), axis=-1)

    def discriminator_step(self, real):
        labelled, labels, unlabelled = self.parts_of(real)
        fake, fake_labels = self.fake_batch(ops.shape(labelled)[0])
        probabilities = self.class_probabilities(unlabelled)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator([labelled, labels], training=True)
            fake_logits = self.discriminator([fake, fake_labels], training=True)
            pairs = self.pair_logits(unlabelled)
            # -E_p[log D] - alpha E_pg[log(1 - D)] - (1 - alpha) E_pc[log(1 - D)]  (Eq. 2)
            d_loss = losses.triple_gan_discriminator_loss(real_logits, fake_logits, pairs, probabilities, self.alpha,
                                                          self.argmax_real_weight)
        self.apply_gradients(self.d_optimizer, d_loss, tape, self.discriminator)
        d_pseudo = ops.mean(ops.sum(probabilities * ops.sigmoid(pairs), axis=-1))
        return {"d_loss": d_loss, "d_real": mean_probability(real_logits), "d_fake": mean_probability(fake_logits),
                "d_pseudo": d_pseudo}

    def generator_loss(self, outputs, fake_labels):
        # alpha E_pg[-log D(G(z, y), y)]: the non-saturating form of Eq. 2's G term (the authors' .5 bce(D, 1))
        return self.alpha * losses.non_saturating_generator_loss(outputs["fake"]), {}

    def classifier_step(self, real):
        """One C update: labels, D's verdict on C's pairs, the entropy terms and G's pairs; returns metrics."""
        labelled, labels, unlabelled = self.parts_of(real)
        fake, fake_labels = self.fake_batch(ops.shape(labelled)[0])
        # alpha_p from the start step on: a weight of 0 or alpha_p rather than a branch (no control flow
        # around a distributed update).
        started = ops.cast(self.c_optimizer.iterations >= self.pseudo_discriminative_start, "float32")
        with tf.GradientTape() as tape:
            supervised = losses.auxiliary_classifier_loss(self.classifier(labelled, training=True), labels)
            probabilities = self.class_probabilities(unlabelled)
            # (1 - alpha) E_x sum_y p_c(y|x) [-log D(x, y)]: C's pairs should pass as real
            adversarial = losses.triple_gan_classifier_adversarial_loss(
                self.pair_logits(unlabelled), probabilities, self.alpha)
            # R_P = E_pg[-log p_c(y | x)] on G's pairs (Eq. 5)
            pseudo = losses.auxiliary_classifier_loss(self.classifier(fake, training=True), fake_labels)
            c_loss = (
                supervised + adversarial + self.pseudo_discriminative_weight * started * pseudo
                + self.unlabelled_entropy_weight * losses.conditional_entropy(probabilities)
                + self.class_balance_weight * losses.class_balance_loss(probabilities)
            )
        self.apply_gradients(self.c_optimizer, c_loss, tape, self.classifier)
        # The averaged classifier the authors evaluate: a <- a + rate (w - a), every weight
        # (batch-norm statistics too), i.e. an EMA with decay 1 - rate.
        update_ema(self.average_classifier, self.classifier, 1.0 - self.classifier_average)
        return {"c_loss": c_loss, "c_supervised": supervised}

    # ------------------------------------------------------------ inference

    def classify(self, images, batch_size=256, probabilities=False):
        """Class labels (N,) int32 of `images` by the averaged classifier, in inference mode.

        With `probabilities=True`, p_c(y | x) (N, K) float32 instead.
        """
        images = np.asarray(images, dtype="float32")
        self.check_images(images)
        chunks = [ops.convert_to_numpy(ops.softmax(ops.cast(
            self.average_classifier(images[i : i + batch_size], training=False), "float32"), axis=-1))
            for i in range(0, len(images), batch_size)]
        result = np.concatenate(chunks) if chunks else np.zeros((0, self.num_classes), "float32")
        return result if probabilities else result.argmax(axis=-1).astype("int32")

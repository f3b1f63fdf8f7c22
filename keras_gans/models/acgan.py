"""ACGAN: the auxiliary classifier GAN (Odena, Olah & Shlens 2017)."""

import keras
from keras import ops

from keras_gans import losses
from keras_gans.models._defaults import Defaults, adam
from keras_gans.models.base import BaseGAN, mean_probability
from keras_gans.networks import build_conditional_generator, build_discriminator


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(BaseGAN):
    """Auxiliary classifier GAN: the discriminator also tells which class an image shows.

    The generator draws an image of class c from `[z, c]`; the discriminator sees
    the image alone and has two heads, the source logit (real or fake) and class
    logits. With `L_S = E[log P(S=real | x)] + E[log P(S=fake | G(z, c))]` and
    `L_C = E[log P(C=c | x)] + E[log P(C=c | G(z, c))]` (Odena et al., Eq. 1-2),
    the discriminator maximises `L_S + L_C` and the generator `L_C - L_S`: both
    want generated images to be classified as the class asked for.

    Losses, minimised: `d_loss` = BCE of the source head on real and fake +
    class cross-entropy on real images (with their labels) + class cross-entropy
    on generated ones (with the labels they were drawn for); `g_loss` = the
    non-saturating `-E[log P(S=real | G(z, c))]` + class cross-entropy on
    generated images. The class term's weight is 1, as in the paper.

    Metrics: `d_loss`, `g_loss`, `d_real` = E[P(S=real | x)], `d_fake` =
    E[P(S=real | G(z, c))], `d_class_accuracy` (the class head on real images, in
    the discriminator step) and `g_class_accuracy` (on generated images, in the
    generator step).

    Defaults (`default_networks`): the conditional DCGAN generator (one-hot class
    joined to z, as the paper's 110-d input of 100 noise and 10 class dimensions)
    and the DCGAN discriminator with batch norm and a class head
    (`build_discriminator(..., num_classes=K)`). The paper's discriminator also
    used dropout 0.5 and stride-1 convolutions between the stride-2 ones.

    Args:
        generator: a `keras.Model` from `[z (N, latent_dim), labels (N,) int32]` to
            images in [-1, 1].
        discriminator: a `keras.Model` from images alone to two outputs,
            `[source logits (N, 1), class logits (N, num_classes)]`.
        num_classes: number of classes K, an int >= 2.
        critic_steps: discriminator updates per generator update (1 in the paper).
        latent_dim: size of z; inferred from the generator when None.
        seed: seed of the latent and label draws in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> model = ACGAN(*ACGAN.default_networks(16, 1, latent_dim=8, width=4, num_classes=3),
    ...               num_classes=3, seed=0)
    >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> history = model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    >>> sorted(history.history)
    ['d_class_accuracy', 'd_fake', 'd_loss', 'd_real', 'g_class_accuracy', 'g_loss']
    >>> model.generate(np.zeros((3, 8), "float32"), labels=[0, 1, 2]).shape
    (3, 16, 16, 1)

    Reference:
        Odena, Olah, Shlens. "Conditional Image Synthesis with Auxiliary Classifier
        GANs", ICML 2017. https://arxiv.org/abs/1610.09585
    """

    metric_names = ("d_loss", "g_loss", "d_real", "d_fake", "d_class_accuracy", "g_class_accuracy")
    conditional = True

    # The paper's 100 noise dimensions (the class adds K more) and, Appendix (CIFAR-10 and
    # ImageNet): Adam, alpha = 2e-4, beta_1 = 0.5, beta_2 = 0.999; DCGAN's width 64.
    defaults = Defaults(latent_dim=100, width=64, optimizer=adam(2e-4, beta_1=0.5, beta_2=0.999))

    def check_networks(self):
        discriminator, num_classes = self.discriminator, self.num_classes
        shapes = [tuple(output.shape[1:]) for output in discriminator.outputs]
        if len(discriminator.inputs) != 1 or shapes != [(1,), (num_classes,)]:
            raise ValueError(
                f"{type(self).__name__}'s discriminator must map images alone to [source (N, 1), class logits "
                f"(N, {num_classes})], got a model with {len(discriminator.inputs)} inputs and outputs of shapes "
                f"{[(None, *shape) for shape in shapes]}"
            )

    @classmethod
    def build_networks(cls, image_size, channels, latent_dim, width, num_classes):
        """`(generator, discriminator)`: conditional DCGAN generator, DCGAN discriminator with a class head."""
        generator = build_conditional_generator(image_size, channels, latent_dim, num_classes, width=width)
        discriminator = build_discriminator(
            image_size, channels, width=width, normalization="batch", output_bias=True, num_classes=num_classes
        )
        return generator, discriminator

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        (real_source, real_class), (fake_source, fake_class) = outputs["real"], outputs["fake"]
        # -L_S = -E[log P(S=real | x)] - E[log P(S=fake | G(z, c))]  (Eq. 1)
        source_loss = losses.minimax_discriminator_loss(real_source, fake_source)
        # -L_C = -E[log P(C=c | x)] - E[log P(C=c | G(z, c))]  (Eq. 2): the class loss on real AND fake
        class_loss = losses.auxiliary_classifier_loss(real_class, real_labels) + losses.auxiliary_classifier_loss(
            fake_class, fake_labels
        )
        # D maximises L_S + L_C
        metrics = {
            "d_real": mean_probability(real_source),
            "d_fake": mean_probability(fake_source),
            "d_class_accuracy": _accuracy(real_class, real_labels),
        }
        return source_loss + class_loss, metrics

    def generator_loss(self, outputs, fake_labels):
        fake_source, fake_class = outputs["fake"]
        # G maximises L_C - L_S. Its part of -L_S, E[log P(S=fake | G(z, c))], is replaced by the
        # non-saturating -E[log P(S=real | G(z, c))]; of L_C only the generated term depends on G.
        g_loss = losses.non_saturating_generator_loss(fake_source) + losses.auxiliary_classifier_loss(
            fake_class, fake_labels
        )
        return g_loss, {"g_class_accuracy": _accuracy(fake_class, fake_labels)}


def _accuracy(class_logits, labels):
    """The fraction of images whose most likely class is their label."""
    predicted = ops.cast(ops.argmax(class_logits, axis=-1), "int32")
    return ops.mean(ops.cast(ops.equal(predicted, ops.reshape(ops.cast(labels, "int32"), (-1,))), "float32"))

"""Class-conditional DCGAN builders (Mirza & Osindero 2014) and the projection discriminator.

The conditional generator and discriminator are the DCGAN ones of
`keras_gans.networks.dcgan` with one_hot(labels) joined to their input: to the
latent for the generator, as K constant feature maps for the discriminator. The
projection discriminator (Miyato & Koyama 2018) instead takes an inner product of a
class embedding with the image features. Labels are (N,) int32 in [0, num_classes);
these networks do not check them (the models do).
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.layers import GlobalSumPooling2D
from keras_gans.networks._labels import label_input, one_hot
from keras_gans.networks.dcgan import _critic, _critic_trunk, _generator_trunk, _WeightOptions


def build_conditional_generator(image_size=64, channels=3, latent_dim=128, num_classes=10, width=64, name="generator"):
    """Builds a conditional DCGAN generator: [z, one_hot(y)] -> image of class y.

    The DCGAN generator of `build_generator` whose dense projection reads the latent
    concatenated with the one-hot label, so the class enters every later layer.

    Args:
        image_size: side of the output image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        latent_dim: size of the latent vector z.
        num_classes: number of classes K, an int >= 2.
        width: filters of the last hidden layer; the others double from there.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping `[z (N, latent_dim) float32, labels (N,) int32 in
        [0, num_classes)]` to (N, S, S, channels) float32 images in [-1, 1].

    Example:
    >>> import numpy as np
    >>> g = build_conditional_generator(16, 1, latent_dim=8, num_classes=10, width=4)
    >>> tuple(g([np.zeros((2, 8), "float32"), np.array([3, 7], "int32")]).shape)
    (2, 16, 16, 1)

    Reference:
        Mirza, Osindero. "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
    """
    image_size, channels, num_classes, width, _ = _check(image_size, channels, num_classes, width)
    latent_dim = validation.positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,), name="z")
    labels = label_input()
    # Mirza & Osindero, Sec. 4.1: y and z are joined before the first hidden layer.
    x = layers.Concatenate(name="z_and_label")([z, one_hot(labels, num_classes)])
    return keras.Model([z, labels], _generator_trunk(x, image_size, channels, width), name=name)


def build_conditional_discriminator(
    image_size=64,
    channels=3,
    num_classes=10,
    width=64,
    normalization="batch",
    output_bias=True,
    spectral_norm=False,
    name="discriminator",
):
    """Builds a conditional DCGAN discriminator: [image, K one-hot label maps] -> score.

    one_hot(y) is tiled to (S, S, K) and concatenated to the image's channels, so
    the first convolution sees the class at every pixel; the rest is the DCGAN
    critic of `build_critic` (batch norm by default, as in `build_discriminator`).

    Args:
        image_size: side of the input image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        num_classes: number of classes K, an int >= 2.
        width: filters of the first convolution; the others double from there.
        normalization: "batch", "layer" or None, after every convolution but the first.
        output_bias: whether the score layer has a bias (False for a Wasserstein critic).
        spectral_norm: wrap every Conv2D and Dense in `ReparametrizedSpectralNormalization`.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping `[images (N, S, S, channels), labels (N,) int32 in
        [0, num_classes)]` to (N, 1) float32 scores.

    Example:
    >>> import numpy as np
    >>> d = build_conditional_discriminator(16, 1, num_classes=10, width=4)
    >>> tuple(d([np.zeros((2, 16, 16, 1), "float32"), np.array([3, 7], "int32")]).shape)
    (2, 1)

    Reference:
        Mirza, Osindero. "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
    """
    image_size, channels, num_classes, width, doublings = _check(image_size, channels, num_classes, width)
    images = keras.Input((image_size, image_size, channels), name="images")
    labels = label_input()
    # (N, K) -> (N, 1, 1, K) -> (N, S, S, K): the label as constant feature maps.
    maps = layers.Reshape((1, 1, num_classes))(one_hot(labels, num_classes))
    maps = layers.UpSampling2D(size=image_size, name="label_maps")(maps)
    x = layers.Concatenate(name="images_and_label_maps")([images, maps])
    return _critic(
        [images, labels],
        x,
        doublings=doublings,
        width=width,
        normalization=normalization,
        spectral_norm=spectral_norm,
        kernel_constraint=None,
        output_bias=output_bias,
        num_classes=None,
        name=name,
    )


def build_projection_discriminator(
    image_size=64, channels=3, num_classes=10, width=64, spectral_norm=True, name="discriminator"
):
    """Builds a projection discriminator: D(x, y) = psi(phi(x)) + <V[y], phi(x)>.

    phi(x) is the DCGAN critic's convolution trunk (LeakyReLU 0.2, no normalisation)
    summed over its spatial axes, the layer named "features"; psi is a linear
    score on it, and the class enters only through the inner product of its
    embedding V[y] with phi(x) (Miyato & Koyama 2018, Eq. 3), rather than by
    concatenation. Departures from the paper: the trunk is DCGAN's strided
    convolutions, not ResNet blocks; and V is a bias-free Dense on one_hot(y)
    (one_hot(y) V = V[y], the same K x D matrix) instead of an Embedding, because
    Keras's SpectralNormalization casts its output to its input's dtype, which
    turns an Embedding's output into int32 when it is fed int labels.

    Args:
        image_size: side of the input image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        num_classes: number of classes K, an int >= 2.
        width: filters of the first convolution; the others double from there, and
            phi(x) has `width * 2**(n-1)` features.
        spectral_norm: wrap every convolution, psi and the embedding V in
            `keras_gans.layers.ReparametrizedSpectralNormalization`, as the paper does.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping `[images (N, S, S, channels), labels (N,) int32 in
        [0, num_classes)]` to (N, 1) float32 scores. Its layers "features", "psi",
        "class_embedding" and "projection" give phi(x), psi(phi(x)), V[y] and
        <V[y], phi(x)>.

    Example:
    >>> d = build_projection_discriminator(16, 1, num_classes=10, width=4)  # phi(x): 4 * 2 features
    >>> [tuple(d.get_layer(name).output.shape) for name in ("features", "class_embedding", "score")]
    [(None, 8), (None, 8), (None, 1)]

    Reference:
        Miyato, Koyama. "cGANs with Projection Discriminator", ICLR 2018.
    """
    image_size, channels, num_classes, width, doublings = _check(image_size, channels, num_classes, width)
    options = _WeightOptions(spectral_norm, None)
    images = keras.Input((image_size, image_size, channels), name="images")
    labels = label_input()
    x = _critic_trunk(images, doublings, width, None, options)
    # phi(x) = sum over (h, w) of the last feature map (Miyato & Koyama, Fig. 14).
    features = GlobalSumPooling2D(name="features")(x)
    return keras.Model([images, labels], projection_head(features, labels, num_classes, spectral_norm), name=name)


def projection_head(features, labels, num_classes, spectral_norm=True):
    """The projection discriminator's score on features phi(x): psi(phi(x)) + <V[y], phi(x)>.

    The head of `build_projection_discriminator`, for other trunks (the ResNet
    discriminators of SAGAN and BigGAN): layers "psi", "class_embedding" (V[y] as
    one_hot(y) V, see that docstring), "projection" and "score", all float32.

    Args:
        features: the (N, D) tensor phi(x) of a Functional model.
        labels: its (N,) int32 labels input.
        num_classes: number of classes K.
        spectral_norm: wrap psi and V in `ReparametrizedSpectralNormalization`.

    Returns:
        The (N, 1) float32 score tensor.
    """
    options = _WeightOptions(spectral_norm, None)
    psi = options.dense(1, use_bias=True, dtype="float32", name="psi")(features)
    embedded = options.dense(features.shape[-1], use_bias=False, dtype="float32", name="class_embedding")(
        one_hot(labels, num_classes)
    )
    # Eq. 3: f(x, y) = y^T V phi(x) + psi(phi(x)).
    projection = layers.Dot(axes=1, dtype="float32", name="projection")([embedded, features])
    return layers.Add(dtype="float32", name="score")([psi, projection])


def _check(image_size, channels, num_classes, width):
    """The checked arguments every conditional builder takes, and the image's number of doublings."""
    image_size = validation.image_size(image_size)
    _, doublings = validation.base_resolution(image_size)
    channels, num_classes = validation.channels(channels), validation.num_classes(num_classes)
    return image_size, channels, num_classes, validation.positive_int("width", width), doublings

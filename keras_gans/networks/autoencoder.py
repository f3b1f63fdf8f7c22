"""Autoencoder discriminators (EBGAN, BEGAN) and BEGAN's decoder-shaped generator.

An autoencoder discriminator maps images to `[reconstruction, code]`: the
reconstruction is what the losses compare with the input (EBGAN's energy, BEGAN's
L1 loss), the code is the encoder's output, which EBGAN's pulling-away term spreads
apart. Both encoders halve the image `max(n - 1, 2)` times for an image side of
`base * 2**n` (`keras_gans._validation.base_resolution`): 64 px gives the papers' 8x8
code maps, 16 px a 4x4 one.
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.networks.dcgan import BATCH_NORM_MOMENTUM


def _halvings(image_size):
    _, doublings = validation.base_resolution(image_size)
    return max(doublings - 1, 2)


def _check(image_size, channels, width):
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    if image_size % 2 ** _halvings(image_size):
        raise ValueError(f"image_size must be a multiple of {2 ** _halvings(image_size)}, got {image_size}")
    return image_size, channels, validation.positive_int("width", width)


def _normal():
    return keras.initializers.RandomNormal(stddev=0.02)


def build_ebgan_discriminator(image_size=64, channels=3, width=64, name="discriminator"):
    """Builds EBGAN's autoencoder discriminator: strided convolutions down, transposed ones up.

    The encoder is 4x4 stride-2 convolutions with `width`, 2 `width`, 4 `width`, ...
    filters, batch norm (not on the first) and LeakyReLU 0.2; the decoder mirrors it
    with transposed convolutions back to a linear `channels`-map reconstruction, the
    paper's 64 px CelebA/LSUN architecture (Zhao et al. 2017, Appendix; 64-128-256
    filters, code 8x8x256 at 64 px and width 64).

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        width: filters of the first convolution; they double at each halving.
        name: name of the Functional model.

    Returns:
        A `keras.Model` from (N, S, S, channels) to `[reconstruction (N, S, S, channels),
        code (N, S / 2^d, S / 2^d, width 2^(d-1))]`, both float32.

    Example:
    >>> d = build_ebgan_discriminator(16, 1, width=4)
    >>> [tuple(t.shape) for t in d.outputs]
    [(None, 16, 16, 1), (None, 4, 4, 8)]

    Reference:
        Zhao, Mathieu, LeCun. "Energy-based Generative Adversarial Network", ICLR 2017.
    """
    image_size, channels, width = _check(image_size, channels, width)
    halvings = _halvings(image_size)
    images = keras.Input((image_size, image_size, channels), name="images")
    x = images
    for i in range(halvings):
        x = layers.Conv2D(width * 2**i, 4, strides=2, padding="same", kernel_initializer=_normal())(x)
        if i > 0:
            x = layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM)(x)
        x = layers.LeakyReLU(0.2)(x)
    code = layers.Identity(name="code")(x)
    for i in reversed(range(halvings - 1)):
        x = layers.Conv2DTranspose(width * 2**i, 4, strides=2, padding="same", kernel_initializer=_normal())(x)
        x = layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM)(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", kernel_initializer=_normal())(x)
    reconstruction = layers.Activation("linear", dtype="float32", name="reconstruction")(x)
    return keras.Model(images, [reconstruction, layers.Activation("linear", dtype="float32")(code)], name=name)


def _began_decoder(x, image_size, channels, width, output_activation):
    # Dense to base x base x n, then per resolution two 3x3 ELU convolutions and a
    # nearest-neighbour doubling (not after the last): Berthelot et al. 2017, Fig. 1.
    halvings = _halvings(image_size)
    base = image_size // 2**halvings
    x = layers.Dense(base * base * width)(x)
    x = layers.Reshape((base, base, width))(x)
    for i in range(halvings + 1):
        x = layers.Conv2D(width, 3, padding="same", activation="elu")(x)
        x = layers.Conv2D(width, 3, padding="same", activation="elu")(x)
        if i < halvings:
            x = layers.UpSampling2D(2, interpolation="nearest")(x)
    x = layers.Conv2D(channels, 3, padding="same")(x)
    return layers.Activation(output_activation, dtype="float32", name="images_out")(x)


def build_began_discriminator(image_size=64, channels=3, width=64, embedding_dim=64, name="discriminator"):
    """Builds BEGAN's autoencoder discriminator: ELU convolutions, no batch norm.

    Encoder: a 3x3 convolution, then per resolution two 3x3 convolutions with
    `width * (i + 1)` filters and a stride-2 convolution that subsamples (not after the
    last), flattened into a linear embedding of `embedding_dim` (h). Decoder: a dense
    layer to `base x base x width`, then per resolution two 3x3 convolutions with `width`
    filters and a nearest-neighbour upsampling, and a linear 3x3 convolution to the
    image. Every convolution has an exponential linear unit (Berthelot et al. 2017,
    Fig. 1; n = `width`, N_h = `embedding_dim`).

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        width: n, the filters of the decoder's convolutions (64 or 128 in the paper).
        embedding_dim: h, the size of the code (64 in the paper).
        name: name of the Functional model.

    Returns:
        A `keras.Model` from (N, S, S, channels) to `[reconstruction (N, S, S, channels),
        code (N, embedding_dim)]`, both float32.

    Example:
    >>> d = build_began_discriminator(16, 1, width=4, embedding_dim=8)
    >>> [tuple(t.shape) for t in d.outputs]
    [(None, 16, 16, 1), (None, 8)]

    Reference:
        Berthelot, Schumm, Metz. "BEGAN: Boundary Equilibrium Generative Adversarial
        Networks", arXiv:1703.10717, 2017.
    """
    image_size, channels, width = _check(image_size, channels, width)
    embedding_dim = validation.positive_int("embedding_dim", embedding_dim)
    halvings = _halvings(image_size)
    images = keras.Input((image_size, image_size, channels), name="images")
    x = layers.Conv2D(width, 3, padding="same", activation="elu")(images)
    for i in range(halvings + 1):
        filters = width * (i + 1)
        x = layers.Conv2D(filters, 3, padding="same", activation="elu")(x)
        x = layers.Conv2D(filters, 3, padding="same", activation="elu")(x)
        if i < halvings:
            # Sub-sampling by a stride-2 convolution, as the authors' code does.
            x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="elu")(x)
    code = layers.Dense(embedding_dim, name="code")(layers.Flatten()(x))
    reconstruction = _began_decoder(code, image_size, channels, width, "linear")
    return keras.Model(images, [reconstruction, layers.Activation("linear", dtype="float32")(code)], name=name)


def build_began_generator(image_size=64, channels=3, latent_dim=64, width=64, name="generator"):
    """Builds BEGAN's generator: the discriminator's decoder shape, from z.

    The same layers as `build_began_discriminator`'s decoder (own weights), with a tanh
    output so that images lie in [-1, 1] as every generator of this package; the
    paper's output is linear (a departure, which only bounds the images).

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        latent_dim: N_z, the size of z (64 in the paper).
        width: n, filters of every convolution.
        name: name of the Functional model.

    Returns:
        A `keras.Model` from (N, latent_dim) to (N, S, S, channels) in [-1, 1].

    Example:
    >>> g = build_began_generator(16, 1, latent_dim=8, width=4)
    >>> tuple(g.output.shape)
    (None, 16, 16, 1)
    """
    image_size, channels, width = _check(image_size, channels, width)
    latent_dim = validation.positive_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, _began_decoder(z, image_size, channels, width, "tanh"), name=name)

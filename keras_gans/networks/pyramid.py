"""LAPGAN's networks (Denton et al. 2015): one generator and one discriminator per pyramid level.

The coarsest level is an ordinary GAN of fully connected networks on small images; every finer
level's generator maps (a noise plane, the upsampled coarser image) to that level's residual,
and its discriminator judges (residual, upsampled coarser image) pairs.
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.networks.mlp import build_mlp_discriminator, build_mlp_generator

# The coarsest level's side in the paper (CIFAR-10: 8x8); the pyramid halves down to it.
COARSEST_SIDE = 8


def pyramid_sides(image_size):
    """The sides of LAPGAN's levels, coarse to fine: halve `image_size` while it is even and above 8.

    Example:
    >>> pyramid_sides(64), pyramid_sides(28), pyramid_sides(8)
    ([8, 16, 32, 64], [7, 14, 28], [8])
    """
    side = validation.positive_int("image_size", image_size, minimum=4)
    sides = [side]
    while sides[0] > COARSEST_SIDE and sides[0] % 2 == 0:
        sides.insert(0, sides[0] // 2)
    return sides


def _conv(filters, name=None, strides=1):
    # DCGAN's N(0, 0.02) initialisation; the paper's 5x5 kernels.
    init = keras.initializers.RandomNormal(stddev=0.02)
    return layers.Conv2D(filters, 5, strides=strides, padding="same", kernel_initializer=init, name=name)


def build_laplacian_generator(side, channels=3, width=64, name="generator"):
    """A finer level's generator: `[noise (side, side, 1), coarse (side, side, C)]` -> residual (side, side, C).

    The noise enters as a fourth colour plane of the upsampled coarser image (the paper's
    CIFAR-10 models); three 5x5 convolutions, the two hidden ones with `2 * width` filters,
    batch norm and ReLU (128 filters in the paper at width 64), the last linear: a
    residual is unbounded (the range of upsample(coarse) + residual is not clipped).

    Example:
    >>> g = build_laplacian_generator(16, channels=1, width=4)
    >>> [tuple(i.shape) for i in g.inputs], tuple(g.output.shape)
    ([(None, 16, 16, 1), (None, 16, 16, 1)], (None, 16, 16, 1))

    Reference:
        Denton et al. "Deep Generative Image Models using a Laplacian Pyramid of
        Adversarial Networks", NeurIPS 2015, Sec. 4.
    """
    side, channels = validation.positive_int("side", side), validation.channels(channels)
    width = validation.positive_int("width", width)
    noise = keras.Input((side, side, 1), name="noise")
    coarse = keras.Input((side, side, channels), name="coarse")
    x = layers.Concatenate()([coarse, noise])
    for _ in range(2):
        x = layers.ReLU()(layers.BatchNormalization()(_conv(2 * width)(x)))
    x = _conv(channels)(x)
    # float32 last, so residuals add to float32 images under a mixed-precision policy.
    residual = layers.Activation("linear", dtype="float32", name="residual")(x)
    return keras.Model([noise, coarse], residual, name=name)


def build_laplacian_discriminator(side, channels=3, width=64, name="discriminator"):
    """A finer level's discriminator: `[residual, coarse]` (each (side, side, C)) -> (N, 1) logits.

    The residual is judged with the upsampled coarser image it completes (concatenated
    along the channels): two stride-2 5x5 convolutions with `2 * width` filters and
    LeakyReLU 0.2, then one linear output.

    Example:
    >>> d = build_laplacian_discriminator(16, channels=1, width=4)
    >>> len(d.inputs), tuple(d.output.shape)
    (2, (None, 1))
    """
    side, channels = validation.positive_int("side", side), validation.channels(channels)
    width = validation.positive_int("width", width)
    residual = keras.Input((side, side, channels), name="residual")
    coarse = keras.Input((side, side, channels), name="coarse")
    x = layers.Concatenate()([residual, coarse])
    for _ in range(2):
        x = layers.LeakyReLU(0.2)(_conv(2 * width, strides=2)(x))
    logits = layers.Dense(1, dtype="float32", name="logits")(layers.Flatten()(x))
    return keras.Model([residual, coarse], logits, name=name)


def build_lapgan_networks(image_size=32, channels=3, latent_dim=100, width=64):
    """`(generators, discriminators)`: one per level of `pyramid_sides(image_size)`, coarse to fine.

    Level 0 is the paper's fully connected GAN on the coarsest images: a generator with
    two ReLU layers of `16 * width` units (1200 in the paper) and a discriminator with two
    LeakyReLU layers of `8 * width` (600). Finer levels use `build_laplacian_generator`
    and `build_laplacian_discriminator`.

    Example:
    >>> generators, discriminators = build_lapgan_networks(16, 1, latent_dim=8, width=4)
    >>> [tuple(g.outputs[0].shape[1:]) for g in generators]
    [(8, 8, 1), (16, 16, 1)]
    """
    channels = validation.channels(channels)
    latent_dim, width = validation.positive_int("latent_dim", latent_dim), validation.positive_int("width", width)
    sides = pyramid_sides(image_size)
    coarse = (sides[0], sides[0], channels)
    generators = [build_mlp_generator(coarse, latent_dim, hidden=(16 * width, 16 * width), name="generator")]
    discriminators = [build_mlp_discriminator(coarse, hidden=(8 * width, 8 * width), name="discriminator")]
    for k, side in enumerate(sides[1:], start=1):
        generators.append(build_laplacian_generator(side, channels, width, name=f"generator_{k}"))
        discriminators.append(build_laplacian_discriminator(side, channels, width, name=f"discriminator_{k}"))
    return generators, discriminators

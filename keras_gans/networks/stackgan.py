"""StackGAN's networks (Zhang et al. 2017): Stage-I and Stage-II generators and matching-aware discriminators.

Stage-I draws a low-resolution image (a quarter of the final side) from noise and a
conditioning vector; Stage-II refines it, with the same conditioning, to the final size.
Both discriminators judge an image together with the embedding it should match.
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.layers import ConditioningAugmentation


def _conv(filters, kernel=3, strides=1, name=None):
    return layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=keras.initializers.RandomNormal(stddev=0.02), name=name)


def _up(x, filters):
    # The authors' upsampling block: nearest-neighbour x2, 3x3 convolution, batch norm, ReLU.
    return layers.ReLU()(layers.BatchNormalization()(_conv(filters)(layers.UpSampling2D()(x))))


def _replicate(vector, side):
    # A vector repeated over a side x side grid, to join a feature map along its channels.
    return layers.UpSampling2D(side)(layers.Reshape((1, 1, vector.shape[-1]))(vector))


def build_stage1_generator(image_size=16, channels=3, latent_dim=100, embedding_dim=1024, condition_dim=128, width=64,
                           name="generator"):
    """Stage-I: `[noise (latent_dim + condition_dim), embeddings (E)]` -> `[images, c, mu, log_variance]`.

    The noise input holds z (its first `latent_dim` entries) and the conditioning
    augmentation's eps (the last `condition_dim`); c = mu(phi) + sigma(phi) * eps
    (`ConditioningAugmentation`). [z, c] is projected to 4x4 with `8 * width` filters
    and upsampled (nearest x2, 3x3 conv, batch norm, ReLU), halving the filters, to
    `image_size` (a quarter of StackGAN's final side), then a 3x3 convolution and tanh.

    Example:
    >>> g = build_stage1_generator(8, 1, latent_dim=4, embedding_dim=10, condition_dim=2, width=4)
    >>> [tuple(i.shape) for i in g.inputs], [tuple(o.shape) for o in g.outputs]
    ([(None, 6), (None, 10)], [(None, 8, 8, 1), (None, 2), (None, 2), (None, 2)])
    """
    image_size, channels = _side(image_size), validation.channels(channels)
    latent_dim, width = validation.positive_int("latent_dim", latent_dim), validation.positive_int("width", width)
    condition_dim = validation.positive_int("condition_dim", condition_dim)
    noise = keras.Input((latent_dim + condition_dim,), name="z")
    embeddings = keras.Input((validation.positive_int("embedding_dim", embedding_dim),), name="embeddings")
    c, mu, log_variance = ConditioningAugmentation(condition_dim, name="conditioning_augmentation")(
        [embeddings, noise[:, latent_dim:]])
    x = layers.Concatenate()([noise[:, :latent_dim], c])
    filters = 8 * width
    x = layers.Dense(4 * 4 * filters, use_bias=False)(x)
    x = layers.ReLU()(layers.BatchNormalization()(layers.Reshape((4, 4, filters))(x)))
    side = 4
    while side < image_size:
        filters, side = max(filters // 2, width), side * 2
        x = _up(x, filters)
    x = layers.Conv2D(channels, 3, padding="same")(x)
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    outputs = [images] + [layers.Activation("linear", dtype="float32", name=n)(t)
                          for n, t in (("c", c), ("mu", mu), ("log_variance", log_variance))]
    return keras.Model([noise, embeddings], outputs, name=name)


def build_stage2_generator(image_size=64, channels=3, condition_dim=128, width=64, residual_blocks=2,
                           name="stage2_generator"):
    """Stage-II: `[Stage-I images (image_size / 4), c]` -> images (image_size), refined.

    An encoder (3x3 convolutions, `4 * width` filters) of the low-resolution image is
    joined with c replicated over its grid, mixed by a 3x3 convolution, passed through
    `residual_blocks` residual blocks (conv-BN-ReLU-conv-BN plus the input, then ReLU),
    and upsampled twice (x4) to `image_size`, then a 3x3 convolution and tanh. The paper
    first downsamples its 64 px Stage-I image to 16x16 and upsamples to 256; at this
    package's sizes the encoder keeps the Stage-I side.

    Example:
    >>> g = build_stage2_generator(16, 1, condition_dim=2, width=4)
    >>> [tuple(i.shape) for i in g.inputs], tuple(g.output.shape)
    ([(None, 4, 4, 1), (None, 2)], (None, 16, 16, 1))
    """
    image_size, channels = _final_side(image_size), validation.channels(channels)
    width, condition_dim = validation.positive_int("width", width), validation.positive_int("condition_dim", condition_dim)
    blocks = validation.non_negative_int("residual_blocks", residual_blocks)
    low = image_size // 4
    images = keras.Input((low, low, channels), name="images")
    c = keras.Input((condition_dim,), name="c")
    filters = 4 * width
    x = layers.ReLU()(_conv(filters)(images))
    x = layers.Concatenate()([x, _replicate(c, low)])
    x = layers.ReLU()(layers.BatchNormalization()(_conv(filters)(x)))
    for _ in range(blocks):
        y = layers.ReLU()(layers.BatchNormalization()(_conv(filters)(x)))
        y = layers.BatchNormalization()(_conv(filters)(y))
        x = layers.ReLU()(layers.Add()([x, y]))
    x = _up(_up(x, filters // 2), max(filters // 4, width))
    x = layers.Conv2D(channels, 3, padding="same")(x)
    return keras.Model([images, c], layers.Activation("tanh", dtype="float32", name="refined")(x), name=name)


def build_matching_discriminator(image_size=16, channels=3, embedding_dim=1024, width=64, condition_dim=128,
                                 name="discriminator"):
    """`[images, embeddings]` -> (N, 1) logits: is this a real image that matches this embedding?

    Stride-2 4x4 convolutions (LeakyReLU 0.2, batch norm after the first) down to 4x4,
    doubling the filters from `width`; the embedding compressed to `condition_dim` by a
    dense layer (LeakyReLU), replicated over the 4x4 grid and joined; a 1x1 convolution;
    a dense logit (the paper's N_d = 128 and 4x4 joint features).

    Example:
    >>> d = build_matching_discriminator(16, 1, embedding_dim=10, width=4, condition_dim=2)
    >>> [tuple(i.shape) for i in d.inputs], tuple(d.output.shape)
    ([(None, 16, 16, 1), (None, 10)], (None, 1))
    """
    image_size, channels = _side(image_size), validation.channels(channels)
    width = validation.positive_int("width", width)
    images = keras.Input((image_size, image_size, channels), name="images")
    embeddings = keras.Input((validation.positive_int("embedding_dim", embedding_dim),), name="embeddings")
    x, side, filters = images, image_size, width
    while side > 4:
        x = _conv(filters, 4, strides=2)(x)
        if filters > width:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
        side, filters = side // 2, filters * 2
    compressed = layers.LeakyReLU(0.2)(layers.Dense(validation.positive_int("condition_dim", condition_dim))(embeddings))
    x = layers.Concatenate()([x, _replicate(compressed, side)])
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(_conv(filters, 1)(x)))
    logits = layers.Dense(1, dtype="float32", name="logits")(layers.Flatten()(x))
    return keras.Model([images, embeddings], logits, name=name)


def build_stackgan_networks(image_size=64, channels=3, latent_dim=100, embedding_dim=1024, condition_dim=128, width=64):
    """`(generator, discriminator, stage2_generator, stage2_discriminator)` for a final side `image_size`.

    Stage-I works at `image_size / 4`, Stage-II at `image_size`.

    Example:
    >>> networks = build_stackgan_networks(16, 1, latent_dim=4, embedding_dim=10, condition_dim=2, width=4)
    >>> [tuple(n.outputs[0].shape[1:]) for n in networks]
    [(4, 4, 1), (1,), (16, 16, 1), (1,)]
    """
    image_size = _final_side(image_size)
    low = image_size // 4
    return (
        build_stage1_generator(low, channels, latent_dim, embedding_dim, condition_dim, width),
        build_matching_discriminator(low, channels, embedding_dim, width, condition_dim),
        build_stage2_generator(image_size, channels, condition_dim, width),
        build_matching_discriminator(image_size, channels, embedding_dim, width, condition_dim,
                                     name="stage2_discriminator"),
    )


def _side(value):
    # Stage-I's generator doubles a 4x4 map and the discriminators halve to 4x4: 4 times a power of two.
    side = validation.positive_int("image_size", value, minimum=4)
    if side & (side - 1):
        raise ValueError(f"StackGAN's networks need an image_size of 4 times a power of two (4, 8, 16, ...), got {side}")
    return side


def _final_side(value):
    side = validation.positive_int("image_size", value, minimum=1)
    if side < 16 or side & (side - 1):
        raise ValueError(f"StackGAN's final image_size must be 16 times a power of two (16, 32, 64, ...): Stage-I "
                         f"works at a quarter of it; got {side}")
    return side

"""DCGAN-style generator and critic builders (Radford et al. 2016) for square images."""

import keras
from keras import layers

VALID_CHANNELS = (1, 3)


def base_resolution(image_size):
    """Splits `image_size` into `base * 2**n` with `base` in 4..7 and `n >= 1`.

    The generator starts from a `base x base` feature map and doubles it `n`
    times; the critic halves the image `n` times back down to `base`.

    Args:
        image_size: side of the square image in pixels.

    Returns:
        `(base, n)`.

    Raises:
        ValueError: if `image_size` is not an int of that form (e.g. 30 or 5).

    Example:
    >>> base_resolution(64), base_resolution(28)
    ((4, 4), (7, 2))
    """
    if isinstance(image_size, bool) or not isinstance(image_size, int):
        raise ValueError(f"image_size must be an int, got {image_size!r}")
    size, doublings = image_size, 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        doublings += 1
    if doublings == 0 or not 4 <= size <= 7:
        raise ValueError(
            "image_size must be 4 to 7 times a power of two and at least 8 "
            f"(e.g. 16, 28, 32, 64, 128), got {image_size!r}"
        )
    return size, doublings


def check_image_size(image_size):
    """Returns `image_size` if the networks can be built for it, else raises ValueError."""
    base_resolution(image_size)
    return image_size


def check_channels(channels):
    """Returns `channels` if it is 1 (grayscale) or 3 (RGB), else raises ValueError."""
    if channels not in VALID_CHANNELS:
        raise ValueError(f"channels must be 1 or 3, got {channels!r}")
    return channels


def _init():
    # DCGAN (Radford et al. 2016, Sec. 4): all weights from N(0, 0.02).
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def build_generator(image_size=64, channels=3, latent_dim=128, width=64, name="generator"):
    """Builds a DCGAN generator: latent -> base x base x filters -> ... -> image.

    A dense layer projects the latent to a `base x base` map with `width * 2**(n-1)`
    filters (512 for 64 px and width 64); each stride-2 transposed convolution
    doubles the side and halves the filters, with batch norm and ReLU; the last one
    outputs `channels` maps through tanh, so images lie in [-1, 1].

    Args:
        image_size: side of the output image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        latent_dim: size of the latent vector z.
        width: filters of the last hidden layer; the others double from there.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping (N, latent_dim) float32 to (N, S, S, channels) in [-1, 1].

    Example:
    >>> g = build_generator(image_size=16, channels=1, latent_dim=8, width=4)
    >>> tuple(g.output.shape)
    (None, 16, 16, 1)

    Reference:
        Radford, Metz, Chintala. "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """
    base, doublings = base_resolution(image_size)
    check_channels(channels)
    _check_positive(latent_dim=latent_dim, width=width)
    filters = width * 2 ** (doublings - 1)
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(base * base * filters, use_bias=False, kernel_initializer=_init())(z)
    x = layers.Reshape((base, base, filters))(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for _ in range(doublings - 1):
        filters //= 2
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_init()
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", kernel_initializer=_init())(x)
    # float32 output keeps images exact under a mixed-precision policy.
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(z, images, name=name)


def build_critic(image_size=64, channels=3, width=64, normalization="layer", name="critic"):
    """Builds a DCGAN critic: strided convolutions, LeakyReLU 0.2, a linear score.

    Each stride-2 convolution halves the side and doubles the filters (64, 128, 256,
    512 for 64 px and width 64) down to `base x base`; a dense layer gives one
    unbounded score per image. There is no batch norm: the WGAN-GP penalty is taken
    per sample, and batch norm makes each score depend on the whole batch
    (Gulrajani et al. 2017, Sec. 4), so layer norm or none is used instead.

    Args:
        image_size: side of the input image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        width: filters of the first convolution; the others double from there.
        normalization: "layer" (layer norm after every conv but the first) or None.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping (N, S, S, channels) to (N, 1) float32 scores.

    Example:
    >>> d = build_critic(image_size=16, channels=1, width=4)
    >>> tuple(d.output.shape)
    (None, 1)

    Reference:
        Gulrajani et al. "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """
    _, doublings = base_resolution(image_size)
    check_channels(channels)
    _check_positive(width=width)
    if normalization not in ("layer", None):
        raise ValueError(f'normalization must be "layer" or None, got {normalization!r}')
    images = keras.Input((image_size, image_size, channels), name="images")
    x = images
    filters = width
    for i in range(doublings):
        x = layers.Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=_init())(x)
        # DCGAN: no normalization on the critic's input layer.
        if normalization == "layer" and i > 0:
            x = layers.LayerNormalization(axis=[1, 2, 3])(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        filters *= 2
    x = layers.Flatten()(x)
    # No bias: a constant added to every score cancels in E[D(x)] - E[D(G(z))] and in
    # the gradient penalty, so it would never receive a gradient.
    score = layers.Dense(1, use_bias=False, kernel_initializer=_init(), dtype="float32", name="score")(x)
    return keras.Model(images, score, name=name)


def _check_positive(**values):
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{key} must be a positive int, got {value!r}")

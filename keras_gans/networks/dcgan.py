"""DCGAN-style generator, critic and discriminator builders (Radford et al. 2016) for square images.

The generator and critic bodies are shared with `keras_gans.networks.conditional`
through `_generator_trunk` and `_critic`, so a conditional network differs from its
unconditional one only in how the labels enter.
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans._validation import base_resolution
from keras_gans.layers import (
    MinibatchDiscrimination,
    ReferenceBatch,
    ReparametrizedSpectralNormalization,
    VirtualBatchNormalization,
)
from keras_gans.networks import packing

# Moving averages of batch norm keep 0.9 of the old value per step, as in the DCGAN
# reference code (Torch's momentum 0.1). Keras' 0.99 needs hundreds of steps before an
# N(0, 0.02)-initialised generator produces anything but grey in inference mode.
BATCH_NORM_MOMENTUM = 0.9

VALID_NORMALIZATIONS = ("layer", "batch", None)

# The image-size rule lives in keras_gans._validation (data and metrics use it too);
# these names stay importable from here for code written against earlier versions.
check_image_size = validation.image_size


def _init():
    # DCGAN (Radford et al. 2016, Sec. 4): all weights from N(0, 0.02).
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def build_generator(image_size=64, channels=3, latent_dim=128, width=64, name="generator", virtual_batch_norm=0):
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
        virtual_batch_norm: 0 for batch norm (the default), or N >= 1 for virtual
            batch norm (Salimans et al. 2016, Sec. 3.4) with a reference batch of N
            latents: `keras_gans.layers.ReferenceBatch` stores the first N latents of
            the first training batch and puts them in front of every batch,
            `VirtualBatchNormalization` replaces each batch norm, and the reference
            rows are taken off before the tanh. Each image then depends on its own z
            only, in training as in inference.

    Returns:
        A `keras.Model` mapping (N, latent_dim) float32 to (N, S, S, channels) in [-1, 1].

    Example:
    >>> g = build_generator(image_size=16, channels=1, latent_dim=8, width=4)
    >>> tuple(g.output.shape)
    (None, 16, 16, 1)
    >>> vbn = build_generator(16, 1, latent_dim=8, width=4, virtual_batch_norm=4)
    >>> sum(isinstance(layer, VirtualBatchNormalization) for layer in vbn.layers)
    2

    Reference:
        Radford, Metz, Chintala. "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    latent_dim, width = validation.positive_int("latent_dim", latent_dim), validation.positive_int("width", width)
    virtual_batch_norm = validation.non_negative_int("virtual_batch_norm", virtual_batch_norm)
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, _generator_trunk(z, image_size, channels, width, virtual_batch_norm), name=name)


def build_critic(
    image_size=64,
    channels=3,
    width=64,
    normalization="layer",
    name="critic",
    spectral_norm=False,
    kernel_constraint=None,
    output_bias=False,
    num_classes=None,
    pack=1,
    minibatch_discrimination=None,
):
    """Builds a DCGAN critic: strided convolutions, LeakyReLU 0.2, a linear score.

    Each stride-2 convolution halves the side and doubles the filters (64, 128, 256,
    512 for 64 px and width 64) down to `base x base`; the map is flattened (the
    layer named "features", for feature matching) and a dense layer gives one
    unbounded score per image. By default there is no batch norm: the WGAN-GP
    penalty is taken per sample, and batch norm makes each score depend on the
    whole batch (Gulrajani et al. 2017, Sec. 4), so layer norm is used instead.
    The other options make the critics of the other variants: batch norm gives the
    DCGAN discriminator (see `build_discriminator`), `spectral_norm` the SNGAN one,
    `kernel_constraint` the clipped WGAN critic and `num_classes` the ACGAN one.

    Args:
        image_size: side of the input image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        width: filters of the first convolution; the others double from there.
        normalization: "layer" (layer norm), "batch" (batch norm, the DCGAN
            discriminator's) or None, after every convolution but the first.
        name: name of the Functional model.
        spectral_norm: wrap every Conv2D and Dense (both heads included) in
            `keras_gans.layers.ReparametrizedSpectralNormalization` (SNGAN; usually
            with `normalization=None`). Its power iteration runs in training mode only.
        kernel_constraint: a Keras constraint (or its name) put on every trainable
            weight: kernels, biases and the normalisation's gamma and beta, as WGAN's
            clipping needs. None for no constraint.
        output_bias: whether the score layer has a bias. False for Wasserstein
            critics, where a constant added to every score cancels in
            E[D(x)] - E[D(G(z))] and in the gradient penalty; True for
            cross-entropy and least-squares discriminators, where it matters.
        num_classes: None, or an int >= 2 for an ACGAN discriminator: a second head,
            `Dense(num_classes)` on the features, named "class_logits".
        pack: images per input (PacGAN): the input has `pack * channels` channels,
            m images concatenated channel-wise (`keras_gans.networks.packing`).
        minibatch_discrimination: None, or `(num_kernels, kernel_dim)` to put a
            `keras_gans.layers.MinibatchDiscrimination` between the "features" layer
            and the score (Salimans et al. 2016, Sec. 3.2; the authors' code uses
            (100, 5)). Feature matching still reads "features", before it.

    Returns:
        A `keras.Model` mapping (N, S, S, channels) (with `pack` m, (N, S, S, m
        channels)) to (N, 1) float32 scores, or,
        with `num_classes`, to `[scores (N, 1), class_logits (N, num_classes)]`,
        both float32.

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> d = build_critic(image_size=16, channels=1, width=4)
    >>> tuple(d.output.shape)
    (None, 1)
    >>> acgan = build_critic(16, 1, width=4, spectral_norm=True, num_classes=10)
    >>> [tuple(output.shape) for output in acgan.outputs]
    [(None, 1), (None, 10)]

    Reference:
        Gulrajani et al. "Improved Training of Wasserstein GANs", NeurIPS 2017.
        Arjovsky, Chintala, Bottou. "Wasserstein GAN", ICML 2017 (weight clipping).
        Miyato et al. "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018. Odena, Olah, Shlens. "Conditional Image Synthesis
        with Auxiliary Classifier GANs", ICML 2017.
    """
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    width, num_classes = validation.positive_int("width", width), validation.num_classes(num_classes, allow_none=True)
    _, doublings = base_resolution(image_size)
    images = keras.Input(packing.packed_shape((image_size, image_size, channels), pack), name="images")
    return _critic(
        images,
        images,
        doublings=doublings,
        width=width,
        normalization=normalization,
        spectral_norm=spectral_norm,
        kernel_constraint=kernel_constraint,
        output_bias=output_bias,
        num_classes=num_classes,
        name=name,
        minibatch_discrimination=minibatch_discrimination,
    )


def build_discriminator(
    image_size=64, channels=3, width=64, normalization="batch", name="discriminator", output_bias=True, **critic_options
):
    """Builds the DCGAN discriminator: `build_critic` with batch norm and a biased logit.

    Radford et al.'s discriminator: stride-2 convolutions with LeakyReLU 0.2 and
    batch norm after every one but the first, ending in one logit (with a bias) per
    image for a cross-entropy or least-squares loss. Not for WGAN-GP, whose
    per-sample penalty batch norm breaks (use `build_critic`).

    Args:
        image_size: side of the input image: 4..7 times a power of two, >= 8.
        channels: 1 (grayscale) or 3 (RGB).
        width: filters of the first convolution; the others double from there.
        normalization: "batch", "layer" or None, after every convolution but the first.
        name: name of the Functional model.
        output_bias: whether the logit layer has a bias.
        **critic_options: the other arguments of `build_critic`, with its defaults:
            `spectral_norm`, `kernel_constraint`, `num_classes` (an ACGAN "class_logits" head),
            `pack` (PacGAN: images per input, concatenated channel-wise),
            `minibatch_discrimination` (`(num_kernels, kernel_dim)` before the logit).

    Returns:
        A `keras.Model` mapping (N, S, S, channels) to (N, 1) float32 logits (and
        (N, num_classes) class logits with `num_classes`).

    Example:
    >>> d = build_discriminator(image_size=16, channels=3, width=4)
    >>> tuple(d.output.shape), d.get_layer("score").use_bias
    ((None, 1), True)

    Reference:
        Radford, Metz, Chintala. "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """
    return build_critic(image_size, channels, width, normalization, name, output_bias=output_bias, **critic_options)


def build_dcgan_pair(image_size, channels, latent_dim, width, virtual_batch_norm=0, **discriminator_options):
    """`(build_generator(...), build_discriminator(...))` of one size: the pair most variants train.

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        latent_dim: size of z.
        width: filters of the discriminator's first and the generator's last hidden convolution.
        virtual_batch_norm: the generator's reference batch size for virtual batch norm, 0
            for batch norm (see `build_generator`).
        **discriminator_options: passed to `build_discriminator` (e.g. `output_bias=False`,
            `minibatch_discrimination=(100, 5)`).

    Returns:
        `(generator, discriminator)` Functional models.

    Example:
    >>> g, d = build_dcgan_pair(16, 1, latent_dim=8, width=4)
    >>> tuple(g.output.shape), tuple(d.output.shape)
    ((None, 16, 16, 1), (None, 1))
    """
    return (
        build_generator(image_size, channels, latent_dim=latent_dim, width=width, virtual_batch_norm=virtual_batch_norm),
        build_discriminator(image_size, channels, width=width, **discriminator_options),
    )


def _generator_trunk(x, image_size, channels, width, virtual_batch_norm=0):
    """The DCGAN generator from a (N, D) input tensor to its (N, S, S, channels) "images" output.

    `virtual_batch_norm` N > 0: the reference rows enter here and leave before the tanh.
    """
    base, doublings = base_resolution(image_size)
    filters = width * 2 ** (doublings - 1)

    def normalization():
        if virtual_batch_norm:
            return VirtualBatchNormalization(virtual_batch_norm)
        return layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM)

    if virtual_batch_norm:
        # Before training the reference is a draw from N(0, 1), like a batch of z; the first
        # training batch replaces it.
        initializer = keras.initializers.RandomNormal(stddev=1.0)
        x = ReferenceBatch(virtual_batch_norm, initializer=initializer, name="reference_batch")(x)
    x = layers.Dense(base * base * filters, use_bias=False, kernel_initializer=_init())(x)
    x = layers.Reshape((base, base, filters))(x)
    x = normalization()(x)
    x = layers.ReLU()(x)
    for _ in range(doublings - 1):
        filters //= 2
        x = layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_init()
        )(x)
        x = normalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", kernel_initializer=_init())(x)
    if virtual_batch_norm:
        x = ReferenceBatch(virtual_batch_norm, remove=True, name="without_reference")(x)
    # float32 output keeps images exact under a mixed-precision policy.
    return layers.Activation("tanh", dtype="float32", name="images")(x)


def _critic(
    inputs, x, *, doublings, width, normalization, spectral_norm, kernel_constraint, output_bias, num_classes, name,
    minibatch_discrimination=None,
):
    """The DCGAN critic on tensor `x` (derived from `inputs`): trunk, "features", score (and class) heads."""
    options = _WeightOptions(spectral_norm, kernel_constraint)
    output_bias = validation.boolean("output_bias", output_bias)
    if minibatch_discrimination is not None:
        minibatch_discrimination = validation.positive_ints("minibatch_discrimination", minibatch_discrimination)
        if len(minibatch_discrimination) != 2:
            raise ValueError(
                f"minibatch_discrimination must be (num_kernels, kernel_dim) or None, got {minibatch_discrimination}"
            )
    x = _critic_trunk(x, doublings, width, normalization, options)
    features = layers.Flatten(name="features")(x)
    scored = features
    if minibatch_discrimination is not None:
        # Salimans et al. 2016, Sec. 3.2: [f(x_i), o(x_i)] feeds the score
        num_kernels, kernel_dim = minibatch_discrimination
        scored = MinibatchDiscrimination(
            num_kernels, kernel_dim, kernel_constraint=options.constraint, name="minibatch_discrimination"
        )(features)
    # No bias for Wasserstein critics: see `output_bias` in build_critic.
    score = options.dense(1, use_bias=output_bias, dtype="float32", name="score")(scored)
    if num_classes is None:
        return keras.Model(inputs, score, name=name)
    # ACGAN (Odena et al. 2017, Sec. 3): the discriminator also predicts P(C | X).
    class_logits = options.dense(num_classes, use_bias=True, dtype="float32", name="class_logits")(features)
    return keras.Model(inputs, [score, class_logits], name=name)


def _critic_trunk(x, doublings, width, normalization, options):
    """`doublings` stride-2 convolutions with LeakyReLU 0.2, filters `width * 2**i`."""
    validation.one_of("normalization", normalization, VALID_NORMALIZATIONS)
    filters = width
    for i in range(doublings):
        # DCGAN: no normalization on the critic's input layer.
        normalized = normalization is not None and i > 0
        # Batch norm subtracts each channel's mean, cancelling a conv bias; layer norm
        # over (H, W, C) does not, so the bias stays there.
        x = options.conv(filters, use_bias=not (normalized and normalization == "batch"))(x)
        if normalized:
            x = options.normalization(normalization)(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
        filters *= 2
    return x


class _WeightOptions:
    """Makes the critics' weighted layers, with spectral norm and a constraint when asked."""

    def __init__(self, spectral_norm, kernel_constraint, initializer=None):
        self.spectral_norm = validation.boolean("spectral_norm", spectral_norm)
        self.constraint = keras.constraints.get(kernel_constraint)
        self.initializer = initializer or _init

    def wrap(self, layer, name=None, dtype=None):
        # SNGAN (Miyato et al. 2018, Eq. 8): W_SN = W / sigma(W), sigma by power iteration,
        # reparametrised (Keras' own layer overwrites W; see ReparametrizedSpectralNormalization).
        if self.spectral_norm:
            return ReparametrizedSpectralNormalization(layer, name=name, dtype=dtype)
        return layer

    def conv(self, filters, use_bias=True, kernel_size=4, strides=2):
        conv = layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            padding="same",
            use_bias=use_bias,
            kernel_initializer=self.initializer(),
            kernel_constraint=self.constraint,
            bias_constraint=self.constraint,
        )
        return self.wrap(conv)

    def dense(self, units, use_bias=True, dtype=None, name=None):
        # With spectral norm the public name goes on the wrapper, which is the model's layer.
        dense = layers.Dense(
            units,
            use_bias=use_bias,
            kernel_initializer=self.initializer(),
            kernel_constraint=self.constraint,
            bias_constraint=self.constraint,
            dtype=dtype,
            name=None if self.spectral_norm else name,
        )
        return self.wrap(dense, name=name, dtype=dtype)

    def normalization(self, kind):
        # WGAN (Arjovsky et al. 2017, Algorithm 1) clips every parameter, gamma and beta included.
        constrained = {"beta_constraint": self.constraint, "gamma_constraint": self.constraint}
        if kind == "batch":
            return layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM, **constrained)
        return layers.LayerNormalization(axis=[1, 2, 3], **constrained)

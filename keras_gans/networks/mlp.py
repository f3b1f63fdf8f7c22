"""Fully connected generator and discriminator (Goodfellow et al. 2014) for small images and toy data.

With `num_classes` they are conditional on labels (Mirza & Osindero 2014): one_hot(y)
is concatenated to z in the generator and to the flattened input in the
discriminator. Labels are (N,) int32 in [0, num_classes); these networks do not
check them (the models do).
"""

import math

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.networks import packing
from keras_gans.networks._labels import label_input, one_hot
from keras_gans.networks.dcgan import _WeightOptions


def build_mlp_generator(
    output_shape=(28, 28, 1),
    latent_dim=100,
    hidden=(256, 512, 1024),
    output_activation="tanh",
    num_classes=None,
    name="generator",
):
    """Builds a fully connected generator: z -> ReLU dense layers -> a sample of `output_shape`.

    The classic MNIST generator: dense layers with ReLU, then a dense layer with
    one unit per output value, reshaped to `output_shape` and passed through
    `output_activation` (tanh for images in [-1, 1]; None for unbounded 2-D toy
    data). Weights start from Keras's defaults (Glorot uniform).

    Args:
        output_shape: shape of one sample, e.g. (28, 28, 1) or (2,).
        latent_dim: size of the latent vector z.
        hidden: units of the hidden layers, a non-empty tuple or list of ints >= 1.
        output_activation: activation of the output (name or function), or None for linear.
        num_classes: None, or an int >= 2 to condition on labels (cGAN).
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping (N, latent_dim) float32 (with `num_classes`,
        `[z, labels (N,) int32]`) to (N, *output_shape) float32, the layer "images".

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> g = build_mlp_generator((2,), latent_dim=4, hidden=(16,), output_activation=None)
    >>> tuple(g.output.shape), g.output.dtype
    ((None, 2), 'float32')
    >>> cgan = build_mlp_generator((28, 28, 1), latent_dim=8, hidden=(16,), num_classes=10)
    >>> [tuple(i.shape) for i in cgan.inputs], tuple(cgan.output.shape)
    ([(None, 8), (None,)], (None, 28, 28, 1))

    Reference:
        Goodfellow et al. "Generative Adversarial Nets", NeurIPS 2014.
        Mirza, Osindero. "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
    """
    output_shape = validation.positive_ints("output_shape", output_shape)
    latent_dim = validation.positive_int("latent_dim", latent_dim)
    hidden = validation.positive_ints("hidden", hidden)
    num_classes = validation.num_classes(num_classes, allow_none=True)
    keras.activations.get(output_activation)  # a ValueError naming an unknown activation
    z = keras.Input((latent_dim,), name="z")
    inputs, x = z, z
    if num_classes is not None:
        labels = label_input()
        inputs = [z, labels]
        x = layers.Concatenate(name="z_and_label")([z, one_hot(labels, num_classes)])
    for units in hidden:
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(math.prod(output_shape))(x)
    x = layers.Reshape(output_shape)(x)
    # Last, and float32, so that samples stay float32 under a mixed-precision policy.
    samples = layers.Activation(output_activation or "linear", dtype="float32", name="images")(x)
    return keras.Model(inputs, samples, name=name)


def build_mlp_discriminator(
    input_shape=(28, 28, 1),
    hidden=(512, 256),
    num_classes=None,
    spectral_norm=False,
    kernel_constraint=None,
    dropout=0.0,
    name="discriminator",
    pack=1,
    negative_slope=0.2,
    label_every_layer=False,
    input_noise=0.0,
    hidden_noise=0.0,
):
    """Builds a fully connected discriminator: flatten -> LeakyReLU dense layers -> one score.

    Dense layers with LeakyReLU 0.2 (the last one's output is the layer named
    "features"), optional dropout after each, and one linear output with a bias:
    a logit for cross-entropy losses or a score for Wasserstein ones.

    The Triple-GAN authors' MNIST discriminator of (image, label) pairs is this network
    with `hidden=(1000, 500, 250, 250, 250)`, `negative_slope=0` (ReLU),
    `label_every_layer=True`, `input_noise=0.3` and `hidden_noise=0.5` (their layers
    were also weight-normalised; these are plain).

    Args:
        input_shape: shape of one sample, e.g. (28, 28, 1) or (2,).
        hidden: units of the hidden layers, a non-empty tuple or list of ints >= 1.
        num_classes: None, or an int >= 2 to condition on labels (cGAN).
        spectral_norm: wrap every Dense in `ReparametrizedSpectralNormalization`.
        kernel_constraint: a Keras constraint (or its name) on every kernel and bias, or None.
        dropout: dropout rate after each hidden layer, in [0, 1).
        name: name of the Functional model.
        pack: samples per input (PacGAN): the input's last axis is `pack` times
            `input_shape`'s, m samples concatenated (`keras_gans.networks.packing`).
        negative_slope: of the LeakyReLU, in [0, 1); 0 is a ReLU.
        label_every_layer: with `num_classes`, join one_hot(y) to the input of every
            dense layer, the output's included, not only to the flattened image.
        input_noise: standard deviation of Gaussian noise added to the flattened input
            in training calls (0: none).
        hidden_noise: the same after each hidden layer's activation (0: none).

    Returns:
        A `keras.Model` mapping (N, *input_shape) float (with `num_classes`,
        `[images, labels (N,) int32]`; with `pack` m, (N, ..., m * C) packs) to
        (N, 1) float32 scores.

    Raises:
        ValueError: naming the bad value of any argument.

    Example:
    >>> d = build_mlp_discriminator((2,), hidden=(16, 16), spectral_norm=True)
    >>> tuple(d.output.shape), d.output.dtype
    ((None, 1), 'float32')
    >>> tuple(build_mlp_discriminator((2,), hidden=(16,), pack=4).input.shape)  # PacGAN4
    (None, 8)
    >>> triple_gan_d = build_mlp_discriminator((8, 8, 1), hidden=(1000, 500, 250, 250, 250), num_classes=10,
    ...     negative_slope=0, label_every_layer=True, input_noise=0.3, hidden_noise=0.5)
    >>> [tuple(i.shape) for i in triple_gan_d.inputs]
    [(None, 8, 8, 1), (None,)]

    Reference:
        Goodfellow et al. "Generative Adversarial Nets", NeurIPS 2014.
        Mirza, Osindero. "Conditional Generative Adversarial Nets", arXiv:1411.1784, 2014.
        Lin et al. "PacGAN: The power of two samples in generative adversarial networks", NeurIPS 2018.
        Li, Xu, Zhu, Zhang. "Triple Generative Adversarial Nets", NeurIPS 2017;
        https://github.com/zhenxuan00/triple-gan (x2y_yz2x_xy2p_ssl_mnist.py).
    """
    input_shape = packing.packed_shape(validation.positive_ints("input_shape", input_shape), pack)
    hidden = validation.positive_ints("hidden", hidden)
    num_classes = validation.num_classes(num_classes, allow_none=True)
    dropout = validation.number("dropout", dropout, low=0, high=1, high_open=True)
    negative_slope = validation.number("negative_slope", negative_slope, low=0, high=1, high_open=True)
    input_noise = validation.number("input_noise", input_noise, low=0)
    hidden_noise = validation.number("hidden_noise", hidden_noise, low=0)
    label_every_layer = validation.boolean("label_every_layer", label_every_layer)
    if label_every_layer and num_classes is None:
        raise ValueError("label_every_layer=True needs num_classes: it joins one_hot(y) to every layer")
    options = _WeightOptions(spectral_norm, kernel_constraint, initializer=keras.initializers.GlorotUniform)
    images = keras.Input(input_shape, name="images")
    inputs, x = images, layers.Flatten()(images)
    if input_noise:
        x = layers.GaussianNoise(input_noise)(x)
    if num_classes is not None:
        labels = label_input()
        inputs = [images, labels]
        label = one_hot(labels, num_classes)
        x = layers.Concatenate(name="images_and_label")([x, label])
    for i, units in enumerate(hidden):
        if label_every_layer and i:
            x = layers.Concatenate()([x, label])
        x = options.dense(units)(x)
        x = layers.LeakyReLU(negative_slope=negative_slope, name="features" if i == len(hidden) - 1 else None)(x)
        if hidden_noise:
            x = layers.GaussianNoise(hidden_noise)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    if label_every_layer:
        x = layers.Concatenate()([x, label])
    score = options.dense(1, use_bias=True, dtype="float32", name="score")(x)
    return keras.Model(inputs, score, name=name)


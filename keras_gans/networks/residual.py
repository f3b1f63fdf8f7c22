"""Residual class-conditional generator and projection discriminator of SAGAN and BigGAN.

The generator upsamples a 4 x 4 (or base x base) map with residual blocks whose batch
norms are conditional (`keras_gans.layers.ConditionalBatchNormalization`): on
one_hot(y) for SAGAN, on [z chunk, shared class embedding] for BigGAN's hierarchical
latent. The discriminator downsamples with residual blocks and scores with the
projection head of `keras_gans.networks.conditional`. Both are spectrally normalised
and hold one `keras_gans.layers.SelfAttention` block. The layouts follow
BigGAN-PyTorch (`BigGAN.py`: GBlock, DBlock, G_arch, D_arch; Brock et al. 2019,
Appendix B), which also implements SAGAN's networks (Zhang et al. 2019).
"""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.layers import (
    ConditionalBatchNormalization,
    GlobalSumPooling2D,
    ReparametrizedSpectralNormalization,
    SelfAttention,
)
from keras_gans.networks._labels import label_input, one_hot
from keras_gans.networks.conditional import projection_head
from keras_gans.networks.dcgan import BATCH_NORM_MOMENTUM

# Channel multipliers stop doubling at 16 x width (BigGAN's 16 ch at 128 px).
MAX_MULTIPLIER = 16


def build_residual_generator(
    image_size=64,
    channels=3,
    latent_dim=128,
    num_classes=10,
    width=64,
    attention_resolution=None,
    hierarchical=False,
    shared_dim=128,
    name="generator",
):
    """Builds a residual class-conditional generator: [z, y] -> image of class y.

    A spectrally normalised dense layer maps z (its first chunk when hierarchical)
    to a base x base map; each residual block upsamples by 2: CBN, ReLU, nearest
    upsampling, 3x3 conv, CBN, ReLU, 3x3 conv, plus a 1x1-conv shortcut of the
    upsampled input (BigGAN's GBlock); then batch norm, ReLU, a 3x3 conv to
    `channels` and tanh. Block i outputs `width * 2**(n-1-i)` channels (capped at
    16 x width), so the last block has `width`. A self-attention block follows the
    block whose output has side `attention_resolution`.

    The conditional batch norms take one_hot(y) (SAGAN: a gain and a bias per
    class, starting at 1 and 0), or, with `hierarchical=True` (BigGAN), z is split
    into n + 1 chunks: the first feeds the dense layer, chunk i + 1 joined to a
    shared class embedding (`shared_dim`, one matrix for every block) feeds block
    i's two CBNs, whose linear maps are then spectrally normalised.

    Args:
        image_size: side of the output: 4..7 times a power of two, >= 16.
        channels: 1 or 3.
        latent_dim: size of z (with `hierarchical`, at least the number of blocks + 1).
        num_classes: number of classes K, an int >= 2.
        width: channels of the last block.
        attention_resolution: side of the feature map attended to, between 2 x base
            and image_size / 2; None for SAGAN's rule, `min(image_size // 2, 32)`
            (BigGAN's code attends at 64 at 128 px, with keys max-pooled by 2, which
            `SelfAttention` does not do).
        hierarchical: BigGAN's chunked latent and shared embedding (see above).
        shared_dim: size of the shared class embedding (hierarchical only).
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping `[z (N, latent_dim) float32, labels (N,) int32]` to
        (N, S, S, channels) images in [-1, 1]. Layers "block0", "block1", ... are the
        blocks' outputs, "attention" the self-attention block.

    Example:
    >>> import numpy as np
    >>> g = build_residual_generator(16, 1, latent_dim=6, num_classes=3, width=4, hierarchical=True, shared_dim=4)
    >>> tuple(g([np.zeros((2, 6), "float32"), np.array([0, 2], "int32")]).shape)
    (2, 16, 16, 1)

    Reference:
        Brock, Donahue, Simonyan. "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019. Zhang, Goodfellow, Metaxas, Odena.
        "Self-Attention Generative Adversarial Networks", ICML 2019.
    """
    image_size, channels, num_classes, width, base, blocks = _check(image_size, channels, num_classes, width)
    latent_dim = validation.positive_int("latent_dim", latent_dim)
    hierarchical = validation.boolean("hierarchical", hierarchical)
    # The sides after each block but the last (whose output is the image's side): base * 2 ... image_size / 2.
    attention_resolution = _attention_resolution(attention_resolution, [base * 2**i for i in range(1, blocks)])
    z, labels = keras.Input((latent_dim,), name="z"), label_input()
    classes = one_hot(labels, num_classes)
    if hierarchical:
        shared_dim = validation.positive_int("shared_dim", shared_dim)
        if latent_dim < blocks + 1:
            raise ValueError(f"latent_dim must be >= {blocks + 1} (one chunk per block and one for the input) "
                             f"at {image_size} px, got {latent_dim}")
        chunks = LatentChunks(blocks + 1, name="latent_chunks")(z)
        # BigGAN-PyTorch's G.shared: a plain embedding, one_hot(y) E.
        shared = layers.Dense(shared_dim, use_bias=False, name="shared_embedding")(classes)
        first = chunks[0]
        conditions = [layers.Concatenate(name=f"condition{i}")([chunk, shared]) for i, chunk in enumerate(chunks[1:])]
    else:
        first, conditions = z, [classes] * blocks
    filters = [width * min(2 ** (blocks - 1 - i), MAX_MULTIPLIER) for i in range(blocks)]
    x = _sn(layers.Dense(base * base * filters[0], kernel_initializer="orthogonal"))(first)
    x = layers.Reshape((base, base, filters[0]))(x)
    side = base
    for i, (out, condition) in enumerate(zip(filters, conditions)):
        x = _generator_block(x, condition, out, hierarchical, name=f"block{i}")
        side *= 2
        if side == attention_resolution:
            x = SelfAttention(name="attention")(x)
    x = layers.BatchNormalization(momentum=BATCH_NORM_MOMENTUM, epsilon=1e-5)(x)
    x = layers.ReLU()(x)
    x = _sn(layers.Conv2D(channels, 3, padding="same", kernel_initializer="orthogonal"))(x)
    # float32 output keeps images exact under a mixed-precision policy.
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model([z, labels], images, name=name)


def build_residual_discriminator(
    image_size=64, channels=3, num_classes=10, width=64, attention_resolution=None, name="discriminator"
):
    """Builds a residual projection discriminator: [image, y] -> score.

    Residual blocks (two 3x3 convs with ReLUs, 2x2 average pooling, a 1x1-conv
    shortcut; the first block without the leading ReLU, BigGAN's DBlock) halve the
    side down to base x base, block i with `width * 2**i` channels (capped at 16 x
    width), then one more block at base x base; a self-attention block follows the
    block whose output has side `attention_resolution`. phi(x) is the sum over
    positions of ReLU of the last map (the layer "features"), scored by
    `keras_gans.networks.conditional.projection_head`. Every weight is spectrally
    normalised; there is no batch norm.

    Args:
        image_size: side of the input: 4..7 times a power of two, >= 16.
        channels: 1 or 3.
        num_classes: number of classes K, an int >= 2.
        width: channels of the first block.
        attention_resolution: side of the feature map attended to, between
            image_size / 2 / 2**(n-2) and image_size / 2; None for `min(image_size // 2, 32)`.
        name: name of the Functional model.

    Returns:
        A `keras.Model` mapping `[images (N, S, S, channels), labels (N,) int32]` to
        (N, 1) float32 scores.

    Example:
    >>> d = build_residual_discriminator(16, 1, num_classes=3, width=4)
    >>> tuple(d.get_layer("features").output.shape), tuple(d.output.shape)
    ((None, 8), (None, 1))

    Reference:
        Brock, Donahue, Simonyan. "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019. Miyato, Koyama. "cGANs with Projection
        Discriminator", ICLR 2018.
    """
    image_size, channels, num_classes, width, base, blocks = _check(image_size, channels, num_classes, width)
    attention_resolution = _attention_resolution(attention_resolution, [image_size // 2**i for i in range(1, blocks)])
    images, labels = keras.Input((image_size, image_size, channels), name="images"), label_input()
    x, side = images, image_size
    filters = [width * min(2**i, MAX_MULTIPLIER) for i in range(blocks)]
    for i, out in enumerate(filters + filters[-1:]):
        downsample = i < blocks
        x = _discriminator_block(x, out, preactivation=i > 0, downsample=downsample, name=f"block{i}")
        side //= 2 if downsample else 1
        if side == attention_resolution and downsample:
            x = SelfAttention(name="attention")(x)
    x = layers.ReLU()(x)
    features = GlobalSumPooling2D(name="features")(x)
    return keras.Model([images, labels], projection_head(features, labels, num_classes), name=name)


def _generator_block(x, condition, filters, spectral_cbn, name):
    """BigGAN's GBlock: CBN-ReLU-up-conv3-CBN-ReLU-conv3, plus up-conv1 of the input."""
    # SAGAN's class-conditional gains start at 1 and biases at 0; BigGAN's maps are orthogonal, normalised.
    cbn = {"spectral_norm": spectral_cbn, "kernel_initializer": "orthogonal" if spectral_cbn else "zeros"}
    h = layers.ReLU()(ConditionalBatchNormalization(**cbn)([x, condition]))
    h = layers.UpSampling2D(2)(h)
    h = _conv(filters, 3)(h)
    h = layers.ReLU()(ConditionalBatchNormalization(**cbn)([h, condition]))
    h = _conv(filters, 3)(h)
    shortcut = _conv(filters, 1)(layers.UpSampling2D(2)(x))
    return layers.Add(name=name)([h, shortcut])


def _discriminator_block(x, filters, preactivation, downsample, name):
    """BigGAN's DBlock: (ReLU)-conv3-ReLU-conv3-(avgpool), plus a 1x1-conv shortcut."""
    h = layers.ReLU()(x) if preactivation else x
    h = _conv(filters, 3)(h)
    h = _conv(filters, 3)(layers.ReLU()(h))
    shortcut = x
    if downsample or x.shape[-1] != filters:
        # BigGAN-PyTorch: conv then pool after a pre-activation, pool then conv on the input block.
        if preactivation:
            shortcut = _conv(filters, 1)(shortcut)
        if downsample:
            shortcut = layers.AveragePooling2D(2)(shortcut)
        if not preactivation:
            shortcut = _conv(filters, 1)(shortcut)
    if downsample:
        h = layers.AveragePooling2D(2)(h)
    return layers.Add(name=name)([h, shortcut])


def _sn(layer):
    return ReparametrizedSpectralNormalization(layer)


def _conv(filters, kernel_size):
    # BigGAN-PyTorch initialises every weight orthogonally (G_init, D_init "ortho").
    return _sn(layers.Conv2D(filters, kernel_size, padding="same", kernel_initializer="orthogonal"))


def _attention_resolution(value, sides):
    """The attended side: given (one of the network's `sides`), or SAGAN's min(image_size // 2, 32)."""
    if value is None:
        return min(max(sides), 32)
    if value not in sides or isinstance(value, bool):
        raise ValueError(f"attention_resolution must be one of the feature-map sides {sorted(sides)}, got {value!r}")
    return value


def _check(image_size, channels, num_classes, width):
    image_size = validation.image_size(image_size)
    base, doublings = validation.base_resolution(image_size)
    if doublings < 2:
        raise ValueError(f"image_size must be >= 4 times its base (e.g. 16, 32, 64, 128), got {image_size}")
    channels, num_classes = validation.channels(channels), validation.num_classes(num_classes)
    return image_size, channels, num_classes, validation.positive_int("width", width), base, doublings


@keras.saving.register_keras_serializable(package="keras_gans")
class LatentChunks(layers.Layer):
    """Splits (N, D) latents into `count` consecutive chunks, the first ones one longer when D % count != 0.

    BigGAN's hierarchical latent: one chunk for the generator's input layer and one per block.

    Example:
    >>> import numpy as np
    >>> [tuple(c.shape) for c in LatentChunks(3)(np.zeros((2, 8), "float32"))]
    [(2, 3), (2, 3), (2, 2)]
    """

    def __init__(self, count, **kwargs):
        super().__init__(**kwargs)
        self.count = validation.positive_int("count", count)

    def sizes(self, dim):
        return [dim // self.count + (1 if i < dim % self.count else 0) for i in range(self.count)]

    def call(self, inputs):
        sizes = self.sizes(inputs.shape[-1])
        starts = [sum(sizes[:i]) for i in range(self.count)]
        return [inputs[:, start : start + size] for start, size in zip(starts, sizes)]

    def compute_output_shape(self, input_shape):
        return [(input_shape[0], size) for size in self.sizes(input_shape[-1])]

    def get_config(self):
        return {**super().get_config(), "count": self.count}

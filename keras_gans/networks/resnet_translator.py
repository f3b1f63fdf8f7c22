"""The ResNet image-to-image generator of CycleGAN (Zhu et al. 2017) and StarGAN (Choi et al. 2018)."""

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.layers import ReflectionPadding2D, instance_normalization

# Zhu et al. Sec. 4 / Appendix 7.2: 6 residual blocks for 128 px images, 9 for 256 px and higher.
BLOCKS_FROM_256 = 9
BLOCKS_BELOW_256 = 6
# Border handling of the stride-1 convolutions: CycleGAN's code reflects, StarGAN's pads zeros.
PADDINGS = ("reflect", "zero")


def _init():
    # The authors' init_weights(init_type="normal", init_gain=0.02): N(0, 0.02).
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def default_blocks(image_size):
    """The paper's number of residual blocks for an image side: 9 from 256 px, 6 below."""
    return BLOCKS_FROM_256 if validation.image_size(image_size) >= 256 else BLOCKS_BELOW_256


def build_resnet_generator(
    image_size=128, channels=3, width=64, blocks=None, extra_input_channels=0, affine_norm=False,
    padding=None, name="generator",
):
    """Builds CycleGAN's ResNet generator: c7s1-64, d128, d256, R256 x blocks, u128, u64, c7s1-3.

    c7s1-k: pad 3 (reflected; zeros for G(x, c), below), 7x7 convolution with k filters,
    stride 1, instance norm, ReLU; dk: 3x3 stride-2 convolution, instance norm, ReLU; Rk:
    a residual block of two padded 3x3 convolutions of k filters with instance norm (ReLU
    between them), added to its input; uk: 3x3 stride-1/2 (transposed) convolution, instance norm, ReLU;
    the last c7s1 has `channels` filters and tanh instead of norm and ReLU (Zhu et al.,
    Appendix 7.2). Widths scale with `width` (64 in the paper: 64, 128, 256).

    With `extra_input_channels` k > 0 the generator takes `[images, conditions]`,
    conditions of shape (N, k), tiled to (N, S, S, k) and concatenated to the images
    depth-wise before the first convolution: StarGAN's G(x, c) (Choi et al. Sec. 3.3).
    Such a generator pads with zeros, as StarGAN's (Choi et al. Table 4, "P3"): a tiled
    condition is constant over the image, reflection padding keeps it constant, so the
    first convolution turns it into a constant per channel, which the instance norm
    right after subtracts -- the output would not depend on c at all. Zero padding makes
    the condition's response vary near the borders, which the norm keeps.

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: channels of the input and output images, 1 or 3.
        width: filters of the first convolution (64 in the paper); the downsampling
            convolutions double it twice.
        blocks: residual blocks, >= 1; None: 9 from 256 px, 6 below (the paper).
        extra_input_channels: size of a conditioning vector tiled over the image, >= 0.
        affine_norm: learnable scale and offset in the instance norms (StarGAN's code
            has them; CycleGAN's does not).
        padding: "reflect" (CycleGAN) or "zero" (StarGAN) for the stride-1 convolutions;
            None: "zero" with `extra_input_channels`, else "reflect". "reflect" with
            conditions is refused (they would be normalised away, see above).
        name: name of the Functional model.

    Returns:
        A `keras.Model` from (N, S, S, channels) images in [-1, 1] (and (N, k)
        conditions) to (N, S, S, channels) images in [-1, 1].

    Example:
    >>> g = build_resnet_generator(image_size=16, channels=1, width=4, blocks=2)
    >>> tuple(g.output.shape)
    (None, 16, 16, 1)
    >>> g = build_resnet_generator(16, 3, width=4, blocks=1, extra_input_channels=5)
    >>> [tuple(t.shape) for t in g.inputs]
    [(None, 16, 16, 3), (None, 5)]

    Reference:
        Zhu, Park, Isola, Efros. "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017. https://arxiv.org/abs/1703.10593
        (the architecture is Johnson et al.'s, ECCV 2016)
    """
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    width = validation.positive_int("width", width)
    blocks = default_blocks(image_size) if blocks is None else validation.positive_int("blocks", blocks)
    extra = validation.non_negative_int("extra_input_channels", extra_input_channels)
    affine = validation.boolean("affine_norm", affine_norm)
    padding = ("zero" if extra else "reflect") if padding is None else validation.one_of("padding", padding, PADDINGS)
    if extra and padding == "reflect":
        raise ValueError(
            f"padding='reflect' with extra_input_channels={extra} would make the output independent of the "
            "conditions (reflected constant maps, then instance norm, remove them); use padding='zero'"
        )
    pad_layer = ReflectionPadding2D if padding == "reflect" else layers.ZeroPadding2D

    images = keras.Input((image_size, image_size, channels), name="images")
    inputs, x = images, images
    if extra:
        conditions = keras.Input((extra,), name="conditions")
        # c tiled over the image: (N, k) -> (N, 1, 1, k) -> (N, S, S, k), concatenated depth-wise.
        tiled = layers.UpSampling2D(size=image_size, name="tile_conditions")(layers.Reshape((1, 1, extra))(conditions))
        x = layers.Concatenate(name="images_and_conditions")([x, tiled])
        inputs = [images, conditions]

    def norm_relu(y, name):
        return layers.ReLU(name=f"{name}_relu")(instance_normalization(affine, name=f"{name}_norm")(y))

    # c7s1-64. Convolutions keep their bias: instance norm without affine removes only the mean
    # per channel, and the authors' code keeps use_bias with instance norm.
    x = pad_layer(3, name="c7s1_pad")(x)
    x = norm_relu(layers.Conv2D(width, 7, kernel_initializer=_init(), name="c7s1")(x), "c7s1")
    # d128, d256
    for i in (1, 2):
        x = layers.Conv2D(width * 2**i, 3, strides=2, padding="same", kernel_initializer=_init(), name=f"down{i}")(x)
        x = norm_relu(x, f"down{i}")
    # R256 x blocks
    filters = width * 4
    for b in range(blocks):
        y = pad_layer(1, name=f"res{b}_pad1")(x)
        y = norm_relu(layers.Conv2D(filters, 3, kernel_initializer=_init(), name=f"res{b}_conv1")(y), f"res{b}_1")
        y = pad_layer(1, name=f"res{b}_pad2")(y)
        y = layers.Conv2D(filters, 3, kernel_initializer=_init(), name=f"res{b}_conv2")(y)
        y = instance_normalization(affine, name=f"res{b}_2_norm")(y)
        x = layers.Add(name=f"res{b}_add")([x, y])
    # u128, u64: ConvTranspose2d(3, stride 2, padding 1, output_padding 1) doubles the side, as "same" does.
    for i in (1, 0):
        x = layers.Conv2DTranspose(
            width * 2**i, 3, strides=2, padding="same", kernel_initializer=_init(), name=f"up{2 - i}"
        )(x)
        x = norm_relu(x, f"up{2 - i}")
    # c7s1-3 with tanh: images in [-1, 1].
    x = pad_layer(3, name="out_pad")(x)
    x = layers.Conv2D(channels, 7, kernel_initializer=_init(), name="out_conv")(x)
    out = layers.Activation("tanh", dtype="float32", name="out")(x)
    return keras.Model(inputs, out, name=name)

"""The PatchGAN discriminator (Isola et al. 2017), CycleGAN's 70x70 NLayerDiscriminator, scaled to the image size."""

import math

import keras
from keras import layers

from keras_gans import _validation as validation
from keras_gans.layers import instance_normalization

LEAKY_SLOPE = 0.2
# The paper's 70x70 patches: three stride-2 layers (the authors' n_layers=3) at 256 px.
PAPER_LAYERS = 3
MAX_WIDTH_FACTOR = 8


def _init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def patch_layers(image_size):
    """Stride-2 convolutions for an image side: the paper's 3 from 128 px, fewer below.

    3 gives 70x70 receptive fields (the paper's, at 128 and 256 px); 2 gives 34x34
    (64 px images), 1 gives 16x16 (16 and 32 px), so each output still judges a patch
    smaller than the image and the output map keeps several patches a side.
    """
    image_size = validation.image_size(image_size)
    return max(1, min(PAPER_LAYERS, int(math.log2(image_size)) - 4))


def receptive_field(num_layers):
    """Side in pixels of the patch each output of `build_patch_discriminator(layers=num_layers)` sees."""
    # Backwards from one output: the two stride-1 4x4 convolutions, then the stride-2 ones.
    field = 1
    for stride in [1, 1] + [2] * num_layers:
        field = (field - 1) * stride + 4
    return field


def build_patch_discriminator(image_size=128, channels=3, width=64, num_layers=None, name="discriminator",
                              normalization="instance"):
    """Builds the PatchGAN discriminator: C64-C128-C256-C512, then a 1-channel map of scores.

    Ck: 4x4 convolution with k filters (zero padding 1), instance norm (none on the first),
    LeakyReLU 0.2; the first `num_layers` have stride 2, the last Ck and the output
    convolution stride 1 (the authors' `n_layers`). Filters double per layer up to 8 `width`. Each output judges
    one overlapping patch (70x70 with the paper's 3 layers), so the model is a
    fully-convolutional classifier of local texture (Zhu et al. Appendix 7.2; the
    authors' NLayerDiscriminator). The output is linear, as the least-squares loss needs.

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        width: filters of the first convolution (64 in the paper).
        num_layers: stride-2 convolutions, >= 1; None takes `patch_layers`
            (3, the paper's 70x70, from 128 px; fewer for smaller images).
        name: name of the Functional model.
        normalization: "instance" (the paper's) or None (StarGAN's critic has none: instance
            norm removes each channel's mean per image, and with it the colour a domain may be).

    Returns:
        A `keras.Model` from (N, S, S, channels) images to (N, P, P, 1) scores.

    Example:
    >>> d = build_patch_discriminator(image_size=16, channels=1, width=4)
    >>> tuple(d.output.shape)
    (None, 6, 6, 1)
    >>> receptive_field(3)
    70

    Reference:
        Isola, Zhu, Zhou, Efros. "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017; Zhu et al. ICCV 2017 (CycleGAN).
    """
    image_size, channels = validation.image_size(image_size), validation.channels(channels)
    width = validation.positive_int("width", width)
    if num_layers is None:
        num_layers = patch_layers(image_size)
    num_layers = validation.positive_int("num_layers", num_layers)
    if normalization is not None:
        normalization = validation.one_of("normalization", normalization, ("instance",))
    if image_size // 2**num_layers < 4:
        raise ValueError(
            f"num_layers={num_layers} halves {image_size} px images to less than the 4x4 that the last two "
            f"convolutions need; use at most {int(math.log2(image_size)) - 2}"
        )

    def conv(x, filters, stride, index):
        x = layers.ZeroPadding2D(1, name=f"pad{index}")(x)
        return layers.Conv2D(filters, 4, strides=stride, kernel_initializer=_init(), name=f"conv{index}")(x)

    images = keras.Input((image_size, image_size, channels), name="images")
    x = layers.LeakyReLU(LEAKY_SLOPE, name="lrelu0")(conv(images, width, 2, 0))
    strides = [2] * (num_layers - 1) + [1]
    for i, stride in enumerate(strides, start=1):
        x = conv(x, width * min(2**i, MAX_WIDTH_FACTOR), stride, i)
        if normalization:
            x = instance_normalization(name=f"norm{i}")(x)
        x = layers.LeakyReLU(LEAKY_SLOPE, name=f"lrelu{i}")(x)
    x = conv(x, 1, 1, len(strides) + 1)
    out = layers.Activation("linear", dtype="float32", name="scores")(x)
    return keras.Model(images, out, name=name)

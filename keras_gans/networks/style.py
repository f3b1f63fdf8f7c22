"""StyleGAN's networks (Karras et al. 2019), without progressive growing: mapping, synthesis, discriminator.

The generator is a Functional model `[z, truncation_psi] -> images` made of three parts,
each reachable by name so that training can route around the truncation and mix styles:
`mapping` (z -> w), `truncation` (w, psi -> one w' per synthesis layer, pulled towards
w-bar) and `synthesis` (per-layer w -> images). All networks are trained at their final
resolution from the first step; the paper grows them progressively, this package does not.
"""

import math

import keras
from keras import layers, ops

from keras_gans import _validation as validation
from keras_gans.layers import (
    AdaptiveInstanceNormalization,
    EqualizedConv2D,
    EqualizedDense,
    LearnedConstant,
    MinibatchStandardDeviation,
    NoiseInput,
    PixelNormalization,
    StyleTruncation,
)

LEAKY_SLOPE = 0.2  # leaky ReLU everywhere, as in the authors' code
MAX_WIDTH_FACTOR = 8  # filters double per halving of the resolution, up to 8 * width (the authors' cap of 512)


def synthesis_layers(image_size):
    """Number of styles the synthesis network takes: two per resolution, base to image_size.

    Example:
    >>> synthesis_layers(16), synthesis_layers(64), synthesis_layers(28)
    (6, 10, 6)
    """
    _, doublings = validation.base_resolution(image_size)
    return 2 * (doublings + 1)


def _filters(width, halvings):
    return width * min(2**halvings, MAX_WIDTH_FACTOR)


def build_mapping_network(latent_dim=512, w_dim=None, num_layers=8, lr_multiplier=0.01, name="mapping"):
    """StyleGAN's mapping network f: Z -> W, a pixel norm then `num_layers` dense layers.

    Each layer is an `EqualizedDense` (gain sqrt(2), learning-rate multiplier 0.01: the
    mapping learns 100 times slower than the synthesis) followed by a leaky ReLU (0.2).

    Args:
        latent_dim: size of z (512 in the paper).
        w_dim: size of w; None: `latent_dim`.
        num_layers: dense layers, >= 1 (8 in the paper).
        lr_multiplier: the layers' learning-rate multiplier, > 0.
        name: the model's name.

    Example:
    >>> build_mapping_network(8, num_layers=2).output.shape
    (None, 8)
    """
    latent_dim = validation.positive_int("latent_dim", latent_dim)
    w_dim = validation.positive_int("w_dim", latent_dim if w_dim is None else w_dim)
    num_layers = validation.positive_int("num_layers", num_layers)
    z = keras.Input((latent_dim,), name="z")
    x = PixelNormalization(name="normalize_z")(z)
    for i in range(num_layers):
        x = EqualizedDense(w_dim, lr_multiplier=lr_multiplier, gain=math.sqrt(2.0), name=f"dense_{i}")(x)
        x = layers.LeakyReLU(LEAKY_SLOPE, name=f"act_{i}")(x)
    return keras.Model(z, x, name=name)


def build_synthesis_network(image_size=64, channels=3, w_dim=512, width=64, seed=None, name="synthesis"):
    """StyleGAN's synthesis network g: one w per layer (N, num_layers, w_dim) -> images.

    A learned constant (base x base, base = 4 for 16, 32, 64 px; 7 for 28 px) goes through
    noise, a leaky ReLU and AdaIN, then a 3x3 convolution, noise, leaky ReLU and AdaIN; each
    following resolution doubles the map (nearest-neighbour) and repeats conv, noise, leaky
    ReLU, AdaIN twice. Style i feeds the i-th AdaIN. A 1x1 convolution makes the image.
    Departures: no blur after the upsampling; a tanh on the output (the authors' output is
    linear) so images stay in [-1, 1] like every generator of this package; no progressive
    growing (every layer trains from the start at the final resolution).

    Args:
        image_size: side of the output, 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        w_dim: size of each w.
        width: filters at the output resolution; doubled per halving, up to 8 * width.
        seed: seed of the noise inputs' draws (each layer gets its own seed from it).
        name: the model's name.

    Example:
    >>> build_synthesis_network(16, 1, w_dim=8, width=4).input.shape
    (None, 6, 8)
    """
    base, doublings = validation.base_resolution(image_size)
    channels = validation.channels(channels)
    w_dim = validation.positive_int("w_dim", w_dim)
    width = validation.positive_int("width", width)
    seeds = iter(range(10_000)) if seed is None else iter(range(seed, seed + 10_000))
    ws = keras.Input((2 * (doublings + 1), w_dim), name="ws")
    style = iter(range(2 * (doublings + 1)))

    def noise_act_adain(x, tag):
        x = NoiseInput(seed=None if seed is None else next(seeds), name=f"noise_{tag}")(x)
        x = layers.LeakyReLU(LEAKY_SLOPE, name=f"act_{tag}")(x)
        i = next(style)
        return AdaptiveInstanceNormalization(name=f"adain_{tag}")([x, ws[:, i]])

    # The constant needs no bias: a bias added to it is another constant.
    x = LearnedConstant((base, base, _filters(width, doublings)), name="constant")(ws)
    x = noise_act_adain(x, f"{base}_0")
    x = EqualizedConv2D(_filters(width, doublings), 3, name=f"conv_{base}")(x)
    x = noise_act_adain(x, f"{base}_1")
    size = base
    for halvings in range(doublings - 1, -1, -1):
        size *= 2
        x = layers.UpSampling2D(2, interpolation="nearest", name=f"up_{size}")(x)
        for j in range(2):
            x = EqualizedConv2D(_filters(width, halvings), 3, name=f"conv_{size}_{j}")(x)
            x = noise_act_adain(x, f"{size}_{j}")
    x = EqualizedConv2D(channels, 1, gain=1.0, name="to_rgb")(x)
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(ws, images, name=name)


def build_style_generator(image_size=64, channels=3, latent_dim=512, width=64, mapping_layers=8,
                          truncation_cutoff=8, seed=None, name="generator"):
    """StyleGAN's generator `[z, truncation_psi] -> images`: mapping, truncation, synthesis.

    `truncation_psi` is one number per sample, (N,): 1 leaves w as it is; below 1 the first
    `truncation_cutoff` styles are pulled towards the running average w-bar (held by the
    `truncation` layer, updated by the model in training). The parts are the layers
    `mapping`, `truncation` and `synthesis` of the returned model.

    Args:
        image_size: side of the images, 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        latent_dim: size of z and of w (512 in the paper).
        width: filters of the synthesis at the output resolution.
        mapping_layers: dense layers of the mapping network (8 in the paper).
        truncation_cutoff: styles the truncation acts on, from the coarsest (8 as in the
            authors' code; None: all).
        seed: seed of the noise inputs' training draws.
        name: the model's name.

    Example:
    >>> import numpy as np
    >>> generator = build_style_generator(16, 1, latent_dim=8, width=4, mapping_layers=2)
    >>> generator([np.zeros((3, 8), "float32"), np.ones(3, "float32")]).shape
    TensorShape([3, 16, 16, 1])
    """
    mapping = build_mapping_network(latent_dim, num_layers=mapping_layers)
    synthesis = build_synthesis_network(image_size, channels, w_dim=latent_dim, width=width, seed=seed)
    z = keras.Input((latent_dim,), name="z")
    psi = keras.Input((), name="truncation_psi")
    ws = StyleTruncation(synthesis_layers(image_size), truncation_cutoff, name="truncation")([mapping(z), psi])
    return keras.Model([z, psi], synthesis(ws), name=name)


def build_style_discriminator(image_size=64, channels=3, width=64, group_size=4, name="discriminator"):
    """A StyleGAN (Progressive GAN) discriminator at a fixed resolution: images -> logits (N, 1).

    A 1x1 fromRGB convolution, then per resolution two 3x3 convolutions and a 2x2 average
    pool down to base x base, where a minibatch standard deviation channel, a 3x3
    convolution, a dense layer and a dense output follow. Every convolution and dense
    layer uses the equalised learning rate, leaky ReLU 0.2, no normalisation (as the
    authors' D_basic, without its blur and without progressive growing).

    Args:
        image_size: side of the images, 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        width: filters at the input resolution; doubled per halving, up to 8 * width.
        group_size: minibatch standard deviation group (4 in the paper).
        name: the model's name.

    Example:
    >>> build_style_discriminator(16, 1, width=4).output.shape
    (None, 1)
    """
    base, doublings = validation.base_resolution(image_size)
    channels = validation.channels(channels)
    width = validation.positive_int("width", width)
    images = keras.Input((image_size, image_size, channels), name="images")
    x = layers.LeakyReLU(LEAKY_SLOPE)(EqualizedConv2D(_filters(width, 0), 1, name="from_rgb")(images))
    size = image_size
    for halvings in range(doublings):
        x = layers.LeakyReLU(LEAKY_SLOPE)(EqualizedConv2D(_filters(width, halvings), 3, name=f"conv_{size}_0")(x))
        x = layers.LeakyReLU(LEAKY_SLOPE)(EqualizedConv2D(_filters(width, halvings + 1), 3, name=f"conv_{size}_1")(x))
        x = layers.AveragePooling2D(2, name=f"down_{size}")(x)
        size //= 2
    x = MinibatchStandardDeviation(group_size, name="minibatch_std")(x)
    x = layers.LeakyReLU(LEAKY_SLOPE)(EqualizedConv2D(_filters(width, doublings), 3, name=f"conv_{base}")(x))
    x = layers.Flatten()(x)
    x = layers.LeakyReLU(LEAKY_SLOPE)(EqualizedDense(_filters(width, doublings), gain=math.sqrt(2.0), name="dense")(x))
    logits = EqualizedDense(1, name="logits")(x)
    return keras.Model(images, layers.Activation("linear", dtype="float32", name="scores")(logits), name=name)


def style_mixing(ws1, ws2, crossover):
    """Per-layer latents from `ws1` before layer `crossover` and from `ws2` from it on.

    Style mixing regularisation (Sec. 3.1): the coarse styles (layers < crossover) come
    from w1, the fine ones from w2. A crossover of `num_layers` (or more) keeps w1 alone.

    Args:
        ws1, ws2: per-layer latents (N, num_layers, w_dim).
        crossover: int (N,), the first layer taken from `ws2`, one per sample.

    Example:
    >>> import numpy as np
    >>> ws = style_mixing(np.zeros((1, 3, 1)), np.ones((1, 3, 1)), np.array([2]))
    >>> np.asarray(ws)[0, :, 0].tolist()
    [0.0, 0.0, 1.0]
    """
    ws1 = ops.convert_to_tensor(ws1)
    layer = ops.arange(ops.shape(ws1)[1])[None, :, None]
    coarse = layer < ops.reshape(ops.cast(crossover, layer.dtype), (-1, 1, 1))
    return ops.where(coarse, ws1, ops.cast(ws2, ws1.dtype))

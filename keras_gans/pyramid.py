"""Gaussian and Laplacian image pyramids (Burt & Adelson 1983), the representation LAPGAN generates.

`downsample` blurs with the 5x5 binomial kernel ([1, 4, 6, 4, 1] / 16 outer itself) and
keeps every second pixel; `upsample` puts the pixels back on a grid twice as fine and blurs
with 4 times that kernel (the zeros inserted between pixels would otherwise halve the
brightness twice). A Laplacian pyramid keeps, at each level, what `upsample` of the coarser
level misses: h_k = I_k - upsample(I_{k-1}). `reconstruct` adds the residuals back, coarse
to fine, and is the exact inverse whatever the blur loses, since each residual stores it.

Images are (N, H, W, C) tensors or arrays; the functions speak `keras.ops`, so they run on
numpy arrays, tensors and symbolic Keras tensors (a network's graph) alike.
"""

import keras
import numpy as np
from keras import ops

from keras_gans import _validation

# The paper's 5-tap binomial filter, [1, 4, 6, 4, 1] / 16, made 2-D as its outer product (sums to 1).
_TAPS = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
BINOMIAL_KERNEL = np.outer(_TAPS, _TAPS).astype("float32")


def _tensor(images):
    # Symbolic Keras tensors (a Functional graph being built) stay symbolic.
    return images if isinstance(images, keras.KerasTensor) else ops.convert_to_tensor(images)


def _per_channel(images, function):
    """`function` on each channel as a one-channel batch: (N, H, W, C) -> (N * C, H, W, 1) and back."""
    images = _tensor(images)
    height, width, channels = images.shape[1:]
    planes = ops.reshape(ops.transpose(images, (0, 3, 1, 2)), (-1, height, width, 1))
    out = function(planes)
    out_height, out_width = out.shape[1:3]
    return ops.transpose(ops.reshape(out, (-1, channels, out_height, out_width)), (0, 2, 3, 1))


def _blur(planes, gain, strides):
    # Reflected borders: the blur sees mirror images there, not a dark frame of zero padding.
    padded = ops.pad(planes, ((0, 0), (2, 2), (2, 2), (0, 0)), mode="reflect")
    kernel = ops.cast(ops.reshape(BINOMIAL_KERNEL * gain, (5, 5, 1, 1)), planes.dtype)
    return ops.conv(padded, kernel, strides=strides, padding="valid")


def _check_images(images, levels=1):
    shape = tuple(images.shape)
    if len(shape) != 4 or None in shape[1:]:
        raise ValueError(f"images must be a batch (N, H, W, C) with known H, W, C; got shape {shape}")
    factor = 2 ** (levels - 1)
    if shape[1] % factor or shape[2] % factor or shape[1] < 2 * factor or shape[2] < 2 * factor:
        raise ValueError(
            f"{levels} pyramid levels need heights and widths that are multiples of {factor} and at least "
            f"{2 * factor}; got images of shape {shape}"
        )


def downsample(images):
    """Blur with the 5x5 binomial kernel, then keep every second row and column: (N, H/2, W/2, C).

    Example:
    >>> import numpy as np
    >>> tuple(downsample(np.ones((1, 8, 8, 3), "float32")).shape)
    (1, 4, 4, 3)
    """
    _check_images(images, 2)
    return _per_channel(images, lambda planes: _blur(planes, 1.0, 2))


def upsample(images):
    """Pixels onto a grid twice as fine (zeros between), blurred by 4 x the binomial kernel: (N, 2H, 2W, C).

    A constant image stays that constant (away from nothing: the borders are reflected).

    Example:
    >>> import numpy as np
    >>> tuple(upsample(np.ones((1, 4, 4, 1), "float32")).shape)
    (1, 8, 8, 1)
    """
    images = _tensor(images)
    if len(images.shape) != 4 or None in tuple(images.shape[1:]):
        raise ValueError(f"images must be a batch (N, H, W, C) with known H, W, C; got shape {tuple(images.shape)}")

    def expand(planes):
        height, width = planes.shape[1:3]
        # Interleave zeros: row i lands on row 2i, column j on column 2j.
        zeros = ops.zeros_like(planes)
        rows = ops.reshape(ops.stack([planes, zeros], axis=2), (-1, 2 * height, width, 1))
        grid = ops.reshape(ops.stack([rows, ops.zeros_like(rows)], axis=3), (-1, 2 * height, 2 * width, 1))
        # Each output pixel gathers a quarter of the kernel's mass from the non-zero pixels: gain 4.
        return _blur(grid, 4.0, 1)

    return _per_channel(images, expand)


def gaussian_pyramid(images, levels):
    """The low-pass images, coarse to fine: `[I_0, ..., I_{levels-1}]`, I_{levels-1} = `images`.

    I_{k-1} = downsample(I_k): each level halves the side of the next finer one.

    Args:
        images: (N, H, W, C), H and W multiples of 2^(levels - 1).
        levels: number of levels, >= 1.
    """
    levels = _validation.positive_int("levels", levels)
    images = _tensor(images)
    _check_images(images, levels)
    pyramid = [images]
    for _ in range(levels - 1):
        pyramid.insert(0, downsample(pyramid[0]))
    return pyramid


def laplacian_pyramid(images, levels):
    """The Laplacian pyramid, coarse to fine: `[I_0, h_1, ..., h_{levels-1}]`.

    I_0 is the coarsest low-pass image (side H / 2^(levels - 1)); h_k = I_k -
    upsample(I_{k-1}) is level k's residual, the detail the coarser level lacks (Denton
    et al. 2015, Eq. 3), of side H / 2^(levels - 1 - k). `reconstruct` inverts it.

    Args:
        images: (N, H, W, C), H and W multiples of 2^(levels - 1).
        levels: number of levels, >= 1 (1 gives `[images]`).

    Example:
    >>> import numpy as np
    >>> images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    >>> pyramid = laplacian_pyramid(images, 3)
    >>> [tuple(level.shape) for level in pyramid]
    [(2, 4, 4, 3), (2, 8, 8, 3), (2, 16, 16, 3)]
    >>> float(np.abs(np.asarray(reconstruct(pyramid)) - images).max()) < 1e-5
    True

    Reference:
        Denton et al. "Deep Generative Image Models using a Laplacian Pyramid of
        Adversarial Networks", NeurIPS 2015. Burt, Adelson. "The Laplacian Pyramid as a
        Compact Image Code", IEEE Trans. Communications, 1983.
    """
    low = gaussian_pyramid(images, levels)
    return [low[0]] + [low[k] - upsample(low[k - 1]) for k in range(1, levels)]


def reconstruct(pyramid):
    """The images of a Laplacian pyramid: I_k = upsample(I_{k-1}) + h_k, coarse to fine (Eq. 4).

    Args:
        pyramid: `[I_0, h_1, ..., h_{L-1}]` as `laplacian_pyramid` returns it; each level
            twice the side of the one before.
    """
    if not isinstance(pyramid, (list, tuple)) or not pyramid:
        raise ValueError(f"pyramid must be a non-empty list of levels, coarse to fine; got {type(pyramid).__name__}")
    image = _tensor(pyramid[0])
    for k, residual in enumerate(pyramid[1:], start=1):
        residual = _tensor(residual)
        expected = (2 * image.shape[1], 2 * image.shape[2], image.shape[3])
        if tuple(residual.shape[1:]) != expected:
            raise ValueError(
                f"pyramid level {k} must have shape (N, {', '.join(map(str, expected))}) (twice level {k - 1}'s side), "
                f"got {tuple(residual.shape)}"
            )
        image = upsample(image) + residual
    return image

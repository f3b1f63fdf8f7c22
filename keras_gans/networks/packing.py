"""Packing (PacGAN, Lin et al. 2018): the discriminator judges `pack` samples of one kind at once.

A packed discriminator takes m samples concatenated along their last (feature or channel)
axis: a (B, ..., C) batch becomes (B / m, ..., m * C), member j of pack i being sample
`i * m + j`. Real samples are packed with real ones and generated with generated ones, so the
discriminator tells P^m from Q^m; when Q misses part of P's mass, the total variation between
P^m and Q^m grows with m, which penalises mode collapse more (the paper's Sec. 3-4). These are
pure functions of the samples;
`keras_gans.models.BaseGAN(pack=m)` applies them wherever its discriminator is called.
"""

import tensorflow as tf
from keras import ops

from keras_gans import _validation


def pack_samples(samples, pack):
    """Concatenates each group of `pack` consecutive samples along the last axis.

    `(B, ..., C) -> (B / pack, ..., pack * C)`: points (B, 2) become (B / m, 2m) (the
    paper's 2-D experiments), images (B, H, W, C) become (B / m, H, W, m C) (its
    channel-wise concatenation for images). Within a pack, member j's features come
    j-th, as `concatenate([x_1, ..., x_m], axis=-1)`. `pack=1` returns `samples` as
    they are.

    Args:
        samples: a tensor (B, ..., C) with B a multiple of `pack`.
        pack: samples per pack, an int >= 1.

    Returns:
        A tensor (B / pack, ..., pack * C) of the same dtype.

    Raises:
        ValueError: naming `pack` when it is not an int >= 1, or the batch size and
            `pack` when a static batch size is not a multiple of it (a dynamic one
            is checked when the step runs, an InvalidArgumentError naming both).

    Example:
    >>> import numpy as np
    >>> points = np.arange(8, dtype="float32").reshape(4, 2)  # four 2-D samples
    >>> pack_samples(points, 2).numpy().tolist()
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]
    >>> tuple(pack_samples(np.zeros((6, 8, 8, 3), "float32"), 3).shape)
    (2, 8, 8, 9)

    Reference:
        Lin, Khetan, Fanti, Oh. "PacGAN: The power of two samples in generative
        adversarial networks", NeurIPS 2018. https://arxiv.org/abs/1712.04086
    """
    pack = _validation.positive_int("pack", pack)
    if pack == 1:
        return samples
    samples = ops.convert_to_tensor(samples)
    rank = len(samples.shape)
    if rank < 2:
        raise ValueError(f"pack_samples needs a batch of samples (B, ..., C), got shape {tuple(samples.shape)}")
    batch = samples.shape[0]
    check_pack_batch(batch, pack)
    if batch is None:
        # A batch of unknown size (a dataset batched without drop_remainder) is checked as it runs.
        check = tf.debugging.assert_equal(
            tf.shape(samples)[0] % pack, 0, message=f"the batch size must be a multiple of pack={pack}"
        )
        with tf.control_dependencies([check]):
            samples = tf.identity(samples)
    rest = list(samples.shape[1:])
    # (B, ..., C) -> (B/m, m, ..., C) -> (B/m, ..., m, C) -> (B/m, ..., m C)
    grouped = ops.reshape(samples, [-1, pack] + rest)
    moved = ops.moveaxis(grouped, 1, rank - 1)
    return ops.reshape(moved, [-1] + rest[:-1] + [pack * rest[-1]])


def packed_shape(sample_shape, pack):
    """The shape of one pack of `pack` samples of `sample_shape`: the last axis times `pack`.

    Example:
    >>> packed_shape((2,), 4), packed_shape((16, 16, 1), 2)
    ((8,), (16, 16, 2))
    """
    pack = _validation.positive_int("pack", pack)
    sample_shape = tuple(sample_shape)
    return sample_shape[:-1] + (sample_shape[-1] * pack,)


def unpacked_shape(input_shape, pack):
    """The shape of one sample of a discriminator input `input_shape` that holds `pack` of them.

    Raises:
        ValueError: naming both when the last axis is not a multiple of `pack`.

    Example:
    >>> unpacked_shape((8,), 4), unpacked_shape((16, 16, 2), 2)
    ((2,), (16, 16, 1))
    """
    pack = _validation.positive_int("pack", pack)
    input_shape = tuple(input_shape)
    if input_shape[-1] is None or input_shape[-1] % pack:
        raise ValueError(
            f"pack={pack}: the discriminator's input {input_shape} must hold pack samples along its last "
            f"axis (a multiple of {pack}); build it with pack={pack}"
        )
    return input_shape[:-1] + (input_shape[-1] // pack,)


def check_pack_batch(batch_size, pack):
    """Raises a ValueError naming both when a batch of `batch_size` cannot be cut into packs of `pack`.

    Example:
    >>> check_pack_batch(6, 4)
    Traceback (most recent call last):
    ...
    ValueError: a batch of 6 samples cannot be packed in groups of pack=4; use a batch size that is a multiple of 4
    """
    if batch_size is not None and batch_size % pack:
        raise ValueError(
            f"a batch of {batch_size} samples cannot be packed in groups of pack={pack}; "
            f"use a batch size that is a multiple of {pack}"
        )


"""DCGAN-style generator and critic builders (Radford et al. 2016) for square images."""

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

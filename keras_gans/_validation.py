"""The one home of argument checks: every module of the package validates through these.

It sits at the bottom of the import graph (numpy and the standard library only), so that
losses, layers, networks, data, metrics, callbacks, models, export and the CLI can all use
it. Every check returns the value in its plain Python type (so a `np.int64(3)` comes back as
`3`) and raises a `ValueError` (or `PermissionError` for paths) whose message names the
argument and the bad value. Numpy integer and float scalars are accepted wherever Python
ones are; bools are refused where a number is wanted and non-finite numbers wherever a
finite one is.

Example:
>>> import numpy as np
>>> positive_int("critic_steps", np.int64(5)), number("clip_value", 0.01, low=0, low_open=True)
(5, 0.01)
>>> number("clip_value", float("inf"), low=0, low_open=True)
Traceback (most recent call last):
...
ValueError: clip_value must be a finite number > 0, got inf
"""

import math
import numbers
import os

import numpy as np

VALID_CHANNELS = (1, 3)


def is_int(value):
    """Whether `value` is an integer (Python or numpy), bools excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_number(value):
    """Whether `value` is a real number (Python or numpy int or float), bools excluded."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def positive_int(name, value, allow_none=False, minimum=1, maximum=None):
    """Returns `value` as an int if it is an int >= `minimum` (and <= `maximum`; or None when allowed), else raises.

    Example:
    >>> positive_int("width", 8), positive_int("every_n_steps", None, allow_none=True)
    (8, None)
    >>> positive_int("width", True)
    Traceback (most recent call last):
    ...
    ValueError: width must be an int >= 1, got True
    >>> positive_int("pad_value", 256, minimum=0, maximum=255)
    Traceback (most recent call last):
    ...
    ValueError: pad_value must be an int in [0, 255], got 256
    """
    if value is None and allow_none:
        return None
    if not is_int(value) or value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an int {bound}{' or None' if allow_none else ''}, got {value!r}")
    return int(value)


def non_negative_int(name, value, allow_none=False):
    """Returns `value` as an int if it is an int >= 0 (or None when allowed), else raises."""
    return positive_int(name, value, allow_none=allow_none, minimum=0)


def positive_ints(name, values):
    """Returns `values` as a tuple of ints if it is a non-empty tuple or list of ints >= 1, else raises.

    For shapes and layer widths.

    Example:
    >>> positive_ints("hidden", [np.int64(16), 8])
    (16, 8)
    >>> positive_ints("output_shape", (28, -1))
    Traceback (most recent call last):
    ...
    ValueError: output_shape must be a non-empty tuple or list of ints >= 1, got (28, -1)
    """
    if not isinstance(values, (tuple, list)) or not values or not all(is_int(n) and n >= 1 for n in values):
        raise ValueError(f"{name} must be a non-empty tuple or list of ints >= 1, got {values!r}")
    return tuple(int(n) for n in values)


def number(name, value, low=None, high=None, low_open=False, high_open=False, allow_none=False):
    """Returns `value` as a float if it is a finite number in the given range, else raises.

    Args:
        name: the argument's name, for the message.
        value: the value to check.
        low, high: bounds, None for none.
        low_open, high_open: whether the bound itself is excluded.
        allow_none: accept (and return) None.

    Example:
    >>> number("gradient_penalty_weight", np.float32(10), low=0)
    10.0
    >>> number("label_smoothing", 1.0, low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: label_smoothing must be a finite number in [0, 1), got 1.0
    """
    if value is None and allow_none:
        return None
    ok = is_number(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        raise ValueError(f"{name} must be a finite number{_range(low, high, low_open, high_open)}"
                         f"{' or None' if allow_none else ''}, got {value!r}")
    return float(value)


def _range(low, high, low_open, high_open):
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def boolean(name, value, allow_none=False):
    """Returns `value` as a bool if it is True or False (numpy bools too; or None when allowed), else raises.

    Example:
    >>> boolean("mismatched_pairs", np.bool_(True)), boolean("append", None, allow_none=True)
    (True, None)
    >>> boolean("append", 1, allow_none=True)
    Traceback (most recent call last):
    ...
    ValueError: append must be True, False or None, got 1
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True{', False or None' if allow_none else ' or False'}, got {value!r}")
    return bool(value)


def one_of(name, value, choices):
    """Returns `value` if it is one of `choices`, else raises naming the valid ones."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def base_resolution(image_size):
    """Splits `image_size` into `base * 2**n` with `base` in 4..7 and `n >= 1`.

    The DCGAN-style generators start from a `base x base` feature map and double it `n`
    times; the critics halve the image `n` times back down to `base`.

    Returns:
        `(base, n)`.

    Raises:
        ValueError: if `image_size` is not an int of that form (e.g. 30 or 5).

    Example:
    >>> base_resolution(64), base_resolution(28)
    ((4, 4), (7, 2))
    """
    if not is_int(image_size):
        raise ValueError(f"image_size must be an int, got {image_size!r}")
    size, doublings = int(image_size), 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        doublings += 1
    if doublings == 0 or not 4 <= size <= 7:
        raise ValueError(
            "image_size must be 4 to 7 times a power of two and at least 8 "
            f"(e.g. 16, 28, 32, 64, 128), got {image_size!r}"
        )
    return size, doublings


def image_size(value):
    """Returns `value` as an int if networks can be built for that image side, else raises."""
    base_resolution(value)
    return int(value)


def channels(value):
    """Returns `value` as an int if it is 1 (grayscale) or 3 (RGB), else raises."""
    if not is_int(value) or value not in VALID_CHANNELS:
        raise ValueError(f"channels must be 1 or 3, got {value!r}")
    return int(value)


def num_classes(value, allow_none=False):
    """Returns `value` as an int if it is an int >= 2 (or None when allowed), else raises.

    Example:
    >>> num_classes(np.int64(10)), num_classes(None, allow_none=True)
    (10, None)
    """
    return positive_int("num_classes", value, allow_none=allow_none, minimum=2)


def writable_path(name, path, kind):
    """Returns `path` as a str if a `kind` ("folder" or "file") can be written there, else raises.

    Checked when a callback, an export or the CLI is set up, without creating anything, so a
    bad output path is refused before training rather than when the first file is written.
    The folders missing on the way are created later; the nearest one that exists must be a
    writable folder.

    Raises:
        ValueError: naming `path` if it is not a path, empty, an existing file where a folder is
            wanted (or the reverse), or under a file.
        PermissionError: naming `path` if the folder it would be written in is not writable.

    Example:
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> writable_path("out_dir", folder + "/new/run", "folder") == folder + "/new/run"
    True
    >>> writable_path("out_dir", "", "folder")
    Traceback (most recent call last):
    ...
    ValueError: out_dir must be a folder path, got ''
    """
    try:
        path = os.fsdecode(os.fspath(path))
    except TypeError:
        raise ValueError(f"{name} must be a {kind} path, got {path!r}") from None
    if not path:
        raise ValueError(f"{name} must be a {kind} path, got ''")
    if os.path.exists(path) and os.path.isdir(path) != (kind == "folder"):
        raise ValueError(f"{name}={path!r} is a {'folder' if kind == 'file' else 'file'}, not a {kind}")
    existing = os.path.abspath(path if kind == "folder" else os.path.dirname(os.path.abspath(path)))
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise ValueError(f"{name}={path!r} cannot be created: {existing!r} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"{name}={path!r} is not writable: no write permission in {existing!r}")
    return path

"""Private: argument checks shared by the callbacks."""

import numpy as np


def positive_int(name, value, allow_none=False):
    """Returns `value` as an int if it is an int >= 1 (or None when allowed), else raises ValueError.

    Example:
    >>> positive_int("num_keep", 3), positive_int("every_n_steps", None, allow_none=True)
    (3, None)
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an int >= 1{' or None' if allow_none else ''}, got {value!r}")
    return int(value)

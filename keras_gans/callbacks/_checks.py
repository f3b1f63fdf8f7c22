"""Private: argument checks shared by the callbacks."""

import os

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


def writable_path(name, path, kind):
    """Returns `path` as a str if a `kind` ("folder" or "file") can be written there, else raises.

    Checked when a callback (or an export) is set up, without creating anything, so a bad
    output path is refused before training rather than when the first file is written. The
    folders missing on the way are created later; the nearest one that exists must be a
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

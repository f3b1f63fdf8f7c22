"""Image helpers shared by callbacks and the CLI: [-1, 1] -> uint8, grids, captions, atomic PNGs.

Convention: a batch of images is `(N, H, W, C)`; a single image (and a grid) is
always 3-D `(H, W, C)`, also for grayscale (`C == 1`). Only `save_image` drops the
channel axis, because PNG stores grayscale as a 2-D "L" image.
"""

import contextlib
import math
import os
import uuid

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans import _validation

# PIL modes for the channel counts PNG can store as-is.
_PIL_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


# Tiles smaller than this are enlarged in the pictures the callbacks and CLI write.
DISPLAY_TILE = 48

def _to_numpy(x):
    # Accepts numpy arrays, Python lists and eager tensors (TF, JAX, torch on CPU)
    # without importing a backend: all of them implement __array__.
    return np.asarray(x)


def to_uint8(images):
    """Maps float images in [-1, 1] (a generator's tanh output) to uint8 in [0, 255].

    Values outside [-1, 1] are clipped, so a generator that overshoots still gives a
    valid picture. NaN becomes 0 rather than an undefined integer.

    Args:
        images: float array or tensor of any shape, nominally in [-1, 1].

    Returns:
        A `np.uint8` array of the same shape: -1 -> 0, 0 -> 128, 1 -> 255.

    Example:
    >>> to_uint8([-1.0, 0.0, 1.0, 3.0]).tolist()
    [0, 128, 255, 255]
    """
    x = _to_numpy(images).astype(np.float32)
    # pixel = (x + 1) * 255 / 2, rounded to nearest; clip before the cast because
    # out-of-range floats wrap around when cast to uint8.
    x = np.nan_to_num(x, nan=-1.0)
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)


def _as_uint8_batch(images):
    x = _to_numpy(images)
    if x.ndim == 3:
        # (N, H, W): a batch of grayscale images without the channel axis.
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(f"images must have shape (N, H, W, C) or (N, H, W), got shape {x.shape}")
    if x.dtype == np.uint8:
        return x
    if np.issubdtype(x.dtype, np.floating):
        return to_uint8(x)
    raise ValueError(
        f"images must be uint8 or float in [-1, 1], got dtype {x.dtype} with shape {x.shape}"
    )


def grid_shape(num_images, rows=None, cols=None):
    """Chooses `(rows, cols)` for `num_images`: near-square unless one or both are given.

    With neither given, `cols = ceil(sqrt(N))` and `rows = ceil(N / cols)`, so 64
    images give 8 x 8 and 10 give 3 rows of 4 (the last row part-empty).

    Args:
        num_images: number of images N (>= 1).
        rows: number of rows, or None to derive it.
        cols: number of columns, or None to derive it.

    Returns:
        `(rows, cols)` with `rows * cols >= num_images`.

    Raises:
        ValueError: if rows or cols is not a positive int, or `rows * cols < num_images`.

    Example:
    >>> grid_shape(64), grid_shape(10), grid_shape(10, rows=2)
    ((8, 8), (3, 4), (2, 5))
    """
    rows = _validation.positive_int("rows", rows, allow_none=True)
    cols = _validation.positive_int("cols", cols, allow_none=True)
    if num_images < 1:
        raise ValueError(f"need at least one image for a grid, got {num_images}")
    if rows is None and cols is None:
        cols = math.ceil(math.sqrt(num_images))
    if rows is None:
        rows = math.ceil(num_images / cols)
    if cols is None:
        cols = math.ceil(num_images / rows)
    if rows * cols < num_images:
        raise ValueError(
            f"a grid of rows={rows} x cols={cols} holds {rows * cols} images, "
            f"fewer than the {num_images} given"
        )
    return int(rows), int(cols)


def image_grid(images, rows=None, cols=None, padding=2, pad_value=255, min_tile=None):
    """Tiles a batch of images into one uint8 image, row-major, with a border between tiles.

    Float images are taken to be in [-1, 1] and converted with `to_uint8`; uint8
    images are used as they are. The border of `padding` pixels runs around every
    tile, the outer edge included, and empty cells of a part-filled last row are
    filled with `pad_value`.

    Args:
        images: `(N, H, W, C)` (or `(N, H, W)` grayscale) float in [-1, 1] or uint8.
        rows: rows of the grid; None for a near-square layout (see `grid_shape`).
        cols: columns of the grid; None likewise.
        padding: border width in pixels (>= 0).
        pad_value: border and empty-cell colour, an int in [0, 255] (255 = white).
        min_tile: if set, tiles smaller than this many pixels are enlarged by the
            smallest integer factor that reaches it, repeating pixels (nearest
            neighbour), so 16 px digits stay visible in a GIF without being blurred.

    Returns:
        `np.uint8` array of shape
        `(rows * H + (rows + 1) * padding, cols * W + (cols + 1) * padding, C)`
        (H and W after enlarging); grayscale keeps its channel axis (`C == 1`).

    Raises:
        ValueError: for a bad shape or dtype, a negative `padding`, a `pad_value`
            outside [0, 255], or `rows * cols < N`.

    Example:
    >>> import numpy as np
    >>> image_grid(np.zeros((10, 8, 8, 3)), padding=1).shape
    (28, 37, 3)
    """
    x = _as_uint8_batch(images)
    padding = _validation.non_negative_int("padding", padding)
    pad_value = _validation.positive_int("pad_value", pad_value, minimum=0, maximum=255)
    min_tile = _validation.positive_int("min_tile", min_tile, allow_none=True)
    if min_tile is not None:
        factor = -(-min_tile // min(x.shape[1:3]))  # ceil
        if factor > 1:
            x = x.repeat(factor, axis=1).repeat(factor, axis=2)
    n, h, w, c = x.shape
    rows, cols = grid_shape(n, rows, cols)
    p = int(padding)
    grid = np.full((rows * h + (rows + 1) * p, cols * w + (cols + 1) * p, c), pad_value, np.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        top, left = p + r * (h + p), p + k * (w + p)
        grid[top : top + h, left : left + w] = x[i]
    return grid


def _caption_font(width):
    # Pillow >= 10.1 ships a scalable default font; grow it with the image so the
    # caption stays legible on large grids, but never below 10 px.
    size = max(10, width // 48)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: only the fixed bitmap font.
        return ImageFont.load_default()


def add_caption(grid, text, margin=4, background=255, color=0):
    """Returns `grid` with a strip of text above it (PIL's default font).

    The strip height depends only on the font (hence on the grid width), never on
    the text, so captions "epoch 1" and "epoch 10 · step 500" give frames of one
    shape, as a GIF needs. Text wider than the grid is cut off at the right edge
    rather than widening the image, for the same reason.

    Args:
        grid: uint8 image `(H, W, C)` with C in {1, 3, 4}, e.g. from `image_grid`.
        text: the caption, one line.
        margin: pixels of space around the text.
        background: strip colour, an int in [0, 255] applied to every colour channel.
        color: text colour, likewise.

    Returns:
        uint8 array `(strip + H, W, C)`.

    Raises:
        ValueError: if `grid` is not a uint8 `(H, W, C)` array with C in {1, 3, 4}.

    Example:
    >>> import numpy as np
    >>> out = add_caption(np.zeros((40, 60, 3), np.uint8), "epoch 3")
    >>> out.shape[0] > 40, out.shape[1:]
    (True, (60, 3))
    """
    g = _to_numpy(grid)
    if g.dtype != np.uint8 or g.ndim != 3 or g.shape[-1] not in _PIL_MODES:
        raise ValueError(
            f"grid must be a uint8 (H, W, C) array with C in (1, 3, 4), "
            f"got dtype {g.dtype} with shape {g.shape}"
        )
    h, w, c = g.shape
    font = _caption_font(w)
    # Height from a probe with ascenders and descenders, not from `text`.
    _, top, _, bottom = font.getbbox("Agjpqy|·")
    strip_h = (bottom - top) + 2 * margin
    strip = Image.new(_PIL_MODES[c], (w, strip_h), (background,) * c if c > 1 else background)
    draw = ImageDraw.Draw(strip)
    fill = (color,) * c if c > 1 else color
    if c == 4:
        fill = (color,) * 3 + (255,)
    draw.text((margin, margin - top), str(text), fill=fill, font=font)
    strip = np.asarray(strip, dtype=np.uint8).reshape(strip_h, w, c)
    return np.concatenate([strip, g], axis=0)


@contextlib.contextmanager
def atomic_write(path):
    """Context manager yielding a temporary path that replaces `path` on success.

    The temporary file sits in the same folder (so `os.replace` is an atomic
    rename on POSIX and Windows) and keeps `path`'s extension (so writers that pick
    the format from it still work). Readers therefore see either the old file or
    the complete new one, never a half-written one, even if the process is killed
    mid-write. On an exception the temporary file is removed and the old file is
    left as it was. Parent folders are created.

    Args:
        path: the final file path.

    Yields:
        The temporary path to write to.

    Example:
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "sub", "note.txt")
    >>> with atomic_write(target) as tmp:
    ...     _ = open(tmp, "w").write("hello")
    >>> open(target).read()
    'hello'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    base = os.path.basename(path)
    ext = os.path.splitext(base)[1]
    # A hidden, unique name rather than tempfile.mkstemp: mkstemp creates mode 0600,
    # which os.replace would carry over to the final file.
    tmp = os.path.join(folder, f".{base}.{uuid.uuid4().hex[:12]}.tmp{ext}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def save_image(path, array):
    """Writes a uint8 image to `path` as PNG, atomically, creating parent folders.

    Args:
        path: destination file, normally ending in `.png`.
        array: uint8 `(H, W)`, `(H, W, 1)`, `(H, W, 3)` or `(H, W, 4)`, e.g. from
            `image_grid` or `add_caption`. Convert floats with `to_uint8` first.

    Returns:
        `path`.

    Raises:
        ValueError: if `array` is not uint8 or has an unsupported shape.

    Example:
    >>> import numpy as np, os, tempfile
    >>> path = save_image(os.path.join(tempfile.mkdtemp(), "grid.png"),
    ...                   image_grid(np.zeros((4, 8, 8, 1))))
    >>> os.path.exists(path)
    True
    """
    a = _to_numpy(array)
    if a.dtype != np.uint8:
        raise ValueError(
            f"array must be uint8 (use to_uint8 for [-1, 1] floats), got dtype {a.dtype}"
        )
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if not (a.ndim == 2 or (a.ndim == 3 and a.shape[-1] in (3, 4))):
        raise ValueError(f"array must have shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got {a.shape}")
    with atomic_write(path) as tmp:
        Image.fromarray(a).save(tmp, format="PNG")
    return path

"""Figures of trained models: the critic's surface over the plane for toy 2-D data.

Matplotlib is used through its object-oriented API (a `Figure` on an Agg canvas), never
`pyplot`: no global figure state, no GUI backend, safe in threads and in notebooks alike.
"""

import numpy as np
import tensorflow as tf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from keras_gans._validation import number, positive_int
from keras_gans.images import atomic_write

__all__ = ["critic_surface"]

_REAL_COLOUR = "tab:orange"
_FAKE_COLOUR = "tab:blue"
# Grid points per critic call: bounds memory at any resolution.
_CHUNK = 16384


def critic_surface(
    models,
    real,
    path,
    num_real=1000,
    num_generated=1000,
    resolution=128,
    margin=0.25,
    seed=0,
    panel_size=3.0,
    dpi=100,
):
    """Draws each critic's value over the plane, with real and generated points, into one PNG.

    The figure of Gulrajani et al. (2017, Fig. 1 and 2) for comparing regularisers: one row per
    regulariser (e.g. "weight clipping", "gradient penalty", "spectral norm"), one column per toy
    set, and in each panel the critic `model.discriminator` evaluated in inference mode on a
    `resolution` x `resolution` grid of the plane (the image, light = high score = judged real,
    with contour lines of the same values), the real points (orange) and points of
    `model.generate` (blue). A column's window is the box of its real points widened by
    `margin` times its larger side on each side; generated points outside it are not shown. Each
    panel has its own colour scale: a clipped critic's values are orders of magnitude smaller than
    a penalised one's, and it is the shape of the surface that is compared.

    The PNG is written atomically (`keras_gans.images.atomic_write`) and is exactly
    `(panel_size * columns * dpi, panel_size * rows * dpi)` pixels (width, height).

    Args:
        models: a mapping from row label to a sequence of trained models, one per column, in
            the order of `real`. A model needs `discriminator` (a callable (N, 2) -> (N, 1)),
            `latent_dim` and `generate(z)`, as `keras_gans.models.BaseGAN` has.
        real: a mapping from column label to that toy set's real points: an array or tensor
            (N, 2), or a `tf.data.Dataset` of (B, 2) batches (or `(points, ...)` tuples), e.g.
            `keras_gans.data.toys.ring(...)`.
        path: the PNG file to write; parent folders are created.
        num_real: real points drawn per column at most (the first ones of the array or dataset).
        num_generated: generated points per panel, from the same latents in every panel.
        resolution: grid points per side of the critic image, an int >= 2.
        margin: widening of the window around the real points, a fraction >= 0 of its side.
        seed: seed of the latents.
        panel_size: side of one panel in inches, > 0.
        dpi: pixels per inch of the PNG, an int >= 1.

    Returns:
        The `matplotlib.figure.Figure`; its `axes` are the panels, row by row.

    Raises:
        ValueError: naming the bad value: an empty mapping, a row without one model per
            column, points that are not (N, 2), or a bad number.

    Example:
    >>> import os, tempfile
    >>> from keras_gans.data.toys import sample_ring
    >>> from keras_gans.models import WGANGP
    >>> from keras_gans.networks.mlp import build_mlp_discriminator, build_mlp_generator
    >>> model = WGANGP(build_mlp_generator((2,), latent_dim=2, hidden=(8,), output_activation=None),
    ...                build_mlp_discriminator((2,), hidden=(8,)))
    >>> path = os.path.join(tempfile.mkdtemp(), "critic.png")
    >>> figure = critic_surface({"gradient penalty": [model]}, {"8 Gaussians": sample_ring(500)},
    ...                         path, resolution=32)
    >>> len(figure.axes), os.path.exists(path)
    (1, True)

    Reference:
        Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville. "Improved Training of Wasserstein
        GANs", NeurIPS 2017. https://arxiv.org/abs/1704.00028
    """
    rows, columns = _check_layout(models, real)
    num_real = positive_int("num_real", num_real)
    num_generated = positive_int("num_generated", num_generated)
    resolution = positive_int("resolution", resolution, minimum=2)
    dpi = positive_int("dpi", dpi)
    margin = number("margin", margin, low=0)
    panel_size = number("panel_size", panel_size, low=0, low_open=True)

    real_points = {label: _points(label, data, num_real) for label, data in real.items()}
    rng = np.random.default_rng(seed)
    latents = {}  # one draw per latent size, so every panel shows the same z

    figure = Figure(figsize=(panel_size * len(columns), panel_size * len(rows)), dpi=dpi,
                    layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(rows), len(columns), squeeze=False)
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            model, ax, points = models[row][j], axes[i, j], real_points[column]
            extent = _window(points, margin)
            xs, ys, values = _surface(model.discriminator, extent, resolution)
            # origin="lower" with the window as extent puts value [r, c] at (xs[c], ys[r]).
            ax.imshow(values, extent=extent, origin="lower", cmap="Greys_r", aspect="auto",
                      interpolation="nearest")
            if np.ptp(values) > 0:  # contour lines of a constant surface do not exist
                ax.contour(xs, ys, values, levels=10, colors="k", linewidths=0.4, alpha=0.5)
            latent_dim = int(model.latent_dim)
            if latent_dim not in latents:
                latents[latent_dim] = rng.standard_normal((num_generated, latent_dim)).astype("float32")
            fake = np.asarray(model.generate(latents[latent_dim])).reshape(num_generated, -1)
            ax.scatter(points[:, 0], points[:, 1], s=2, c=_REAL_COLOUR, linewidths=0)
            ax.scatter(fake[:, 0], fake[:, 1], s=2, c=_FAKE_COLOUR, linewidths=0)
            ax.set_xlim(extent[0], extent[1])
            ax.set_ylim(extent[2], extent[3])
            ax.tick_params(labelsize=6)
            if i == 0:
                ax.set_title(str(column), fontsize=9)
            if j == 0:
                ax.set_ylabel(str(row), fontsize=9)
    axes[0, 0].legend(
        handles=[Line2D([], [], ls="", marker="o", ms=3, c=_REAL_COLOUR, label="real"),
                 Line2D([], [], ls="", marker="o", ms=3, c=_FAKE_COLOUR, label="generated")],
        loc="upper right", fontsize=6, framealpha=0.8,
    )
    with atomic_write(path) as tmp:
        figure.savefig(tmp, format="png", dpi=dpi)
    return figure


def _check_layout(models, real):
    if not hasattr(real, "items") or not real:
        raise ValueError(f"real must be a non-empty mapping of column label to points, got {_describe(real)}")
    if not hasattr(models, "items") or not models:
        raise ValueError(f"models must be a non-empty mapping of row label to models, got {_describe(models)}")
    columns = list(real)
    for row, row_models in models.items():
        sized = hasattr(row_models, "__len__") and not isinstance(row_models, (str, bytes))
        if not sized or len(row_models) != len(columns):
            count = len(row_models) if hasattr(row_models, "__len__") else type(row_models).__name__
            raise ValueError(
                f"models[{row!r}] must hold one model per column of real {columns}, got {count}"
            )
    return list(models), columns


def _describe(value):
    # The type (and size) rather than the repr: a list of arrays would print every point.
    size = f" of {len(value)}" if hasattr(value, "__len__") else ""
    return f"{type(value).__name__}{size}"


def _points(label, data, limit):
    """The first `limit` points of an array, tensor or dataset of batches, as float (N, 2)."""
    if isinstance(data, tf.data.Dataset):
        batches, count = [], 0
        for batch in data:
            batch = batch[0] if isinstance(batch, (tuple, list)) else batch
            batches.append(np.asarray(batch))
            count += len(batches[-1])
            if count >= limit:
                break
        data = np.concatenate(batches) if batches else np.zeros((0, 2))
    points = np.asarray(data, dtype="float32")
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"real[{label!r}] must hold points of shape (N, 2), N >= 1, got shape {points.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"real[{label!r}] holds non-finite points")
    return points[:limit]


def _window(points, margin):
    """(xmin, xmax, ymin, ymax): the points' box widened by `margin` times its larger side."""
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * max(float(np.max(high - low)), 1e-3)  # a single point still gets a window
    return (float(low[0] - pad), float(high[0] + pad), float(low[1] - pad), float(high[1] + pad))


def _surface(critic, extent, resolution):
    """The critic's scores at the centres of a `resolution` x `resolution` grid of pixels."""
    xmin, xmax, ymin, ymax = extent
    # Pixel centres, so that imshow's extent (the pixels' outer edges) is the window exactly.
    xs = xmin + (np.arange(resolution) + 0.5) * (xmax - xmin) / resolution
    ys = ymin + (np.arange(resolution) + 0.5) * (ymax - ymin) / resolution
    gx, gy = np.meshgrid(xs, ys)  # gx[r, c] = xs[c], gy[r, c] = ys[r]
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype("float32")
    scores = [
        np.asarray(critic(grid[start : start + _CHUNK], training=False), dtype="float64").reshape(-1)
        for start in range(0, len(grid), _CHUNK)
    ]
    return xs, ys, np.concatenate(scores).reshape(resolution, resolution)

"""LossPlot: per-step GAN losses to a CSV and one PNG with D and G on the same axes."""

import csv
import math
import os

import keras
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_gans._validation import boolean, number, positive_int, writable_path
from keras_gans.callbacks._progress import TrainingClock, continues_run, generator_step
from keras_gans.images import atomic_write

# Points drawn per line at most (about twice the plot's width in pixels); longer
# histories are drawn as a min-max band (raw) and bucket means (smoothed).
_MAX_POINTS = 1600

# Display names; keys not listed are shown as they are.
_LABELS = {
    "d_loss": "D loss",
    "g_loss": "G loss",
    "gp": "gradient penalty",
    "wasserstein": "Wasserstein estimate",
    "d_real": "mean D(x)",
    "d_fake": "mean D(G(z))",
    "d_mismatched": "mean D(x, wrong label)",
    "d_class_accuracy": "class accuracy on real",
    "g_class_accuracy": "class accuracy on generated",
    "divergence": "f-divergence estimate",
    "pt": "pulling-away term",
    "k": "equilibrium control k_t",
    "convergence": "M_global (convergence)",
    # CycleGAN
    "f_loss": "F loss",
    "dx_loss": "D_X loss",
    "dy_loss": "D_Y loss",
    "cycle": "cycle consistency (L1)",
    "identity": "identity (L1)",
    # StarGAN
    "d_cls": "domain loss on real (D)",
    "g_cls": "domain loss on translations (G)",
    "g_rec": "reconstruction (L1)",
    "g_id": "identity (L1)",
}


def _scalar(value):
    """`value` as a float, or None when it is absent or not a single number."""
    if value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(())) if array.size == 1 else None


def _names(what, names):
    """`names` as a tuple of metric names, refusing an empty one and the CSV's own columns."""
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names or not all(isinstance(k, str) and k for k in names):
        raise ValueError(f"{what} must be a non-empty sequence of metric names, got {names!r}")
    reserved = {"step", "epoch"} & set(names)
    if reserved:
        raise ValueError(f"{what} must not include the CSV's own columns, got {sorted(reserved)}")
    return names


def _cell(value):
    """A CSV cell: empty for a value the step did not report (read back as NaN)."""
    return "" if math.isnan(value) else value


class _EMA:
    """Exponential moving average with TensorBoard's bias correction.

    s_t = a * s_{t-1} + (1 - a) * v_t from s_0 = 0, reported as s_t / (1 - a^k)
    after k finite values, so the start is not pulled toward 0. A NaN/inf value
    (or a missing one) gives NaN there and leaves the average as it was.
    """

    def __init__(self, smoothing):
        self.smoothing = smoothing
        self.average = 0.0
        self.weight = 0.0

    def __call__(self, value):
        if not math.isfinite(value):
            # A gap, not the last average carried on: a loss gone NaN must show.
            return math.nan
        a = self.smoothing
        self.average = a * self.average + (1.0 - a) * value
        self.weight = a * self.weight + (1.0 - a)
        return self.average / self.weight


def smooth(values, smoothing):
    """The bias-corrected EMA of `values` (see `_EMA`), as the plot draws it.

    Example:
    >>> smooth([1.0, 1.0, float("nan"), 1.0], 0.9).tolist()
    [1.0, 1.0, nan, 1.0]
    """
    ema = _EMA(smoothing)
    return np.array([ema(v) for v in values], dtype=np.float64)


def _buckets(y, buckets):
    """Splits `y` into `buckets` runs; returns first index, last index, min, max, mean of each.

    A dense raw line drawn at screen resolution is a band from each run's minimum
    to its maximum; filling that band keeps every spike visible at a fraction of
    the cost of stroking all the points. The mean draws a long smoothed line
    without the aliasing of plain subsampling.
    """
    edges = np.linspace(0, len(y), buckets + 1).astype(int)
    starts = edges[:-1]
    finite = np.isfinite(y)
    # fmin/fmax ignore NaN; an all-NaN run stays NaN (a gap in the plot).
    low = np.fmin.reduceat(y, starts)
    high = np.fmax.reduceat(y, starts)
    count = np.add.reduceat(finite, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(np.where(finite, y, 0.0), starts) / count
    mean[count == 0] = math.nan
    return starts, edges[1:] - 1, low, high, mean


class LossPlot(keras.callbacks.Callback):
    """Logs per-step GAN metrics to a CSV and plots D and G (and the critic's diagnostics).

    Keras hands `on_train_batch_end` the running mean since the epoch began of each
    metric (this package's models report `keras.metrics.Mean` trackers that Keras
    resets every epoch), which hides the step-to-step behaviour a GAN needs watched.
    With m_t the mean after t steps of the epoch (t = batch index + 1, m_0 = 0), the
    value of step t is recovered exactly as

        v_t = t * m_t - (t - 1) * m_{t-1}

    (up to float32 rounding in the tracker, which grows with t: ~1e-7 * t relative).
    When Keras reports every k steps (`steps_per_execution = k`) the same identity
    gives the mean over those k steps: v = (t m_t - t' m_t') / (t - t').

    One CSV row per report — `step` (generator steps since the run began), `epoch`
    (1-based), then the `keys` present in the first step's logs (every metric logged
    when `keys` is None) — flushed as it is written, so a crash keeps the rows. The PNG
    has one panel per group of `panels`, or by default one panel with the keys ending
    in "loss" (D and G loss) and one with the others (gradient penalty, Wasserstein
    estimate); each metric is drawn raw (thin, translucent) and smoothed (EMA);
    beyond 1600 rows the raw line is drawn as its min-max band and the EMA as
    bucket means, so a refresh stays well under a second for any run length. It is
    rewritten atomically every `every_n_steps` steps, at each epoch end and at
    train end.

    Args:
        out_dir: folder for the CSV and the PNG; created.
        keys: metric names to record; names absent from the logs are skipped. None
            records every scalar metric of the first step's logs, in their order.
        panels: None, or groups of metric names, one panel each, in order (e.g. a
            variant's `metric_panels`: BEGAN draws M_global apart from the losses);
            recorded metrics in no group share a last panel.
        every_n_steps: refresh the PNG every this many generator steps.
        smoothing: EMA factor in [0, 1) for the thick lines; 0 draws the raw values.
        csv_name: CSV file name inside `out_dir`.
        png_name: PNG file name inside `out_dir`.
        append: whether to continue an existing CSV: its rows stay, its columns are
            reused, step numbering continues, and the plot shows the whole run. None
            (default) continues it when the fit resumes a run (Keras' first epoch index
            > 0, as with `initial_epoch` or `keras.callbacks.BackupAndRestore`), when
            this callback already logged a fit (a second `fit` call) or when the model's
            generator step is where the CSV stops (the same model trained on); any other
            fit, such as a new model's, overwrites it and says so. `FixedNoiseGIF`
            decides the same way for its frames. True always continues, False always
            overwrites. Rows an interrupted run logged after the epoch a fit resumes
            from are dropped, since those steps are redone: one row per step.

    Example:
    >>> import os, tempfile, numpy as np
    >>> from keras_gans.models import LSGAN
    >>> model = LSGAN(*LSGAN.default_networks(16, 1, latent_dim=8, width=4))
    >>> model.compile()
    >>> plot = LossPlot(tempfile.mkdtemp())  # LSGAN logs no "gp" or "wasserstein": skipped
    >>> _ = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, epochs=2, verbose=0, callbacks=[plot])
    >>> sorted(os.listdir(plot.out_dir))
    ['losses.csv', 'losses.png']
    >>> open(plot.csv_path).readline().strip()
    'step,epoch,d_loss,g_loss'
    """

    def __init__(
        self,
        out_dir,
        keys=("d_loss", "g_loss", "gp", "wasserstein"),
        every_n_steps=50,
        smoothing=0.9,
        csv_name="losses.csv",
        png_name="losses.png",
        append=None,
        panels=None,
    ):
        super().__init__()
        self.keys = None if keys is None else _names("keys", keys)
        self.panels = None if panels is None else tuple(_names("each panel", group) for group in panels)
        if self.panels is not None and not self.panels:
            raise ValueError(f"panels must be None or a non-empty sequence of groups of metric names, got {panels!r}")
        self.every_n_steps = positive_int("every_n_steps", every_n_steps)
        self.smoothing = number("smoothing", smoothing, low=0, high=1, high_open=True)
        self.append = boolean("append", append, allow_none=True)
        self.out_dir = writable_path("out_dir", out_dir, "folder")
        self.csv_path = os.path.join(self.out_dir, csv_name)
        self.png_path = os.path.join(self.out_dir, png_name)
        self.clock = TrainingClock()
        # The columns after step and epoch; fixed by the first step (or the CSV header).
        self.columns = None
        # Rows so far (loaded ones included): "step", "epoch" and each column, raw;
        # `smoothed` holds each column's EMA, kept up to date row by row.
        self.history = {"step": [], "epoch": []}
        self.smoothed = {}
        self._emas = {}
        self._csv_file = None
        self._writer = None
        self._started = False
        self._previous = {}
        self._last_position = (0, 0)
        self._ran_before = False

    # ------------------------------------------------------------------ hooks

    def on_train_begin(self, logs=None):
        os.makedirs(self.out_dir, exist_ok=True)
        # Close a file left open by a fit that raised (Keras then skips on_train_end).
        self._close()
        self._set_columns(None)
        self._last_position = (0, 0)
        self._started = False

    def on_epoch_begin(self, epoch, logs=None):
        if not self._started:
            # Only here does Keras reveal the initial epoch of a resumed fit (set by
            # BackupAndRestore in its own on_train_begin, which may run after ours).
            self._started = True
            if os.path.exists(self.csv_path) and os.path.getsize(self.csv_path) > 0:
                last_step = self._last_csv_step()
                if continues_run(self.append, epoch, self._ran_before, generator_step(self.model), last_step):
                    self._read_existing_csv()
                elif last_step is not None:
                    print(f"LossPlot: a new run (this fit does not continue the earlier one): overwriting "
                          f"{self.csv_path}; pass append=True to continue it")
            self._ran_before = True
            if self.clock.start(epoch, (self.params or {}).get("steps"), *self._last_position,
                                generator_step(self.model)):
                self._drop_rows_after_position()
            if self._csv_file is None or self._csv_file.closed:
                # Columns known here came from the file's header, which stays.
                self._open_csv("a" if self.columns is not None else "w")
        self.clock.begin_epoch(epoch)
        # Trackers restart each epoch: m_0 = 0 at t = 0 for every key.
        self._previous = {}

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        before = self.clock.step
        self.clock.end_batch(batch)
        t = batch + 1
        values = {}
        keys = self.keys if self.keys is not None else [k for k in logs if _scalar(logs[k]) is not None]
        for key in keys:
            mean = _scalar(logs.get(key))
            if mean is None:
                continue
            # Per key, the last (t', m_t') seen this epoch, so a key missing from a
            # report still de-averages correctly at its next one.
            t_prev, mean_prev = self._previous.get(key, (0, 0.0))
            # v_t = t m_t - (t-1) m_{t-1}; generally the mean of steps t'+1..t.
            values[key] = (t * mean - t_prev * mean_prev) / (t - t_prev)
            self._previous[key] = (t, mean)
        if self.columns is None:
            self._set_columns([k for k in keys if k in values])
            self._writer.writerow(["step", "epoch", *self.columns])
        self._writer.writerow(
            [self.clock.step, self.clock.epoch, *(values.get(k, "") for k in self.columns)]
        )
        self._csv_file.flush()
        self._record(self.clock.step, self.clock.epoch, values)
        if self.clock.step // self.every_n_steps > before // self.every_n_steps:
            self.plot()

    def on_epoch_end(self, epoch, logs=None):
        self.plot()

    def on_train_end(self, logs=None):
        self.plot()
        self._close()

    # ---------------------------------------------------------------- helpers

    def _close(self):
        if self._csv_file is not None and not self._csv_file.closed:
            self._csv_file.close()
        self._csv_file = None
        self._writer = None

    def _read_existing_csv(self):
        with open(self.csv_path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        if header[:2] != ["step", "epoch"]:
            raise ValueError(
                f"{self.csv_path} does not start with the columns step, epoch (header "
                f"{header}); it was not written by LossPlot, so append=True cannot continue it"
            )
        # The file's columns win: a CSV cannot grow columns halfway.
        self._set_columns(header[2:])
        for row in rows[1:]:
            try:
                step, epoch = int(row[0]), int(row[1])
                values = {k: float(c) for k, c in zip(self.columns, row[2:]) if c}
            except (IndexError, ValueError):
                continue  # a row cut short by a hard kill mid-write
            self._record(step, epoch, values)
        if self.history["step"]:
            self._last_position = (self.history["epoch"][-1], self.history["step"][-1])

    def _last_csv_step(self):
        """The step of the CSV's last complete row, or None if it has none."""
        with open(self.csv_path, newline="", encoding="utf-8") as f:
            for row in reversed(list(csv.reader(f))[1:]):
                try:
                    return int(row[0])
                except (IndexError, ValueError):
                    continue  # a row cut short by a hard kill mid-write
        return None

    def _open_csv(self, mode):
        ends_a_line = True
        if mode == "a":
            with open(self.csv_path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                ends_a_line = f.read(1) in (b"\n", b"\r")
        self._csv_file = open(self.csv_path, mode, newline="", encoding="utf-8")
        self._writer = csv.writer(self._csv_file)
        if not ends_a_line:
            # A last row cut short lacks its line end; end it so ours start a line.
            self._csv_file.write(self._writer.dialect.lineterminator)

    def _drop_rows_after_position(self):
        """Rewrites the CSV without the rows an interrupted run logged after the resumed checkpoint.

        Those steps are redone, and a CSV must keep one row per step.
        """
        kept = [i for i, (epoch, step) in enumerate(zip(self.history["epoch"], self.history["step"]))
                if not self.clock.is_after(epoch, step)]
        dropped = len(self.history["step"]) - len(kept)
        if not dropped:
            return
        rows = [{k: self.history[k][i] for k in self.history} for i in kept]
        self._set_columns(self.columns)
        for row in rows:
            self._record(row.pop("step"), row.pop("epoch"), row)
        with atomic_write(self.csv_path) as tmp:
            with open(tmp, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["step", "epoch", *self.columns])
                for i in range(len(rows)):
                    writer.writerow([self.history["step"][i], self.history["epoch"][i],
                                     *(_cell(self.history[k][i]) for k in self.columns)])
        print(f"LossPlot: resuming at epoch {self.clock.epoch}, step {self.clock.step}; removed {dropped} "
              f"later row(s) of the interrupted run from {self.csv_path}")

    def _set_columns(self, columns):
        self.columns = columns
        self.history = {"step": [], "epoch": [], **{k: [] for k in columns or ()}}
        self.smoothed = {k: [] for k in columns or ()}
        self._emas = {k: _EMA(self.smoothing) for k in columns or ()}

    def _record(self, step, epoch, values):
        self.history["step"].append(step)
        self.history["epoch"].append(epoch)
        for k in self.columns:
            value = values.get(k, math.nan)
            self.history[k].append(value)
            self.smoothed[k].append(self._emas[k](value))

    def plot(self):
        """Rewrites the PNG from the rows recorded so far (no-op before the first row)."""
        figure = self.figure()
        if figure is not None:
            with atomic_write(self.png_path) as tmp:
                figure.savefig(tmp, format="png")

    def figure(self):
        """The plot of the rows recorded so far, a matplotlib `Figure`; None before the first row."""
        steps = np.asarray(self.history["step"], dtype=np.float64)
        if not steps.size or not self.columns:
            return None
        if self.panels is None:
            groups = ([k for k in self.columns if k.endswith("loss")], [k for k in self.columns if not k.endswith("loss")])
        else:
            grouped = [[k for k in group if k in self.columns] for group in self.panels]
            placed = {k for group in grouped for k in group}
            groups = (*grouped, [k for k in self.columns if k not in placed])
        panels = [keys for keys in groups if keys]
        # Object-oriented matplotlib: a Figure with its own Agg canvas, no pyplot,
        # so nothing leaks into (or depends on) global state or a GUI backend.
        height = 3.2 * len(panels)
        figure = Figure(figsize=(8, height), dpi=100)
        FigureCanvasAgg(figure)
        # Fixed margins (in inches) rather than a layout engine, which would lay out
        # the figure twice per save; this runs every few steps during training.
        figure.subplots_adjust(left=0.09, right=0.98, top=1 - 0.6 / height, bottom=0.5 / height,
                               hspace=0.65 / 2.6)
        axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        for ax, keys in zip(axes, panels):
            for i, key in enumerate(keys):
                color = f"C{i}"
                raw = np.asarray(self.history[key], dtype=np.float64)
                smoothed = np.asarray(self.smoothed[key], dtype=np.float64)
                if len(raw) <= _MAX_POINTS:
                    ax.plot(steps, raw, color=color, linewidth=0.6, alpha=0.35)
                    ax.plot(steps, smoothed, color=color, linewidth=1.6, label=_LABELS.get(key, key))
                    continue
                first, last, low, high, _ = _buckets(raw, _MAX_POINTS // 2)
                x = np.stack([steps[first], steps[last]], axis=1).ravel()
                ax.fill_between(x, np.repeat(low, 2), np.repeat(high, 2), color=color, alpha=0.35,
                                linewidth=0)
                *_, mean = _buckets(smoothed, _MAX_POINTS // 2)
                ax.plot((steps[first] + steps[last]) / 2, mean, color=color, linewidth=1.6,
                        label=_LABELS.get(key, key))
            title = " and ".join(_LABELS.get(k, k) for k in keys)
            # Capitalise a label, never a raw metric key ("d_real" stays as it is).
            ax.set_title(title[:1].upper() + title[1:] if keys[0] in _LABELS else title)
            # The loss panel shares one unit; the other holds diagnostics of their own kinds,
            # named in its title and legend.
            ax.set_ylabel("loss" if all(k.endswith("loss") for k in keys)
                          else (_LABELS.get(keys[0], keys[0]) if len(keys) == 1 else "value"))
            ax.legend(loc="best")
            ax.grid(alpha=0.3)
        axes[-1].set_xlabel("generator step")
        figure.suptitle(f"per step (thin) and EMA {self.smoothing:g} (thick)", fontsize=9)
        return figure

"""Does BEGAN's convergence measure M_global track sample quality? M_global beside samples over training.

Trains BEGAN on scikit-learn's digits with the paper's networks and optimizer (gamma 1.0 and lambda_k
0.01 by default, as `benchmarks/digits.py`: see --diversity-ratio, --k-learning-rate), logging M_global
and k_t at every step (`LossPlot`). Every --every steps it scores 1,000 samples with the digits
classifier (Frechet distance against the real floor, classes covered) and keeps a grid of samples
from fixed latents. Draws one figure: M_global and k_t per step above the Frechet distance at each
checkpoint, with the sample grids of some checkpoints below, and prints the table and the rank
correlation between M_global (mean over the steps before each checkpoint) and the Frechet distance.

    python benchmarks/began_convergence.py --steps 2000 --every 250 --out tutorials/assets/began_convergence_benchmark.png
"""

import argparse
import csv
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from keras_gans.callbacks import LossPlot  # noqa: E402
from keras_gans.callbacks.loss_plot import smooth  # noqa: E402
from keras_gans.data import digits  # noqa: E402
from keras_gans.metrics import evaluate_digits, train_digits_classifier  # noqa: E402
from keras_gans.models import BEGAN  # noqa: E402


class Checkpoints(keras.callbacks.Callback):
    """At each epoch end (every --every steps): the digits scores and a grid of fixed-latent samples."""

    def __init__(self, every, grid=16, seed=0):
        super().__init__()
        self.every, self.grid, self.seed, self.rows = every, grid, seed, []

    def on_epoch_end(self, epoch, logs=None):
        result = evaluate_digits(self.model, num_samples=1000, seed=self.seed)
        samples = self.model.generate(self.grid, seed=self.seed)
        self.rows.append({"step": (epoch + 1) * self.every, "frechet": result["frechet_distance"],
                          "classes": result["classes_covered"], "samples": samples})


def spearman(a, b):
    """Rank correlation of two equal-length sequences (no ties expected)."""
    ranks = [np.argsort(np.argsort(np.asarray(x, dtype=float))) for x in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def tile(images, columns=4):
    rows = len(images) // columns
    images = (np.clip(images[..., 0], -1, 1) + 1) / 2
    return np.concatenate([np.concatenate(list(images[r * columns:(r + 1) * columns]), axis=1) for r in range(rows)])


def figure(history, rows, floor, shown=6):
    steps = np.asarray(history["step"], dtype=float)
    fig = Figure(figsize=(10, 6.4), dpi=100)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(3, shown, height_ratios=[2.2, 1.0, 1.6], hspace=0.45)
    ax = fig.add_subplot(grid[0, :])
    m_global = np.asarray(history["convergence"], dtype=float)
    ax.plot(steps, m_global, color="C0", linewidth=0.5, alpha=0.35)
    ax.plot(steps, smooth(m_global, 0.98), color="C0", linewidth=1.6, label="M_global (EMA 0.98)")
    ax.set_ylabel("M_global", color="C0")
    ax.set_title("BEGAN on digits: convergence measure and Frechet distance of 1,000 samples")
    right = ax.twinx()
    checkpoint_steps = [row["step"] for row in rows]
    right.plot(checkpoint_steps, [row["frechet"] for row in rows], "o-", color="C3", label="Frechet distance")
    right.axhline(floor, color="C3", linestyle=":", linewidth=1, label=f"real floor {floor:.2f}")
    right.set_yscale("log")
    right.set_ylabel("Frechet distance (log)", color="C3")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    k_axis = fig.add_subplot(grid[1, :], sharex=ax)
    k_axis.plot(steps, history["k"], color="C2", linewidth=1.2)
    k_axis.set_ylabel("k_t")
    k_axis.set_xlabel("generator step")
    k_axis.grid(alpha=0.3)
    picks = np.unique(np.linspace(0, len(rows) - 1, min(shown, len(rows))).round().astype(int))
    for column, index in enumerate(picks):
        row = rows[index]
        image_axis = fig.add_subplot(grid[2, column])
        image_axis.imshow(tile(row["samples"]), cmap="gray", vmin=0, vmax=1)
        image_axis.set_title(f"step {row['step']}\nFrechet {row['frechet']:.1f}", fontsize=8)
        image_axis.axis("off")
    return fig


def read_history(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        columns = {name: [] for name in reader.fieldnames}
        for row in reader:
            for name in columns:
                columns[name].append(float(row[name]) if row[name] else float("nan"))
    return columns


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250, help="steps between checkpoints")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--diversity-ratio", type=float, default=1.0,
                        help="gamma; 1.0 as in benchmarks/digits.py (the paper's 0.5 leaves k_t at 0 on the digits)")
    parser.add_argument("--k-learning-rate", type=float, default=0.01,
                        help="lambda_k; 0.01 as in benchmarks/digits.py (the paper's 0.001 is slow for 1,500 steps)")
    parser.add_argument("--out", default="tutorials/assets/began_convergence_benchmark.png")
    args = parser.parse_args()

    classifier = train_digits_classifier(image_size=args.image_size, channels=1)
    keras.utils.set_random_seed(args.seed)
    model = BEGAN(*BEGAN.default_networks(args.image_size, 1, width=args.width), seed=args.seed,
                  diversity_ratio=args.diversity_ratio, k_learning_rate=args.k_learning_rate)
    model.compile()
    data = digits(image_size=args.image_size, batch_size=64, seed=args.seed).repeat()
    folder = tempfile.mkdtemp()
    checkpoints = Checkpoints(args.every, seed=args.seed)
    plot = LossPlot(folder, keys=None, panels=model.metric_panels, every_n_steps=10**9)
    start = time.perf_counter()
    model.fit(data, epochs=args.steps // args.every, steps_per_epoch=args.every, verbose=0,
              callbacks=[plot, checkpoints])
    seconds = time.perf_counter() - start
    history = read_history(plot.csv_path)
    print(f"BEGAN, digits {args.image_size}px, width {args.width}, batch 64, {args.steps} steps, seed {args.seed}, "
          f"gamma {args.diversity_ratio}, lambda_k {args.k_learning_rate}: "
          f"{seconds:.0f} s with checkpoints; real floor {classifier.real_floor:.2f}")
    print("| step | M_global (mean of the last steps) | k_t | Frechet | classes |")
    print("| --- | --- | --- | --- | --- |")
    steps = np.asarray(history["step"])
    means = []
    for row in checkpoints.rows:
        window = (steps > row["step"] - args.every) & (steps <= row["step"])
        means.append(float(np.mean(np.asarray(history["convergence"])[window])))
        k = float(np.asarray(history["k"])[window][-1])
        print(f"| {row['step']} | {means[-1]:.4f} | {k:.4f} | {row['frechet']:.2f} | {row['classes']}/10 |")
    print(f"Spearman rank correlation of M_global and Frechet over the checkpoints: "
          f"{spearman(means, [row['frechet'] for row in checkpoints.rows]):.2f}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    figure(history, checkpoints.rows, classifier.real_floor).savefig(args.out)
    print(f"figure: {args.out}")


if __name__ == "__main__":
    main()

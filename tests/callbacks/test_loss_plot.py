import csv
import os

import imageio.v3 as iio
import numpy as np
import pytest

from keras_gans.callbacks import LossPlot
from keras_gans.callbacks.loss_plot import smooth


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def drive(callback, epochs_of_values, key="d_loss", first_epoch=0, steps_per_execution=1):
    """Feeds `callback` the running means Keras would report for the given per-step values."""
    callback.set_params({"epochs": first_epoch + len(epochs_of_values), "steps": None, "verbose": 0})
    callback.on_train_begin()
    for epoch, values in enumerate(epochs_of_values, start=first_epoch):
        callback.on_epoch_begin(epoch)
        for batch in range(steps_per_execution - 1, len(values), steps_per_execution):
            callback.on_train_batch_end(batch, {key: float(np.mean(values[: batch + 1])), "other": 1.0})
        callback.on_epoch_end(epoch)
    callback.on_train_end()


def test_per_step_values_recovered_exactly_from_running_means(tmp_path):
    values = [[3.0, -1.0, 4.0, 1.0], [-5.0, 9.0, 2.0]]
    plot = LossPlot(tmp_path, keys=("d_loss",), every_n_steps=100)
    drive(plot, values)
    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss"]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [int(r[1]) for r in rows] == [1, 1, 1, 1, 2, 2, 2]
    # v_t = t m_t - (t-1) m_{t-1}, restarting with each epoch's fresh tracker.
    np.testing.assert_allclose([float(r[2]) for r in rows], sum(values, []), rtol=0, atol=1e-12)


def test_steps_per_execution_gives_mean_of_each_chunk(tmp_path):
    values = [[1.0, 3.0, 10.0, 20.0]]
    plot = LossPlot(tmp_path, keys=("d_loss",))
    drive(plot, values, steps_per_execution=2)
    _, rows = read_csv(tmp_path / "losses.csv")
    assert [int(r[0]) for r in rows] == [2, 4]
    np.testing.assert_allclose([float(r[2]) for r in rows], [2.0, 15.0], atol=1e-12)


def test_fit_writes_one_row_per_step_with_true_values_and_plot(tmp_path, make_gan, run_fit, sequence):
    plot = LossPlot(tmp_path, every_n_steps=4)
    run_fit(make_gan(), [plot], epochs=3, steps=3)

    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss", "g_loss", "gp", "wasserstein"]
    assert len(rows) == 9
    assert [int(r[1]) for r in rows] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    for row in rows:
        expected = sequence(int(row[0]))
        for key, cell in zip(header[2:], row[2:]):
            # The stub's trackers accumulate in float32.
            np.testing.assert_allclose(float(cell), expected[key], rtol=1e-5, atol=1e-5)

    png = iio.imread(tmp_path / "losses.png")
    assert os.path.getsize(tmp_path / "losses.png") > 0
    # Two panels (losses; gp and Wasserstein), 8 x 6.4 inches at 100 dpi.
    assert png.shape[:2] == (640, 800)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


def test_missing_keys_are_skipped_and_plot_has_one_panel(tmp_path, make_gan, run_fit):
    plot = LossPlot(tmp_path)
    run_fit(make_gan(keys=("d_loss", "g_loss")), [plot], epochs=1, steps=2)
    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss", "g_loss"]
    assert len(rows) == 2
    assert iio.imread(tmp_path / "losses.png").shape[:2] == (320, 800)


def test_key_missing_from_one_report_leaves_empty_cell(tmp_path):
    plot = LossPlot(tmp_path, keys=("d_loss", "g_loss"))
    plot.set_params({"epochs": 1, "steps": 3, "verbose": 0})
    plot.on_train_begin()
    plot.on_epoch_begin(0)
    plot.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 2.0})
    plot.on_train_batch_end(1, {"d_loss": 2.0})  # no g_loss this time
    plot.on_train_batch_end(2, {"d_loss": 3.0, "g_loss": 4.0})  # g mean over steps 1..3
    _, rows = read_csv(tmp_path / "losses.csv")
    plot.on_train_end()
    assert rows == [["1", "1", "1.0", "2.0"], ["2", "1", "3.0", ""], ["3", "1", "5.0", "5.0"]]


def test_rows_flushed_and_png_refreshed_during_training(tmp_path):
    plot = LossPlot(tmp_path, keys=("d_loss",), every_n_steps=2)
    plot.set_params({"epochs": 1, "steps": 10, "verbose": 0})
    plot.on_train_begin()
    plot.on_epoch_begin(0)
    plot.on_train_batch_end(0, {"d_loss": 1.0})
    assert not (tmp_path / "losses.png").exists()
    plot.on_train_batch_end(1, {"d_loss": 1.0})
    # Mid-training, as after a crash: both rows on disk and the plot of step 2.
    assert len(read_csv(tmp_path / "losses.csv")[1]) == 2
    assert (tmp_path / "losses.png").stat().st_size > 0
    plot.on_train_end()


def test_append_continues_steps_and_plots_whole_run(tmp_path, make_gan, run_fit):
    model = make_gan()
    run_fit(model, [LossPlot(tmp_path)], epochs=2, steps=2)
    resumed = LossPlot(tmp_path, append=True)
    run_fit(model, [resumed], epochs=3, steps=2, initial_epoch=2)
    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss", "g_loss", "gp", "wasserstein"]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [int(r[1]) for r in rows] == [1, 1, 2, 2, 3, 3]
    assert resumed.history["step"] == [1, 2, 3, 4, 5, 6]

    # Without append, a new model's fit starts the file over.
    run_fit(make_gan(), [LossPlot(tmp_path)], epochs=1, steps=2)
    assert [int(r[0]) for r in read_csv(tmp_path / "losses.csv")[1]] == [1, 2]


def test_a_second_fit_with_the_same_callback_continues_the_csv(tmp_path, make_gan, run_fit):
    model, plot = make_gan(), LossPlot(tmp_path)
    run_fit(model, [plot], epochs=1, steps=2)
    run_fit(model, [plot], epochs=1, steps=2)  # Keras restarts at epoch 0; FixedNoiseGIF continues too
    assert [(int(r[0]), int(r[1])) for r in read_csv(tmp_path / "losses.csv")[1]] == [(1, 1), (2, 1), (3, 2), (4, 2)]


def test_a_foreign_csv_is_overwritten_by_a_new_run_but_not_continued(tmp_path, capsys):
    (tmp_path / "losses.csv").write_text("a,b\n1,2\n")
    drive(LossPlot(tmp_path, keys=("d_loss",)), [[1.0]])
    assert read_csv(tmp_path / "losses.csv")[0] == ["step", "epoch", "d_loss"]
    (tmp_path / "losses.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not written by LossPlot"):
        drive(LossPlot(tmp_path, keys=("d_loss",), append=True), [[1.0]])


def test_every_panel_has_a_y_axis_label(tmp_path, make_gan, run_fit):
    plot = LossPlot(tmp_path)
    run_fit(make_gan(), [plot], epochs=1, steps=2)
    assert [ax.get_ylabel() for ax in plot.figure().axes] == ["loss", "value"]
    plot = LossPlot(tmp_path / "gp", keys=("d_loss", "gp"))
    run_fit(make_gan(), [plot], epochs=1, steps=2)
    assert [ax.get_ylabel() for ax in plot.figure().axes] == ["loss", "gradient penalty"]


def test_resumed_fit_continues_the_csv_and_replaces_rows_after_its_epoch(tmp_path, make_gan, run_fit):
    model = make_gan()
    run_fit(model, [LossPlot(tmp_path)], epochs=3, steps=2)
    # As BackupAndRestore restoring epoch 1 of a run killed in epoch 3: the default append
    # continues the CSV, and rows 3-6, redone now, appear once.
    resumed = LossPlot(tmp_path)
    run_fit(model, [resumed], epochs=3, steps=2, initial_epoch=1)
    _, rows = read_csv(tmp_path / "losses.csv")
    assert [(int(r[0]), int(r[1])) for r in rows] == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)]
    assert resumed.history["step"] == [1, 2, 3, 4, 5, 6]
    assert len(resumed.smoothed["d_loss"]) == 6


def test_resume_keeps_the_header_of_a_csv_with_no_rows_before_its_position(tmp_path):
    # Every row on disk lies past epoch 1, the position a backup restores: all are dropped.
    (tmp_path / "losses.csv").write_text("step,epoch,d_loss\n5,3,0.5\n")
    plot = LossPlot(tmp_path, keys=("d_loss",))
    plot.set_params({"epochs": 2, "steps": 2, "verbose": 0})
    plot.on_train_begin()
    plot.on_epoch_begin(1)
    plot.on_train_batch_end(0, {"d_loss": 1.0})
    plot.on_train_batch_end(1, {"d_loss": 1.0})
    plot.on_train_end()
    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss"] and [r[:2] for r in rows] == [["3", "2"], ["4", "2"]]


def test_append_must_be_none_or_a_bool(tmp_path):
    with pytest.raises(ValueError, match="append must be True, False or None, got 'yes'"):
        LossPlot(tmp_path, append="yes")


def test_append_after_fit_restarting_epoch_count(tmp_path):
    drive(LossPlot(tmp_path, keys=("d_loss",)), [[1.0, 1.0]])
    drive(LossPlot(tmp_path, keys=("d_loss",), append=True), [[2.0, 2.0]])
    _, rows = read_csv(tmp_path / "losses.csv")
    assert [r[:3] for r in rows] == [["1", "1", "1.0"], ["2", "1", "1.0"], ["3", "2", "2.0"], ["4", "2", "2.0"]]


def test_smooth_is_bias_corrected_ema():
    np.testing.assert_allclose(smooth([2.0, 2.0, 2.0], 0.9), [2.0, 2.0, 2.0])
    # s_2 = (0.1 * 0.9 * 0 + 0.1 * 10) / (1 - 0.81)
    np.testing.assert_allclose(smooth([0.0, 10.0], 0.9), [0.0, 1.0 / 0.19])
    np.testing.assert_allclose(smooth([1.0, 5.0], 0.0), [1.0, 5.0])
    # A NaN is a gap in the smoothed line too, and does not poison what follows.
    np.testing.assert_allclose(smooth([2.0, np.nan, 2.0], 0.5), [2.0, np.nan, 2.0])


def test_long_history_plots_as_band(tmp_path):
    plot = LossPlot(tmp_path, keys=("d_loss", "gp"))
    plot._set_columns(["d_loss", "gp"])
    rng = np.random.default_rng(0)
    for step in range(1, 5001):
        plot._record(step, 1, {"d_loss": float(rng.normal()), "gp": np.nan if step > 4000 else 1.0})
    plot.plot()
    assert iio.imread(tmp_path / "losses.png").shape[:2] == (640, 800)


def test_append_after_row_cut_short(tmp_path):
    (tmp_path / "losses.csv").write_text("step,epoch,d_loss\r\n1,1,0.5\r\n2,1,0.2")
    plot = LossPlot(tmp_path, keys=("d_loss",), append=True)
    drive(plot, [[7.0]])
    _, rows = read_csv(tmp_path / "losses.csv")
    assert rows == [["1", "1", "0.5"], ["2", "1", "0.2"], ["3", "2", "7.0"]]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"keys": ()}, "keys must be a non-empty sequence"),
        ({"keys": ("step",)}, r"keys must not include.*\['step'\]"),
        ({"every_n_steps": 0}, "every_n_steps must be an int >= 1, got 0"),
        ({"smoothing": 1.0}, r"smoothing must be a finite number in \[0, 1\), got 1.0"),
        ({"smoothing": float("nan")}, r"smoothing must be a finite number in \[0, 1\), got nan"),
        ({"append": 1}, "append must be True, False or None, got 1"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        LossPlot(tmp_path, **kwargs)


def test_keys_none_records_every_logged_metric(tmp_path, make_gan, run_fit):
    plot = LossPlot(tmp_path, keys=None)
    run_fit(make_gan(keys=("d_loss", "g_loss", "wasserstein")), [plot], epochs=1, steps=2)
    header, rows = read_csv(tmp_path / "losses.csv")
    assert header == ["step", "epoch", "d_loss", "g_loss", "wasserstein"] and len(rows) == 2


def test_panels_draw_declared_groups_apart(tmp_path, make_gan, run_fit):
    # Three groups: (d_loss, g_loss), (gp,), and the rest (wasserstein): three panels, 3 x 3.2 in.
    plot = LossPlot(tmp_path, panels=(("d_loss", "g_loss"), ("gp",)))
    run_fit(make_gan(), [plot], epochs=1, steps=2)
    assert iio.imread(tmp_path / "losses.png").shape[:2] == (960, 800)
    axes = plot.figure().axes
    assert [ax.get_title() for ax in axes] == ["D loss and G loss", "Gradient penalty", "Wasserstein estimate"]
    assert axes[0].get_ylabel() == "loss"


def test_bad_panels_are_refused():
    with pytest.raises(ValueError, match="panels must be None or a non-empty sequence"):
        LossPlot("unused", panels=())
    with pytest.raises(ValueError, match=r"each panel must not include the CSV's own columns, got \['step'\]"):
        LossPlot("unused", panels=(("step",),))


def test_began_logs_m_global_and_k_on_panels_of_their_own(tmp_path):
    import numpy as np

    from keras_gans.models import BEGAN

    model = BEGAN(*BEGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0)
    model.compile()
    plot = LossPlot(tmp_path, keys=None, panels=model.metric_panels)
    model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, epochs=1, verbose=0, callbacks=[plot])
    header, _ = read_csv(tmp_path / "losses.csv")
    assert set(header[2:]) == set(model.metric_names)
    titles = [ax.get_title() for ax in plot.figure().axes]
    assert titles == ["D loss and G loss", "Mean D(x) and mean D(G(z))", "M_global (convergence)",
                      "Equilibrium control k_t"]

"""TrainingBoard / tensorboard_callbacks: the event files read back, across resumed runs."""

import os

import keras
import numpy as np
import pytest

from keras_gans.callbacks import LossPlot, TrainingBoard
from keras_gans.callbacks.tensorboard import read_events

KEYS = ("d_loss", "g_loss", "gp", "wasserstein")


def _steps(log_dir, run="steps"):
    return read_events(os.path.join(log_dir, run))


def test_scalars_per_step_one_image_per_epoch_and_the_config(make_gan, run_fit, sequence, tmp_path):
    model = make_gan()
    config = {"variant": "wgan-gp", "epochs": 3, "note": "a|b"}
    run_fit(model, [TrainingBoard(tmp_path, config=config, num_images=4)], epochs=3, steps=2)
    events = _steps(tmp_path)
    assert sorted(events) == sorted([*KEYS, "fixed_noise", "config"])
    for key in KEYS:
        steps, values = events[key]
        assert steps == [1, 2, 3, 4, 5, 6]
        # The step's own value, not Keras' running mean of the epoch.
        np.testing.assert_allclose(values, [sequence(s)[key] for s in steps], rtol=1e-5, atol=1e-6)
    steps, images = events["fixed_noise"]
    assert steps == [2, 4, 6]  # one per epoch, at its last step
    assert all(image.dtype == np.uint8 and image.ndim == 3 and image.shape[-1] == 3 for image in images)
    assert not np.array_equal(images[0], images[-1])  # the generator moved
    assert events["config"] == ([0], ["| option | value |\n| --- | --- |\n| variant | wgan-gp |\n| epochs | 3 |\n"
                                      "| note | a/b |"])


def test_scalars_equal_the_loss_plot_csv(make_gan, run_fit, tmp_path):
    plot = LossPlot(tmp_path / "plot")
    run_fit(make_gan(), [plot, TrainingBoard(tmp_path / "board", num_images=4)], epochs=2, steps=3)
    events = _steps(tmp_path / "board")
    for key in KEYS:
        assert events[key][0] == plot.history["step"]
        np.testing.assert_allclose(events[key][1], plot.history[key], rtol=1e-6)


def test_a_resumed_fit_continues_the_steps_without_duplicates(make_gan, run_fit, sequence, tmp_path):
    model = make_gan()
    run_fit(model, [TrainingBoard(tmp_path, config="first", num_images=4)], epochs=1, steps=2)
    run_fit(model, [TrainingBoard(tmp_path, config="resumed", num_images=4)], epochs=2, steps=2,
            initial_epoch=1)
    events = _steps(tmp_path)
    for key in KEYS:
        assert events[key][0] == [1, 2, 3, 4]
        np.testing.assert_allclose(events[key][1], [sequence(s)[key] for s in range(1, 5)], rtol=1e-5, atol=1e-6)
    assert events["fixed_noise"][0] == [2, 4]
    assert events["config"] == ([0, 2], ["first", "resumed"])
    # Keras' own callback: epoch means, numbered by Keras' epoch index, continued too.
    epochs = _steps(tmp_path, "train")
    assert epochs["epoch_d_loss"][0] == [0, 1]
    np.testing.assert_allclose(epochs["epoch_d_loss"][1][1], np.mean([sequence(s)["d_loss"] for s in (3, 4)]),
                               rtol=1e-5)


class _Kill(keras.callbacks.Callback):
    """Raises after `after` batches of epoch index `epoch`, as a killed process stops."""

    def __init__(self, epoch, after):
        super().__init__()
        self.epoch, self.after, self.current = epoch, after, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch + 1 == self.after:
            raise KeyboardInterrupt("killed")


def test_backup_and_restore_mid_run_drops_the_redone_steps(make_gan, run_fit, sequence, tmp_path, capsys):
    # Killed two steps into the third epoch, after the second epoch's backup: steps 7 and 8 of
    # the interrupted run are in the event files, and the resumed run redoes them.
    model = make_gan()
    model(np.zeros((1, model.latent_dim), "float32"))  # BackupAndRestore needs a built model
    callbacks = [TrainingBoard(tmp_path / "board", num_images=4),
                 keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))]
    with pytest.raises(KeyboardInterrupt):
        run_fit(model, [*callbacks, _Kill(epoch=2, after=2)], epochs=4, steps=3)
    # Keras skipped on_train_end; the next fit with the same callbacks closes (flushes) the
    # writers the killed one left open, as a process exit would, before it looks at the files.
    run_fit(model, callbacks, epochs=4, steps=3)
    out = capsys.readouterr().out
    assert "TrainingBoard: resuming at epoch 2, step 6; removed 8 later summaries" in out  # 4 keys x 2 steps
    events = _steps(tmp_path / "board")
    for key in KEYS:
        assert events[key][0] == list(range(1, 13))
        # The restored model redoes steps 7 and 8 (the stub's step counter is restored with it).
        np.testing.assert_allclose(events[key][1], [sequence(s)[key] for s in range(1, 13)], rtol=1e-5, atol=1e-6)
    assert events["fixed_noise"][0] == [3, 6, 9, 12]
    assert _steps(tmp_path / "board", "train")["epoch_g_loss"][0] == [0, 1, 2, 3]


def test_a_fit_from_epoch_zero_starts_a_new_record(make_gan, run_fit, tmp_path, capsys):
    run_fit(make_gan(), [TrainingBoard(tmp_path, num_images=4)], epochs=2, steps=2)
    run_fit(make_gan(), [TrainingBoard(tmp_path, num_images=4)], epochs=1, steps=2)
    assert "removed the 2 event file(s) of an earlier run" in capsys.readouterr().out
    assert _steps(tmp_path)["d_loss"][0] == [1, 2]
    assert _steps(tmp_path, "train")["epoch_d_loss"][0] == [0]


def test_conditional_labels_reach_generate(make_gan, run_fit, tmp_path):
    model = make_gan()
    labels = np.array([0, 1, 0, 1])
    run_fit(model, [TrainingBoard(tmp_path, num_images=4, labels=labels)], epochs=1, steps=1)
    assert [list(c) for c in model.generate_calls] == [[0, 1, 0, 1]]


@pytest.mark.parametrize("kwargs, message", [
    ({"config": 3}, "config must be a dict, a string or None, got int"),
    ({"every_n_epochs": 0}, "every_n_epochs must be an int >= 1, got 0"),
    ({"labels": [0, 1]}, "labels must be 64 ints"),
    ({"log_dir": ""}, "log_dir must be a folder path, got ''"),
])
def test_bad_arguments_are_refused_when_built(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("|", r"\|")):
        TrainingBoard(**{"log_dir": tmp_path, **kwargs})


def test_event_files_are_read_in_creation_order_when_counters_gain_a_digit(tmp_path):
    # The same second, counters 9 then 10: as text "10" sorts before "9".
    from keras_gans.callbacks.tensorboard import _event_files

    names = ["events.out.tfevents.1700000000.host.42.10.v2", "events.out.tfevents.1700000000.host.42.9.v2",
             "events.out.tfevents.1699999999.host.42.11.v2"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    assert [os.path.basename(p) for p in _event_files(str(tmp_path))] == [names[2], names[1], names[0]]

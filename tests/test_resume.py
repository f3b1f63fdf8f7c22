"""Resuming training: Keras' BackupAndRestore and .keras files for every variant, the CLI's
--resume after a SIGKILL mid-epoch."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import imageio.v3 as iio
import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import cli
from keras_gans.models import VARIANTS

from .models.checks import CLASSES, LATENT, SIZE, training_data

DEFAULT = ["wgan-gp", "gan", "cgan"]  # penalty, Dropout's seed generator, labels
OTHERS = [name for name in VARIANTS if name not in DEFAULT]
EVERY_VARIANT = [*DEFAULT, *(pytest.param(name, marks=pytest.mark.large) for name in OTHERS)]


def build(name, seed=0):
    cls = VARIANTS[name]
    kwargs = {"num_classes": CLASSES} if cls.conditional else {}
    keras.utils.set_random_seed(seed)
    model = cls(*cls.default_networks(SIZE, 1, latent_dim=LATENT, width=4, **kwargs), seed=seed, **kwargs)
    model.compile()
    return model


def fixed_batches(model, steps=3, batch_size=4):
    """`steps` generator steps of data in a fixed order (no shuffle), the same every epoch.

    Resumed and uninterrupted runs then see the same images; a shuffling pipeline restarts its
    order when a process restarts (see the README's reliability section).
    """
    count = steps * model.critic_steps * batch_size
    images = np.random.default_rng(1).uniform(-1, 1, (count, SIZE, SIZE, 1)).astype("float32")
    data = training_data(type(model), images, CLASSES)
    return tf.data.Dataset.from_tensor_slices(data).batch(batch_size, drop_remainder=True)


def assert_same_state(resumed, reference, atol=1e-5):
    assert int(resumed.g_optimizer.iterations) == int(reference.g_optimizer.iterations)
    assert int(resumed.d_optimizer.iterations) == int(reference.d_optimizer.iterations)
    pairs = [(reference.weights, resumed.weights), (reference.d_optimizer.variables, resumed.d_optimizer.variables),
             (reference.g_optimizer.variables, resumed.g_optimizer.variables)]
    for expected, actual in pairs:
        assert len(expected) == len(actual)
        for x, y in zip(expected, actual):
            np.testing.assert_allclose(np.array(y), np.array(x), rtol=1e-5, atol=atol, err_msg=x.path)


def tolerance(name):
    """Weight tolerance of a resumed run against an uninterrupted one.

    WGAN's training is chaotic at float round-off: RMSprop divides each gradient by its own
    running size, so the many near-zero gradients of a clipped critic take full-size steps whose
    sign round-off decides. Measured: with oneDNN off, two uninterrupted 2-epoch fits in one
    process differ by up to 3.7e-5; with it on, a model restored into fresh variables differs
    from the uninterrupted one by up to 1.4e-5 in some runs (0 in others). RMSprop's step is
    5e-5, and a lost optimizer or noise state moves weights by far more.
    """
    return 1e-4 if name == "wgan" else 1e-5


def reference_run(name):
    """Two epochs without interruption: one fit of two epochs.

    Reproducible across the epoch boundary since the tests run TensorFlow with one inter-op
    thread (tests/conftest.py; tests/test_epoch_boundary.py checks it).
    """
    model = build(name)
    model.fit(fixed_batches(model), epochs=2, verbose=0)
    return model


class _Interrupt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt("interrupted at the start of epoch 2")


@pytest.mark.parametrize("name", EVERY_VARIANT)
def test_backup_and_restore_into_a_fresh_model_continues_exactly(name, tmp_path):
    reference = reference_run(name)

    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    interrupted = build(name)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(fixed_batches(interrupted), epochs=2, verbose=0, callbacks=[backup, _Interrupt()])
    # Another process would build the model afresh: other initial weights and noise state,
    # all of which the backup must overwrite.
    restarted = build(name, seed=7)
    history = restarted.fit(fixed_batches(restarted), epochs=2, verbose=0,
                            callbacks=[keras.callbacks.BackupAndRestore(tmp_path / "backup")])
    assert len(next(iter(history.history.values()))) == 1  # only epoch 2 ran
    assert_same_state(restarted, reference, atol=tolerance(name))


@pytest.mark.parametrize("name", EVERY_VARIANT)
def test_two_epochs_equal_one_then_save_load_and_one_more(name, tmp_path):
    reference = reference_run(name)

    first = build(name)
    first.fit(fixed_batches(first), epochs=1, verbose=0)
    first.save(tmp_path / "one_epoch.keras")
    loaded = keras.models.load_model(tmp_path / "one_epoch.keras")
    loaded.fit(fixed_batches(loaded), epochs=2, initial_epoch=1, verbose=0)
    assert_same_state(loaded, reference, atol=tolerance(name))


# ------------------------------------------------------------------- the CLI

STEPS_PER_EPOCH, EPOCHS = 200, 2
TRAIN = ["train", "wgan-gp", "--dataset", "digits", "--image-size", "16", "--width", "4", "--latent-dim", "8",
         "--batch-size", "8", "--critic-steps", "2", "--verbose", "0"]


def read_steps(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [int(row[0]) for row in rows], [int(row[1]) for row in rows]


def test_sigkill_mid_epoch_then_resume_finishes_with_every_step_once(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "keras_gans.cli", *TRAIN, "--epochs", str(EPOCHS),
               "--steps-per-epoch", str(STEPS_PER_EPOCH), "--out", str(out)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    csv_path = out / "losses.csv"
    # Kill a quarter into epoch 2, after epoch 1's backup and while rows of epoch 2 are written.
    target, deadline = STEPS_PER_EPOCH * 5 // 4, time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
        if csv_path.exists() and csv_path.read_text().count("\n") > target:
            break
    assert process.poll() is None, f"the run ended before the kill: {process.stderr.read().decode()[-2000:]}"
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    steps_at_kill, _ = read_steps(csv_path)
    backup = json.loads((out / "backup" / "training_metadata.json").read_text())
    assert backup["epoch"] == 1 and max(steps_at_kill) > STEPS_PER_EPOCH  # killed mid-epoch 2

    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, env=env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"Resuming {out} after epoch 1 of {EPOCHS}" in resumed.stdout

    steps, epochs = read_steps(csv_path)
    total = EPOCHS * STEPS_PER_EPOCH
    assert steps == list(range(1, total + 1))  # every step once: the killed stretch's rows replaced
    assert epochs == [1 + (step - 1) // STEPS_PER_EPOCH for step in steps]
    frames = sorted(os.listdir(out / "frames"))
    assert frames == [f"epoch_{e:04d}_step_{e * STEPS_PER_EPOCH:07d}.png" for e in range(EPOCHS + 1)]
    assert iio.imread(out / "training.gif", index=None).shape[0] == EPOCHS + 1
    model = keras.models.load_model(out / "model.keras")
    assert int(model.g_optimizer.iterations) == total
    assert int(model.d_optimizer.iterations) == 2 * total
    assert "resumed: from the end of epoch 1" in (out / "report.md").read_text()


def tiny_run(out, epochs, *extra):
    return cli.main([*TRAIN, "--epochs", str(epochs), "--steps-per-epoch", "2", "--out", str(out), *extra])


def test_resume_trains_a_finished_run_on_and_refuses_to_mix_runs(tmp_path, capsys):
    out = tmp_path / "run"
    assert tiny_run(out, 1) == 0
    # A second run into the same folder is refused, naming what it would overwrite.
    assert tiny_run(out, 1) == 2
    assert "already holds a run (losses.csv, frames, training.gif, model.keras, report.md, backup, run.json)" in (
        capsys.readouterr().err)
    assert tiny_run(out, 1, "--resume") == 2
    assert "already finished 1 epochs and --epochs is 1" in capsys.readouterr().err

    assert tiny_run(out, 2, "--resume") == 0
    assert "Resuming" in capsys.readouterr().out
    steps, epochs = read_steps(out / "losses.csv")
    assert steps == [1, 2, 3, 4] and epochs == [1, 1, 2, 2]
    assert sorted(os.listdir(out / "frames")) == [
        "epoch_0000_step_0000000.png", "epoch_0001_step_0000002.png", "epoch_0002_step_0000004.png"]
    assert int(keras.models.load_model(out / "model.keras").g_optimizer.iterations) == 4


def test_resume_without_a_backup_starts_afresh_and_clears_the_partial_epoch(tmp_path, capsys):
    out = tmp_path / "run"
    (out / "frames").mkdir(parents=True)
    (out / "frames" / "epoch_0000_step_0000000.png").write_bytes(b"")
    (out / "losses.csv").write_text("step,epoch,d_loss\n1,1,0.5\n")
    assert tiny_run(out, 1, "--resume") == 0
    assert "Nothing to resume" in capsys.readouterr().out
    assert read_steps(out / "losses.csv")[0] == [1, 2]
    assert len(os.listdir(out / "frames")) == 2


def test_resume_falls_back_to_the_previous_backup_copy(tmp_path, capsys):
    out = tmp_path / "run"
    assert tiny_run(out, 2) == 0
    metadata = out / "backup" / "training_metadata.json"
    # As if killed while writing epoch 2's backup: the .bkp copy still holds epoch 1.
    metadata.write_text('{"epo')
    assert tiny_run(out, 2, "--resume") == 0
    printed = capsys.readouterr().out
    assert "using the backup's previous copy" in printed and "after epoch 1 of 2" in printed
    assert read_steps(out / "losses.csv")[0] == [1, 2, 3, 4]


def test_resume_keeps_the_networks_options_and_applies_a_new_learning_rate(tmp_path, capsys):
    out = tmp_path / "run"
    assert tiny_run(out, 1) == 0
    assert tiny_run(out, 2, "--resume", "--width", "8", "--latent-dim", "4") == 2
    error = capsys.readouterr().err
    assert "--resume must keep the options of the run" in error
    assert "--latent-dim 8 -> 4, --width 4 -> 8" in error
    # The backup holds the optimizers' learning rates; --lr given on resume must win over them.
    assert tiny_run(out, 2, "--resume", "--lr", "0.003") == 0
    assert "Changed for the resumed epochs: --epochs 1 -> 2, --lr None -> 0.003" in capsys.readouterr().out
    model = keras.models.load_model(out / "model.keras")
    assert float(model.d_optimizer.learning_rate) == pytest.approx(0.003)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.003)

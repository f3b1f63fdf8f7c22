"""NaNGuard: the first non-finite loss stops fit before a checkpoint or a plot records it."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.callbacks import LossPlot, NaNGuard
from tests.models.conftest import tiny_wgan_gp


def batches_with_nan_at(bad_batch, count=8, batch_size=4):
    images = np.zeros((count * batch_size, 16, 16, 1), "float32")
    images[bad_batch * batch_size] = np.nan
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


def test_stops_at_the_bad_step_and_keeps_the_last_good_checkpoint(tmp_path):
    model = tiny_wgan_gp(critic_steps=1)
    model.compile()
    checkpoint = str(tmp_path / "model.keras")
    callbacks = [NaNGuard(), LossPlot(str(tmp_path)), keras.callbacks.ModelCheckpoint(checkpoint)]
    # 4 steps per epoch; the NaN image is in batch 5: epoch 2, step 2, global step 6.
    with pytest.raises(FloatingPointError, match=r"epoch 2, step 2 \(global step 6\): d_loss=nan"):
        model.fit(batches_with_nan_at(5), epochs=2, steps_per_epoch=4, verbose=0, callbacks=callbacks)
    saved = keras.models.load_model(checkpoint)  # written after epoch 1, never after the bad step
    weights = saved.discriminator.get_weights() + saved.generator.get_weights()
    assert all(np.all(np.isfinite(w)) for w in weights)
    assert int(saved.g_optimizer.iterations) == 4
    csv = (tmp_path / "losses.csv").read_text() if os.path.exists(tmp_path / "losses.csv") else ""
    assert "nan" not in csv.lower()


def test_finite_logs_and_non_numbers_pass():
    guard = NaNGuard()
    guard.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": np.float32(-2.0), "note": "text"})
    guard.on_train_batch_end(1, None)
    assert guard.global_step == 2


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), np.float32("nan")])
def test_any_non_finite_value_is_named(value):
    with pytest.raises(FloatingPointError, match=rf"wasserstein={float(value)}"):
        NaNGuard().on_train_batch_end(0, {"d_loss": 0.5, "wasserstein": value})

"""NaNGuard: stop training at the first non-finite loss, before anything saves the broken model."""

import math

import keras


class NaNGuard(keras.callbacks.Callback):
    """Raises `FloatingPointError` at the first step whose logs hold a NaN or infinite value.

    Keras' `TerminateOnNaN` watches `logs["loss"]` only, which a GAN does not report (it has
    `d_loss`, `g_loss`, ...), and it stops by setting `stop_training`, after which the epoch
    still ends: `ModelCheckpoint` and `BackupAndRestore` would then save the diverged weights
    over the last good ones. Raising from the step's end skips every later hook, so the last
    checkpoint, the GIF frames, the loss CSV and the pictures stay as they were before the bad
    step (all of them are written atomically). Put it first in `callbacks` so that no other
    callback sees the bad step.

    The message names the epoch, the step within it, the global step (the generator
    optimizer's iteration count) and every non-finite value. The logged values are running means over the epoch, so the first bad step makes
    them non-finite at once.

    Example:
    >>> guard = NaNGuard()
    >>> guard.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": float("nan")})
    Traceback (most recent call last):
    ...
    FloatingPointError: training diverged at epoch 1, step 1 (global step 1): g_loss=nan; ...
    """

    def __init__(self):
        super().__init__()
        self.epoch = 0
        self.global_step = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.global_step += 1
        optimizer = getattr(getattr(self, "model", None), "g_optimizer", None)
        if optimizer is not None:
            # Generator updates so far: right after a resume too, where this callback's count restarts.
            self.global_step = int(optimizer.iterations)
        bad = {name: value for name, value in (logs or {}).items() if not _finite(value)}
        if bad:
            values = ", ".join(f"{name}={float(value)}" for name, value in sorted(bad.items()))
            raise FloatingPointError(
                f"training diverged at epoch {self.epoch + 1}, step {batch + 1} (global step "
                f"{self.global_step}): {values}; stopped before any callback saw this step, so the "
                "last checkpoint and the pictures written so far are kept"
            )


def _finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True  # not a number (a string, an array of several values): not ours to judge

"""StepTimer: wall time of each training step, for reports and benchmarks."""

import time

import keras
import numpy as np


class StepTimer(keras.callbacks.Callback):
    """Records the wall time of every training step (one generator update).

    The first step of a `fit` call includes tracing the `train_step` graph, so
    `seconds_per_step` leaves it out and takes the median of the rest, which is
    robust to the occasional slow step on a shared machine.

    Example:
    >>> timer = StepTimer()
    >>> # model.fit(ds, callbacks=[timer]); timer.seconds_per_step
    """

    def __init__(self):
        super().__init__()
        self.step_seconds = []
        self.first_step_seconds = None
        self._start = None

    def on_train_begin(self, logs=None):
        self.step_seconds = []
        self.first_step_seconds = None

    def on_train_batch_begin(self, batch, logs=None):
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        elapsed = time.perf_counter() - self._start
        if self.first_step_seconds is None:
            self.first_step_seconds = elapsed
        else:
            self.step_seconds.append(elapsed)

    @property
    def seconds_per_step(self):
        """Median seconds per step after the first; None before two steps ran."""
        return float(np.median(self.step_seconds)) if self.step_seconds else None

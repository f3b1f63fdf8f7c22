"""A learning rate held constant, then decayed linearly to zero (CycleGAN's, Zhu et al. 2017 Sec. 4)."""

import keras
from keras import ops

from keras_gans import _validation


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """`initial_learning_rate` for `decay_start_step` steps, then linearly to 0 at `total_steps`.

    lr(t) = lr_0 * min(1, max(0, (total - t) / (total - start))). CycleGAN keeps 2e-4 for
    100 epochs and decays it to 0 over the next 100 (Zhu et al. Sec. 4). The step is the
    optimizer's iteration count, which `.keras` files and `BackupAndRestore` keep, so a
    resumed run continues on the same schedule.

    Args:
        initial_learning_rate: the constant rate, > 0.
        total_steps: the step at which the rate reaches 0, >= 1.
        decay_start_step: the step at which the decay begins, in [0, total_steps); None
            takes half of `total_steps`, as the paper's 100 + 100 epochs.

    Example:
    >>> schedule = ConstantThenLinearDecay(2e-4, total_steps=200, decay_start_step=100)
    >>> [round(float(schedule(step)), 7) for step in (0, 100, 150, 200, 300)]
    [0.0002, 0.0002, 0.0001, 0.0, 0.0]
    """

    def __init__(self, initial_learning_rate, total_steps, decay_start_step=None):
        self.initial_learning_rate = _validation.number(
            "initial_learning_rate", initial_learning_rate, low=0, low_open=True
        )
        self.total_steps = _validation.positive_int("total_steps", total_steps)
        if decay_start_step is None:
            decay_start_step = self.total_steps // 2
        self.decay_start_step = _validation.non_negative_int("decay_start_step", decay_start_step)
        if self.decay_start_step >= self.total_steps:
            raise ValueError(
                f"decay_start_step must be < total_steps={self.total_steps}, got {self.decay_start_step}"
            )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        remaining = (self.total_steps - step) / float(self.total_steps - self.decay_start_step)
        return self.initial_learning_rate * ops.clip(remaining, 0.0, 1.0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_start_step": self.decay_start_step,
        }

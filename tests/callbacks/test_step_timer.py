import pytest

from keras_gans.callbacks import StepTimer
from keras_gans.callbacks import step_timer


def test_first_step_is_kept_apart_and_the_rest_give_the_median(monkeypatch):
    # begin/end clock readings: steps of 5.0 s (tracing), then 0.2, 0.4 and 0.3 s
    readings = iter([0.0, 5.0, 10.0, 10.2, 20.0, 20.4, 30.0, 30.3])
    monkeypatch.setattr(step_timer.time, "perf_counter", lambda: next(readings))
    timer = StepTimer()
    timer.on_train_begin()
    assert timer.seconds_per_step is None
    for batch in range(4):
        timer.on_train_batch_begin(batch)
        timer.on_train_batch_end(batch)
    assert timer.first_step_seconds == pytest.approx(5.0)
    assert timer.step_seconds == pytest.approx([0.2, 0.4, 0.3])
    assert timer.seconds_per_step == pytest.approx(0.3)
    timer.on_train_begin()  # a new fit starts afresh
    assert timer.step_seconds == [] and timer.first_step_seconds is None

import keras
import numpy as np
import pytest

from keras_gans.constraints import ClipConstraint


def test_clips_into_the_box_by_hand():
    out = np.asarray(ClipConstraint(0.5)(np.array([-2.0, -0.5, 0.1, 0.5, 7.0])))
    np.testing.assert_allclose(out, [-0.5, -0.5, 0.1, 0.5, 0.5])


@pytest.mark.parametrize("bad", [0, -0.1, "0.01", None, True, float("inf"), float("nan"), np.float32("inf")])
def test_clip_value_must_be_positive(bad):
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0"):
        ClipConstraint(bad)


@pytest.mark.parametrize("value", [np.float32(0.01), np.float64(0.01), np.int64(1)])
def test_numpy_scalars_are_accepted_as_python_floats(value):
    constraint = ClipConstraint(value)
    assert type(constraint.clip_value) is float and constraint.clip_value == pytest.approx(float(value))
    assert keras.constraints.serialize(constraint)["config"] == {"clip_value": constraint.clip_value}


def test_serializes():
    restored = keras.constraints.deserialize(keras.constraints.serialize(ClipConstraint(0.03)))
    assert isinstance(restored, ClipConstraint) and restored.clip_value == 0.03

import keras
import numpy as np
import pytest

from keras_gans.constraints import ClipConstraint


def test_clips_into_the_box_by_hand():
    out = np.asarray(ClipConstraint(0.5)(np.array([-2.0, -0.5, 0.1, 0.5, 7.0])))
    np.testing.assert_allclose(out, [-0.5, -0.5, 0.1, 0.5, 0.5])


@pytest.mark.parametrize("bad", [0, -0.1, "0.01", None, True])
def test_clip_value_must_be_positive(bad):
    with pytest.raises(ValueError, match="clip_value must be a number > 0"):
        ClipConstraint(bad)


def test_serializes():
    restored = keras.constraints.deserialize(keras.constraints.serialize(ClipConstraint(0.03)))
    assert isinstance(restored, ClipConstraint) and restored.clip_value == 0.03

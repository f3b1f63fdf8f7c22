"""Shared test set-up: quiet TensorFlow, small thread pools, fixed seeds."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _seed():
    # Every test starts from the same global random state.
    keras.utils.set_random_seed(1234)
    yield

"""Shared test set-up: quiet TensorFlow, small thread pools, fixed seeds."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# One inter-op thread: with several, TensorFlow runs a traced step's independent ops in an
# order that varies from run to run; the kernels (oneDNN's above all) then split their sums
# differently and round differently, and Adam with beta_1 = 0 turns a round-off sign flip of a
# near-zero gradient into a full step. Measured on WGAN-GP's tiny nets: 1-2 of 200 identical
# 2-epoch fits ended with other weights (max |dw| 0.15 in Adam's moments), 39 of 40 with one
# intra-op thread; with one inter-op thread 0 of 250 and 0 of 40. Set before any op runs.
tf.config.threading.set_inter_op_parallelism_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    # Every test starts from the same global random state.
    keras.utils.set_random_seed(1234)
    yield

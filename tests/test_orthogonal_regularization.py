"""BigGAN's orthogonal regularisation (keras_gans.losses.orthogonal_regularization), by hand."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def test_orthogonal_weights_give_zero():
    rotation = np.linalg.qr(np.random.default_rng(0).standard_normal((4, 4)))[0].astype("float32")
    assert float(losses.orthogonal_regularization(rotation)) == pytest.approx(0.0, abs=1e-12)
    # Orthogonal but not unit columns: the diagonal (the filters' norms) is not penalised.
    assert float(losses.orthogonal_regularization(rotation * np.array([1.0, 2.0, 3.0, 4.0], "float32"))) == \
        pytest.approx(0.0, abs=1e-10)


def test_two_by_two_by_hand():
    w = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    # columns (1, 3) and (2, 4): W^T W = [[10, 14], [14, 20]]; off-diagonal 14 twice: 2 * 14^2 = 392
    assert float(losses.orthogonal_regularization(w, beta=1.0)) == pytest.approx(392.0)
    assert float(losses.orthogonal_regularization(w)) == pytest.approx(392.0 * 1e-4)  # beta = 1e-4 by default


def test_convolution_kernels_are_read_as_filters_by_output_channel_and_summed():
    # A (1, 2, 1, 2) kernel: two 1x2 filters (1, 3) and (2, 4), the matrix of the test above.
    conv = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 1, 2)
    bias = np.ones(2, "float32")  # fewer than two axes: skipped, as BigGAN-PyTorch's ortho does
    assert float(losses.orthogonal_regularization([conv, bias, np.eye(3, dtype="float32")], beta=0.5)) == \
        pytest.approx(196.0)
    assert float(losses.orthogonal_regularization([])) == 0.0


def test_gradient_is_four_beta_w_times_the_masked_gram():
    w = tf.Variable(np.random.default_rng(1).standard_normal((5, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = losses.orthogonal_regularization([w], beta=0.1)
    gram = w.numpy().T @ w.numpy()
    expected = 4 * 0.1 * w.numpy() @ (gram * (1 - np.eye(3)))
    np.testing.assert_allclose(tape.gradient(loss, w), expected, rtol=1e-5)


def test_bad_beta_is_refused():
    with pytest.raises(ValueError, match="beta must be a finite number >= 0, got -1"):
        losses.orthogonal_regularization(np.eye(2, dtype="float32"), beta=-1)

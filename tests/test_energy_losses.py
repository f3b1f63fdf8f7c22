"""EBGAN's and BEGAN's losses (keras_gans.losses) against values computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses


def test_ebgan_energy_is_the_euclidean_norm_of_the_reconstruction_error():
    images = np.zeros((2, 2, 2, 1), "float32")
    reconstructions = np.array([[[[1.0], [2.0]], [[2.0], [0.0]]], [[[0.0], [0.0]], [[0.0], [0.5]]]], "float32")
    # sqrt(1 + 4 + 4 + 0) = 3; sqrt(0.25) = 0.5
    np.testing.assert_allclose(losses.ebgan_energy(images, reconstructions), [3.0, 0.5], rtol=1e-6)


def test_ebgan_discriminator_loss_by_hand_and_the_margin_clips():
    # E[D(x)] = (1 + 3) / 2 = 2; [20 - 5]^+ = 15, [20 - 25]^+ = 0: 2 + 15 / 2 = 9.5
    assert float(losses.ebgan_discriminator_loss([1.0, 3.0], [5.0, 25.0], margin=20.0)) == pytest.approx(9.5)
    # Fakes at or beyond the margin cost nothing and get no gradient.
    fake = tf.Variable([20.0, 30.0])
    with tf.GradientTape() as tape:
        loss = losses.ebgan_discriminator_loss([0.0, 0.0], fake, margin=20.0)
    assert float(loss) == 0.0
    np.testing.assert_array_equal(tape.gradient(loss, fake), [0.0, 0.0])
    # Below it, each fake costs m - D(G(z)), at most m.
    assert float(losses.ebgan_discriminator_loss([0.0], [0.0], margin=20.0)) == pytest.approx(20.0)


def test_ebgan_margin_must_be_positive():
    with pytest.raises(ValueError, match="margin must be a finite number > 0, got 0"):
        losses.ebgan_discriminator_loss([1.0], [1.0], margin=0)


def test_ebgan_generator_loss_is_the_mean_fake_energy():
    assert float(losses.ebgan_generator_loss([2.0, 4.0, 9.0])) == pytest.approx(5.0)


def test_pulling_away_term_orthogonal_codes_give_0():
    codes = np.diag([1.0, 2.0, 3.0]).astype("float32")
    assert float(losses.pulling_away_term(codes)) == pytest.approx(0.0, abs=1e-7)


def test_pulling_away_term_identical_codes_give_1():
    codes = np.tile([[1.0, -2.0, 3.0]], (4, 1)).astype("float32")
    assert float(losses.pulling_away_term(codes)) == pytest.approx(1.0, rel=1e-6)


def test_pulling_away_term_three_vectors_by_hand():
    # S1 = (1, 0), S2 = (1, 1), S3 = (0, 1): squared cosines 1/2 (1, 2), 0 (1, 3), 1/2 (2, 3).
    # Sum over ordered pairs i != j: 2 (1/2 + 0 + 1/2) = 2; divided by N (N - 1) = 6: 1/3.
    codes = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], "float32")
    assert float(losses.pulling_away_term(codes)) == pytest.approx(1.0 / 3.0, rel=1e-6)


def test_pulling_away_term_flattens_feature_maps():
    codes = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], "float32").reshape(3, 1, 2, 1)
    assert float(losses.pulling_away_term(codes)) == pytest.approx(1.0 / 3.0, rel=1e-6)


def test_began_reconstruction_loss_is_the_mean_absolute_error():
    images = np.array([[[[0.0], [1.0]]], [[[-1.0], [0.5]]]], "float32")
    reconstructions = np.array([[[[0.5], [0.0]]], [[[-1.0], [-0.5]]]], "float32")
    # (0.5 + 1 + 0 + 1) / 4
    assert float(losses.began_reconstruction_loss(images, reconstructions)) == pytest.approx(0.625)


def test_began_discriminator_and_generator_losses_by_hand():
    assert float(losses.began_discriminator_loss(0.4, 0.2, k=0.25)) == pytest.approx(0.35)
    assert float(losses.began_discriminator_loss(0.4, 0.2, k=0.0)) == pytest.approx(0.4)
    assert float(losses.began_generator_loss(0.2)) == pytest.approx(0.2)


def test_began_k_after_three_steps_with_known_losses():
    gamma, lambda_k, k = 0.5, 0.1, 0.0
    # k1 = 0 + 0.1 (0.5 * 0.4 - 0.1) = 0.01; k2 = 0.01 + 0.1 (0.3 - 0.2) = 0.02;
    # k3 = 0.02 + 0.1 (0.1 - 0.25) = 0.005
    for loss_real, loss_fake, expected in [(0.4, 0.1, 0.01), (0.6, 0.2, 0.02), (0.2, 0.25, 0.005)]:
        k = losses.began_k_update(k, loss_real, loss_fake, gamma=gamma, lambda_k=lambda_k)
        assert float(k) == pytest.approx(expected, abs=1e-7)


def test_began_k_is_clipped_to_0_and_1():
    # 0.9995 + 0.001 (0.5 * 2 - 0) = 1.0005 -> 1
    assert float(losses.began_k_update(0.9995, 2.0, 0.0, gamma=0.5, lambda_k=0.001)) == 1.0
    # 0.0002 + 0.001 (0 - 1) = -0.0008 -> 0
    assert float(losses.began_k_update(0.0002, 0.0, 1.0, gamma=0.5, lambda_k=0.001)) == 0.0


def test_began_convergence_by_hand():
    # 0.3 + |0.15 - 0.1| = 0.35 ; 0.3 + |0.15 - 0.4| = 0.55
    assert float(losses.began_convergence(0.3, 0.1, gamma=0.5)) == pytest.approx(0.35)
    assert float(losses.began_convergence(0.3, 0.4, gamma=0.5)) == pytest.approx(0.55)

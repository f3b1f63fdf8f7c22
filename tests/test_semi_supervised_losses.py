"""Triple-GAN's losses and the classifier's semi-supervised terms: hand-computed values."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses

LOG2, LOG3 = math.log(2), math.log(3)


def test_discriminator_loss_by_hand():
    # real: -log sigmoid(0) = log 2, -log sigmoid(log 3) = log(4/3); fake: -log(1 - sigmoid(0)) = log 2;
    # C's pairs: 0.5 softplus(0) + 0.5 softplus(log 3) = 0.5 log 2 + 0.5 log 4 = 1.5 log 2
    got = losses.triple_gan_discriminator_loss([[0.0], [LOG3]], [[0.0]], [[0.0, LOG3]], [[0.5, 0.5]], alpha=0.25)
    expected = (LOG2 + math.log(4 / 3)) / 2 + 0.25 * LOG2 + 0.75 * 1.5 * LOG2
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_discriminator_loss_with_argmax_pairs_counted_real_by_hand():
    # C's argmax pairs: row 0 -> class 1, row 1 -> class 0, both logit log 3: -log sigmoid(log 3) = log(4/3);
    # real = 0.5 log 2 + 0.5 log(4/3); fake: 0.5 log 2; C's pairs: rows 0.25 log 2 + 0.75 log 4 = 1.75 log 2
    # and 0.6 log 4 + 0.4 log 2 = 1.6 log 2, mean 1.675 log 2, weight 0.5
    got = losses.triple_gan_discriminator_loss([[0.0]], [[0.0]], [[0.0, LOG3], [LOG3, 0.0]], [[0.25, 0.75], [0.6, 0.4]],
                                               alpha=0.5, argmax_real_weight=0.5)
    expected = 0.5 * LOG2 + 0.5 * math.log(4 / 3) + 0.5 * LOG2 + 0.5 * 1.675 * LOG2
    assert float(got) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match=r"argmax_real_weight must be a finite number in \[0, 1\], got 1.5"):
        losses.triple_gan_discriminator_loss([[0.0]], [[0.0]], [[0.0]], [[1.0]], argmax_real_weight=1.5)


def test_discriminator_loss_sends_no_gradient_to_the_classifiers_probabilities():
    probabilities = tf.Variable([[0.3, 0.7]])
    with tf.GradientTape() as tape:
        loss = losses.triple_gan_discriminator_loss([[0.0]], [[0.0]], [[1.0, -1.0]], probabilities)
    assert tape.gradient(loss, probabilities) is None


def test_classifier_adversarial_loss_and_its_gradient_by_hand():
    # (1 - alpha) sum_y p(y) softplus(-l_y): 0.5 (0.25 log 2 + 0.75 log(4/3))
    probabilities = tf.Variable([[0.25, 0.75]])
    with tf.GradientTape() as tape:
        loss = losses.triple_gan_classifier_adversarial_loss([[0.0, LOG3]], probabilities, alpha=0.5)
    assert float(loss) == pytest.approx(0.5 * (0.25 * LOG2 + 0.75 * math.log(4 / 3)), rel=1e-6)
    # d/dp_y = (1 - alpha) softplus(-l_y): the classifier is pulled towards the label D believes
    np.testing.assert_allclose(tape.gradient(loss, probabilities).numpy(), [[0.5 * LOG2, 0.5 * math.log(4 / 3)]],
                               rtol=1e-6)


def test_alpha_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match=r"alpha must be a finite number in \[0, 1\], got -0.1"):
        losses.triple_gan_discriminator_loss([[0.0]], [[0.0]], [[0.0]], [[1.0]], alpha=-0.1)


def test_conditional_entropy_by_hand():
    got = losses.conditional_entropy([[0.5, 0.5], [0.25, 0.75]])
    expected = (LOG2 - (0.25 * math.log(0.25) + 0.75 * math.log(0.75))) / 2
    assert float(got) == pytest.approx(expected, rel=1e-5)
    assert float(losses.conditional_entropy([[1.0, 0.0]])) == pytest.approx(0.0, abs=1e-4)


def test_class_balance_loss_by_hand():
    # mean prediction (0.75, 0.25): -(log 0.75 + log 0.25) / 2
    got = losses.class_balance_loss([[1.0, 0.0], [0.5, 0.5]])
    assert float(got) == pytest.approx(-(math.log(0.75) + math.log(0.25)) / 2, rel=1e-5)
    assert float(losses.class_balance_loss([[0.2, 0.8], [0.8, 0.2]])) == pytest.approx(LOG2, rel=1e-5)  # the minimum

"""Gradient penalty options (target norm k, one-sided) and DRAGAN's penalty: hand-computed values."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses

# A linear critic D(x) = w . x with w = (1.2, 1.6): its gradient is w everywhere, ||w|| = 2.
W = tf.constant([1.2, 1.6])


def linear_critic(x, training=False):
    return tf.reduce_sum(tf.reshape(x, (-1, 2)) * W, axis=1, keepdims=True)


def quadratic_critic(x, training=False):
    # D(x) = ||x||^2 / 2: its gradient is x itself, so each sample has its own norm.
    return 0.5 * tf.reduce_sum(tf.square(tf.reshape(x, (tf.shape(x)[0], -1))), axis=1, keepdims=True)


def random_pair(seed=0):
    rng = np.random.default_rng(seed)
    real, fake = (rng.uniform(-1, 1, (3, 2, 1, 1)).astype("float32") for _ in range(2))
    return real, fake, rng.uniform(size=(3, 1, 1, 1)).astype("float32")


@pytest.mark.parametrize("target,one_sided,expected", [
    (1.0, False, 1.0),  # (2 - 1)^2
    (1.0, True, 1.0),  # max(0, 2 - 1)^2
    (0.5, False, 2.25),  # (2 - 0.5)^2
    (0.5, True, 2.25),
    (3.0, False, 1.0),  # (2 - 3)^2
    (3.0, True, 0.0),  # max(0, 2 - 3)^2: a norm below k costs nothing
])
def test_linear_critic_penalty_by_hand(target, one_sided, expected):
    real, fake, alpha = random_pair()
    got = losses.gradient_penalty(linear_critic, real, fake, alpha, target=target, one_sided=one_sided)
    assert float(got) == pytest.approx(expected, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("target,one_sided,expected", [
    (1.0, False, ((5 - 1) ** 2 + (0.5 - 1) ** 2) / 2),  # 8.125
    (1.0, True, ((5 - 1) ** 2 + 0.0) / 2),  # 8.0
    (0.5, False, ((5 - 0.5) ** 2 + 0.0) / 2),  # 10.125
    (0.5, True, ((5 - 0.5) ** 2 + 0.0) / 2),
])
def test_per_sample_norms_by_hand(target, one_sided, expected):
    # alpha = 1: x_hat is the fake batch, whose rows have norms 5 and 0.5.
    real = np.zeros((2, 2, 1, 1), "float32")
    fake = np.array([3.0, 4.0, 0.3, 0.4], "float32").reshape(2, 2, 1, 1)
    got = losses.gradient_penalty(quadratic_critic, real, fake, np.ones((2, 1, 1, 1), "float32"),
                                  target=target, one_sided=one_sided)
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_defaults_are_the_two_sided_unit_penalty():
    real, fake, alpha = random_pair(1)
    default = losses.gradient_penalty(quadratic_critic, real, fake, alpha)
    explicit = losses.gradient_penalty(quadratic_critic, real, fake, alpha, target=1.0, one_sided=False)
    assert float(default) == float(explicit)
    x_hat = real + alpha * (fake - real)
    norms = np.sqrt((x_hat.reshape(3, -1) ** 2).sum(axis=1))
    assert float(default) == pytest.approx(np.mean((norms - 1) ** 2), rel=1e-5)


def test_norm_penalty_refuses_a_negative_target():
    with pytest.raises(ValueError, match="target must be a finite number >= 0, got -1"):
        losses.norm_penalty([1.0], target=-1)


def test_dragan_perturbation_has_the_authors_scale():
    rng = np.random.default_rng(0)
    x = rng.normal(0.2, 0.7, (64, 4, 4, 1)).astype("float32")
    std = x.std()  # one number: the whole batch's standard deviation
    # noise = 1 everywhere: every pixel moves by exactly 0.5 std(x)
    shifted = losses.dragan_perturbation(x, np.ones_like(x)).numpy()
    np.testing.assert_allclose(shifted - x, 0.5 * std, rtol=1e-5)
    # U[0, 1] noise: the displacement lies in [0, 0.5 std], with mean 0.25 std
    noise = tf.random.stateless_uniform(x.shape, seed=(1, 2))
    delta = (losses.dragan_perturbation(x, noise).numpy() - x) / (0.5 * std)
    assert delta.min() >= -1e-5 and delta.max() <= 1 + 1e-5
    assert delta.mean() == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("alpha,one_sided,expected", [
    # x = (-1, 1): std 1, noise 1, x_p = x + 0.5; x_hat = x + alpha 0.5; gradient of ||x||^2 / 2 is x_hat
    (1.0, False, ((0.5 - 1) ** 2 + (1.5 - 1) ** 2) / 2),  # 0.25
    (1.0, True, (0.0 + (1.5 - 1) ** 2) / 2),  # 0.125
    (0.5, False, ((0.75 - 1) ** 2 + (1.25 - 1) ** 2) / 2),  # 0.0625
])
def test_dragan_penalty_by_hand(alpha, one_sided, expected):
    x = tf.constant([[-1.0], [1.0]])
    got = losses.dragan_penalty(quadratic_critic, x, tf.ones_like(x), tf.fill((2, 1), alpha), one_sided=one_sided)
    assert float(got) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("target,expected", [(1.0, 1.0), (0.5, 2.25)])
def test_dragan_penalty_of_a_linear_critic(target, expected):
    x = tf.random.stateless_uniform((4, 2, 1, 1), seed=(3, 4), minval=-1, maxval=1)
    noise = tf.random.stateless_uniform(x.shape, seed=(5, 6))
    got = losses.dragan_penalty(linear_critic, x, noise, tf.fill((4, 1, 1, 1), 0.3), target=target)
    assert float(got) == pytest.approx(expected, rel=1e-6)


def test_wgan_gp_passes_its_penalty_options_to_the_penalty(monkeypatch):
    from tests.models.conftest import tiny_wgan_gp

    seen = {}
    original = losses.gradient_penalty

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(losses, "gradient_penalty", spy)
    model = tiny_wgan_gp(gradient_penalty_target=0.5, one_sided=True)
    model.compile()
    model.discriminator_step(tf.random.uniform((4, 16, 16, 1), -1, 1))
    assert seen == {"target": 0.5, "one_sided": True}
    config = model.get_config()
    assert config["gradient_penalty_target"] == 0.5 and config["one_sided"] is True

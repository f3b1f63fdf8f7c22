"""Every loss against a value computed by hand."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keras_gans import losses


def test_wasserstein_critic_loss_by_hand():
    # E[D(G(z))] - E[D(x)] = (1 - 1) / 2 - (2 + 4) / 2 = -3
    assert float(losses.wasserstein_critic_loss([[2.0], [4.0]], [[1.0], [-1.0]])) == pytest.approx(-3.0)
    # identical scores: the critic sees no difference
    assert float(losses.wasserstein_critic_loss([[0.5], [0.5]], [[0.5], [0.5]])) == pytest.approx(0.0)


def test_wasserstein_generator_loss_by_hand():
    assert float(losses.wasserstein_generator_loss([[1.0], [3.0]])) == pytest.approx(-2.0)
    assert float(losses.wasserstein_generator_loss(np.array([-4.0, 0.0, 1.0]))) == pytest.approx(1.0)


def test_interpolate_endpoints_and_midpoint():
    real, fake = tf.zeros((3, 2, 2, 1)), tf.ones((3, 2, 2, 1)) * 4.0
    alpha = tf.constant([0.0, 0.25, 1.0])[:, None, None, None]
    x_hat = losses.interpolate(real, fake, alpha).numpy()
    np.testing.assert_allclose(x_hat[:, 0, 0, 0], [0.0, 1.0, 4.0])


def linear_critic(x, training=False):
    # D(x) = 2 * sum(x): grad_x D = 2 everywhere, so ||grad||_2 = 2 sqrt(number of pixels).
    return 2.0 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]


def test_gradient_penalty_linear_critic_exact_value():
    real = tf.random.normal((5, 2, 2, 1))
    fake = tf.random.normal((5, 2, 2, 1))
    alpha = tf.random.uniform((5, 1, 1, 1))
    # 4 pixels: ||grad|| = 2 * sqrt(4) = 4 for every sample, gp = (4 - 1)^2 = 9.
    assert float(losses.gradient_penalty(linear_critic, real, fake, alpha)) == pytest.approx(9.0, abs=1e-5)


def test_gradient_penalty_unit_norm_critic_is_zero():
    def unit_critic(x, training=False):
        # weights 1/2 on 4 pixels: ||grad|| = sqrt(4 / 4) = 1
        return 0.5 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]

    real, fake = tf.zeros((2, 2, 2, 1)), tf.ones((2, 2, 2, 1))
    assert float(losses.gradient_penalty(unit_critic, real, fake, tf.fill((2, 1, 1, 1), 0.3))) == pytest.approx(
        0.0, abs=1e-6
    )


def test_gradient_penalty_is_taken_per_sample_at_the_interpolates():
    def square_critic(x, training=False):
        # D(x) = sum(x^2): grad = 2 x_hat, one pixel, so ||grad|| = 2 |x_hat|
        return tf.reduce_sum(tf.square(x), axis=[1, 2, 3])[:, None]

    real, fake = tf.zeros((2, 1, 1, 1)), tf.ones((2, 1, 1, 1))
    alpha = tf.constant([0.25, 0.75])[:, None, None, None]
    # x_hat = [0.25, 0.75], norms [0.5, 1.5], gp = ((0.5 - 1)^2 + (1.5 - 1)^2) / 2 = 0.25
    assert float(losses.gradient_penalty(square_critic, real, fake, alpha)) == pytest.approx(0.25, abs=1e-6)


def test_gradient_penalty_epsilon_keeps_gradients_finite_at_zero_norm():
    # A critic whose input gradient is exactly 0: without the epsilon, d||g||/dw = w / ||g|| = 0 / 0.
    weight = tf.Variable(tf.zeros((4, 1)))

    def critic(x, training=False):
        return tf.matmul(tf.reshape(x, (-1, 4)), weight)

    real, fake = tf.zeros((3, 2, 2, 1)), tf.ones((3, 2, 2, 1))
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(critic, real, fake, tf.fill((3, 1, 1, 1), 0.5))
    grad = tape.gradient(gp, weight)
    assert float(gp) == pytest.approx(1.0, abs=1e-4)  # (sqrt(eps) - 1)^2
    assert np.isfinite(grad.numpy()).all()


def test_gradient_penalty_is_float32_for_half_precision_critic():
    def half_critic(x, training=False):
        return tf.cast(linear_critic(tf.cast(x, tf.float16)), tf.float16)

    x = tf.zeros((2, 2, 2, 1))
    gp = losses.gradient_penalty(half_critic, x, x + 1.0, tf.fill((2, 1, 1, 1), 0.5))
    assert gp.dtype == tf.float32
    assert float(gp) == pytest.approx(9.0, abs=1e-3)


# ---------------------------------------------------------------------------------------------
# The GAN variant zoo. Throughout: softplus(x) = log(1 + exp(x)), sigmoid(log 3) = 3/4,
# sigmoid(-log 3) = 1/4, softplus(0) = log 2, softplus(log 3) = log 4, softplus(-log 3) = log(4/3).

LOG2, LOG3, LOG4 = np.log(2.0), np.log(3.0), np.log(4.0)


def value(tensor):
    return float(np.asarray(tensor))


# --- minimax / non-saturating ---------------------------------------------------------------


def test_minimax_discriminator_loss_by_hand():
    # D(x) = D(G(z)) = 1/2: -log(1/2) - log(1 - 1/2) = 2 log 2
    assert value(losses.minimax_discriminator_loss([[0.0]], [[0.0]])) == pytest.approx(2 * LOG2)
    # real D = [3/4, 1/2], fake D = [1/4, 1/2]:
    # real term (-log(3/4) - log(1/2)) / 2, fake term (-log(3/4) - log(1/2)) / 2; sum log(4/3) + log 2 = log(8/3)
    loss = losses.minimax_discriminator_loss([[LOG3], [0.0]], [[-LOG3], [0.0]])
    assert value(loss) == pytest.approx(np.log(8.0 / 3.0), rel=1e-6)
    # D(x) = 3/4, D(G(z)) = 3/4: -log(3/4) - log(1/4) = log(4/3) + log 4
    assert value(losses.minimax_discriminator_loss([LOG3], [LOG3])) == pytest.approx(np.log(4.0 / 3.0) + LOG4, rel=1e-6)
    # fooled discriminator: D(x) = 1/4, D(G(z)) = 3/4: -log(1/4) - log(1/4) = 2 log 4
    assert value(losses.minimax_discriminator_loss([-LOG3], [LOG3])) == pytest.approx(2 * LOG4, rel=1e-6)


def test_minimax_generator_loss_by_hand():
    # E[log(1 - D(G(z)))]: D = 3/4 -> log(1/4) = -log 4
    assert value(losses.minimax_generator_loss([[LOG3]])) == pytest.approx(-LOG4, rel=1e-6)
    # D = [1/2, 1/4]: (log(1/2) + log(3/4)) / 2 = log(3/8) / 2
    assert value(losses.minimax_generator_loss([[0.0], [-LOG3]])) == pytest.approx(np.log(3.0 / 8.0) / 2, rel=1e-6)


def test_non_saturating_generator_loss_by_hand():
    # -log D(G(z)): D = 3/4 -> log(4/3)
    assert value(losses.non_saturating_generator_loss([[LOG3]])) == pytest.approx(np.log(4.0 / 3.0), rel=1e-6)
    # D = [1/4, 1/2]: (log 4 + log 2) / 2 = 3/2 log 2
    assert value(losses.non_saturating_generator_loss(np.array([-LOG3, 0.0]))) == pytest.approx(1.5 * LOG2, rel=1e-6)


def test_minimax_generator_saturates_where_non_saturating_does_not():
    # Both push D(G(z)) up, but near D(G(z)) = 0 the minimax gradient vanishes (sigmoid(l) -> 0)
    # while the non-saturating one tends to -1: d/dl softplus(-l) = -sigmoid(-l).
    logits = tf.constant([[-20.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        minimax = losses.minimax_generator_loss(logits)
        non_saturating = losses.non_saturating_generator_loss(logits)
    assert abs(tape.gradient(minimax, logits).numpy().item()) < 1e-8  # sigmoid(-20) = 2e-9
    assert tape.gradient(non_saturating, logits).numpy().item() == pytest.approx(-1.0, abs=1e-6)


def test_bce_losses_stay_finite_at_large_logits():
    # softplus(-100) = 3.7e-44 ~ 0 and softplus(100) = 100: no log(0), no exp overflow.
    assert value(losses.minimax_discriminator_loss([[100.0]], [[-100.0]])) == pytest.approx(0.0, abs=1e-6)
    assert value(losses.minimax_discriminator_loss([[-100.0]], [[100.0]])) == pytest.approx(200.0)
    # smoothing 0.9 on a real logit of -100: 0.9 softplus(100) + 0.1 softplus(-100) = 90
    assert value(losses.minimax_discriminator_loss([[-100.0]], [[-100.0]], real_label=0.9)) == pytest.approx(90.0)
    # ... and of +100: 0.9 * 0 + 0.1 * 100 = 10 (the smoothed target penalises over-confidence)
    assert value(losses.minimax_discriminator_loss([[100.0]], [[-100.0]], real_label=0.9)) == pytest.approx(10.0)
    assert value(losses.minimax_generator_loss([[100.0]])) == pytest.approx(-100.0)
    assert value(losses.non_saturating_generator_loss([[-100.0]])) == pytest.approx(100.0)
    assert value(losses.non_saturating_generator_loss([[100.0]])) == pytest.approx(0.0, abs=1e-6)

    logits = tf.constant([[100.0], [-100.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        all_losses = [
            losses.minimax_discriminator_loss(logits, logits, real_label=0.9),
            losses.minimax_generator_loss(logits),
            losses.non_saturating_generator_loss(logits),
        ]
    for loss in all_losses:
        assert np.isfinite(value(loss))
        assert np.isfinite(tape.gradient(loss, logits).numpy()).all()


def test_bce_symmetry():
    # Flipping every logit's sign and swapping real and fake swaps the two terms:
    # softplus(-r) + softplus(f) = softplus(-(-f)) + softplus(-r).
    real, fake = np.array([0.3, -1.2, 2.5]), np.array([-0.7, 1.1])
    assert value(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(
        value(losses.minimax_discriminator_loss(-fake, -real)), rel=1e-6
    )
    # non-saturating(l) = -log sigmoid(l) = -(minimax(-l)) = softplus(-l)
    assert value(losses.non_saturating_generator_loss(fake)) == pytest.approx(
        -value(losses.minimax_generator_loss(-fake)), rel=1e-6
    )
    # softplus(l) - softplus(-l) = l: minimax G + non-saturating G = -E[l] ... at l: -sp(l) + sp(-l) = -l
    assert value(losses.minimax_generator_loss(fake) + losses.non_saturating_generator_loss(fake)) == pytest.approx(
        -fake.mean(), rel=1e-5
    )


def test_label_smoothing_by_hand():
    # real D = 3/4 with target 0.9: -0.9 log(3/4) - 0.1 log(1/4) = 0.9 log(4/3) + 0.1 log 4; fake D = 1/2: log 2
    loss = losses.minimax_discriminator_loss([[LOG3]], [[0.0]], real_label=0.9)
    assert value(loss) == pytest.approx(0.9 * np.log(4.0 / 3.0) + 0.1 * LOG4 + LOG2, rel=1e-6)


@pytest.mark.parametrize("real_label", [0.5, 0.9, 1.0])
def test_label_smoothing_changes_only_the_real_term(real_label):
    real = np.array([[0.4], [-1.5], [2.0]])
    fake_a, fake_b = np.array([[1.0], [-3.0]]), np.array([[0.0], [5.0], [-0.5]])
    smoothed_a = value(losses.minimax_discriminator_loss(real, fake_a, real_label=real_label))
    smoothed_b = value(losses.minimax_discriminator_loss(real, fake_b, real_label=real_label))
    plain_a = value(losses.minimax_discriminator_loss(real, fake_a))
    plain_b = value(losses.minimax_discriminator_loss(real, fake_b))
    # the fake term is untouched: differences across fake batches are the same with and without smoothing
    assert smoothed_a - smoothed_b == pytest.approx(plain_a - plain_b, rel=1e-5)
    # the real term moves by (1 - s)(softplus(l) - softplus(-l)) = (1 - s) l, on average (1 - s) E[l]
    assert smoothed_a - plain_a == pytest.approx((1.0 - real_label) * real.mean(), abs=1e-5)


@pytest.mark.parametrize("real_label", [0.0, -0.1, 1.5, float("nan"), True])
def test_label_smoothing_out_of_range_raises(real_label):
    with pytest.raises(ValueError, match=r"real_label must be a finite number in \(0, 1\], got " + str(real_label)):
        losses.minimax_discriminator_loss([[0.0]], [[0.0]], real_label=real_label)


# --- hinge ------------------------------------------------------------------------------------


def test_hinge_discriminator_loss_by_hand():
    # real: relu(1 - [2, 0, 0.5]) = [0, 1, 0.5] -> 1/2; fake: relu(1 + [-3, 1, -0.5]) = [0, 2, 0.5] -> 5/6
    loss = losses.hinge_discriminator_loss([[2.0], [0.0], [0.5]], [[-3.0], [1.0], [-0.5]])
    assert value(loss) == pytest.approx(0.5 + 2.5 / 3.0, rel=1e-6)
    # beyond the margins (D(x) >= 1, D(G(z)) <= -1) nothing is left to learn
    assert value(losses.hinge_discriminator_loss([[1.0], [7.0]], [[-1.0], [-9.0]])) == pytest.approx(0.0)
    # large scores: linear, not exponential
    assert value(losses.hinge_discriminator_loss([[-100.0]], [[100.0]])) == pytest.approx(202.0)


def test_hinge_generator_loss_by_hand():
    # -E[D(G(z))] = -(-3 + 1) / 2 = 1; no margin for the generator
    assert value(losses.hinge_generator_loss([[-3.0], [1.0]])) == pytest.approx(1.0)
    assert value(losses.hinge_generator_loss(np.array([2.0, 4.0, 6.0]))) == pytest.approx(-4.0)


# --- least squares ----------------------------------------------------------------------------


def test_least_squares_losses_by_hand_0_1_1_coding():
    # a=0, b=1: 1/2 ((1-1)^2 + (3-1)^2) / 2 + 1/2 ((0-0)^2 + (2-0)^2) / 2 = 1 + 1
    loss = losses.least_squares_discriminator_loss([[1.0], [3.0]], [[0.0], [2.0]])
    assert value(loss) == pytest.approx(2.0)
    # at the targets the discriminator's loss is 0
    assert value(losses.least_squares_discriminator_loss([[1.0]], [[0.0]])) == pytest.approx(0.0)
    # c=1: 1/2 ((0-1)^2 + (2-1)^2) / 2 = 1/2
    assert value(losses.least_squares_generator_loss([[0.0], [2.0]])) == pytest.approx(0.5)


def test_least_squares_losses_by_hand_minus1_1_0_coding():
    # a=-1, b=1: 1/2 ((1-1)^2 + (0-1)^2) / 2 + 1/2 ((-1+1)^2 + (1+1)^2) / 2 = 1/4 + 1
    loss = losses.least_squares_discriminator_loss([[1.0], [0.0]], [[-1.0], [1.0]], a=-1.0, b=1.0)
    assert value(loss) == pytest.approx(1.25)
    # c=0: 1/2 ((-1)^2 + 1^2) / 2 = 1/2; 1/2 (2 - 0)^2 = 2
    assert value(losses.least_squares_generator_loss([[-1.0], [1.0]], c=0.0)) == pytest.approx(0.5)
    assert value(losses.least_squares_generator_loss([[2.0]], c=0.0)) == pytest.approx(2.0)


# --- relativistic average ---------------------------------------------------------------------


def test_relativistic_average_standard_by_hand():
    # C(x) = log 3, C(G(z)) = 0: D~(x) = sigmoid(log 3 - 0) = 3/4, D~(G(z)) = sigmoid(0 - log 3) = 1/4
    # D: -log(3/4) - log(1 - 1/4) = 2 log(4/3); G: -log(1/4) - log(1 - 3/4) = 2 log 4
    assert value(losses.relativistic_average_discriminator_loss([[LOG3]], [[0.0]])) == pytest.approx(
        2 * np.log(4.0 / 3.0), rel=1e-6
    )
    assert value(losses.relativistic_average_generator_loss([[LOG3]], [[0.0]])) == pytest.approx(2 * LOG4, rel=1e-6)
    # real [1, 3] (mean 2), fake [0, 2] (mean 1): C(x) - E C(G(z)) = [0, 2], C(G(z)) - E C(x) = [-2, 0]
    # D: (softplus(0) + softplus(-2)) / 2 + (softplus(-2) + softplus(0)) / 2 = log 2 + log(1 + e^-2)
    # G: (softplus(2) + softplus(0)) / 2 + (softplus(0) + softplus(2)) / 2 = log 2 + log(1 + e^2)
    real, fake = [[1.0], [3.0]], [[0.0], [2.0]]
    assert value(losses.relativistic_average_discriminator_loss(real, fake)) == pytest.approx(
        LOG2 + np.log1p(np.exp(-2.0)), rel=1e-6
    )
    assert value(losses.relativistic_average_generator_loss(real, fake, kind="standard")) == pytest.approx(
        LOG2 + np.log1p(np.exp(2.0)), rel=1e-6
    )


def test_relativistic_average_least_squares_by_hand():
    # real [1, 3] (mean 2), fake [0, 2] (mean 1)
    # D: E[(C(x) - 1 - 1)^2] = ((-1)^2 + 1^2) / 2 = 1, E[(C(G(z)) - 2 + 1)^2] = ((-1)^2 + 1^2) / 2 = 1 -> 2
    # G: E[(C(G(z)) - 2 - 1)^2] = (9 + 1) / 2 = 5, E[(C(x) - 1 + 1)^2] = (1 + 9) / 2 = 5 -> 10
    real, fake = [[1.0], [3.0]], [[0.0], [2.0]]
    assert value(losses.relativistic_average_discriminator_loss(real, fake, kind="least_squares")) == pytest.approx(2.0)
    assert value(losses.relativistic_average_generator_loss(real, fake, kind="least_squares")) == pytest.approx(10.0)
    # real 1 vs fake 0: the discriminator's targets are met exactly (1 - 0 - 1 = 0, 0 - 1 + 1 = 0);
    # G: (0 - 1 - 1)^2 + (1 - 0 + 1)^2 = 8
    assert value(losses.relativistic_average_discriminator_loss([1.0], [0.0], kind="least_squares")) == 0.0
    assert value(losses.relativistic_average_generator_loss([1.0], [0.0], kind="least_squares")) == pytest.approx(8.0)


def test_relativistic_average_large_logits_stay_finite():
    real, fake = tf.constant([[100.0], [90.0]]), tf.constant([[-100.0], [-90.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        d_loss = losses.relativistic_average_discriminator_loss(real, fake)
        g_loss = losses.relativistic_average_generator_loss(real, fake)
    # D: softplus(-(100 + 95)) ~ 0 etc.; G: relatives -195, -185 (fake) and 195, 185 (real): 2 * (195 + 185) / 2
    assert value(d_loss) == pytest.approx(0.0, abs=1e-6)
    assert value(g_loss) == pytest.approx(380.0)
    for loss in (d_loss, g_loss):
        for grad in tape.gradient(loss, [real, fake]):
            assert np.isfinite(grad.numpy()).all()


@pytest.mark.parametrize(
    "fn", [losses.relativistic_average_discriminator_loss, losses.relativistic_average_generator_loss]
)
def test_relativistic_average_unknown_kind_raises(fn):
    with pytest.raises(ValueError, match=r"'standard', 'least_squares'; got 'hinge'"):
        fn([[0.0]], [[0.0]], kind="hinge")


# --- f-GAN ------------------------------------------------------------------------------------
# The table of Nowozin et al. 2016 (Table 2; Neyman chi^2 from Table 6), written out again in
# float64 numpy so the losses are checked against the formulas, not against themselves:
# name: (g_f(v), f*(t), dom f* = {t < bound})
F_GAN_TABLE = {
    "kl": (lambda v: v, lambda t: np.exp(t - 1.0), np.inf),
    "reverse_kl": (lambda v: -np.exp(-v), lambda t: -1.0 - np.log(-t), 0.0),
    "pearson": (lambda v: v, lambda t: t**2 / 4.0 + t, np.inf),
    "neyman": (lambda v: 1.0 - np.exp(-v), lambda t: 2.0 - 2.0 * np.sqrt(1.0 - t), 1.0),
    "squared_hellinger": (lambda v: 1.0 - np.exp(-v), lambda t: t / (1.0 - t), 1.0),
    "jensen_shannon": (lambda v: np.log(2.0) - np.log1p(np.exp(-v)), lambda t: -np.log(2.0 - np.exp(t)), np.log(2.0)),
    "gan": (lambda v: -np.log1p(np.exp(-v)), lambda t: -np.log(1.0 - np.exp(t)), 0.0),
}


def test_f_divergences_names():
    assert tuple(losses.F_DIVERGENCES) == tuple(F_GAN_TABLE)


@pytest.mark.parametrize(
    "divergence, real_v, fake_v, d_loss, g_loss",
    [
        # g_f(0) = 0, f*(0) = e^-1: D = -(0 - e^-1); G = -0
        ("kl", 0.0, 0.0, np.exp(-1.0), 0.0),
        # g_f(0) = -1, f*(-1) = -1 - log 1 = -1: D = -(-1 - (-1)) = 0; G = 1
        ("reverse_kl", 0.0, 0.0, 0.0, 1.0),
        # real v = 0: g_f = -1; fake v = log 2: g_f = -1/2, f*(-1/2) = -1 - log(1/2) = log 2 - 1:
        # D = -(-1 - (log 2 - 1)) = log 2; G = -(-1/2) = 1/2
        ("reverse_kl", 0.0, LOG2, LOG2, 0.5),
        # g_f(1) = 1, f*(2) = 1 + 2 = 3: D = -(1 - 3) = 2; G = -2
        ("pearson", 1.0, 2.0, 2.0, -2.0),
        # g_f(log 4) = 1 - 1/4 = 3/4, f*(3/4) = 2 - 2 sqrt(1/4) = 1: D = -(3/4 - 1) = 1/4; G = -3/4
        ("neyman", LOG4, LOG4, 0.25, -0.75),
        # g_f(log 4) = 3/4, f*(3/4) = (3/4) / (1/4) = 3: D = -(3/4 - 3) = 9/4; G = -3/4
        ("squared_hellinger", LOG4, LOG4, 2.25, -0.75),
        # g_f(0) = log 2 - log 2 = 0, f*(0) = -log(2 - 1) = 0: D = 0; G = 0
        ("jensen_shannon", 0.0, 0.0, 0.0, 0.0),
        # g_f(log 3) = log 2 - log(4/3) = log(3/2), f*(log(3/2)) = -log(2 - 3/2) = log 2:
        # D = -(log(3/2) - log 2) = log(4/3); G = -log(3/2)
        ("jensen_shannon", LOG3, LOG3, np.log(4.0 / 3.0), -np.log(1.5)),
        # g_f(0) = -log 2, f*(-log 2) = -log(1 - 1/2) = log 2: D = 2 log 2; G = log 2
        ("gan", 0.0, 0.0, 2 * LOG2, LOG2),
    ],
)
def test_f_gan_losses_by_hand(divergence, real_v, fake_v, d_loss, g_loss):
    assert value(losses.f_gan_discriminator_loss([[real_v]], [[fake_v]], divergence)) == pytest.approx(
        d_loss, abs=1e-6
    )
    assert value(losses.f_gan_generator_loss([[fake_v]], divergence)) == pytest.approx(g_loss, abs=1e-6)


@pytest.mark.parametrize(
    "divergence, t, expected",
    [
        ("kl", 1.0, 1.0),  # exp(0)
        ("reverse_kl", -0.5, -1.0 + LOG2),  # -1 - log(1/2)
        ("pearson", 2.0, 3.0),  # 4/4 + 2
        ("neyman", 0.75, 1.0),  # 2 - 2 sqrt(1/4)
        ("squared_hellinger", 0.5, 1.0),  # (1/2) / (1/2)
        ("jensen_shannon", 0.0, 0.0),  # -log(2 - 1)
        ("gan", -LOG2, LOG2),  # -log(1 - 1/2)
    ],
)
def test_f_gan_conjugate_by_hand(divergence, t, expected):
    assert value(losses.f_gan_conjugate(t, divergence)) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "divergence, t",
    [
        ("reverse_kl", 0.5),
        ("reverse_kl", 0.0),
        ("neyman", 1.5),
        ("squared_hellinger", 2.0),  # the formula would say 2 / (1 - 2) = -2
        ("squared_hellinger", 1.0),
        ("jensen_shannon", 1.0),
        ("gan", 0.1),
    ],
)
def test_f_gan_conjugate_is_inf_outside_its_domain_with_finite_gradients_inside(divergence, t):
    inside = F_GAN_TABLE[divergence][2] - 0.5
    points = tf.constant([t, inside])
    with tf.GradientTape() as tape:
        tape.watch(points)
        conjugate = losses.f_gan_conjugate(points, divergence)
    assert conjugate.numpy()[0] == np.inf
    assert conjugate.numpy()[1] == pytest.approx(F_GAN_TABLE[divergence][1](inside), rel=1e-6)
    # f* is constant (+inf) outside, so 0 there; the discarded branch of the `where` leaks no NaN
    gradient = tape.gradient(conjugate, points).numpy()
    assert gradient[0] == 0.0
    assert np.isfinite(gradient[1]) and gradient[1] != 0.0


@pytest.mark.parametrize("divergence", list(F_GAN_TABLE))
def test_f_gan_losses_equal_the_table_formulas(divergence):
    activation, conjugate, _ = F_GAN_TABLE[divergence]
    real_v = np.linspace(-3.0, 3.0, 7)[:, None]
    fake_v = np.linspace(-2.5, 2.5, 6)[:, None]  # batch sizes may differ
    expected_d = -(activation(real_v).mean() - conjugate(activation(fake_v)).mean())
    expected_g = -activation(fake_v).mean()
    assert value(losses.f_gan_discriminator_loss(real_v, fake_v, divergence)) == pytest.approx(expected_d, rel=1e-5)
    assert value(losses.f_gan_generator_loss(fake_v, divergence)) == pytest.approx(expected_g, rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(losses.f_gan_activation(real_v, divergence), activation(real_v), rtol=1e-6, atol=1e-7)
    # The closed form of f*(g_f(v)) inside the loss equals the naive float32 composition at moderate v.
    naive = -(
        np.mean(losses.f_gan_activation(real_v, divergence))
        - np.mean(losses.f_gan_conjugate(losses.f_gan_activation(fake_v, divergence), divergence))
    )
    assert value(losses.f_gan_discriminator_loss(real_v, fake_v, divergence)) == pytest.approx(naive, rel=1e-5)


@pytest.mark.parametrize(
    "divergence, fake_v",
    [
        # float32: exp(-110) = 0, so g_f = -0.0 is on the edge of t < 0; closed form v - 1 = 109
        ("reverse_kl", 110.0),
        # 1 - exp(-40) rounds to 1: sqrt(0) and t / 0; closed forms 2 - 2 exp(-20) and exp(40) - 1
        ("neyman", 40.0),
        ("squared_hellinger", 40.0),
        # log 2 - softplus(-40) rounds to log 2: -log(0); closed form softplus(40) - log 2
        ("jensen_shannon", 40.0),
        # -softplus(-40) = -4e-18, exp of it rounds to 1: -log(0); closed form softplus(40) = 40
        ("gan", 40.0),
    ],
)
def test_f_gan_closed_forms_stay_finite_where_the_naive_composition_does_not(divergence, fake_v):
    activation, conjugate, _ = F_GAN_TABLE[divergence]
    naive_float32 = losses.f_gan_conjugate(losses.f_gan_activation(fake_v, divergence), divergence)
    assert not np.isfinite(value(naive_float32))
    fake = tf.constant([[fake_v]])
    with tf.GradientTape() as tape:
        tape.watch(fake)
        loss = losses.f_gan_discriminator_loss([[0.0]], fake, divergence)
    # float64 with exact arithmetic on the closed forms derived in losses.py
    expected_fake_term = {
        "reverse_kl": fake_v - 1.0,
        "neyman": 2.0 - 2.0 * np.exp(-fake_v / 2.0),
        "squared_hellinger": np.expm1(fake_v),
        "jensen_shannon": np.logaddexp(0.0, fake_v) - LOG2,
        "gan": np.logaddexp(0.0, fake_v),
    }[divergence]
    assert value(loss) == pytest.approx(-(activation(0.0) - expected_fake_term), rel=1e-6)
    assert np.isfinite(tape.gradient(loss, fake).numpy()).all()


@pytest.mark.parametrize("divergence", ["pearson", "jensen_shannon", "gan"])
def test_f_gan_bounded_growth_divergences_stay_finite_at_large_v(divergence):
    # kl, reverse_kl, neyman and squared_hellinger grow like exp(|v|) on one side: their true value
    # at |v| = 100 (e^99 ~ 1e43) is beyond float32, so only these three can be asked to stay finite.
    v = tf.constant([[100.0], [-100.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(v)
        d_loss = losses.f_gan_discriminator_loss(v, v, divergence)
        g_loss = losses.f_gan_generator_loss(v, divergence)
    for loss in (d_loss, g_loss):
        assert np.isfinite(value(loss))
        assert np.isfinite(tape.gradient(loss, v).numpy()).all()


def test_f_gan_with_the_gan_divergence_is_the_minimax_discriminator_and_non_saturating_generator():
    real, fake = np.array([[0.3], [-2.0], [4.0]]), np.array([[1.5], [-0.5]])
    assert value(losses.f_gan_discriminator_loss(real, fake, "gan")) == pytest.approx(
        value(losses.minimax_discriminator_loss(real, fake)), rel=1e-6
    )
    assert value(losses.f_gan_generator_loss(fake, "gan")) == pytest.approx(
        value(losses.non_saturating_generator_loss(fake)), rel=1e-6
    )
    # Jensen-Shannon is the same game shifted by constants: D loss - 2 log 2, G loss - log 2
    assert value(losses.f_gan_discriminator_loss(real, fake, "jensen_shannon")) == pytest.approx(
        value(losses.minimax_discriminator_loss(real, fake)) - 2 * LOG2, rel=1e-6
    )
    assert value(losses.f_gan_generator_loss(fake, "jensen_shannon")) == pytest.approx(
        value(losses.non_saturating_generator_loss(fake)) - LOG2, rel=1e-6
    )


@pytest.mark.parametrize("divergence", ["neyman", "squared_hellinger"])
def test_f_gan_activation_is_exact_near_zero(divergence):
    # 1 - exp(-v) = v - v^2 / 2 + ...: at v = 1e-6 the float32 subtraction 1 - 0.999999 keeps only
    # about one digit; expm1 keeps all of them.
    assert value(losses.f_gan_activation(1e-6, divergence)) == pytest.approx(1e-6 - 0.5e-12, rel=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(-15.0, 15.0), min_size=1, max_size=8))
def test_f_gan_activation_keeps_t_in_the_conjugate_domain(vs):
    # Mathematically for every v; in float32 up to |v| ~ 17 (above it 1 - exp(-v) rounds to 1, the
    # reason the losses use closed forms rather than f_gan_conjugate(f_gan_activation(v))).
    v = np.array(vs, dtype=np.float32)
    for divergence, (_, _, bound) in F_GAN_TABLE.items():
        t = losses.f_gan_activation(v, divergence).numpy()
        assert (t < np.float32(bound)).all(), (divergence, v, t)
        assert np.isfinite(losses.f_gan_conjugate(t, divergence).numpy()).all(), (divergence, v, t)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: losses.f_gan_activation(0.0, d),
        lambda d: losses.f_gan_conjugate(0.0, d),
        lambda d: losses.f_gan_discriminator_loss([0.0], [0.0], d),
        lambda d: losses.f_gan_generator_loss([0.0], d),
    ],
)
def test_f_gan_unknown_divergence_raises_listing_the_names(call):
    with pytest.raises(ValueError, match="got 'total_variation'") as error:
        call("total_variation")
    for name in F_GAN_TABLE:
        assert repr(name) in str(error.value)


# --- feature matching and auxiliary classifier ------------------------------------------------


def test_feature_matching_loss_by_hand():
    # mean real [2, 2], mean fake [0, 0]: 2^2 + 2^2 = 8
    assert value(losses.feature_matching_loss([[1.0, 2.0], [3.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]])) == 8.0
    # only the means matter: real [0, 2] and fake [1, 1] both average 1
    assert value(losses.feature_matching_loss([[0.0], [2.0]], [[1.0], [1.0]])) == 0.0
    # (N,) features: one scalar feature per sample, (2 - 0)^2
    assert value(losses.feature_matching_loss([1.0, 3.0], [0.0])) == 4.0


def test_feature_matching_loss_flattens_image_features_and_allows_different_batches():
    # real: one sample of 1s, one of 3s -> mean 2 on each of 2 * 2 * 3 = 12 features;
    # fake: three samples of 0, 1, 2 -> mean 1: 12 * (2 - 1)^2 = 12
    real = np.stack([np.ones((2, 2, 3)), 3 * np.ones((2, 2, 3))])
    fake = np.stack([np.zeros((2, 2, 3)), np.ones((2, 2, 3)), 2 * np.ones((2, 2, 3))])
    assert value(losses.feature_matching_loss(real, fake)) == pytest.approx(12.0)
    # one feature off by 3 in the mean: 3^2
    fake_shifted = real.copy()
    fake_shifted[:, 1, 0, 2] += 3.0
    assert value(losses.feature_matching_loss(real, fake_shifted)) == pytest.approx(9.0)


def test_feature_matching_loss_mismatched_shapes_raise():
    with pytest.raises(ValueError, match=r"got \(1,\) and \(4,\)"):
        losses.feature_matching_loss(np.zeros((2, 1)), np.zeros((3, 4)))


def test_feature_matching_loss_traces_with_unknown_dimensions():
    # A tf.function traced on (None, None) features: shapes unknown at trace time are not "mismatched".
    traced = tf.function(
        losses.feature_matching_loss,
        input_signature=[tf.TensorSpec((None, None), tf.float32), tf.TensorSpec((None, 3), tf.float32)],
    )
    # mean real [1, 1, 1], mean fake [0, 0, 0]: 3 * 1^2
    assert value(traced(tf.ones((2, 3)), tf.zeros((4, 3)))) == pytest.approx(3.0)


def test_auxiliary_classifier_loss_by_hand():
    # equal logits over 2 classes: -log(1/2); over 3: -log(1/3)
    assert value(losses.auxiliary_classifier_loss([[0.0, 0.0]], [1])) == pytest.approx(LOG2)
    assert value(losses.auxiliary_classifier_loss([[5.0, 5.0, 5.0]], [2])) == pytest.approx(LOG3, rel=1e-6)
    # logits [log 3, 0]: softmax [3/4, 1/4]; labels [0, 1]: (-log(3/4) - log(1/4)) / 2 = (log(4/3) + log 4) / 2
    logits = [[LOG3, 0.0], [LOG3, 0.0]]
    expected = (np.log(4.0 / 3.0) + LOG4) / 2
    assert value(losses.auxiliary_classifier_loss(logits, np.array([0, 1]))) == pytest.approx(expected, rel=1e-6)
    # labels as (N, 1) read the same
    assert value(losses.auxiliary_classifier_loss(logits, np.array([[0], [1]]))) == pytest.approx(expected, rel=1e-6)
    # large logits: log-softmax, not log(softmax): -log softmax = 200 for the wrong class, ~0 for the right one
    assert value(losses.auxiliary_classifier_loss([[100.0, -100.0]], [1])) == pytest.approx(200.0)
    assert value(losses.auxiliary_classifier_loss([[100.0, -100.0]], [0])) == pytest.approx(0.0, abs=1e-6)


# --- dtypes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "loss",
    [
        lambda r, f: losses.minimax_discriminator_loss(r, f, real_label=0.9),
        lambda r, f: losses.minimax_generator_loss(f),
        lambda r, f: losses.non_saturating_generator_loss(f),
        losses.hinge_discriminator_loss,
        lambda r, f: losses.hinge_generator_loss(f),
        losses.least_squares_discriminator_loss,
        lambda r, f: losses.least_squares_generator_loss(f),
        losses.relativistic_average_discriminator_loss,
        lambda r, f: losses.relativistic_average_generator_loss(r, f, kind="least_squares"),
        lambda r, f: losses.f_gan_discriminator_loss(r, f, "jensen_shannon"),
        lambda r, f: losses.f_gan_generator_loss(f, "reverse_kl"),
        losses.feature_matching_loss,
        lambda r, f: losses.auxiliary_classifier_loss(tf.concat([r, f], axis=1), [0, 1]),
    ],
)
def test_losses_are_float32_scalars_for_half_precision_scores(loss):
    real = tf.constant([[0.5], [-1.0]], dtype=tf.float16)
    fake = tf.constant([[2.0], [0.25]], dtype=tf.float16)
    result = loss(real, fake)
    assert result.dtype == tf.float32
    assert result.shape == ()
    reference = loss(tf.cast(real, tf.float32), tf.cast(fake, tf.float32))
    assert value(result) == pytest.approx(value(reference), rel=1e-6)


# ---------------------------------------------------------- historical averaging (Salimans et al. 2016)


def test_historical_averaging_penalty_after_three_known_parameter_values():
    # Parameters theta[1..3] of two tensors; the average folds each value in as it comes.
    history = [
        [np.array([1.0, -2.0]), np.array([[0.5]])],
        [np.array([3.0, 0.0]), np.array([[1.5]])],
        [np.array([2.0, 5.0]), np.array([[4.0]])],
    ]
    averages = [np.zeros(2), np.zeros((1, 1))]
    for t, thetas in enumerate(history, start=1):
        averages = [np.asarray(losses.running_average(a, v, t)) for a, v in zip(averages, thetas)]
    # By hand: the means are (1 + 3 + 2)/3 = 2, (-2 + 0 + 5)/3 = 1 and (0.5 + 1.5 + 4)/3 = 2.
    np.testing.assert_allclose(averages[0], [2.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(averages[1], [[2.0]], rtol=1e-6)
    # ||theta[3] - mean||^2 = (2 - 2)^2 + (5 - 1)^2 + (4 - 2)^2 = 20
    assert value(losses.historical_averaging_penalty(history[-1], averages)) == pytest.approx(20.0)


def test_historical_averaging_penalty_gradient_pulls_towards_the_average():
    theta = tf.Variable([3.0, -1.0])
    with tf.GradientTape() as tape:
        penalty = losses.historical_averaging_penalty([theta], [tf.constant([1.0, 1.0])])
    # d/dtheta ||theta - a||^2 = 2 (theta - a); the average is a constant
    np.testing.assert_allclose(tape.gradient(penalty, theta).numpy(), [4.0, -4.0])
    with pytest.raises(ValueError, match="got 1 parameter tensors but 2 averages"):
        losses.historical_averaging_penalty([theta], [theta, theta])

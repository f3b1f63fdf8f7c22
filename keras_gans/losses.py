"""GAN losses as pure functions of critic scores (and, for the penalty, of the critic).

Conventions: `real_scores = D(x)`, `fake_scores = D(G(z))`, shape (N, 1) or (N,);
every function returns a scalar to *minimise*. Scores are cast to float32 so
the losses stay exact when the networks compute in half precision. Where the
discriminator's output is a logit (the minimax, non-saturating, relativistic
and f-GAN losses) the arguments are called `*_logits` or `*_v` and the losses
are written with `softplus(x) = log(1 + exp(x))`, which stays finite for any
logit: `-log sigmoid(l) = softplus(-l)` and `-log(1 - sigmoid(l)) = softplus(l)`.
"""

from typing import Callable, NamedTuple, Optional

import tensorflow as tf
from keras import ops

from keras_gans._validation import number, one_of


def wasserstein_critic_loss(real_scores, fake_scores):
    """Critic loss of WGAN: `E[D(G(z))] - E[D(x)]`.

    Minimising it maximises the Kantorovich-Rubinstein dual estimate of the
    Wasserstein-1 distance, `E[D(x)] - E[D(G(z))]` (Arjovsky et al. 2017, Eq. 3).

    Example:
    >>> float(wasserstein_critic_loss([[2.0], [4.0]], [[1.0], [-1.0]]))
    -3.0
    """
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_generator_loss(fake_scores):
    """Generator loss of WGAN: `-E[D(G(z))]` (Arjovsky et al. 2017, Algorithm 1).

    Example:
    >>> float(wasserstein_generator_loss([[1.0], [3.0]]))
    -2.0
    """
    return -_mean(fake_scores)


def interpolate(real, fake, alpha):
    """Points on the lines between real and fake samples: `x + alpha (x_fake - x)`.

    Args:
        real: real images (N, ...).
        fake: generated images, same shape.
        alpha: mixing weights broadcastable to the images, e.g. (N, 1, 1, 1) drawn
            from U[0, 1] once per sample (Gulrajani et al. 2017, Algorithm 1, line 6).
    """
    real = ops.cast(real, "float32")
    return real + ops.cast(alpha, "float32") * (ops.cast(fake, "float32") - real)


def gradient_penalty(critic, real, fake, alpha, epsilon=1e-10):
    """Two-sided gradient penalty of WGAN-GP, without the weight lambda.

    `gp = E[(||grad_x D(x_hat)||_2 - 1)^2]`, `x_hat = x + alpha (x_fake - x)`
    (Gulrajani et al. 2017, Eq. 3). The norm is `sqrt(sum(g^2) + epsilon)`: the
    gradient of a plain `sqrt` is infinite at 0, so a critic whose gradient
    vanishes at some `x_hat` (dead units, an all-zero layer) would make the
    update NaN. The penalty is computed in float32 whatever the critic's dtype.

    Args:
        critic: a callable images -> scores (N, 1); called with `training=True`.
        real: real images (N, H, W, C).
        fake: generated images, same shape.
        alpha: mixing weights broadcastable to the images, one per sample.
        epsilon: added under the square root; 1e-10 changes a unit norm by 5e-11.

    Returns:
        A float32 scalar.

    Example:
    >>> critic = lambda x, training=False: 2.0 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]
    >>> x = tf.zeros((2, 1, 1, 1))
    >>> round(float(gradient_penalty(critic, x, x + 1.0, tf.fill((2, 1, 1, 1), 0.5))), 6)
    1.0

    Reference:
        Gulrajani et al. "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """
    x_hat = interpolate(real, fake, alpha)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = ops.cast(tape.gradient(scores, x_hat), "float32")
    reduce_axes = list(range(1, len(grads.shape)))
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=reduce_axes) + epsilon)
    return ops.mean(ops.square(norms - 1.0))


def minimax_discriminator_loss(real_logits, fake_logits, real_label=1.0):
    """Discriminator loss of the original GAN: binary cross-entropy on logits.

    `-E[log D(x)] - E[log(1 - D(G(z)))]` with `D = sigmoid(logit)`
    (Goodfellow et al. 2014, Eq. 1), computed as
    `E[softplus(-real_logits)] + E[softplus(fake_logits)]`, which is finite for
    any logit. The minimax and the non-saturating GAN share it; they differ only
    in the generator's loss.

    Args:
        real_logits: discriminator logits on real samples, (N, 1) or (N,).
        fake_logits: discriminator logits on generated samples, (M, 1) or (M,).
        real_label: target of the real term. Below 1 it is one-sided label
            smoothing (Salimans et al. 2016, Sec. 3.4): the real term becomes
            the cross-entropy with target `real_label`; the fake term keeps
            target 0. Must be in (0, 1].

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(minimax_discriminator_loss([[0.0]], [[0.0]])), 6)  # 2 log 2
    1.386294

    Reference:
        Goodfellow et al. "Generative Adversarial Nets", NeurIPS 2014.
        Salimans et al. "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    real_label = number("real_label", real_label, low=0, high=1, low_open=True)
    real_logits = ops.cast(real_logits, "float32")
    # BCE with target s: -s log sigmoid(l) - (1 - s) log(1 - sigmoid(l)) = s softplus(-l) + (1 - s) softplus(l)
    real_term = ops.mean(real_label * ops.softplus(-real_logits) + (1.0 - real_label) * ops.softplus(real_logits))
    # -log(1 - sigmoid(l)) = softplus(l)
    return real_term + _mean(ops.softplus(ops.cast(fake_logits, "float32")))


def minimax_generator_loss(fake_logits):
    """Generator loss of the original (saturating) minimax GAN: `E[log(1 - D(G(z)))]`.

    `log(1 - sigmoid(l)) = -softplus(l)` (Goodfellow et al. 2014, Eq. 1). Its
    gradient vanishes when the discriminator confidently rejects the samples,
    which is why the paper trains with `non_saturating_generator_loss` instead.

    Example:
    >>> round(float(minimax_generator_loss([[0.0], [0.0]])), 6)  # -log 2
    -0.693147

    Reference:
        Goodfellow et al. "Generative Adversarial Nets", NeurIPS 2014.
    """
    return -_mean(ops.softplus(ops.cast(fake_logits, "float32")))


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss: `-E[log D(G(z))] = E[softplus(-fake_logits)]`.

    The heuristic of Goodfellow et al. (2014, Sec. 3): the same fixed point as the
    minimax game, but strong gradients early in training when `D(G(z))` is near 0.

    Example:
    >>> round(float(non_saturating_generator_loss([[0.0]])), 6)  # log 2
    0.693147

    Reference:
        Goodfellow et al. "Generative Adversarial Nets", NeurIPS 2014.
    """
    return _mean(ops.softplus(-ops.cast(fake_logits, "float32")))


def hinge_discriminator_loss(real_scores, fake_scores):
    """Hinge discriminator loss: `E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]`.

    Example:
    >>> float(hinge_discriminator_loss([[2.0], [0.0]], [[-3.0], [1.0]]))  # (0 + 1) / 2 + (0 + 2) / 2
    1.5

    Reference:
        Lim & Ye. "Geometric GAN", arXiv:1705.02894, 2017.
        Miyato et al. "Spectral Normalization for Generative Adversarial Networks", ICLR 2018.
    """
    real_scores = ops.cast(real_scores, "float32")
    fake_scores = ops.cast(fake_scores, "float32")
    return ops.mean(ops.relu(1.0 - real_scores)) + ops.mean(ops.relu(1.0 + fake_scores))


def hinge_generator_loss(fake_scores):
    """Hinge generator loss: `-E[D(G(z))]` (Lim & Ye 2017; Miyato et al. 2018).

    Example:
    >>> float(hinge_generator_loss([[-3.0], [1.0]]))
    1.0

    Reference:
        Lim & Ye. "Geometric GAN", arXiv:1705.02894, 2017.
        Miyato et al. "Spectral Normalization for Generative Adversarial Networks", ICLR 2018.
    """
    return -_mean(fake_scores)


def least_squares_discriminator_loss(real_scores, fake_scores, a=0.0, b=1.0):
    """LSGAN discriminator loss: `1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]`.

    `a` is the target for fake samples, `b` for real ones (Mao et al. 2017, Eq. 2).
    The paper's two codings: 0-1-1 (`a=0, b=1, c=1`, the default) and -1-1-0
    (`a=-1, b=1, c=0`: `b - c = 1` and `b - a = 2`, the conditions under which
    the paper shows the game minimises a Pearson chi-squared divergence).

    Args:
        real_scores: D(x), (N, 1) or (N,); no output activation.
        fake_scores: D(G(z)), (M, 1) or (M,).
        a: target for generated samples.
        b: target for real samples.

    Example:
    >>> float(least_squares_discriminator_loss([[1.0], [3.0]], [[0.0], [2.0]]))  # (0 + 4) / 4 + (0 + 4) / 4
    2.0

    Reference:
        Mao et al. "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    real_scores = ops.cast(real_scores, "float32")
    fake_scores = ops.cast(fake_scores, "float32")
    return 0.5 * ops.mean(ops.square(real_scores - b)) + 0.5 * ops.mean(ops.square(fake_scores - a))


def least_squares_generator_loss(fake_scores, c=1.0):
    """LSGAN generator loss: `1/2 E[(D(G(z)) - c)^2]` (Mao et al. 2017, Eq. 2).

    `c` is the value the generator wants the discriminator to believe for fake
    samples: 1 in the 0-1-1 coding, 0 in the -1-1-0 coding.

    Example:
    >>> float(least_squares_generator_loss([[1.0], [3.0]]))  # (0 + 4) / 4
    1.0

    Reference:
        Mao et al. "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    return 0.5 * ops.mean(ops.square(ops.cast(fake_scores, "float32") - c))


_RELATIVISTIC_KINDS = ("standard", "least_squares")


def relativistic_average_discriminator_loss(real_logits, fake_logits, kind="standard"):
    """Relativistic average discriminator loss (RaSGAN or RaLSGAN).

    The discriminator estimates how much more realistic a real sample is than
    the average fake one, and vice versa, with `C` the critic's raw output
    (Jolicoeur-Martineau 2019, RaSGAN and RaLSGAN):

    - `"standard"` (RaSGAN): `-E_x[log sigmoid(C(x) - E C(G(z)))]
      - E_z[log(1 - sigmoid(C(G(z)) - E C(x)))]`
    - `"least_squares"` (RaLSGAN): `E_x[(C(x) - E C(G(z)) - 1)^2]
      + E_z[(C(G(z)) - E C(x) + 1)^2]`

    The averages `E C(G(z))` and `E C(x)` are over the batch.

    Args:
        real_logits: C(x), (N, 1) or (N,).
        fake_logits: C(G(z)), (M, 1) or (M,).
        kind: "standard" or "least_squares".

    Example:
    >>> round(float(relativistic_average_discriminator_loss([[0.0]], [[0.0]])), 6)  # 2 log 2
    1.386294

    Reference:
        Jolicoeur-Martineau. "The relativistic discriminator: a key element missing
        from standard GAN", ICLR 2019.
    """
    return _relativistic_average(real_logits, fake_logits, kind)


def relativistic_average_generator_loss(real_logits, fake_logits, kind="standard"):
    """Relativistic average generator loss: the discriminator's with real and fake swapped.

    - `"standard"`: `-E_z[log sigmoid(C(G(z)) - E C(x))] - E_x[log(1 - sigmoid(C(x) - E C(G(z))))]`
    - `"least_squares"`: `E_z[(C(G(z)) - E C(x) - 1)^2] + E_x[(C(x) - E C(G(z)) + 1)^2]`

    Unlike the other generator losses it needs the real logits too: the
    generator is rewarded for making real samples look *less* real.

    Example:
    >>> float(relativistic_average_generator_loss([[1.0]], [[1.0]], kind="least_squares"))  # 1 + 1
    2.0

    Reference:
        Jolicoeur-Martineau. "The relativistic discriminator: a key element missing
        from standard GAN", ICLR 2019.
    """
    return _relativistic_average(fake_logits, real_logits, kind)


def _relativistic_average(pos_logits, neg_logits, kind):
    # The loss of a player that wants `pos` to look more realistic than the average `neg`
    # and `neg` less realistic than the average `pos`.
    one_of("kind", kind, _RELATIVISTIC_KINDS)
    pos_logits = ops.cast(pos_logits, "float32")
    neg_logits = ops.cast(neg_logits, "float32")
    pos_relative = pos_logits - ops.mean(neg_logits)  # C(x) - E C(G(z)) for the discriminator
    neg_relative = neg_logits - ops.mean(pos_logits)  # C(G(z)) - E C(x)
    if kind == "standard":
        # -log sigmoid(u) = softplus(-u), -log(1 - sigmoid(u)) = softplus(u)
        return ops.mean(ops.softplus(-pos_relative)) + ops.mean(ops.softplus(neg_relative))
    return ops.mean(ops.square(pos_relative - 1.0)) + ops.mean(ops.square(neg_relative + 1.0))


F_DIVERGENCES = ("kl", "reverse_kl", "pearson", "neyman", "squared_hellinger", "jensen_shannon", "gan")

_LOG_2 = 0.6931471805599453


class _FDivergence(NamedTuple):
    # One row of Nowozin et al. 2016, Table 2 (activations) and the appendix table of conjugates.
    activation: Callable  # g_f(v), maps R into dom f*
    conjugate: Callable  # f*(t), the formula of the table
    bound: Optional[float]  # dom f* = {t < bound}; None: all of R
    # f*(g_f(v)) in closed form: finite and exact where the naive composition overflows
    # (exp(-v) for v << 0) or cancels (1 - (1 - exp(-v)) for v >> 0)
    conjugate_of_activation: Callable


_F_GAN = {
    # f(u) = u log u
    "kl": _FDivergence(lambda v: v, lambda t: ops.exp(t - 1.0), None, lambda v: ops.exp(v - 1.0)),
    # f(u) = -log u; f*(-exp(-v)) = -1 - log(exp(-v)) = v - 1
    "reverse_kl": _FDivergence(lambda v: -ops.exp(-v), lambda t: -1.0 - ops.log(-t), 0.0, lambda v: v - 1.0),
    # f(u) = (u - 1)^2
    "pearson": _FDivergence(
        lambda v: v, lambda t: 0.25 * ops.square(t) + t, None, lambda v: 0.25 * ops.square(v) + v
    ),
    # f(u) = (1 - u)^2 / u; 1 - g_f(v) = exp(-v), so f* = 2 - 2 sqrt(exp(-v)) = 2 - 2 exp(-v / 2)
    "neyman": _FDivergence(
        lambda v: -ops.expm1(-v),
        lambda t: 2.0 - 2.0 * ops.sqrt(1.0 - t),
        1.0,
        lambda v: 2.0 - 2.0 * ops.exp(-0.5 * v),
    ),
    # f(u) = (sqrt(u) - 1)^2; t / (1 - t) = (1 - exp(-v)) / exp(-v) = exp(v) - 1
    "squared_hellinger": _FDivergence(lambda v: -ops.expm1(-v), lambda t: t / (1.0 - t), 1.0, ops.expm1),
    # f(u) = -(u + 1) log((1 + u) / 2) + u log u; exp(g_f(v)) = 2 sigmoid(v), so
    # f* = -log(2 - 2 sigmoid(v)) = -log 2 - log sigmoid(-v) = softplus(v) - log 2
    "jensen_shannon": _FDivergence(
        lambda v: _LOG_2 - ops.softplus(-v),
        lambda t: -ops.log(2.0 - ops.exp(t)),
        _LOG_2,
        lambda v: ops.softplus(v) - _LOG_2,
    ),
    # f(u) = u log u - (u + 1) log(u + 1); exp(g_f(v)) = sigmoid(v), so f* = -log(1 - sigmoid(v)) = softplus(v)
    "gan": _FDivergence(lambda v: -ops.softplus(-v), lambda t: -ops.log(1.0 - ops.exp(t)), 0.0, ops.softplus),
}


def _f_divergence(divergence):
    return _F_GAN[one_of("divergence", divergence, F_DIVERGENCES)]


def f_gan_activation(v, divergence):
    """The f-GAN output activation `g_f(v)`, mapping R into the conjugate's domain.

    | divergence          | g_f(v)                   | dom f*     |
    |---------------------|--------------------------|------------|
    | `kl`                | v                       | R          |
    | `reverse_kl`        | -exp(-v)                | t < 0      |
    | `pearson`           | v                       | R          |
    | `neyman`            | 1 - exp(-v)             | t < 1      |
    | `squared_hellinger` | 1 - exp(-v)             | t < 1      |
    | `jensen_shannon`    | log 2 - log(1 + exp(-v)) | t < log 2  |
    | `gan`               | -log(1 + exp(-v))       | t < 0      |

    (Nowozin et al. 2016, Table 2.) In float32, `1 - exp(-v)` rounds
    to 1 and `log 2 - softplus(-v)` to log 2 once v is above about 17, the edge
    of the domain; the losses therefore never apply `f_gan_conjugate` to it but
    use closed forms of `f*(g_f(v))`.

    Args:
        v: the discriminator's raw output V(x), any shape.
        divergence: one of `F_DIVERGENCES`.

    Returns:
        float32 tensor of `v`'s shape.

    Example:
    >>> round(float(f_gan_activation(0.0, "gan")), 6)  # -log 2
    -0.693147

    Reference:
        Nowozin et al. "f-GAN: Training Generative Neural Samplers using
        Variational Divergence Minimization", NeurIPS 2016.
    """
    return _f_divergence(divergence).activation(ops.cast(v, "float32"))


def f_gan_conjugate(t, divergence):
    """The Fenchel conjugate `f*(t)` of the divergence's generator function f.

    | divergence          | f*(t)            | dom f*    |
    |---------------------|------------------|-----------|
    | `kl`                | exp(t - 1)       | R         |
    | `reverse_kl`        | -1 - log(-t)     | t < 0     |
    | `pearson`           | t^2 / 4 + t      | R         |
    | `neyman`            | 2 - 2 sqrt(1 - t)| t < 1     |
    | `squared_hellinger` | t / (1 - t)      | t < 1     |
    | `jensen_shannon`    | -log(2 - exp(t)) | t < log 2 |
    | `gan`               | -log(1 - exp(t)) | t < 0     |

    (Nowozin et al. 2016, Table 2 and the appendix table of conjugates.)
    Outside its domain a convex conjugate is `+inf`, and so is the result here
    (the formulas would give NaN, or for squared Hellinger a negative number).

    Args:
        t: values, any shape; usually `f_gan_activation(v, divergence)`.
        divergence: one of `F_DIVERGENCES`.

    Returns:
        float32 tensor of `t`'s shape.

    Example:
    >>> round(float(f_gan_conjugate(-0.5, "reverse_kl")), 6)  # -1 - log(0.5)
    -0.306853

    Reference:
        Nowozin et al. "f-GAN: Training Generative Neural Samplers using
        Variational Divergence Minimization", NeurIPS 2016.
    """
    entry = _f_divergence(divergence)
    t = ops.cast(t, "float32")
    if entry.bound is None:
        return entry.conjugate(t)
    inside = t < entry.bound
    # The formula sees only points of the domain (outside, a stand-in 1 below the bound), so no NaN
    # is computed in the branch that `where` discards, where it would still poison the gradient.
    safe_t = ops.where(inside, t, entry.bound - 1.0)
    return ops.where(inside, entry.conjugate(safe_t), float("inf"))


def f_gan_discriminator_loss(real_v, fake_v, divergence):
    """f-GAN discriminator loss: `-(E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))])`.

    Minimising it maximises the variational lower bound of `D_f(P || Q)`, the
    f-GAN objective `F(theta, omega)` with `T = g_f(V)` (Nowozin et al. 2016).
    `f*(g_f(v))` is computed in closed form (e.g. `softplus(v)` for "gan",
    `v - 1` for "reverse_kl", `exp(v) - 1` for "squared_hellinger"), equal to
    the composition of `f_gan_conjugate` and `f_gan_activation` wherever that is
    finite. With "gan" the loss is exactly `minimax_discriminator_loss`. For
    "kl", "pearson" and "squared_hellinger" the fake term grows without bound in
    v (`exp(v - 1)`, `v^2 / 4 + v`, `exp(v) - 1`); for "kl" and
    "squared_hellinger" it exceeds float32 (inf) once a fake v passes about 88.

    Args:
        real_v: V(x), the raw discriminator output on real samples, (N, 1) or (N,).
        fake_v: V(G(z)), (M, 1) or (M,).
        divergence: one of `F_DIVERGENCES`.

    Example:
    >>> round(float(f_gan_discriminator_loss([[0.0]], [[0.0]], "gan")), 6)  # log 2 + log 2
    1.386294

    Reference:
        Nowozin et al. "f-GAN: Training Generative Neural Samplers using
        Variational Divergence Minimization", NeurIPS 2016.
    """
    entry = _f_divergence(divergence)
    real_term = ops.mean(entry.activation(ops.cast(real_v, "float32")))
    fake_term = ops.mean(entry.conjugate_of_activation(ops.cast(fake_v, "float32")))
    return -(real_term - fake_term)


def f_gan_generator_loss(fake_v, divergence):
    """f-GAN generator loss: `-E_Q[g_f(V(G(z)))]`.

    The paper's practical generator objective, "maximise E_Q[g_f(V(G(z)))]"
    (Nowozin et al. 2016, Sec. 3.2), used instead of minimising the saddle
    objective for the same reason as the non-saturating GAN loss; with "gan" it
    is exactly `non_saturating_generator_loss`.

    Args:
        fake_v: V(G(z)), (M, 1) or (M,).
        divergence: one of `F_DIVERGENCES`.

    Example:
    >>> round(float(f_gan_generator_loss([[0.0]], "gan")), 6)  # log 2
    0.693147

    Reference:
        Nowozin et al. "f-GAN: Training Generative Neural Samplers using
        Variational Divergence Minimization", NeurIPS 2016.
    """
    return -ops.mean(f_gan_activation(fake_v, divergence))


def feature_matching_loss(real_features, fake_features):
    """Feature matching: `||E[f(x)] - E[f(G(z))]||_2^2` over the batch means.

    `f` is an intermediate layer of the discriminator (Salimans et al. 2016,
    Sec. 3.1); the generator minimises the squared distance between the mean
    features of a real and a generated batch. Features (N, ...) are flattened per
    sample; the batch sizes may differ.

    Args:
        real_features: f(x), (N, ...).
        fake_features: f(G(z)), (M, ...) with the same per-sample shape.

    Returns:
        A float32 scalar.

    Example:
    >>> float(feature_matching_loss([[1.0, 2.0], [3.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]]))  # 2^2 + 2^2
    8.0

    Reference:
        Salimans et al. "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    real_features = ops.cast(real_features, "float32")
    fake_features = ops.cast(fake_features, "float32")
    real_shape, fake_shape = tuple(real_features.shape[1:]), tuple(fake_features.shape[1:])
    # Caught here because (N, 1) against (M, K) would otherwise broadcast silently; a dimension
    # unknown while tracing (None) is left to the subtraction below.
    if len(real_shape) != len(fake_shape) or any(
        r is not None and f is not None and r != f for r, f in zip(real_shape, fake_shape)
    ):
        raise ValueError(
            f"real_features and fake_features must have the same per-sample shape, "
            f"got {real_shape} and {fake_shape}"
        )
    # The mean of the flattened features is the flattened mean, so sum over every feature axis.
    difference = ops.mean(real_features, axis=0) - ops.mean(fake_features, axis=0)
    return ops.sum(ops.square(difference))


def auxiliary_classifier_loss(class_logits, labels):
    """AC-GAN class loss: mean sparse softmax cross-entropy, `-E[log P(C = c | X)]`.

    Both players minimise it (Odena et al. 2017: both maximise the log-likelihood L_C): the
    discriminator on real and generated samples, the generator on generated
    ones with the labels it was conditioned on.

    Args:
        class_logits: (N, num_classes) unnormalised class scores.
        labels: int (N,) or (N, 1), in [0, num_classes).

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(auxiliary_classifier_loss([[0.0, 0.0]], [1])), 6)  # -log(1/2)
    0.693147

    Reference:
        Odena et al. "Conditional Image Synthesis with Auxiliary Classifier GANs", ICML 2017.
    """
    class_logits = ops.cast(class_logits, "float32")
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    return ops.mean(ops.sparse_categorical_crossentropy(labels, class_logits, from_logits=True))



# ---------------------------------------------------------------- StackGAN (Zhang et al. 2017)


def conditioning_augmentation_kl(mu, log_variance):
    """KL(N(mu, diag(sigma^2)) || N(0, I)), summed over dimensions, averaged over the batch.

    StackGAN's regulariser of conditioning augmentation (Zhang et al. 2017, Eq. 3 and 5,
    weight 1): `0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2)` per sample.

    Args:
        mu: (N, D) means.
        log_variance: (N, D) log sigma^2.

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(conditioning_augmentation_kl([[1.0, 0.0]], [[0.0, 0.0]])), 6)  # 0.5 * 1^2
    0.5

    Reference:
        Zhang et al. "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017.
    """
    mu, log_variance = ops.cast(mu, "float32"), ops.cast(log_variance, "float32")
    per_sample = 0.5 * ops.sum(ops.square(mu) + ops.exp(log_variance) - 1.0 - log_variance, axis=-1)
    return ops.mean(per_sample)


def matching_aware_discriminator_loss(real_logits, fake_logits, mismatched_logits):
    """GAN-CLS's discriminator loss: `-log D(x, phi) - (log(1 - D(x, phi_wrong)) + log(1 - D(G, phi))) / 2`.

    Real images with the wrong condition count as fake (Reed et al. 2016, Algorithm 1;
    StackGAN's discriminators): the mean of the two minimax losses that pair the real
    term with each kind of fake pair. Logits in, a float32 scalar out.

    Example:
    >>> round(float(matching_aware_discriminator_loss([0.0], [0.0], [0.0])), 6)  # each minimax term: 2 log 2
    1.386294
    """
    return 0.5 * (minimax_discriminator_loss(real_logits, fake_logits)
                  + minimax_discriminator_loss(real_logits, mismatched_logits))


def _mean(scores):
    return ops.mean(ops.cast(scores, "float32"))

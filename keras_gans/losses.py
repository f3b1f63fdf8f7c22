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


def gradient_penalty(critic, real, fake, alpha, epsilon=1e-10, target=1.0, one_sided=False):
    """Gradient penalty of WGAN-GP, without the weight lambda; two-sided by default.

    `gp = E[(||grad_x D(x_hat)||_2 - 1)^2]`, `x_hat = x + alpha (x_fake - x)`
    (Gulrajani et al. 2017, Eq. 3); `target` k replaces the 1 and `one_sided`
    penalises only norms above it, `E[max(0, ||grad|| - k)^2]` (see `norm_penalty`).
    The norm is `sqrt(sum(g^2) + epsilon)`: the
    gradient of a plain `sqrt` is infinite at 0, so a critic whose gradient
    vanishes at some `x_hat` (dead units, an all-zero layer) would make the
    update NaN. The penalty is computed in float32 whatever the critic's dtype.

    Args:
        critic: a callable images -> scores (N, 1); called with `training=True`.
        real: real images (N, H, W, C).
        fake: generated images, same shape.
        alpha: mixing weights broadcastable to the images, one per sample.
        epsilon: added under the square root; 1e-10 changes a unit norm by 5e-11.
        target: the norm k the penalty pulls towards, >= 0 (1, the Lipschitz bound, by default).
        one_sided: penalise only norms above k (Petzka et al. 2018).

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
    return norm_penalty(norms, target, one_sided)


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


# ----------------------------------------------------------------------------------------------
# Historical averaging (Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen 2016, Sec. 3.3)


def historical_averaging_penalty(parameters, averages):
    """Historical averaging: `||theta - (1/t) sum_i theta[i]||^2`, summed over every parameter tensor.

    Each player's cost gains this term (times a weight), pulling its parameters
    towards their own past average (Salimans et al. 2016, Sec. 3.3). The averages
    are the running means `running_average` keeps; they carry no gradient.

    Args:
        parameters: a list of tensors theta (a network's trainable weights).
        averages: a list of the same shapes, (1/t) sum_{i=1..t} theta[i].

    Returns:
        A float32 scalar.

    Example:
    >>> float(historical_averaging_penalty([[1.0, 2.0], [[3.0]]], [[0.0, 0.0], [[1.0]]]))  # 1 + 4 + 4
    9.0

    Reference:
        Salimans et al. "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    if len(parameters) != len(averages):
        raise ValueError(f"got {len(parameters)} parameter tensors but {len(averages)} averages")
    total = ops.zeros((), "float32")
    for theta, average in zip(parameters, averages):
        difference = ops.cast(theta, "float32") - ops.stop_gradient(ops.cast(average, "float32"))
        total = total + ops.sum(ops.square(difference))
    return total


def running_average(average, value, count):
    """The mean of t values from the mean of the first t - 1: `average + (value - average) / t`.

    Args:
        average: (1/(t-1)) sum_{i<t} theta[i] (anything when t = 1).
        value: theta[t].
        count: t >= 1, the number of values including `value`.

    Example:
    >>> float(running_average(2.0, 5.0, 3))  # the mean of (1, 3, 5) from the mean of (1, 3)
    3.0
    """
    average = ops.cast(average, "float32")
    return average + (ops.cast(value, "float32") - average) / ops.cast(count, "float32")

# ----------------------------------------------------------------------------------------------
# Energy-based GAN (Zhao, Mathieu & LeCun 2017) and boundary equilibrium GAN (Berthelot et al.
# 2017): the discriminator is an autoencoder and its reconstruction error is the score.


def ebgan_energy(images, reconstructions, epsilon=1e-12):
    """EBGAN's energy of each image, `D(x) = ||Dec(Enc(x)) - x||_2`, shape (N,).

    The paper's definition (Zhao et al. 2017, Sec. 2.3): the Euclidean norm of the
    reconstruction error over all pixels and channels, not its square nor its mean, so
    the margin scales with the square root of the pixel count (m = 20 at 64x64x3).
    `epsilon` under the square root keeps the gradient finite at a perfect reconstruction.

    Example:
    >>> float(ebgan_energy([[[[0.0], [0.0]]]], [[[[3.0], [4.0]]]])[0])  # sqrt(9 + 16)
    5.0

    Reference:
        Zhao, Mathieu, LeCun. "Energy-based Generative Adversarial Network", ICLR 2017.
        https://arxiv.org/abs/1609.03126
    """
    error = ops.cast(reconstructions, "float32") - ops.cast(images, "float32")
    error = ops.reshape(error, (ops.shape(error)[0], -1))
    return ops.sqrt(ops.sum(ops.square(error), axis=1) + epsilon)


def ebgan_discriminator_loss(real_energy, fake_energy, margin):
    """EBGAN's discriminator loss: `E[D(x)] + E[[m - D(G(z))]^+]` (Eq. 1).

    Real energies are pushed down; fake energies are pushed up until they reach the
    margin m, beyond which a fake costs nothing.

    Example:
    >>> float(ebgan_discriminator_loss([1.0, 3.0], [5.0, 12.0], margin=10.0))  # 2 + (5 + 0) / 2
    4.5
    """
    margin = number("margin", margin, low=0, low_open=True)
    real_energy = ops.cast(real_energy, "float32")
    fake_energy = ops.cast(fake_energy, "float32")
    return ops.mean(real_energy) + ops.mean(ops.relu(margin - fake_energy))


def ebgan_generator_loss(fake_energy):
    """EBGAN's generator loss: `E[D(G(z))]` (Eq. 2), without the pulling-away term.

    Example:
    >>> float(ebgan_generator_loss([2.0, 4.0]))
    3.0
    """
    return ops.mean(ops.cast(fake_energy, "float32"))


def pulling_away_term(codes, epsilon=1e-12):
    """EBGAN's pulling-away term on a batch of codes (Eq. 3):

    `PT = 1 / (N (N - 1)) sum_{i != j} (S_i^T S_j / (|S_i| |S_j|))^2`,

    the mean squared cosine similarity between distinct codes: 0 when they are
    pairwise orthogonal, 1 when they all point the same way. The generator adds it
    (weighted 0.1 in the paper) to spread its samples' codes apart. Codes of any shape
    are flattened per sample; the batch needs N >= 2.

    Example:
    >>> float(pulling_away_term([[1.0, 0.0], [0.0, 2.0]]))  # orthogonal
    0.0
    >>> round(float(pulling_away_term([[1.0, 1.0], [2.0, 2.0]])), 6)  # parallel
    1.0
    """
    codes = ops.cast(codes, "float32")
    codes = ops.reshape(codes, (ops.shape(codes)[0], -1))
    count = ops.cast(ops.shape(codes)[0], "float32")
    norms = ops.sqrt(ops.sum(ops.square(codes), axis=1, keepdims=True) + epsilon)
    unit = codes / norms
    cosines = ops.square(ops.matmul(unit, ops.transpose(unit)))
    # The i = j terms are excluded: subtract the diagonal rather than assume it is 1.
    off_diagonal = ops.sum(cosines) - ops.sum(ops.diagonal(cosines))
    return off_diagonal / (count * (count - 1.0))


def began_reconstruction_loss(images, reconstructions, per_image=False):
    """BEGAN's autoencoder loss `L(v) = |v - D(v)|`, the mean absolute error (eta = 1).

    Averaged over the batch, pixels and channels (Berthelot et al. 2017, Eq. 1 with
    eta = 1, as the authors train); with `per_image`, over each image's pixels only,
    shape (N,).

    Example:
    >>> float(began_reconstruction_loss([[0.0, 1.0]], [[0.5, 0.0]]))  # (0.5 + 1) / 2
    0.75
    >>> [float(v) for v in began_reconstruction_loss([[0.0, 1.0], [0.0, 0.0]], [[0.5, 0.0], [0.0, 0.0]], per_image=True)]
    [0.75, 0.0]

    Reference:
        Berthelot, Schumm, Metz. "BEGAN: Boundary Equilibrium Generative Adversarial
        Networks", arXiv:1703.10717, 2017.
    """
    error = ops.abs(ops.cast(reconstructions, "float32") - ops.cast(images, "float32"))
    if per_image:
        return ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1)
    return ops.mean(error)


def began_discriminator_loss(loss_real, loss_fake, k):
    """BEGAN's discriminator loss: `L_D = L(x) - k_t L(G(z))` (Eq. 4).

    Example:
    >>> round(float(began_discriminator_loss(0.2, 0.3, k=0.5)), 6)  # 0.2 - 0.5 * 0.3
    0.05
    """
    return ops.cast(loss_real, "float32") - ops.cast(k, "float32") * ops.cast(loss_fake, "float32")


def began_generator_loss(loss_fake):
    """BEGAN's generator loss: `L_G = L(G(z))` (Eq. 4).

    Example:
    >>> round(float(began_generator_loss(0.3)), 6)
    0.3
    """
    return ops.cast(loss_fake, "float32")


def began_k_update(k, loss_real, loss_fake, gamma, lambda_k):
    """BEGAN's equilibrium control: `k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)` (Eq. 4).

    A proportional controller: when the fakes reconstruct better than `gamma` times
    the reals, k grows and the discriminator pushes harder against them.

    Example:
    >>> round(float(began_k_update(0.0, 0.4, 0.1, gamma=0.5, lambda_k=0.001)), 7)  # 0.001 * (0.2 - 0.1)
    0.0001
    """
    balance = ops.cast(gamma, "float32") * ops.cast(loss_real, "float32") - ops.cast(loss_fake, "float32")
    return ops.clip(ops.cast(k, "float32") + ops.cast(lambda_k, "float32") * balance, 0.0, 1.0)


def began_convergence(loss_real, loss_fake, gamma):
    """BEGAN's convergence measure `M_global = L(x) + |gamma L(x) - L(G(z))|` (Sec. 3.4.1).

    Low when the discriminator reconstructs real images well and the equilibrium
    `L(G(z)) = gamma L(x)` holds; the paper shows it falls as samples improve.

    Example:
    >>> round(float(began_convergence(0.2, 0.3, gamma=0.5)), 6)  # 0.2 + |0.1 - 0.3|
    0.4
    """
    loss_real = ops.cast(loss_real, "float32")
    return loss_real + ops.abs(ops.cast(gamma, "float32") * loss_real - ops.cast(loss_fake, "float32"))

# ------------------------------------------------------------------------------------------------
# Gradient penalty options: a target norm k and the one-sided form (Petzka et al. 2018, "On the
# regularization of Wasserstein GANs"), and DRAGAN's penalty around the real data (Kodali et al.
# 2017, "On Convergence and Stability of GANs").


def norm_penalty(norms, target=1.0, one_sided=False):
    """The penalty on per-sample gradient norms: `E[(||g|| - k)^2]`, or `E[max(0, ||g|| - k)^2]` one-sided.

    The two-sided form (Gulrajani et al. 2017) pulls every norm to k; the one-sided
    form (Petzka et al. 2018) only pushes norms above k down, which is what a
    k-Lipschitz bound asks for.

    Args:
        norms: gradient norms, one per sample, (N,).
        target: k, a finite number >= 0.
        one_sided: penalise only norms above k.

    Returns:
        A float32 scalar.

    Example:
    >>> float(norm_penalty([0.5, 3.0]))  # ((0.5 - 1)^2 + (3 - 1)^2) / 2
    2.125
    >>> float(norm_penalty([0.5, 3.0], one_sided=True))  # (0 + 4) / 2
    2.0

    Reference:
        Petzka, Fischer, Lukovnikov. "On the regularization of Wasserstein GANs", ICLR 2018.
    """
    target = number("target", target, low=0)
    gaps = ops.cast(norms, "float32") - target
    if one_sided:
        gaps = ops.relu(gaps)  # max(0, ||g|| - k)
    return ops.mean(ops.square(gaps))


def dragan_perturbation(real, noise, scale=0.5):
    """DRAGAN's perturbed data as the authors draw it: `x_p = x + scale * std(x) * noise`.

    `std(x)` is the standard deviation of the whole batch (every pixel of every image,
    one number) and `noise` is U[0, 1] per pixel: the authors' code
    (`get_perturbed_batch`, `0.5 * X.std() * np.random.random(X.shape)`). The paper's
    text writes the perturbation as `delta ~ N_d(0, cI)`; we follow the code, whose
    noise is one-signed, of mean `scale * std / 2`.

    Args:
        real: real samples (N, ...).
        noise: U[0, 1] draws of the same shape.
        scale: the factor of the batch's standard deviation (0.5 in the authors' code).

    Returns:
        float32 tensor of `real`'s shape.

    Example:
    >>> x = tf.constant([[-1.0], [1.0]])  # std 1
    >>> dragan_perturbation(x, tf.constant([[1.0], [0.5]])).numpy().ravel().tolist()
    [-0.5, 1.25]

    Reference:
        Kodali, Abernethy, Hays, Kira. "On Convergence and Stability of GANs",
        arXiv:1705.07215, 2017. https://github.com/kodalinaveen3/DRAGAN
    """
    real = ops.cast(real, "float32")
    return real + scale * ops.std(real) * ops.cast(noise, "float32")


def dragan_penalty(critic, real, noise, alpha, target=1.0, one_sided=False, epsilon=1e-10):
    """DRAGAN's gradient penalty around the data, without its weight lambda.

    `E[(||grad D(x_hat)|| - k)^2]` at `x_hat = x + alpha (x_p - x)`, x_p the perturbed
    batch of `dragan_perturbation` and alpha ~ U[0, 1] per sample: the authors' code
    (`interpolates = X + alpha * (X_p - X)`), so `x_hat = x + alpha * 0.5 std(x) U`.
    The same norm, target and one-sided options as `gradient_penalty`.

    Args:
        critic: a callable samples -> scores (N, 1); called with `training=True`.
        real: real samples (N, ...).
        noise: U[0, 1] draws of `real`'s shape (the perturbation's direction).
        alpha: U[0, 1] draws broadcastable to the samples, one per sample.
        target: k (1 in the paper).
        one_sided: penalise only norms above k.
        epsilon: added under the square root of the norm.

    Returns:
        A float32 scalar.

    Example:
    >>> critic = lambda x, training=False: 2.0 * tf.reduce_sum(x, axis=1, keepdims=True)
    >>> x = tf.constant([[-1.0], [1.0]])
    >>> round(float(dragan_penalty(critic, x, tf.ones_like(x), tf.ones((2, 1)))), 6)  # (2 - 1)^2
    1.0

    Reference:
        Kodali, Abernethy, Hays, Kira. "On Convergence and Stability of GANs",
        arXiv:1705.07215, 2017.
    """
    perturbed = dragan_perturbation(real, noise)
    return gradient_penalty(critic, real, perturbed, alpha, epsilon=epsilon, target=target, one_sided=one_sided)


# ------------------------------------------------------------------------------------------------
# Triple-GAN (Li, Xu, Zhu, Zhang 2017, "Triple Generative Adversarial Nets"): a discriminator on
# (image, label) pairs against a conditional generator and a classifier. `pair_logits` is D's logit
# on each unlabelled image paired with every class, (N, K); `class_probabilities` is C's p_c(y | x),
# (N, K). The expectation over C's labels is taken exactly, sum_y p_c(y | x) (...) (the authors'
# "integrate" objective), so no sampled label and no REINFORCE estimator is needed.


def triple_gan_discriminator_loss(real_logits, fake_logits, pair_logits, class_probabilities, alpha=0.5,
                                  argmax_real_weight=0.0):
    """Triple-GAN's discriminator loss: real pairs real, the generator's and the classifier's pairs fake.

    `-E_p[log D(x, y)] - alpha E_pg[log(1 - D(x, y))] - (1 - alpha) E_x E_{y ~ p_c(y|x)}[log(1 - D(x, y))]`
    (Li et al. 2017, Eq. 2), with `D = sigmoid(logit)`: `-log D = softplus(-l)`,
    `-log(1 - D) = softplus(l)`.

    With `argmax_real_weight` w > 0, the real term becomes
    `-(1 - w) E_p[log D(x, y)] - w E_x[log D(x, argmax_y p_c(y|x))]`: the unlabelled images
    paired with the classifier's most likely label also count as real, as in the authors'
    code (their D's real batch: 1 labelled pair and 400 such pairs, w = 400/401).

    Args:
        real_logits: D on labelled pairs (x, y), (N, 1) or (N,).
        fake_logits: D on generated pairs (G(z, y), y), (M, 1) or (M,).
        pair_logits: D on each unlabelled image with each class, (U, K).
        class_probabilities: the classifier's p_c(y | x) of those images, (U, K); no gradient
            flows into them here.
        alpha: the weight of the generator's pairs, in [0, 1] (1/2 in the paper).
        argmax_real_weight: w, the share of the real term given to the classifier's argmax
            pairs, in [0, 1] (0: the paper's Eq. 2).

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(triple_gan_discriminator_loss([[0.0]], [[0.0]], [[0.0, 0.0]], [[0.5, 0.5]])), 6)  # 2 log 2
    1.386294

    Reference:
        Li, Xu, Zhu, Zhang. "Triple Generative Adversarial Nets", NeurIPS 2017.
    """
    alpha = number("alpha", alpha, low=0, high=1)
    argmax_real_weight = number("argmax_real_weight", argmax_real_weight, low=0, high=1)
    pair_logits = ops.cast(pair_logits, "float32")
    probabilities = ops.stop_gradient(ops.cast(class_probabilities, "float32"))
    pseudo = ops.mean(ops.sum(probabilities * ops.softplus(pair_logits), axis=-1))
    real = _mean(ops.softplus(-ops.cast(real_logits, "float32")))
    if argmax_real_weight:
        # D(x_u, argmax_y p_c(y | x_u)): the logit of each row's most likely class
        chosen = ops.one_hot(ops.argmax(probabilities, axis=-1), ops.shape(pair_logits)[-1], dtype="float32")
        argmax_real = ops.mean(ops.softplus(-ops.sum(chosen * pair_logits, axis=-1)))
        real = (1.0 - argmax_real_weight) * real + argmax_real_weight * argmax_real
    return real + alpha * _mean(ops.softplus(ops.cast(fake_logits, "float32"))) + (1.0 - alpha) * pseudo


def triple_gan_classifier_adversarial_loss(pair_logits, class_probabilities, alpha=0.5):
    """The classifier's adversarial loss in Triple-GAN: `-(1 - alpha) E_x E_{y ~ p_c(y|x)}[log D(x, y)]`.

    The classifier is rewarded for labels the discriminator takes for real ones. This is
    the non-saturating form the authors' code trains with (`bce(D, 1)`); the paper writes
    the minimax `(1 - alpha) E_pc[log(1 - D(x, y))]`. The gradient reaches the classifier
    through `class_probabilities` (and the expectation is exact, so no REINFORCE estimator
    is needed).

    Args:
        pair_logits: D on each unlabelled image with each class, (U, K).
        class_probabilities: p_c(y | x), (U, K).
        alpha: as in `triple_gan_discriminator_loss`.

    Example:
    >>> round(float(triple_gan_classifier_adversarial_loss([[0.0, 0.0]], [[0.5, 0.5]])), 6)  # log 2 / 2
    0.346574

    Reference:
        Li, Xu, Zhu, Zhang. "Triple Generative Adversarial Nets", NeurIPS 2017.
    """
    alpha = number("alpha", alpha, low=0, high=1)
    probabilities = ops.cast(class_probabilities, "float32")
    return (1.0 - alpha) * ops.mean(ops.sum(probabilities * ops.softplus(-ops.cast(pair_logits, "float32")), axis=-1))


def conditional_entropy(class_probabilities, epsilon=1e-6):
    """Mean entropy of the predicted class distributions: `-E_x sum_y p(y|x) log p(y|x)`.

    Minimised on unlabelled images it makes a classifier confident (entropy
    regularisation, Grandvalet & Bengio 2005); the Triple-GAN authors' code adds it to
    the classifier's loss with weight 0.3. Probabilities are clipped to
    [epsilon, 1 - epsilon] inside the log, as in their code.

    Example:
    >>> round(float(conditional_entropy([[0.5, 0.5], [1.0, 0.0]])), 4)  # (log 2 + 0) / 2
    0.3466

    Reference:
        Grandvalet, Bengio. "Semi-supervised Learning by Entropy Minimization", NeurIPS 2005.
    """
    p = ops.cast(class_probabilities, "float32")
    return -ops.mean(ops.sum(p * ops.log(ops.clip(p, epsilon, 1.0 - epsilon)), axis=-1))


def class_balance_loss(class_probabilities, epsilon=1e-6):
    """Cross-entropy of the batch's mean prediction against the uniform: `-(1/K) sum_y log E_x[p(y|x)]`.

    Keeps an entropy-regularised classifier from putting every unlabelled image in one
    class; the Triple-GAN authors' code weighs it 1e-3. Its minimum, log K, is reached
    when the batch's mean prediction is uniform.

    Example:
    >>> round(float(class_balance_loss([[1.0, 0.0], [0.0, 1.0]])), 6)  # mean (1/2, 1/2): log 2
    0.693147
    """
    mean = ops.mean(ops.cast(class_probabilities, "float32"), axis=0)
    return -ops.mean(ops.log(ops.clip(mean, epsilon, 1.0 - epsilon)))

# --------------------------------------------------------------------------------------
# StyleGAN (Karras, Laine, Aila 2019): the R1 penalty of Mescheder, Geiger, Nowozin (2018)


def r1_penalty(critic, real):
    """R1 penalty on real data, without its weight: `E[||grad_x D(x)||_2^2]`.

    The discriminator is pushed towards zero gradient on the data (Mescheder et al.
    2018, Eq. 9: `R1 = gamma / 2 E[||grad D(x)||^2]`); StyleGAN trains with it, gamma = 10.
    The caller multiplies by `gamma / 2` (and, for lazy regularisation every k steps,
    by k: Karras et al. 2020, Sec. 3.1). No square root, so no epsilon is needed. The
    gradient of the sum of the scores is taken, which is each sample's own gradient since
    the samples are scored independently (a minibatch-std discriminator couples them
    slightly, as in the authors' code). Computed in float32 whatever the critic's dtype.

    Args:
        critic: a callable images -> scores (N, 1); called with `training=True`.
        real: real images (N, H, W, C).

    Returns:
        A float32 scalar.

    Example:
    >>> critic = lambda x, training=False: 2.0 * tf.reduce_sum(x, axis=[1, 2, 3])[:, None]
    >>> float(r1_penalty(critic, tf.zeros((2, 1, 1, 3))))  # ||(2, 2, 2)||^2
    12.0

    Reference:
        Mescheder, Geiger, Nowozin. "Which Training Methods for GANs do actually Converge?",
        ICML 2018. https://arxiv.org/abs/1801.04406
    """
    real = ops.cast(real, "float32")
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = critic(real, training=True)
        total = ops.sum(ops.cast(scores, "float32"))
    grads = ops.cast(tape.gradient(total, real), "float32")
    return ops.mean(ops.sum(ops.square(grads), axis=list(range(1, len(grads.shape)))))

# --- CycleGAN (Zhu et al. 2017): cycle consistency and identity ------------------------------
# The adversarial terms are the least-squares ones above (Zhu et al. Sec. 4, following Mao et al.).


def cycle_consistency_loss(real, reconstructed):
    """Cycle-consistency loss: `E[||F(G(x)) - x||_1]`, the mean absolute error over pixels.

    One direction of Zhu et al.'s Eq. 2, as their code computes it (`nn.L1Loss`, a mean
    over every pixel and channel); the model sums both directions and weighs them by
    lambda (10 in the paper).

    Args:
        real: the images x, (N, H, W, C).
        reconstructed: F(G(x)), the same shape.

    Example:
    >>> float(cycle_consistency_loss([[0.0, 1.0]], [[0.5, -1.0]]))  # (0.5 + 2) / 2
    1.25

    Reference:
        Zhu, Park, Isola, Efros. "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """
    return ops.mean(ops.abs(ops.cast(reconstructed, "float32") - ops.cast(real, "float32")))


def identity_loss(real, mapped):
    """Identity-mapping loss: `E[||G(y) - y||_1]`, a generator fed its own target domain should change nothing.

    Zhu et al. Sec. 5.2 (from Taigman et al. 2017): it keeps colour composition, e.g. in
    painting <-> photo; the model weighs it by `identity_weight * lambda` (0.5 * 10 in the
    authors' code).

    Example:
    >>> float(identity_loss([[1.0, -1.0]], [[1.0, 0.0]]))  # (0 + 1) / 2
    0.5

    Reference:
        Zhu et al. ICCV 2017, Sec. 5.2; Taigman, Polyak, Wolf. "Unsupervised Cross-Domain
        Image Generation", ICLR 2017.
    """
    return ops.mean(ops.abs(ops.cast(mapped, "float32") - ops.cast(real, "float32")))


# ------------------------------------------------------------------- StarGAN (Choi et al. 2018)


def attribute_classification_loss(logits, targets):
    """StarGAN's multi-label domain classification loss: sigmoid cross-entropy per attribute.

    `L_cls = E[sum_k -(c_k log sigmoid(l_k) + (1 - c_k) log(1 - sigmoid(l_k)))]`: summed over
    the K attributes and averaged over the batch (the authors' `binary_cross_entropy_with_logits(
    ..., size_average=False) / N` for CelebA). The discriminator minimises it on real images with
    their labels c' (Eq. 2), the generator on its translations with the target labels c (Eq. 3).

    Args:
        logits: (N, K) attribute logits D_cls(x).
        targets: (N, K) 0/1 attributes.

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(attribute_classification_loss([[0.0, 0.0]], [[1.0, 0.0]])), 6)  # 2 log 2
    1.386294

    Reference:
        Choi et al. "StarGAN", CVPR 2018, Eq. 2-3. https://arxiv.org/abs/1711.09020
    """
    logits = ops.cast(logits, "float32")
    targets = ops.cast(targets, "float32")
    per_attribute = ops.binary_crossentropy(targets, logits, from_logits=True)
    return ops.mean(ops.sum(per_attribute, axis=-1))


def reconstruction_loss(images, reconstructed):
    """StarGAN's reconstruction loss `L_rec = E[||x - G(G(x, c), c')||_1]` (Eq. 4), a mean over pixels.

    The translation back to the original labels c' must give the input again, so that G
    changes only what the domain asks (the authors' `torch.mean(torch.abs(x - x_rec))`): the
    L1 of CycleGAN's cycle term, with one generator doing both legs.

    Args:
        images: the inputs x.
        reconstructed: G(G(x, c), c'), same shape.

    Returns:
        A float32 scalar.

    Example:
    >>> round(float(reconstruction_loss([[0.0, 1.0]], [[0.5, -1.0]])), 6)  # (0.5 + 2) / 2
    1.25

    Reference:
        Choi et al. "StarGAN", CVPR 2018, Eq. 4.
    """
    return cycle_consistency_loss(images, reconstructed)

# ---------------------------------------------------------------------------------------------
# BigGAN (Brock, Donahue, Simonyan 2019): orthogonal regularisation of the generator's weights.


def orthogonal_regularization(weights, beta=1e-4):
    """BigGAN's orthogonal regularisation: `beta * sum_W ||W^T W ⊙ (1 - I)||_F^2`.

    Penalises the cosine-like overlap between different filters of each weight,
    leaving their norms free (the diagonal is masked out), which Brock et al. found
    makes the generator amenable to the truncation trick (Sec. 3.1, Eq. 3). Each
    weight is read as a matrix whose columns are its output units: a Dense kernel
    (in, out) as it is, a convolution kernel (kh, kw, in, out) as (kh kw in, out),
    so that W^T W is the (out, out) Gram matrix of the filters, as BigGAN-PyTorch's
    `ortho` reshapes its (out, in, kh, kw) weights to (out, in kh kw) and takes W W^T.
    Weights of fewer than two axes (biases, gains) are skipped, as there. The
    gradient of this loss is 4 beta W (W^T W ⊙ (1 - I)) per kernel; BigGAN-PyTorch
    adds half of it (2 beta), i.e. it minimises beta / 2 times this sum.

    Args:
        weights: a weight tensor or variable, or a list of them (e.g. a generator's
            kernels).
        beta: the regularisation strength (1e-4 in the paper), a finite number >= 0.

    Returns:
        A float32 scalar.

    Example:
    >>> import numpy as np
    >>> float(orthogonal_regularization(np.eye(3, dtype="float32"), beta=1.0))  # orthogonal columns
    0.0
    >>> w = np.array([[1.0, 1.0], [0.0, 2.0]], "float32")  # columns (1, 0), (1, 2): overlap 1
    >>> float(orthogonal_regularization(w, beta=1.0))  # both off-diagonal entries: 2 * 1^2
    2.0

    Reference:
        Brock, Donahue, Simonyan. "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019. https://arxiv.org/abs/1809.11096
    """
    beta = number("beta", beta, low=0.0)
    if not isinstance(weights, (list, tuple)):
        weights = [weights]
    total = ops.zeros((), "float32")
    for weight in weights:
        weight = ops.cast(ops.convert_to_tensor(weight), "float32")
        if len(weight.shape) < 2:
            continue
        matrix = ops.reshape(weight, (-1, weight.shape[-1]))
        gram = ops.matmul(ops.transpose(matrix), matrix)
        # W^T W ⊙ (1 - I): the overlaps of distinct filters.
        off_diagonal = gram * (1.0 - ops.eye(weight.shape[-1], dtype="float32"))
        total = total + ops.sum(ops.square(off_diagonal))
    return beta * total

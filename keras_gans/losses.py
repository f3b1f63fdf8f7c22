"""GAN losses as pure functions of critic scores (and, for the penalty, of the critic).

Conventions: `real_scores = D(x)`, `fake_scores = D(G(z))`, shape (N, 1) or (N,);
every function returns a scalar to *minimise*. Scores are cast to float32 so
the losses stay exact when the networks compute in half precision.
"""

import tensorflow as tf
from keras import ops


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


def _mean(scores):
    return ops.mean(ops.cast(scores, "float32"))

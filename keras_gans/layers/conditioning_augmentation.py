"""StackGAN's conditioning augmentation: a Gaussian around an embedding, sampled by reparametrisation."""

import keras
from keras import ops

from keras_gans import _validation


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditioningAugmentation(keras.layers.Layer):
    """c = mu(phi) + sigma(phi) * eps: a conditioning vector drawn around an embedding phi.

    A dense layer (LeakyReLU 0.2, as in the authors' TensorFlow code) maps the embedding
    to the mean mu and the log-variance log sigma^2 of a diagonal Gaussian, and c is
    drawn from it by reparametrisation, so that gradients reach mu and sigma. The layer
    takes eps ~ N(0, I) as its second input rather than drawing it, so that a generator's
    image is a function of its inputs (sampling, export) and the model's seeded noise
    supplies it in training. Returns `[c, mu, log_variance]`, each (N, units); the KL
    term against N(0, I) is `keras_gans.losses.conditioning_augmentation_kl`.

    Args:
        units: size of c (N_g = 128 in the paper).
        **kwargs: passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = ConditioningAugmentation(4)
    >>> c, mu, log_variance = layer([np.ones((2, 10), "float32"), np.zeros((2, 4), "float32")])
    >>> tuple(c.shape), bool(np.allclose(c, mu))  # eps = 0 gives c = mu
    ((2, 4), True)

    Reference:
        Zhang et al. "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, Sec. 3.3.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = _validation.positive_int("units", units)
        self.dense = keras.layers.Dense(2 * self.units, name="mean_and_log_variance")

    def build(self, input_shape):
        self.dense.build(input_shape[0])

    def call(self, inputs):
        embedding, epsilon = inputs
        statistics = ops.leaky_relu(self.dense(embedding), negative_slope=0.2)
        mu, log_variance = statistics[:, : self.units], statistics[:, self.units :]
        # c = mu + sigma * eps, sigma = exp(log sigma^2 / 2)  (reparametrisation, Sec. 3.3)
        c = mu + ops.exp(0.5 * log_variance) * ops.cast(epsilon, mu.dtype)
        return [c, mu, log_variance]

    def compute_output_shape(self, input_shape):
        shape = (input_shape[0][0], self.units)
        return [shape, shape, shape]

    def get_config(self):
        return {**super().get_config(), "units": self.units}

"""XLA: `compile(jit_compile=True)` trains every variant, and computes what the plain graph does."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import VARIANTS, WGANGP

from .checks import tiny_images, training_data


class IntegerNoiseWGANGP(WGANGP):
    """WGAN-GP whose noise comes from integer draws, which XLA and TF kernels make alike.

    XLA compiles `stateless_normal` and `stateless_uniform` to other float transforms than
    TensorFlow's kernels (same seed, different numbers); their integer draws agree.
    """

    def random_normal(self, shape):
        return tf.cast(self.random_integers(shape, -1000, 1001), "float32") / 500.0

    def random_uniform(self, shape):
        return tf.cast(self.random_integers(shape, 0, 1000), "float32") / 1000.0


def build(name, jit_compile, seed=0, cls=None):
    cls = cls or VARIANTS[name]
    kwargs = {"num_classes": 3} if cls.conditional else {}
    keras.utils.set_random_seed(seed)
    model = cls(*cls.default_networks(16, 1, latent_dim=8, width=4, **kwargs), seed=seed, **kwargs)
    model.compile(jit_compile=jit_compile)
    return model


def fit_two_steps(model):
    count = 4 * 2 * model.critic_steps  # tiny_dataset's batches of 4
    data = tf.data.Dataset.from_tensor_slices(training_data(type(model), tiny_images(count, 16), 3)).batch(4)
    history = model.fit(data, epochs=1, verbose=0)
    weights = [np.asarray(v) for v in model.discriminator.trainable_variables + model.generator.trainable_variables]
    return history.history, weights


def test_wgan_gp_under_xla_matches_the_plain_graph():
    # Same initial weights, data and noise: the double backward of the penalty compiled
    # by XLA must give the same two steps, up to float rounding.
    plain_history, plain_weights = fit_two_steps(build("wgan-gp", jit_compile=False, cls=IntegerNoiseWGANGP))
    xla_history, xla_weights = fit_two_steps(build("wgan-gp", jit_compile=True, cls=IntegerNoiseWGANGP))
    for name, values in plain_history.items():
        np.testing.assert_allclose(xla_history[name], values, rtol=1e-3, atol=1e-4, err_msg=name)
    for plain, xla in zip(plain_weights, xla_weights):
        np.testing.assert_allclose(xla, plain, rtol=1e-3, atol=1e-5)


@pytest.mark.large
@pytest.mark.parametrize("name", [n for n in VARIANTS if n != "wgan-gp"])
def test_every_variant_trains_under_xla(name):
    history, _ = fit_two_steps(build(name, jit_compile=True))
    for metric, values in history.items():
        assert np.all(np.isfinite(values)), f"{name}: {metric} = {values}"

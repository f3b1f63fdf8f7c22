"""A stub GAN exposing only what callbacks may use: generator, latent_dim, num_classes, draw_inputs, generate, score."""

import keras
import numpy as np
import pytest
from keras import layers


def known_sequence(step):
    """Per-step metric values of the stub, a function of the 1-based global step."""
    return {
        "d_loss": 3.0 * np.sin(step) + 0.5,
        "g_loss": (-1.0) ** step * step,
        "gp": step * step / 100.0,
        "wasserstein": 1.0 / (step + 1.0),
    }


class StubGAN(keras.Model):
    """Tiny stand-in for a GAN: Dense -> tanh -> (size, size, channels); critic = mean pixel.

    `train_step` reports `keras.metrics.Mean` trackers, like the real models, fed
    with `known_sequence(step)` so tests know every per-step value; it also nudges
    the generator's bias so consecutive frames differ.
    """

    def __init__(self, latent_dim=4, size=8, channels=3, keys=("d_loss", "g_loss", "gp", "wasserstein")):
        super().__init__()
        self.latent_dim = latent_dim
        self.num_classes = None
        self.generator = keras.Sequential(
            [
                keras.Input((latent_dim,)),
                layers.Dense(size * size * channels, activation="tanh"),
                layers.Reshape((size, size, channels)),
            ]
        )
        # Realness score = mean pixel, so the best samples are known in advance.
        self.discriminator = keras.Sequential(
            [
                keras.Input((size, size, channels)),
                layers.Lambda(lambda x: keras.ops.mean(x, axis=(1, 2, 3))[:, None]),
            ]
        )
        self.trackers = {k: keras.metrics.Mean(name=k) for k in keys}
        self.counter = keras.Variable(0.0, trainable=False, name="counter")
        self.generate_calls = []

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def draw_inputs(self, count, seed=None):
        # As BaseGAN draws a latent model's fixed inputs.
        return np.random.default_rng(seed).standard_normal((count, self.latent_dim)).astype("float32")

    def generate(self, z, labels=None):
        self.generate_calls.append(labels)
        return self.generator(z, training=False)

    def score(self, images, labels=None):
        return keras.ops.reshape(self.discriminator(images, training=False), (-1,))

    def train_step(self, data):
        self.counter.assign_add(1.0)
        step = self.counter
        # known_sequence, in tensor ops.
        values = {
            "d_loss": 3.0 * keras.ops.sin(step) + 0.5,
            "g_loss": keras.ops.where(keras.ops.mod(step, 2.0) == 0, step, -step),
            "gp": step * step / 100.0,
            "wasserstein": 1.0 / (step + 1.0),
        }
        for key, tracker in self.trackers.items():
            tracker.update_state(values[key])
        bias = self.generator.layers[0].bias
        bias.assign_add(keras.ops.full(bias.shape, 0.05))
        return {key: tracker.result() for key, tracker in self.trackers.items()}


@pytest.fixture
def make_gan():
    """Factory: make_gan(latent_dim=4, size=8, channels=3, keys=...) -> compiled StubGAN."""

    def make(**kwargs):
        model = StubGAN(**kwargs)
        # Eager: no tracing, which dominates the cost of these tiny fits.
        model.compile(run_eagerly=True)
        return model

    return make


@pytest.fixture
def run_fit():
    """run_fit(model, callbacks, epochs=3, steps=3, **fit_kwargs): `steps` steps an epoch."""

    def run(model, callbacks, epochs=3, steps=3, **kwargs):
        x = np.zeros((steps, 1), np.float32)
        return model.fit(x, batch_size=1, epochs=epochs, callbacks=callbacks, verbose=0, **kwargs)

    return run


@pytest.fixture
def sequence():
    return known_sequence

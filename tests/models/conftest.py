import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import WGANGP
from keras_gans.networks import build_critic, build_generator

SIZE, CHANNELS, LATENT = 16, 1, 8


def tiny_wgan_gp(**kwargs):
    kwargs.setdefault("critic_steps", 2)
    kwargs.setdefault("seed", 0)
    return WGANGP(
        build_generator(SIZE, CHANNELS, latent_dim=LATENT, width=4),
        build_critic(SIZE, CHANNELS, width=4),
        **kwargs,
    )


def image_batches(num_batches, batch_size=4, offset=0.0):
    """A dataset whose batch i holds images filled with the value (offset + i) / 100."""
    values = np.repeat(np.arange(num_batches, dtype="float32") + offset, batch_size) / 100.0
    images = np.broadcast_to(values[:, None, None, None], (len(values), SIZE, SIZE, CHANNELS)).copy()
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


@pytest.fixture
def model():
    m = tiny_wgan_gp()
    m.compile()
    return m

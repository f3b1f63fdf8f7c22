"""`.keras` files saved by an earlier release still load and train on.

The fixtures were written by `tests/fixtures/make_fixtures.py` at commit 5f93755 (before BaseGAN
was split into modules and learned N players); a model saved by a user then must keep working.
"""

import os

import keras
import numpy as np
import pytest

import keras_gans

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


@pytest.mark.parametrize(
    "filename, cls, num_classes",
    [("wgan_gp_5f93755.keras", keras_gans.WGANGP, None), ("cgan_5f93755.keras", keras_gans.CGAN, 3)],
)
def test_old_file_loads_and_trains_on(filename, cls, num_classes):
    model = keras.models.load_model(os.path.join(FIXTURES, filename))
    assert type(model) is cls and model.num_classes == num_classes and model.latent_dim == 4
    # The optimizers come back with their state: one epoch of two batches of 4 was saved.
    steps = 2 // model.critic_steps
    assert int(model.d_optimizer.iterations) == 2 and int(model.g_optimizer.iterations) == steps
    before = [w.copy() for w in model.generator.get_weights()]
    images = np.random.default_rng(1).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    labels = None if num_classes is None else np.arange(8) % 3
    history = model.fit(images, labels, batch_size=4, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(model.g_optimizer.iterations) == 2 * steps
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.generator.get_weights()))

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


def test_import_keras_gans_is_enough_to_load_a_saved_model():
    # A fresh process: `import keras_gans` must register the variants with Keras.
    import subprocess
    import sys

    path = os.path.join(FIXTURES, "wgan_gp_5f93755.keras")
    script = f"import keras, keras_gans; print(type(keras.models.load_model({path!r})).__name__)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         cwd=os.path.normpath(os.path.join(FIXTURES, "..", "..")))
    assert out.returncode == 0 and out.stdout.strip().endswith("WGANGP"), out.stderr[-2000:]

"""CycleGAN: four players in two phases, the objective's terms by hand, the pool, the schedule, translation, export."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator, losses
from keras_gans.models import CycleGAN
from keras_gans.models._lr_schedule import ConstantThenLinearDecay
from keras_gans.networks import build_patch_discriminator, build_resnet_generator

from .checks import _moved, _values, check_keras_round_trip

SIZE = 16


def tiny(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    networks = (
        build_resnet_generator(SIZE, 1, width=2, blocks=1, name="generator"),
        build_patch_discriminator(SIZE, 1, width=2, name="discriminator_y"),
        build_resnet_generator(SIZE, 1, width=2, blocks=1, name="inverse_generator"),
        build_patch_discriminator(SIZE, 1, width=2, name="discriminator_x"),
    )
    model = CycleGAN(*networks, seed=seed, **kwargs)
    model.compile()
    return model


def domains(batches=3, batch_size=2, seed=0):
    """Fixed unpaired batches: A bright-ish, B dark-ish noise, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-0.2, 1, (batches * batch_size, SIZE, SIZE, 1)).astype("float32")
    b = rng.uniform(-1, 0.2, (batches * batch_size, SIZE, SIZE, 1)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((a, b)).batch(batch_size, drop_remainder=True)


def test_default_networks_are_the_papers_and_options_are_checked():
    g, d_y, f, d_x = CycleGAN.default_networks(image_size=16, channels=3, width=4)
    assert sum(isinstance(layer, keras.layers.Add) for layer in g.layers) == 6  # 6 blocks below 256 px
    assert tuple(d_y.output.shape) == (None, 6, 6, 1) and f.name == "inverse_generator"
    model = tiny()
    assert model.discriminator_y is model.discriminator and model.input_name == "images" and model.two_domains
    assert set(model.optimizers()) == {"d_optimizer", "g_optimizer", "f_optimizer", "dx_optimizer"}
    adam = model.f_optimizer
    assert float(adam.learning_rate) == pytest.approx(2e-4) and float(adam.beta_1) == pytest.approx(0.5)
    for kwargs, match in [
        ({"cycle_weight": -1.0}, "cycle_weight must be a finite number >= 0, got -1.0"),
        ({"pool_size": -1}, "pool_size"),
        ({"decay_start_step": 5}, "decay_start_step=5 needs total_steps"),
        ({"total_steps": 10, "decay_start_step": 10}, "decay_start_step must be < total_steps=10, got 10"),
    ]:
        with pytest.raises(ValueError, match=match):
            tiny(**kwargs)
    with pytest.raises(ValueError, match="four networks must each take one image input of the same shape"):
        CycleGAN(g, d_y, build_resnet_generator(8, 3, width=4, blocks=1), d_x)


def test_each_phase_moves_only_its_players():
    model = tiny()
    x, y = next(iter(domains()))
    nets = {name: getattr(model, name).trainable_variables for name, _ in model.players}
    before = {name: _values(v) for name, v in nets.items()}
    _, fakes = model.generators_step(x, y)
    moved = {name: any(_moved(before[name], v)) for name, v in nets.items()}
    assert moved == {"generator": True, "inverse_generator": True, "discriminator": False, "discriminator_x": False}
    before = {name: _values(v) for name, v in nets.items()}
    model.discriminators_step(x, y, *fakes)
    moved = {name: any(_moved(before[name], v)) for name, v in nets.items()}
    assert moved == {"generator": False, "inverse_generator": False, "discriminator": True, "discriminator_x": True}


def test_reported_terms_are_the_objectives_terms():
    model = tiny(identity_weight=0.5)
    x, y = next(iter(domains()))
    g, f, d_y, d_x = model.generator, model.inverse_generator, model.discriminator, model.discriminator_x
    # Computed from the networks before the update, term by term (Eq. 1-3, Sec. 5.2).
    expected = {
        "g_loss": float(np.mean((np.asarray(d_y(g(x))) - 1.0) ** 2)),
        "f_loss": float(np.mean((np.asarray(d_x(f(y))) - 1.0) ** 2)),
        "cycle": float(np.mean(np.abs(np.asarray(f(g(x))) - x)) + np.mean(np.abs(np.asarray(g(f(y))) - y))),
        "identity": float(np.mean(np.abs(np.asarray(g(y)) - y)) + np.mean(np.abs(np.asarray(f(x)) - x))),
    }
    values, (fake_y, fake_x) = model.generators_step(x, y)
    for key, value in expected.items():
        assert float(values[key]) == pytest.approx(value, rel=1e-4), key
    # The discriminators: 1/2 E[(D(y) - 1)^2] + 1/2 E[D(fake)^2]; the pool is filling, so the fakes pass as they are.
    dy_expected = float(losses.least_squares_discriminator_loss(d_y(y), d_y(fake_y)))
    assert float(model.discriminators_step(x, y, fake_y, fake_x)["dy_loss"]) == pytest.approx(dy_expected, rel=1e-4)
    assert int(model.pool_y.count) == 2 and int(model.pool_x.count) == 2
    np.testing.assert_allclose(np.asarray(model.pool_y.images)[:2], np.asarray(fake_y), atol=1e-6)


@pytest.mark.large
def test_fit_steps_every_optimizer_once_per_step_and_fills_the_pools():
    model = tiny(pool_size=4)
    history = model.fit(domains(batches=3), epochs=1, verbose=0)
    assert sorted(history.history) == sorted(model.metric_names)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert {name: int(o.iterations) for name, o in model.optimizers().items()} == dict.fromkeys(model.optimizers(), 3)
    assert int(model.pool_y.count) == 4
    with pytest.raises(ValueError, match=r"unpaired \(x_a, x_b\) batches"):
        model.fit(np.zeros((4, SIZE, SIZE, 1), "float32"), batch_size=2, verbose=0)


def test_learning_rate_constant_then_linear_to_zero():
    schedule = ConstantThenLinearDecay(2e-4, total_steps=10, decay_start_step=4)
    assert [round(float(schedule(t)), 8) for t in (0, 4, 7, 10, 11)] == [2e-4, 2e-4, 1e-4, 0.0, 0.0]
    assert ConstantThenLinearDecay.from_config(schedule.get_config()).get_config() == schedule.get_config()
    assert ConstantThenLinearDecay(1.0, total_steps=10).decay_start_step == 5  # the paper's half and half


@pytest.mark.large
def test_learning_rate_schedule_is_followed_and_resumed(tmp_path):
    model = tiny(total_steps=4, decay_start_step=2)
    model.fit(domains(batches=3), epochs=1, verbose=0)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(2e-4 * (4 - 3) / 2)
    model.save(tmp_path / "c.keras")
    loaded = keras.models.load_model(tmp_path / "c.keras")
    assert float(loaded.dx_optimizer.learning_rate) == pytest.approx(1e-4)
    assert loaded.total_steps == 4 and loaded.decay_start_step == 2


@pytest.mark.large  # three fits of four networks: about 50 s of the default suite's budget
def test_fit_then_keras_round_trip_keeps_four_optimizers_and_the_pools(tmp_path):
    model = tiny(pool_size=3)
    data = domains(batches=2)
    history = model.fit(data, epochs=1, verbose=0)
    assert sorted(history.history) == sorted(model.metric_names)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert {name: int(o.iterations) for name, o in model.optimizers().items()} == dict.fromkeys(model.optimizers(), 2)
    loaded = check_keras_round_trip(model, data, tmp_path)
    np.testing.assert_array_equal(np.asarray(loaded.pool_x.images), np.asarray(model.pool_x.images))
    assert int(loaded.pool_y.count) == int(model.pool_y.count) == 3


class _StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise KeyboardInterrupt


@pytest.mark.large
def test_backup_and_restore_resumes_the_pools_exactly(tmp_path):
    data = domains(batches=2)
    reference = tiny(pool_size=3)
    reference.fit(data, epochs=2, verbose=0)
    interrupted = tiny(pool_size=3)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(data, epochs=2, verbose=0, callbacks=[
            keras.callbacks.BackupAndRestore(str(tmp_path / "backup")), _StopAfterFirstEpoch()])
    resumed = tiny(seed=1, pool_size=3)  # other weights and empty pools, all overwritten by the backup
    resumed.fit(data, epochs=2, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    for pool in ("pool_x", "pool_y"):
        np.testing.assert_allclose(np.asarray(getattr(resumed, pool).images),
                                   np.asarray(getattr(reference, pool).images), atol=1e-5, err_msg=pool)
    for a, b in zip(reference.weights, resumed.weights):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-5, atol=1e-5, err_msg=a.path)


def test_translate_both_directions_and_export_g_and_f_served_without_keras_gans(tmp_path):
    model = tiny()
    images = np.random.default_rng(3).uniform(-1, 1, (3, SIZE, SIZE, 1)).astype("float32")
    a_to_b, b_to_a = model.translate(images), model.translate(images, direction="b_to_a")
    np.testing.assert_allclose(a_to_b, np.asarray(model.generator(images)), atol=1e-6)
    np.testing.assert_allclose(b_to_a, np.asarray(model.inverse_generator(images)), atol=1e-6)
    with pytest.raises(ValueError, match="direction must be one of 'a_to_b', 'b_to_a'; got 'up'"):
        model.translate(images, direction="up")
    assert model.inverse().generator is model.inverse_generator
    paths = {"a_to_b": export_generator(model, tmp_path / "g"), "b_to_a": export_generator(model.inverse(), tmp_path / "f")}
    np.save(tmp_path / "images.npy", images)
    script = textwrap.dedent(f"""
        import json, sys, numpy as np, tensorflow as tf
        images = tf.constant(np.load({str(tmp_path / "images.npy")!r}))
        for name, path in json.loads(sys.argv[1]).items():
            loaded = tf.saved_model.load(path)
            np.save(path + ".npy", loaded.serve(images=images)["images"].numpy())
        print("keras_gans" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script, json.dumps({k: str(v) for k, v in paths.items()})],
                         capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
    np.testing.assert_allclose(np.load(str(paths["a_to_b"]) + ".npy"), a_to_b, atol=1e-5)
    np.testing.assert_allclose(np.load(str(paths["b_to_a"]) + ".npy"), b_to_a, atol=1e-5)


def test_translation_columns_are_each_inputs_translation_and_round_trip():
    # The GIF's columns (FixedNoiseGIF): an image of A (label 0) shows G(x), F(G(x)); one of B F(y), G(F(y)).
    model = tiny()
    images = np.random.default_rng(3).uniform(-1, 1, (3, SIZE, SIZE, 1)).astype("float32")
    (name, forward), (back_name, back) = model.translation_columns(images, [0, 1, 0])
    assert (name, back_name) == ("translated", "round trip")
    g, f = model.generator, model.inverse_generator
    np.testing.assert_allclose(forward[[0, 2]], g(images[[0, 2]], training=False), atol=1e-6)
    np.testing.assert_allclose(back[[0, 2]], f(g(images[[0, 2]], training=False), training=False), atol=1e-6)
    np.testing.assert_allclose(forward[1], f(images[1:2], training=False)[0], atol=1e-6)
    np.testing.assert_allclose(back[1], g(f(images[1:2], training=False), training=False)[0], atol=1e-6)
    (_, all_a), _ = model.translation_columns(images)  # no labels: all of A
    np.testing.assert_allclose(all_a, g(images, training=False), atol=1e-6)
    with pytest.raises(ValueError, match=r"labels must be 3 domains, 0 \(A\) or 1 \(B\), got \[0, 2, 1\]"):
        model.translation_columns(images, [0, 2, 1])

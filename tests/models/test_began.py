import os

import keras
import numpy as np
import pytest

from keras_gans import cli, losses
from keras_gans.models import BEGAN

from ..test_resume import assert_same_state, fixed_batches
from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset, tiny_images

SIZE, LATENT = 16, 8


def tiny_began(**kwargs):
    kwargs.setdefault("seed", 0)
    return BEGAN(*BEGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


@pytest.fixture(scope="module")
def trained():
    model = tiny_began(diversity_ratio=0.7, k_learning_rate=0.1)
    model.compile()
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["convergence", "d_fake", "d_loss", "d_real", "g_loss", "k"]
    return model


def test_papers_settings():
    model = tiny_began()
    assert (model.diversity_ratio, model.k_learning_rate, float(model.k)) == (0.5, 0.001, 0.0)
    check_adam(model, 1e-4, 0.5, 0.999)
    assert (BEGAN.defaults.latent_dim, BEGAN.defaults.width) == (64, 64)
    # z ~ U[-1, 1] in training and for the fixed inputs of the callbacks.
    z = np.asarray(model.sample_latent(512))
    assert -1 <= z.min() < -0.9 and 0.9 < z.max() <= 1
    drawn = model.draw_inputs(512, seed=0)
    assert -1 <= drawn.min() < -0.9 and 0.9 < drawn.max() <= 1
    np.testing.assert_array_equal(drawn, model.draw_inputs(512, seed=0))


@pytest.mark.parametrize("size,latent_dim,embedding", [(64, 64, 64), (128, 64, 64), (32, 64, 32), (16, 64, 16),
                                                        (16, 8, 2), (8, 2, 1)])
def test_the_embedding_is_the_latent_size_from_64_px_and_shrinks_with_the_side_below(size, latent_dim, embedding):
    # N_h = N_z at the paper's 64 px; N_z * side / 64 below (a departure, see BEGAN.embedding_size).
    assert BEGAN.embedding_size(size, latent_dim) == embedding
    if size <= 32:
        _, discriminator = BEGAN.default_networks(size, 1, latent_dim=latent_dim, width=2)
        assert tuple(discriminator.outputs[1].shape) == (None, embedding)


def test_each_phase_moves_only_its_network():
    model = tiny_began()
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))


def test_discriminator_step_uses_k_and_updates_it_by_the_controller():
    real = tiny_images(4)
    model = tiny_began(k_learning_rate=0.5)
    model.compile()
    model.k.assign(0.3)
    metrics = model.discriminator_step(real)
    loss_real, loss_fake = float(metrics["d_real"]), float(metrics["d_fake"])
    assert float(metrics["k"]) == pytest.approx(0.3)
    # L_D = L(x) - k_t L(G(z)); k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1); M_global
    assert float(metrics["d_loss"]) == pytest.approx(loss_real - 0.3 * loss_fake, rel=1e-5)
    expected_k = np.clip(0.3 + 0.5 * (0.5 * loss_real - loss_fake), 0, 1)
    assert float(model.k) == pytest.approx(expected_k, rel=1e-5)
    assert float(metrics["convergence"]) == pytest.approx(loss_real + abs(0.5 * loss_real - loss_fake), rel=1e-5)
    # L(x) is the mean absolute error of the discriminator's reconstruction.
    model = tiny_began()
    model.compile(d_optimizer=keras.optimizers.SGD(0.0))
    reconstruction, _ = model.discriminator(real, training=True)
    metrics = model.discriminator_step(real)
    assert float(metrics["d_real"]) == pytest.approx(float(losses.began_reconstruction_loss(real, reconstruction)),
                                                     rel=1e-5)


def test_k_stays_within_0_and_1():
    model = tiny_began(k_learning_rate=1e3)
    model.compile()
    for _ in range(3):
        model.discriminator_step(tiny_images(4))
        assert float(model.k) in (0.0, 1.0)


def test_keras_round_trip_keeps_k(trained, tmp_path):
    trained.k.assign(0.37)
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert (loaded.diversity_ratio, loaded.k_learning_rate) == (0.7, 0.1)
    assert float(loaded.k) == float(trained.k) and float(trained.k) != 0.37  # both stepped on from 0.37


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def build(seed=0):
    keras.utils.set_random_seed(seed)
    model = tiny_began(k_learning_rate=0.2, seed=seed)
    model.compile()
    return model


@pytest.mark.large
def test_k_is_restored_exactly_by_backup_and_restore_and_by_save_load(tmp_path):
    reference = build()
    reference.fit(fixed_batches(reference), epochs=2, verbose=0)
    assert float(reference.k) > 0

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    interrupted = build()
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(fixed_batches(interrupted), epochs=2, verbose=0,
                        callbacks=[keras.callbacks.BackupAndRestore(tmp_path / "backup"), Interrupt()])
    restarted = build(seed=7)
    restarted.fit(fixed_batches(restarted), epochs=2, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(tmp_path / "backup")])
    assert_same_state(restarted, reference)
    assert float(restarted.k) == pytest.approx(float(reference.k), abs=1e-7)

    first = build()
    first.fit(fixed_batches(first), epochs=1, verbose=0)
    first.save(tmp_path / "one_epoch.keras")
    loaded = keras.models.load_model(tmp_path / "one_epoch.keras")
    assert float(loaded.k) == float(first.k)
    loaded.fit(fixed_batches(loaded), epochs=2, initial_epoch=1, verbose=0)
    assert float(loaded.k) == pytest.approx(float(reference.k), abs=1e-7)


@pytest.mark.large  # two CLI runs: ~90 s on a loaded 2-core machine
def test_cli_resume_starts_from_the_saved_k(tmp_path):
    out = tmp_path / "run"
    train = ["train", "began", "--dataset", "digits", "--image-size", "16", "--width", "4", "--latent-dim", "8",
             "--batch-size", "8", "--steps-per-epoch", "2", "--verbose", "0", "--param", "k_learning_rate=0.5",
             "--out", str(out)]
    assert cli.main([*train, "--epochs", "1"]) == 0
    saved = float(keras.models.load_model(out / "model.keras").k)
    assert saved > 0
    assert cli.main([*train, "--epochs", "2", "--resume"]) == 0
    with open(out / "losses.csv") as f:
        header, *rows = [line.strip().split(",") for line in f]
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    # The first resumed step's loss used exactly the k_t the first run ended with.
    assert float(rows[2][header.index("k")]) == pytest.approx(saved, abs=1e-7)
    assert os.path.exists(out / "model.keras")

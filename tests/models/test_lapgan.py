"""LAPGAN: the levels' shapes, the coarse-to-fine chain, independent per-level updates, saves and export."""

import keras
import numpy as np
import pytest

from keras_gans import pyramid
from keras_gans.models import LAPGAN
from keras_gans.networks import build_lapgan_networks, pyramid_sides

from .checks import _moved, _values, check_export, check_fit, tiny_dataset

SIZE, LATENT = 16, 8


def tiny(seed=0, size=SIZE, **kwargs):
    keras.utils.set_random_seed(seed)
    model = LAPGAN(*LAPGAN.default_networks(size, 1, latent_dim=LATENT, width=4), seed=seed, **kwargs)
    model.compile()
    return model


def test_levels_halve_down_to_8_px_and_each_generator_has_its_levels_shape():
    assert pyramid_sides(16) == [8, 16] and pyramid_sides(32) == [8, 16, 32] and pyramid_sides(28) == [7, 14, 28]
    model = tiny(size=32)
    assert model.levels == 3
    assert [tuple(g.outputs[0].shape[1:]) for g in model.generators] == [(8, 8, 1), (16, 16, 1), (32, 32, 1)]
    assert [len(d.inputs) for d in model.discriminators] == [1, 2, 2]
    # The players: one (generator, discriminator) pair per level, each with its optimizers.
    assert set(model.optimizers()) == {"d_optimizer", "g_optimizer", "d_optimizer_1", "g_optimizer_1",
                                       "d_optimizer_2", "g_optimizer_2"}
    assert model.latent_dim == LATENT + 16 * 16 + 32 * 32 and model.noise_sizes() == [LATENT, 256, 1024]
    z = model.draw_inputs(2, seed=0)
    levels = model.sample_levels(z)
    assert [level.shape for level in levels] == [(2, 8, 8, 1), (2, 16, 16, 1), (2, 32, 32, 1)]
    np.testing.assert_allclose(model.generate(z), levels[-1], atol=1e-5)


def test_a_sample_at_level_k_is_level_k_minus_1_upsampled_plus_its_residual():
    model = tiny()
    z = model.draw_inputs(3, seed=1)
    coarse, fine = model.sample_levels(z)
    np.testing.assert_allclose(coarse, np.asarray(model.generator(z[:, :LATENT], training=False)), atol=1e-6)
    upsampled = np.asarray(pyramid.upsample(coarse))
    noise = z[:, LATENT:].reshape(3, SIZE, SIZE, 1)
    residual = np.asarray(model.generators[1]([noise, upsampled], training=False))
    np.testing.assert_allclose(fine, np.clip(upsampled + residual, -1, 1), atol=1e-5)
    # Only z_0 changed: the coarse image changes and with it the fine one, through upsample(coarse).
    other = z.copy()
    other[:, :LATENT] = model.draw_inputs(3, seed=2)[:, :LATENT]
    assert np.abs(model.generate(other) - fine).max() > 1e-4


def test_score_sums_every_levels_logit_on_the_images_own_pyramid():
    model = tiny()
    images = np.random.default_rng(0).uniform(-1, 1, (3, SIZE, SIZE, 1)).astype("float32")
    (low, _), (residual, coarse) = model.training_pyramid(images)
    expected = (np.asarray(model.discriminator(low, training=False))[:, 0]
                + np.asarray(model.discriminators[1]([residual, coarse], training=False))[:, 0])
    np.testing.assert_allclose(np.asarray(model.score(images)), expected, rtol=1e-5, atol=1e-6)


def test_real_pyramid_levels_are_what_each_level_trains_on():
    model = tiny()
    images = np.random.default_rng(0).uniform(-1, 1, (2, SIZE, SIZE, 1)).astype("float32")
    (low, none), (residual, coarse) = model.training_pyramid(images)
    assert none is None
    np.testing.assert_allclose(np.asarray(residual + coarse), images, atol=1e-5)
    np.testing.assert_allclose(np.asarray(low), np.asarray(pyramid.downsample(images)), atol=1e-6)


def test_one_step_moves_every_levels_weights_and_counts_each_players_updates():
    model = tiny(critic_steps=2)
    players = {name: getattr(model, name).trainable_variables for name, _ in model.players}
    before = {name: _values(variables) for name, variables in players.items()}
    history = check_fit(model, tiny_dataset(batches=2))  # 2 batches, 2 critic steps: one step
    for name, variables in players.items():
        assert all(_moved(before[name], variables)), name
    counts = {name: int(optimizer.iterations) for name, optimizer in model.optimizers().items()}
    assert counts == {"d_optimizer": 2, "g_optimizer": 1, "d_optimizer_1": 2, "g_optimizer_1": 1}
    assert {"d_loss", "g_loss", "d_loss_0", "g_loss_1", "d_real_1", "d_fake_0"} <= set(history.history)
    logs = {key: values[-1] for key, values in history.history.items()}
    assert logs["d_loss"] == pytest.approx(logs["d_loss_0"] + logs["d_loss_1"], rel=1e-5)


def test_level_k_phase_moves_only_level_ks_discriminator():
    model = tiny()
    real = next(iter(tiny_dataset(batches=1)))
    levels = model.training_pyramid(real)
    networks = model.networks()
    before = {name: _values(n.trainable_variables) for name, n in networks.items()}
    model.level_discriminator_step(1, *levels[1])
    moved = {name: any(_moved(before[name], n.trainable_variables)) for name, n in networks.items()}
    assert moved == {"generator": False, "discriminator": False, "generator_1": False, "discriminator_1": True}


@pytest.mark.large  # tens of seconds: two traced fits, a save, a load and an export
def test_keras_round_trip_and_export(tmp_path):
    model = tiny()
    model.fit(tiny_dataset(batches=2), verbose=0)
    model.save(tmp_path / "lapgan.keras")
    loaded = keras.models.load_model(tmp_path / "lapgan.keras")
    assert type(loaded) is LAPGAN and loaded.levels == 2 and loaded.latent_dim == model.latent_dim
    for name, optimizer in model.optimizers().items():
        assert int(loaded.optimizers()[name].iterations) == int(optimizer.iterations), name
    z = model.draw_inputs(3, seed=4)
    np.testing.assert_allclose(loaded.generate(z), model.generate(z), atol=1e-5)
    check_export(model, tmp_path)


def test_mismatched_levels_are_refused():
    generators, discriminators = build_lapgan_networks(16, 1, latent_dim=LATENT, width=4)
    with pytest.raises(ValueError, match="one generator and one discriminator per level.*got 2 generators and 1"):
        LAPGAN(generators, discriminators[:1])
    with pytest.raises(ValueError, match=r"LAPGAN level 1 must generate \(N, 16, 16, 1\)"):
        LAPGAN(generators[:1] + generators[:1], discriminators)
    with pytest.raises(ValueError, match="LAPGAN does not pack samples: pack must be 1, got 2"):
        LAPGAN(generators, discriminators, pack=2)


def test_the_fixed_noise_gif_draws_the_whole_chain_at_the_final_resolution(tmp_path):
    from keras_gans.callbacks import FixedNoiseGIF

    model = tiny()
    gif = FixedNoiseGIF(tmp_path / "gif", num_images=4, seed=0)
    model.fit(tiny_dataset(batches=1), verbose=0, callbacks=[gif])
    noise = np.load(gif.noise_path)
    assert noise.shape == (4, model.latent_dim)  # z_0 and the 16x16 noise plane of level 1
    assert model.generate(noise).shape == (4, SIZE, SIZE, 1)
    assert (tmp_path / "gif" / "training.gif").exists()

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses
from keras_gans.models import DRAGAN

from .checks import LATENT, SIZE, check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset


def tiny(**kwargs):
    kwargs.setdefault("seed", 0)
    model = DRAGAN(*DRAGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)
    model.compile()
    return model


def test_defaults_are_the_authors():
    model = tiny()
    assert model.critic_steps == 1 and model.gradient_penalty_weight == 10.0
    assert model.gradient_penalty_target == 1.0 and model.one_sided is False
    check_adam(model, 1e-4, 0.5, 0.9)
    assert DRAGAN.defaults.latent_dim == 100
    names = [layer.__class__.__name__ for layer in model.discriminator.layers]
    assert "BatchNormalization" not in names and "LayerNormalization" in names


def test_fit_reports_finite_metrics():
    history = check_fit(tiny(), tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss", "gp"]


def test_each_phase_moves_only_its_own_player():
    check_phases(tiny(), next(iter(tiny_dataset(batches=1))))


def test_discriminator_loss_is_bce_plus_lambda_times_the_penalty_at_perturbed_real_points():
    # The same seed draws the same noise: rebuild the step's draws and recompute the loss by hand.
    model = tiny(gradient_penalty_weight=3.0, gradient_penalty_target=0.5, one_sided=True)
    twin = tiny(gradient_penalty_weight=3.0, gradient_penalty_target=0.5, one_sided=True)
    twin.discriminator.set_weights(model.discriminator.get_weights())
    twin.generator.set_weights(model.generator.get_weights())
    real = next(iter(tiny_dataset(batches=1)))
    values = model.discriminator_step(real)
    fake, _ = twin.fake_batch(4)
    noise = twin.random_uniform(tf.shape(real))
    alpha = twin.random_uniform([4, 1, 1, 1])
    bce = losses.minimax_discriminator_loss(twin.discriminator(real, training=True), twin.discriminator(fake, training=True))
    gp = losses.dragan_penalty(twin.discriminator, real, noise, alpha, target=0.5, one_sided=True)
    assert float(values["gp"]) == pytest.approx(float(gp), rel=1e-5)
    assert float(values["d_loss"]) == pytest.approx(float(bce + 3.0 * gp), rel=1e-5)


def test_round_trip_and_export(tmp_path):
    model = tiny(one_sided=True)
    data = tiny_dataset(batches=2)
    model.fit(data, verbose=0)
    loaded = check_keras_round_trip(model, data, tmp_path)
    assert loaded.one_sided is True and loaded.gradient_penalty_weight == 10.0
    check_export(model, tmp_path)


def test_pack_two_penalises_packs():
    model = DRAGAN(*_packed_networks(2), pack=2, seed=0)
    model.compile()
    history = check_fit(model, tiny_dataset(batches=2))
    assert np.isfinite(history.history["gp"]).all()


def _packed_networks(pack):
    from keras_gans.networks import build_critic, build_generator

    return (build_generator(SIZE, 1, latent_dim=LATENT, width=4),
            build_critic(SIZE, 1, width=4, output_bias=True, pack=pack))

import keras
import numpy as np
import pytest

from keras_gans import losses
from keras_gans.models import EBGAN
from keras_gans.models.ebgan import paper_margin
from keras_gans.networks import build_critic

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset, tiny_images

SIZE, LATENT = 16, 8


def tiny_ebgan(**kwargs):
    kwargs.setdefault("seed", 0)
    return EBGAN(*EBGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


@pytest.fixture(scope="module")
def trained():
    model = tiny_ebgan(margin=3.5, pulling_away_weight=0.2)
    model.compile()
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss", "pt"]
    return model


def test_papers_settings():
    model = tiny_ebgan()
    # m = 20 at 64x64x3; the energy is a norm over the pixels, so m scales with sqrt(pixels).
    assert paper_margin((64, 64, 3)) == 20.0
    assert model.margin == pytest.approx(20.0 * np.sqrt(16 * 16 / (64 * 64 * 3)))
    assert model.pulling_away_weight == 0.1 and model.critic_steps == 1
    check_adam(model, 1e-3, 0.5, 0.999)
    assert EBGAN.defaults.latent_dim == 100


def test_each_phase_moves_only_its_network():
    model = tiny_ebgan()
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))


def test_keras_round_trip(trained, tmp_path):
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert (loaded.margin, loaded.pulling_away_weight) == (3.5, 0.2)


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def test_discriminator_step_is_the_margin_loss_of_the_energies():
    real = tiny_images(4)
    # A margin below every fake energy: the hinge is 0 and L_D = E[D(x)].
    model = tiny_ebgan(margin=1e-6)
    model.compile()
    metrics = model.discriminator_step(real)
    assert float(metrics["d_loss"]) == pytest.approx(float(metrics["d_real"]), rel=1e-6)
    # A margin above every fake energy: L_D = E[D(x)] + m - E[D(G(z))].
    model = tiny_ebgan(margin=1e3)
    model.compile()
    metrics = model.discriminator_step(real)
    expected = float(metrics["d_real"]) + 1e3 - float(metrics["d_fake"])
    assert float(metrics["d_loss"]) == pytest.approx(expected, rel=1e-6)
    # d_real is the energy of the batch, computed from the discriminator's reconstruction.
    model = tiny_ebgan()
    model.compile(d_optimizer=keras.optimizers.SGD(0.0))
    reconstruction, _ = model.discriminator(real, training=True)
    metrics = model.discriminator_step(real)
    np.testing.assert_allclose(float(metrics["d_real"]), np.mean(losses.ebgan_energy(real, reconstruction)),
                               rtol=1e-5)


def test_generator_loss_adds_the_weighted_pulling_away_term():
    real = tiny_images(4)
    results = {}
    for weight in (0.0, 0.1):
        keras.utils.set_random_seed(0)
        model = tiny_ebgan(pulling_away_weight=weight)
        model.compile()
        results[weight] = model.generator_step(real)
    # Same seed, same networks: the same samples, so the losses differ by 0.1 PT exactly.
    assert float(results[0.1]["pt"]) == pytest.approx(float(results[0.0]["pt"]))
    assert 0.0 < float(results[0.1]["pt"]) <= 1.0
    difference = float(results[0.1]["g_loss"]) - float(results[0.0]["g_loss"])
    assert difference == pytest.approx(0.1 * float(results[0.1]["pt"]), rel=1e-4)


def test_score_is_minus_the_energy(trained):
    images = tiny_images(3)
    reconstruction, _ = trained.discriminator(images, training=False)
    np.testing.assert_allclose(trained.score(images), -np.asarray(losses.ebgan_energy(images, reconstruction)),
                               rtol=1e-5)


def test_a_discriminator_that_is_not_an_autoencoder_is_refused():
    generator, _ = EBGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4)
    with pytest.raises(ValueError, match=r"EBGAN's discriminator must be an autoencoder .* 1 inputs and 1 outputs"):
        EBGAN(generator, build_critic(SIZE, 1, width=4))
    with pytest.raises(ValueError, match="pack=2"):
        tiny_ebgan(pack=2)

import keras
import numpy as np
import pytest

from keras_gans.models.gan import GAN
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8
SHAPE = (SIZE, SIZE, 1)


def tiny_gan(dropout=0.0, **kwargs):
    kwargs.setdefault("seed", 0)
    return GAN(
        build_mlp_generator(SHAPE, latent_dim=LATENT, hidden=(8,)),
        build_mlp_discriminator(SHAPE, hidden=(8,), dropout=dropout),
        **kwargs,
    )


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.fixture(scope="module")
def trained():
    # Two critic steps, to see the ratio; dropout, as the paper's discriminator.
    model = tiny_gan(dropout=0.5, critic_steps=2, generator_loss="minimax")
    model.compile(run_eagerly=True)  # graph mode is exercised by the round trip's fit
    history = check_fit(model, tiny_dataset(batches=8))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    return model


def test_fit_makes_critic_steps_discriminator_updates_per_generator_update(trained):
    assert int(trained.g_optimizer.iterations) == 4 and int(trained.d_optimizer.iterations) == 8


@pytest.mark.parametrize("generator_loss", ["non_saturating", "minimax"])
def test_each_phase_moves_only_its_network(generator_loss):
    model = tiny_gan(dropout=0.5, generator_loss=generator_loss)
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))


def test_keras_round_trip(trained, tmp_path):
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert loaded.generator_loss_name == "minimax" and loaded.critic_steps == 2


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def test_losses_follow_their_formulas_on_given_logits():
    real, fake = np.array([[2.0], [-1.0], [0.5]], "float32"), np.array([[-3.0], [1.5]], "float32")
    model = tiny_gan()
    d_loss, metrics = model.discriminator_loss({"real": real, "fake": fake}, None, None)
    # -E[log D(x)] - E[log(1 - D(G(z)))]
    expected = -np.mean(np.log(sigmoid(real))) - np.mean(np.log(1 - sigmoid(fake)))
    np.testing.assert_allclose(float(d_loss), expected, rtol=1e-5)
    np.testing.assert_allclose(float(metrics["d_real"]), np.mean(sigmoid(real)), rtol=1e-5)
    np.testing.assert_allclose(float(metrics["d_fake"]), np.mean(sigmoid(fake)), rtol=1e-5)
    minimax, _ = tiny_gan(generator_loss="minimax").generator_loss({"fake": fake}, None)
    non_saturating, _ = model.generator_loss({"fake": fake}, None)
    np.testing.assert_allclose(float(minimax), np.mean(np.log(1 - sigmoid(fake))), rtol=1e-5)
    np.testing.assert_allclose(float(non_saturating), -np.mean(np.log(sigmoid(fake))), rtol=1e-5)


@pytest.mark.parametrize("generator_loss", ["non_saturating", "minimax"])
def test_generator_step_reports_the_chosen_loss_of_the_discriminator_on_its_samples(generator_loss):
    model = tiny_gan(generator_loss=generator_loss)  # no dropout: D is deterministic
    model.compile()
    z = np.random.default_rng(0).standard_normal((4, LATENT)).astype("float32")
    model.sample_latent = lambda batch_size: z
    logits = model.discriminator(model.generator(z, training=True), training=True).numpy()
    probability = sigmoid(logits)
    expected = np.mean(np.log(1 - probability)) if generator_loss == "minimax" else -np.mean(np.log(probability))
    g_loss = model.generator_step(next(iter(tiny_dataset(batches=1))))["g_loss"]
    np.testing.assert_allclose(float(g_loss), expected, rtol=1e-5)


def test_defaults():
    model = tiny_gan()
    check_adam(model, 2e-4, 0.5, 0.999)
    assert model.critic_steps == 1 and model.generator_loss_name == "non_saturating"  # k = 1, Sec. 4
    assert GAN.joint_discriminator_call and not GAN.generator_loss_needs_real


def test_default_networks_are_the_papers_fully_connected_nets():
    generator, discriminator = GAN.default_networks(image_size=8, channels=1)
    model = GAN(generator, discriminator, seed=0)  # as the CLI builds it
    assert model.latent_dim == 100
    dense = lambda net: [layer.units for layer in net.layers if isinstance(layer, keras.layers.Dense)]  # noqa: E731
    assert dense(generator) == [1200, 1200, 64] and dense(discriminator) == [1200, 1200, 1]
    assert [layer.rate for layer in discriminator.layers if isinstance(layer, keras.layers.Dropout)] == [0.5, 0.5]
    assert generator.get_layer("images").activation is keras.activations.tanh
    assert tuple(generator.output.shape) == (None, 8, 8, 1)
    generator, _ = GAN.default_networks(image_size=8, channels=3, latent_dim=4, width=16)
    assert dense(generator) == [16, 16, 192] and tuple(generator.inputs[0].shape) == (None, 4)
    with pytest.raises(ValueError, match="GAN is unconditional: num_classes must be None, got 10"):
        GAN.default_networks(num_classes=10)
    with pytest.raises(ValueError, match="channels must be 1 or 3, got 2"):
        GAN.default_networks(channels=2)

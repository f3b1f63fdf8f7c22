import keras
import numpy as np
import pytest

from keras_gans.models.lsgan import LSGAN

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8
REAL = np.array([[2.0], [-1.0], [0.5]], "float32")
FAKE = np.array([[-3.0], [1.5]], "float32")


def tiny_lsgan(**kwargs):
    kwargs.setdefault("seed", 0)
    return LSGAN(*LSGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


@pytest.fixture(scope="module")
def trained():
    model = tiny_lsgan(a=-1.0, b=1.0, c=0.0)  # the -1-1-0 coding, carried by the round trip
    model.compile(run_eagerly=True)  # graph mode is exercised by the round trip's fit
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    return model


def test_fit_alternates_one_discriminator_and_one_generator_update(trained):
    assert int(trained.d_optimizer.iterations) == int(trained.g_optimizer.iterations) == 3


def test_each_phase_moves_only_its_network():
    model = tiny_lsgan()
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))  # every weight gets a gradient


def test_keras_round_trip(trained, tmp_path):
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert (loaded.a, loaded.b, loaded.c) == (-1.0, 1.0, 0.0)


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


@pytest.mark.parametrize("a,b,c", [(0.0, 1.0, 1.0), (-1.0, 1.0, 0.0), (2.0, 5.0, 3.0)])
def test_a_b_c_coding(a, b, c):
    model = tiny_lsgan(a=a, b=b, c=c)
    d_loss, metrics = model.discriminator_loss({"real": REAL, "fake": FAKE}, None, None)
    # 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] and 1/2 E[(D(G(z)) - c)^2]
    np.testing.assert_allclose(float(d_loss), 0.5 * np.mean((REAL - b) ** 2) + 0.5 * np.mean((FAKE - a) ** 2), rtol=1e-6)
    g_loss, _ = model.generator_loss({"fake": FAKE}, None)
    np.testing.assert_allclose(float(g_loss), 0.5 * np.mean((FAKE - c) ** 2), rtol=1e-6)
    np.testing.assert_allclose([float(metrics["d_real"]), float(metrics["d_fake"])], [REAL.mean(), FAKE.mean()])


def test_generator_step_reports_the_least_squares_loss_of_its_samples():
    model = tiny_lsgan(a=-1.0, b=1.0, c=0.0)
    model.compile()
    z = np.random.default_rng(0).standard_normal((4, LATENT)).astype("float32")
    model.sample_latent = lambda batch_size: z
    scores = model.discriminator(model.generator(z, training=True), training=True).numpy()
    g_loss = model.generator_step(next(iter(tiny_dataset(batches=1))))["g_loss"]
    np.testing.assert_allclose(float(g_loss), 0.5 * np.mean((scores - 0.0) ** 2), rtol=1e-5)


def test_defaults():
    model = tiny_lsgan()
    check_adam(model, 2e-4, 0.5, 0.999)
    assert (model.a, model.b, model.c) == (0.0, 1.0, 1.0) and model.critic_steps == 1  # the 0-1-1 coding
    assert not LSGAN.joint_discriminator_call


def test_default_networks():
    generator, discriminator = LSGAN.default_networks(image_size=16, channels=3)
    model = LSGAN(generator, discriminator, seed=0)  # as the CLI builds it
    assert model.latent_dim == 1024  # the paper's z
    assert discriminator.get_layer("score").activation is keras.activations.linear  # least squares on the raw output
    assert tuple(generator.output.shape) == (None, 16, 16, 3)
    with pytest.raises(ValueError, match="LSGAN is unconditional: num_classes must be None, got 10"):
        LSGAN.default_networks(num_classes=10)

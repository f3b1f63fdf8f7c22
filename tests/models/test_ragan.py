import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.ragan import RaGAN

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8
REAL = np.array([[2.0], [-1.0], [0.5]], "float32")
FAKE = np.array([[-3.0], [1.5]], "float32")


def tiny_ragan(**kwargs):
    kwargs.setdefault("seed", 0)
    return RaGAN(*RaGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


def softplus(x):
    return np.log1p(np.exp(x))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relativistic(pos, neg, kind):
    """The loss of the player that wants `pos` above the mean `neg` and `neg` below the mean `pos`."""
    pos_relative, neg_relative = pos - neg.mean(), neg - pos.mean()
    if kind == "standard":
        # -E[log sigmoid(pos - E neg)] - E[log(1 - sigmoid(neg - E pos))]
        return np.mean(softplus(-pos_relative)) + np.mean(softplus(neg_relative))
    return np.mean((pos_relative - 1) ** 2) + np.mean((neg_relative + 1) ** 2)


@pytest.fixture(scope="module")
def trained():
    model = tiny_ragan(kind="least_squares")  # carried by the round trip
    model.compile(run_eagerly=True)  # graph mode is exercised by the round trip's fit
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    return model


def test_fit_alternates_one_discriminator_and_one_generator_update(trained):
    assert int(trained.d_optimizer.iterations) == int(trained.g_optimizer.iterations) == 3


@pytest.mark.parametrize("kind", ["standard", "least_squares"])
def test_each_phase_moves_only_its_network(kind):
    model = tiny_ragan(kind=kind)
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))  # every weight gets a gradient


@pytest.mark.parametrize("kind", ["standard", "least_squares"])
def test_a_score_bias_gets_no_gradient_which_is_why_the_default_discriminator_has_none(kind):
    # The losses see C only through C(x) - E[C(G(z))] and C(G(z)) - E[C(x)]: a bias cancels.
    base = tiny_ragan()
    assert not base.discriminator.get_layer("score").use_bias
    score = keras.layers.Dense(1, name="biased_score")
    discriminator = keras.Model(base.discriminator.inputs, score(base.discriminator.get_layer("features").output))
    model = RaGAN(base.generator, discriminator, kind=kind, seed=0)
    real = next(iter(tiny_dataset(batches=1)))
    with tf.GradientTape(persistent=True) as tape:
        outputs = model.discriminator_outputs(real, None, model.fake_batch(4)[0], None)
        d_loss, _ = model.discriminator_loss(outputs, None, None)
        g_loss, _ = model.generator_loss(outputs, None)
    for loss in (d_loss, g_loss):
        assert abs(float(tape.gradient(loss, score.bias)[0])) < 1e-6
    model.compile()
    # So the bias is the one weight the discriminator phase may leave unchanged (Adam
    # still moves it when round-off leaves a gradient of 1e-9 rather than 0).
    check_phases(model, real, d_frozen=("biased_score/bias",))


def test_keras_round_trip(trained, tmp_path):
    assert check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path).kind == "least_squares"


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


@pytest.mark.parametrize("kind", ["standard", "least_squares"])
def test_losses_follow_the_relativistic_average_formulas(kind):
    model = tiny_ragan(kind=kind)
    outputs = {"real": REAL, "fake": FAKE}
    d_loss, metrics = model.discriminator_loss(outputs, None, None)
    np.testing.assert_allclose(float(d_loss), relativistic(REAL, FAKE, kind), rtol=1e-5)
    g_loss, _ = model.generator_loss(outputs, None)
    np.testing.assert_allclose(float(g_loss), relativistic(FAKE, REAL, kind), rtol=1e-5)  # real and fake swapped
    np.testing.assert_allclose(float(metrics["d_real"]), np.mean(sigmoid(REAL - FAKE.mean())), rtol=1e-5)
    np.testing.assert_allclose(float(metrics["d_fake"]), np.mean(sigmoid(FAKE - REAL.mean())), rtol=1e-5)


@pytest.mark.parametrize("kind", ["standard", "least_squares"])
def test_generator_step_compares_its_samples_with_the_real_batch(kind):
    model = tiny_ragan(kind=kind)
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    z = np.random.default_rng(0).standard_normal((4, LATENT)).astype("float32")
    model.sample_latent = lambda batch_size: z
    fake_scores = model.discriminator(model.generator(z, training=True), training=True).numpy()
    g_losses = []
    for real in (np.full((4, SIZE, SIZE, 1), -0.5, "float32"), np.full((4, SIZE, SIZE, 1), 0.5, "float32")):
        real_scores = model.discriminator(real, training=True).numpy()
        g_loss = float(model.generator_step(real)["g_loss"])
        np.testing.assert_allclose(g_loss, relativistic(fake_scores, real_scores, kind), rtol=1e-4)
        g_losses.append(g_loss)
    assert g_losses[0] != pytest.approx(g_losses[1])  # the real batch enters the generator's loss


def test_defaults():
    model = tiny_ragan()
    check_adam(model, 2e-4, 0.5, 0.999)
    assert model.kind == "standard" and model.critic_steps == 1
    assert RaGAN.generator_loss_needs_real and not RaGAN.joint_discriminator_call


def test_default_networks():
    generator, discriminator = RaGAN.default_networks(image_size=16, channels=3)
    model = RaGAN(generator, discriminator, seed=0)  # as the CLI builds it
    assert model.latent_dim == 128
    convs = [layer.filters for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == [128, 256]
    with pytest.raises(ValueError, match="RaGAN is unconditional: num_classes must be None, got 10"):
        RaGAN.default_networks(num_classes=10)

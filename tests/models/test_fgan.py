import keras
import numpy as np
import pytest

from keras_gans import losses
from keras_gans.models.fgan import FGAN
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8
REAL = np.array([[0.7], [-0.4], [0.2]], "float32")
FAKE = np.array([[-0.9], [0.3]], "float32")

# g_f(v) and f*(t) of Nowozin et al. Table 2 / Table 6, written out independently of keras_gans.losses.
LOG2 = np.log(2.0)
TABLE = {
    "kl": (lambda v: v, lambda t: np.exp(t - 1)),
    "reverse_kl": (lambda v: -np.exp(-v), lambda t: -1 - np.log(-t)),
    "pearson": (lambda v: v, lambda t: t**2 / 4 + t),
    "neyman": (lambda v: 1 - np.exp(-v), lambda t: 2 - 2 * np.sqrt(1 - t)),
    "squared_hellinger": (lambda v: 1 - np.exp(-v), lambda t: t / (1 - t)),
    "jensen_shannon": (lambda v: LOG2 - np.log1p(np.exp(-v)), lambda t: -np.log(2 - np.exp(t))),
    "gan": (lambda v: -np.log1p(np.exp(-v)), lambda t: -np.log(1 - np.exp(t))),
}


def tiny_fgan(**kwargs):
    kwargs.setdefault("seed", 0)
    return FGAN(*FGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


@pytest.fixture(scope="module")
def trained():
    model = tiny_fgan(divergence="pearson")  # carried by the round trip
    model.compile(run_eagerly=True)  # graph mode is exercised by the round trip's fit
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_loss", "divergence", "g_loss"]
    return model


def test_fit_alternates_one_discriminator_and_one_generator_update(trained):
    assert int(trained.d_optimizer.iterations) == int(trained.g_optimizer.iterations) == 3


def test_each_phase_moves_only_its_network():
    model = tiny_fgan(divergence="kl")
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))  # every weight gets a gradient


def test_keras_round_trip(trained, tmp_path):
    assert check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path).divergence == "pearson"


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def test_the_table_covers_every_divergence():
    assert sorted(TABLE) == sorted(losses.F_DIVERGENCES)


@pytest.mark.parametrize("divergence", losses.F_DIVERGENCES)
def test_losses_follow_the_variational_bound(divergence):
    activation, conjugate = TABLE[divergence]
    model = tiny_fgan(divergence=divergence)
    d_loss, metrics = model.discriminator_loss({"real": REAL, "fake": FAKE}, None, None)
    # E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))]  (Eq. 6)
    bound = np.mean(activation(REAL)) - np.mean(conjugate(activation(FAKE)))
    np.testing.assert_allclose(float(metrics["divergence"]), bound, rtol=1e-5)
    np.testing.assert_allclose(float(d_loss), -bound, rtol=1e-5)
    g_loss, _ = model.generator_loss({"fake": FAKE}, None)
    np.testing.assert_allclose(float(g_loss), -np.mean(activation(FAKE)), rtol=1e-5)  # -E_Q[g_f(V(G(z)))]


@pytest.fixture(scope="module")
def small_nets():
    # Fully connected nets, the paper's MNIST kind, shared by the one-step fits below.
    shape = (SIZE, SIZE, 1)
    return build_mlp_generator(shape, latent_dim=LATENT, hidden=(8,)), build_mlp_discriminator(shape, hidden=(8,))


@pytest.mark.parametrize("divergence", losses.F_DIVERGENCES)
def test_every_divergence_fits_a_step_with_finite_losses(small_nets, divergence):
    model = FGAN(*small_nets, divergence=divergence, seed=0)
    model.compile(run_eagerly=True)
    history = check_fit(model, tiny_dataset(batches=1))
    assert history.history["divergence"][0] == pytest.approx(-history.history["d_loss"][0])


def test_defaults():
    model = tiny_fgan()
    check_adam(model, 2e-4, 0.5, 0.999)
    assert model.divergence == "jensen_shannon" and model.critic_steps == 1
    assert not FGAN.joint_discriminator_call


def test_default_networks():
    generator, discriminator = FGAN.default_networks(image_size=16, channels=3)
    model = FGAN(generator, discriminator, seed=0)  # as the CLI builds it
    assert model.latent_dim == 100
    assert discriminator.get_layer("score").activation is keras.activations.linear  # V; g_f is in the loss
    with pytest.raises(ValueError, match="FGAN is unconditional: num_classes must be None, got 10"):
        FGAN.default_networks(num_classes=10)

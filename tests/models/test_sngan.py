import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.sngan import SNGAN
from keras_gans.networks import build_critic, build_generator

from .checks import check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset


def tiny(**kwargs):
    model = SNGAN(*SNGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0, **kwargs)
    model.compile()
    return model


def spectral_layers(model):
    return [l for l in model.discriminator._flatten_layers() if isinstance(l, keras.layers.SpectralNormalization)]


def test_largest_singular_value_of_every_normalised_kernel_is_one():
    model = tiny()
    check_fit(model, tiny_dataset(batches=8), epochs=3)
    layers = spectral_layers(model)
    assert len(layers) == 3  # two convolutions and the score layer at 16 px
    for layer in layers:
        kernel = np.asarray(layer.normalized_weights()[1])
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        # W / sigma(W) from the power iteration's u, one optimizer step behind W.
        assert sigma == pytest.approx(1.0, rel=0.05), layer.name


def test_one_critic_call_per_phase_advances_the_power_iteration_once():
    model = tiny()
    layer = spectral_layers(model)[0]
    real = next(iter(tiny_dataset(batches=1)))
    u0 = np.asarray(layer.vector_u).copy()
    calls = []
    original = model.discriminator.call

    def counting_call(*args, **kwargs):
        calls.append(kwargs.get("training"))
        return original(*args, **kwargs)

    model.discriminator.call = counting_call
    try:
        model.discriminator_step(real)
        assert calls == [True]  # real and fake concatenated in one training-mode call
        u1 = np.asarray(layer.vector_u).copy()
        assert not np.allclose(u0, u1)
        model.generator_step(real)
        assert calls == [True, False]  # the generator phase leaves the iteration alone
        np.testing.assert_allclose(np.asarray(layer.vector_u), u1)
    finally:
        del model.discriminator.call


def test_hinge_loss_on_the_joint_call_matches_separate_calls():
    model = tiny()
    images = tf.random.uniform((4, 16, 16, 1), -1, 1)
    fake = tf.random.uniform((4, 16, 16, 1), -1, 1)
    for _ in range(30):
        # Until u converges, each power iteration (the inference call does one without
        # storing it) moves sigma(W); after, training and inference calls agree.
        model.discriminator(images, training=True)
    joint = model.discriminator_outputs(images, None, fake, None)
    np.testing.assert_allclose(joint["real"], model.discriminator(images, training=False), atol=1e-4)
    d_loss, metrics = model.discriminator_loss(joint, None, None)
    real, fake_scores = np.asarray(joint["real"]), np.asarray(joint["fake"])
    # hinge: E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]
    expected = np.maximum(0, 1 - real).mean() + np.maximum(0, 1 + fake_scores).mean()
    assert float(d_loss) == pytest.approx(expected, rel=1e-5)
    assert float(metrics["d_real"]) == pytest.approx(real.mean(), rel=1e-5)


def test_phases_round_trip_export(tmp_path):
    model = tiny()
    data = tiny_dataset(batches=4)
    # At init every score lies inside the hinge margins (-1, 1), where the score bias's
    # gradient is -1 (real term) + 1 (fake term) = 0: it legitimately stays put this step.
    check_phases(model, next(iter(data)), d_frozen=("score",))
    check_fit(model, data)
    check_keras_round_trip(model, data, tmp_path)
    check_export(model, tmp_path)


def test_critic_steps_configurable_and_paper_defaults():
    model = tiny(critic_steps=5)
    check_fit(model, tiny_dataset(batches=10))
    assert int(model.g_optimizer.iterations) == 2
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert optimizer.beta_1 == 0.0 and optimizer.beta_2 == 0.9


def test_refuses_a_discriminator_without_spectral_norm():
    with pytest.raises(ValueError, match="SNGAN needs a discriminator with keras.layers.SpectralNormalization"):
        SNGAN(build_generator(16, 1, latent_dim=8, width=4), build_critic(16, 1, width=4))

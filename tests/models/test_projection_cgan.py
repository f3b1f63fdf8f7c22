"""ProjectionCGAN: projection discriminator, hinge loss, critic_steps updates per generator update."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.projection_cgan import ProjectionCGAN
from keras_gans.networks import build_critic

from .checks import (
    CLASSES,
    LATENT,
    SIZE,
    check_adam,
    check_export,
    check_fit,
    check_keras_round_trip,
    check_label_errors,
    check_label_order,
    check_phases,
    tiny_conditional,
    tiny_dataset,
)


def tiny_projection_cgan(**kwargs):
    kwargs.setdefault("critic_steps", 2)
    return tiny_conditional(ProjectionCGAN, **kwargs)


@pytest.fixture
def model():
    m = tiny_projection_cgan()
    m.compile()
    return m


def test_fit_and_phases(model):
    dataset = tiny_dataset(batches=4, num_classes=CLASSES, size=SIZE)
    history = check_fit(model, dataset)  # d updates == 2 x g updates
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    assert int(model.g_optimizer.iterations) == 2
    # The class embedding V moves too: the batch holds every class.
    check_phases(model, next(iter(dataset)), d_frozen=(psi_bias(model),))


def psi_bias(model):
    """The path of psi's bias. A constant added to every score shifts D(x) and D(G(z)) alike: while all
    scores lie inside the hinge margins (|D| < 1, as at initialisation) its gradient is -1 + 1 = 0."""
    return model.discriminator.get_layer("psi").layer.bias.path


def test_keras_round_trip_and_export(model, tmp_path):
    dataset = tiny_dataset(num_classes=CLASSES, size=SIZE)
    # One eager update of each network: optimizer state to save.
    check_phases(model, next(iter(dataset)), d_frozen=(psi_bias(model),))
    loaded = check_keras_round_trip(model, dataset, tmp_path)
    assert loaded.critic_steps == 2 and loaded.num_classes == CLASSES
    check_export(model, tmp_path)


def test_generated_images_follow_the_requested_labels(model):
    check_label_order(model)


def test_label_errors(model):
    check_label_errors(model)


def test_score_depends_on_the_label_through_the_projection(model):
    image = np.random.default_rng(0).uniform(-1, 1, (1, SIZE, SIZE, 1)).astype("float32")
    images, labels = np.repeat(image, CLASSES, axis=0), np.arange(CLASSES, dtype="int32")
    scores = np.array(model.discriminator([images, labels], training=False))[:, 0]
    assert len({round(float(s), 6) for s in scores}) == CLASSES
    # D(x, y) - D(x, y') = <V[y] - V[y'], phi(x)>: psi(phi(x)) cancels.
    d = model.discriminator
    parts = keras.Model(d.inputs, [d.get_layer("psi").output, d.get_layer("projection").output])
    psi, projection = (np.array(t)[:, 0] for t in parts([images, labels], training=False))
    np.testing.assert_allclose(psi, psi[0], rtol=1e-5)
    np.testing.assert_allclose(scores, psi + projection, rtol=1e-5, atol=1e-6)


def test_hinge_losses(model):
    real, fake = [[2.0], [0.5], [-1.0]], [[-3.0], [0.0], [1.5]]
    labels = tf.constant([0, 1, 2])
    d_loss, metrics = model.discriminator_loss({"real": tf.constant(real), "fake": tf.constant(fake)}, labels, labels)
    # E[relu(1 - D(x, y))] + E[relu(1 + D(G(z), y'))] = (0 + 0.5 + 2) / 3 + (0 + 1 + 2.5) / 3
    assert float(d_loss) == pytest.approx(6.0 / 3)
    assert float(metrics["d_real"]) == pytest.approx(0.5) and float(metrics["d_fake"]) == pytest.approx(-0.5)
    g_loss, metrics = model.generator_loss({"fake": tf.constant(fake)}, labels)
    assert float(g_loss) == pytest.approx(0.5) and metrics == {}


def test_real_and_fake_are_scored_in_one_call(model):
    calls = []
    discriminate = model.discriminate
    model.discriminate = lambda images, labels=None, training=True: calls.append(len(images)) or discriminate(
        images, labels, training=training
    )
    images, labels = next(iter(tiny_dataset(num_classes=CLASSES, size=SIZE)))
    model.discriminator_step((images, labels))
    assert calls == [8]  # 4 real and 4 generated pairs: one power iteration per update
    model.generator_step((images, labels))
    assert calls == [8, 4]


def test_generator_phase_leaves_spectral_norm_state_alone(model):
    # Keras's SpectralNormalization writes W / sigma and u on each training call; the generator
    # phase calls the discriminator in inference mode, so no discriminator variable changes there.
    before = [np.array(v) for v in model.discriminator.variables]
    model.generator_step(next(iter(tiny_dataset(num_classes=CLASSES, size=SIZE))))
    assert all(np.array_equal(b, np.array(v)) for b, v in zip(before, model.discriminator.variables))


def test_discriminator_must_take_labels():
    generator, _ = ProjectionCGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    with pytest.raises(ValueError, match=r"discriminator must map \[images, labels\] to one score per image, "
                                         "got a model with 1 inputs and 1 outputs"):
        ProjectionCGAN(generator, build_critic(SIZE, 1, width=4), num_classes=CLASSES)
    with pytest.raises(ValueError, match="ProjectionCGAN is conditional: num_classes must be an int >= 2, got None"):
        ProjectionCGAN(generator, build_critic(SIZE, 1, width=4), num_classes=None)


def test_paper_defaults():
    generator, discriminator = ProjectionCGAN.default_networks()
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 128), (None,)]
    assert tuple(generator.output.shape) == (None, 64, 64, 3)
    assert [tuple(i.shape) for i in discriminator.inputs] == [(None, 64, 64, 3), (None,)]
    # Spectral norm on every weighted layer of the discriminator, the embedding V included.
    assert isinstance(discriminator.get_layer("class_embedding"), keras.layers.SpectralNormalization)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    model = ProjectionCGAN(generator, discriminator, num_classes=10)
    assert (model.critic_steps, model.latent_dim, model.joint_discriminator_call) == (5, 128, True)
    check_adam(model, 2e-4, 0.0, 0.9)

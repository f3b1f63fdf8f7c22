"""ACGAN: source and class heads, the class loss on real and generated images."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses
from keras_gans.models.acgan import ACGAN
from keras_gans.networks import build_conditional_discriminator, build_discriminator

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
    softplus,
    tiny_conditional,
    tiny_dataset,
)


def tiny_acgan(**kwargs):
    return tiny_conditional(ACGAN, **kwargs)


@pytest.fixture
def model():
    m = tiny_acgan()
    m.compile()
    return m


def test_fit_and_phases(model):
    dataset = tiny_dataset(num_classes=CLASSES, size=SIZE)
    history = check_fit(model, dataset)
    assert sorted(history.history) == ["d_class_accuracy", "d_fake", "d_loss", "d_real", "g_class_accuracy", "g_loss"]
    for key in ("d_class_accuracy", "g_class_accuracy", "d_real", "d_fake"):
        assert all(0.0 <= value <= 1.0 for value in history.history[key]), key
    # Both heads and the trunk move in the discriminator phase; every generator weight in its own.
    check_phases(model, next(iter(dataset)))


def test_keras_round_trip_and_export(model, tmp_path):
    dataset = tiny_dataset(num_classes=CLASSES, size=SIZE)
    check_phases(model, next(iter(dataset)))  # one eager update of each network: optimizer state to save
    check_keras_round_trip(model, dataset, tmp_path)
    check_export(model, tmp_path)


def test_generated_images_follow_the_requested_labels(model):
    check_label_order(model)


def test_label_errors(model):
    check_label_errors(model)


def test_score_reads_the_source_head(model):
    # BaseGAN.score (used by BestSamples) takes the first output, the real/fake logit.
    images = np.random.default_rng(0).uniform(-1, 1, (4, SIZE, SIZE, 1)).astype("float32")
    source, _ = model.discriminator(images, training=False)
    np.testing.assert_allclose(model.score(images), np.array(source)[:, 0], rtol=1e-6)


def cross_entropy(logits, labels):
    logits = np.asarray(logits, "float64")
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


REAL_SOURCE, FAKE_SOURCE = [[1.0], [-0.5], [2.0]], [[-1.5], [0.25], [0.0]]
REAL_CLASS = [[2.0, 0.0, -1.0], [0.0, 0.5, 3.0], [1.0, 1.0, 1.0]]
FAKE_CLASS = [[-1.0, 2.0, 0.0], [0.0, 0.0, 4.0], [3.0, -2.0, 0.5]]
REAL_LABELS, FAKE_LABELS = [0, 1, 2], [1, 2, 2]


def test_discriminator_loss_has_the_class_loss_on_real_and_generated_images(model):
    outputs = {
        "real": [tf.constant(REAL_SOURCE), tf.constant(REAL_CLASS)],
        "fake": [tf.constant(FAKE_SOURCE), tf.constant(FAKE_CLASS)],
    }
    d_loss, metrics = model.discriminator_loss(outputs, tf.constant(REAL_LABELS), tf.constant(FAKE_LABELS))
    source = softplus(-np.array(REAL_SOURCE)).mean() + softplus(FAKE_SOURCE).mean()
    real_class, fake_class = cross_entropy(REAL_CLASS, REAL_LABELS), cross_entropy(FAKE_CLASS, FAKE_LABELS)
    # -(L_S + L_C), Odena et al. Eq. 1-2: both class terms are there, each with weight 1.
    assert float(d_loss) == pytest.approx(source + real_class + fake_class, rel=1e-6)
    assert real_class == pytest.approx(float(losses.auxiliary_classifier_loss(REAL_CLASS, REAL_LABELS)), rel=1e-6)
    assert fake_class == pytest.approx(float(losses.auxiliary_classifier_loss(FAKE_CLASS, FAKE_LABELS)), rel=1e-6)
    assert float(metrics["d_class_accuracy"]) == pytest.approx(1 / 3)  # argmax 0, 2, 0 against 0, 1, 2
    assert float(metrics["d_real"]) == pytest.approx(np.mean(1 / (1 + np.exp(-np.array(REAL_SOURCE)))), rel=1e-6)
    assert float(metrics["d_fake"]) == pytest.approx(np.mean(1 / (1 + np.exp(-np.array(FAKE_SOURCE)))), rel=1e-6)


def test_generator_loss_is_non_saturating_source_plus_class_on_generated_images(model):
    outputs = {"fake": [tf.constant(FAKE_SOURCE), tf.constant(FAKE_CLASS)]}
    g_loss, metrics = model.generator_loss(outputs, tf.constant(FAKE_LABELS))
    expected = softplus(-np.array(FAKE_SOURCE)).mean() + cross_entropy(FAKE_CLASS, FAKE_LABELS)
    assert float(g_loss) == pytest.approx(expected, rel=1e-6)
    assert float(metrics["g_class_accuracy"]) == pytest.approx(2 / 3)  # argmax 1, 2, 0 against 1, 2, 2


def test_discriminator_step_reads_the_data_labels(model):
    # Same weights, seed and images; only the real labels differ, so only the real class term moves.
    images, labels = next(iter(tiny_dataset(num_classes=CLASSES, size=SIZE)))
    start, state = model.get_weights(), model.seed_generator.state.numpy()
    results = []
    for batch_labels in (labels, (labels + 1) % CLASSES):
        model.set_weights(start)
        model.seed_generator.state.assign(state)
        _, classes = model.discriminate(images, None)  # training mode: batch statistics, as in the step
        results.append((float(model.discriminator_step((images, batch_labels))["d_loss"]),
                        float(losses.auxiliary_classifier_loss(classes, batch_labels))))
    (loss_a, class_a), (loss_b, class_b) = results
    assert loss_b - loss_a == pytest.approx(class_b - class_a, rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("discriminator,error", [
    (build_discriminator(SIZE, 1, width=4), r"got a model with 1 inputs and outputs of shapes \[\(None, 1\)\]"),
    (build_discriminator(SIZE, 1, width=4, num_classes=4), r"class logits \(N, 3\)\].*\(None, 1\), \(None, 4\)"),
    (build_conditional_discriminator(SIZE, 1, num_classes=CLASSES, width=4), "got a model with 2 inputs"),
])
def test_discriminator_must_have_a_source_and_a_class_head_on_images(discriminator, error):
    generator, _ = ACGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    with pytest.raises(ValueError, match=error):
        ACGAN(generator, discriminator, num_classes=CLASSES)


def test_num_classes_is_required():
    networks = ACGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    with pytest.raises(ValueError, match="ACGAN is conditional: num_classes must be an int >= 2, got None"):
        ACGAN(*networks, num_classes=None)


def test_paper_defaults():
    generator, discriminator = ACGAN.default_networks()
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 100), (None,)]
    assert generator.get_layer("z_and_label").output.shape == (None, 110)  # the paper's 110-d input
    assert tuple(discriminator.inputs[0].shape) == (None, 64, 64, 3) and len(discriminator.inputs) == 1
    assert [tuple(o.shape) for o in discriminator.outputs] == [(None, 1), (None, 10)]
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    model = ACGAN(generator, discriminator, num_classes=10)
    assert (model.critic_steps, model.latent_dim, model.joint_discriminator_call) == (1, 100, False)
    check_adam(model, 2e-4, 0.5, 0.999)

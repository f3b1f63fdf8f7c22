"""CGAN, with and without mismatched pairs; also the checks every conditional variant's tests share."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.cgan import CGAN
from keras_gans.networks import build_conditional_generator, build_discriminator, build_generator

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


# ------------------------------------------------ shared by the conditional variants' tests


def tiny_cgan(**kwargs):
    return tiny_conditional(CGAN, **kwargs)


@pytest.fixture
def model():
    m = tiny_cgan()
    m.compile()
    return m


@pytest.mark.parametrize("mismatched_pairs", [False, True])
def test_fit_and_phases(mismatched_pairs):
    model = tiny_cgan(mismatched_pairs=mismatched_pairs)
    # One graph fit is enough to trace the hooks; the plain case runs eagerly, which is faster here.
    model.compile(run_eagerly=not mismatched_pairs)
    dataset = tiny_dataset(num_classes=CLASSES, size=SIZE)
    history = check_fit(model, dataset)
    expected = {"d_loss", "g_loss", "d_real", "d_fake"} | ({"d_mismatched"} if mismatched_pairs else set())
    assert set(history.history) == expected
    assert int(model.g_optimizer.iterations) == 4
    # Every weight of each network gets a gradient in its own phase.
    check_phases(model, next(iter(dataset)))


def test_keras_round_trip_and_export(tmp_path):
    model = tiny_cgan(mismatched_pairs=True)
    model.compile()
    dataset = tiny_dataset(num_classes=CLASSES, size=SIZE)
    check_phases(model, next(iter(dataset)))  # one eager update of each network: optimizer state to save
    loaded = check_keras_round_trip(model, dataset, tmp_path)
    assert loaded.mismatched_pairs is True and loaded.num_classes == CLASSES
    assert "d_mismatched" in {m.name for m in loaded.metrics}
    check_export(model, tmp_path)


def test_generated_images_follow_the_requested_labels(model):
    check_label_order(model)


def test_label_errors(model):
    check_label_errors(model)


def test_mismatched_labels_are_wrong_and_uniform_over_the_other_classes(model):
    labels = np.repeat(np.arange(CLASSES, dtype="int32"), 3000)
    wrong = model.mismatched_labels(tf.constant(labels)).numpy()
    assert wrong.dtype == np.int32 and wrong.min() >= 0 and wrong.max() < CLASSES
    assert not np.any(wrong == labels)
    for label in range(CLASSES):
        counts = np.bincount(wrong[labels == label], minlength=CLASSES) / 3000
        others = [c for c in range(CLASSES) if c != label]
        np.testing.assert_allclose(counts[others], 1 / (CLASSES - 1), atol=0.04)
    # Seeded draws: a second call gives other labels.
    assert not np.array_equal(model.mismatched_labels(tf.constant(labels)).numpy(), wrong)


def test_mismatched_term_enters_d_loss_as_gan_cls_weights_it(model):
    plain = model
    matching_aware = CGAN(model.generator, model.discriminator, num_classes=CLASSES, mismatched_pairs=True)
    real, fake, mismatched = [[0.5], [-1.0], [2.0]], [[-0.3], [1.5], [0.0]], [[3.0], [-2.0], [0.25]]
    outputs = {"real": tf.constant(real), "fake": tf.constant(fake)}
    labels = tf.constant([0, 1, 2])
    d_loss, metrics = plain.discriminator_loss(outputs, labels, labels)
    assert float(d_loss) == pytest.approx(softplus(-np.array(real)).mean() + softplus(fake).mean(), rel=1e-6)
    assert float(metrics["d_real"]) == pytest.approx(np.mean(1 / (1 + np.exp(-np.array(real)))), rel=1e-6)
    assert "d_mismatched" not in metrics

    aware_loss, aware_metrics = matching_aware.discriminator_loss(
        {**outputs, "mismatched": tf.constant(mismatched)}, labels, labels
    )
    # Reed et al. 2016, Algorithm 1: -log s_r - (log(1 - s_w) + log(1 - s_f)) / 2
    expected = softplus(-np.array(real)).mean() + 0.5 * (softplus(fake).mean() + softplus(mismatched).mean())
    assert float(aware_loss) == pytest.approx(expected, rel=1e-6)
    assert float(aware_loss) - float(d_loss) == pytest.approx(
        0.5 * (softplus(mismatched).mean() - softplus(fake).mean()), rel=1e-5
    )
    assert float(aware_metrics["d_mismatched"]) == pytest.approx(
        np.mean(1 / (1 + np.exp(-np.array(mismatched)))), rel=1e-6
    )


def test_mismatched_output_is_the_discriminator_on_real_images_with_wrong_labels(monkeypatch):
    model = tiny_cgan(mismatched_pairs=True)
    wrong = tf.constant([1, 2, 0, 1], tf.int32)
    monkeypatch.setattr(model, "mismatched_labels", lambda labels: wrong)
    images, labels = next(iter(tiny_dataset(num_classes=CLASSES, size=SIZE)))
    fake, fake_labels = model.fake_batch(4)
    outputs = model.discriminator_outputs(images, labels, fake, fake_labels)
    assert sorted(outputs) == ["fake", "mismatched", "real"]
    # Batch norm in training mode: each output depends only on its own batch.
    np.testing.assert_allclose(outputs["mismatched"], model.discriminate(images, wrong), atol=1e-6)
    np.testing.assert_allclose(outputs["real"], model.discriminate(images, labels), atol=1e-6)
    assert np.abs(np.array(outputs["mismatched"]) - np.array(outputs["real"])).max() > 1e-6
    # The generator step never makes mismatched pairs.
    model.compile()
    monkeypatch.setattr(model, "mismatched_labels", lambda labels: pytest.fail("the generator drew wrong labels"))
    assert set(model.generator_step((images, labels))) == {"g_loss"}


def test_generator_loss_is_non_saturating(model):
    fake = [[0.5], [-2.0]]
    g_loss, metrics = model.generator_loss({"fake": tf.constant(fake)}, tf.constant([0, 1]))
    assert float(g_loss) == pytest.approx(softplus(-np.array(fake)).mean(), rel=1e-6) and metrics == {}


@pytest.mark.parametrize("kwargs,error", [
    ({"num_classes": None}, "CGAN is conditional: num_classes must be an int >= 2, got None"),
    ({"num_classes": 1}, "num_classes must be an int >= 2, got 1"),
    ({"mismatched_pairs": "yes"}, "mismatched_pairs must be True or False, got 'yes'"),
    ({"critic_steps": 0}, "critic_steps must be an int >= 1, got 0"),
])
def test_argument_errors(kwargs, error):
    generator = build_conditional_generator(SIZE, 1, latent_dim=LATENT, num_classes=CLASSES, width=4)
    _, discriminator = CGAN.default_networks(SIZE, 1, width=4, num_classes=CLASSES)
    kwargs = {"num_classes": CLASSES, **kwargs}
    with pytest.raises(ValueError, match=error):
        CGAN(generator, discriminator, **kwargs)


def test_networks_must_take_labels():
    generator, discriminator = CGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    with pytest.raises(ValueError, match=r"discriminator must map \[images, labels\] to one logit per image, "
                                         "got a model with 1 inputs and 1 outputs"):
        CGAN(generator, build_discriminator(SIZE, 1, width=4), num_classes=CLASSES)
    with pytest.raises(ValueError, match="num_classes=3 but the generator takes no labels input"):
        CGAN(build_generator(SIZE, 1, latent_dim=LATENT, width=4), discriminator, num_classes=CLASSES)


def test_paper_defaults():
    generator, discriminator = CGAN.default_networks()
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 100), (None,)]
    assert tuple(generator.output.shape) == (None, 64, 64, 3)
    assert [tuple(i.shape) for i in discriminator.inputs] == [(None, 64, 64, 3), (None,)]
    assert discriminator.get_layer("score").use_bias
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    model = CGAN(generator, discriminator, num_classes=10)
    assert (model.mismatched_pairs, model.critic_steps, model.latent_dim) == (False, 1, 100)
    assert model.metric_names == ("d_loss", "g_loss", "d_real", "d_fake")
    check_adam(model, 2e-4, 0.5, 0.999)

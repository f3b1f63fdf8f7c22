"""StarGAN: label tiling, the two-head discriminator, which player each domain loss trains, the
reconstruction term, attribute (multi-label) domains, save/load and export."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator, losses
from keras_gans.models import StarGAN
from keras_gans.networks import build_stargan_discriminator, tile_labels

from .checks import (
    CLASSES, SIZE, _values, check_export, check_fit, check_keras_round_trip, check_phases, labels_for, tiny_images,
)


def tiny(multi_label=False, seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    networks = StarGAN.default_networks(SIZE, 1, width=4, num_classes=CLASSES, multi_label=multi_label)
    return StarGAN(*networks, num_classes=CLASSES, seed=seed, critic_steps=kwargs.pop("critic_steps", 2), **kwargs)


def attribute_labels(count, seed=0):
    return np.random.default_rng(seed).integers(0, 2, (count, CLASSES)).astype("float32")


def dataset(multi_label=False, batches=4, batch_size=4):
    images = tiny_images(batches * batch_size, SIZE)
    labels = attribute_labels(len(images)) if multi_label else (np.arange(len(images)) % CLASSES).astype("int32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size, drop_remainder=True)


def test_tile_labels_puts_the_vector_at_every_pixel_after_the_channels():
    images = np.arange(2 * 3 * 3 * 2, dtype="float32").reshape(2, 3, 3, 2)
    labels = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]], "float32")
    tiled = np.asarray(tile_labels(images, labels))
    assert tiled.shape == (2, 3, 3, 5)
    np.testing.assert_array_equal(tiled[..., :2], images)
    for n in range(2):
        np.testing.assert_array_equal(tiled[n, :, :, 2:], np.broadcast_to(labels[n], (3, 3, 3)))


def test_generator_sees_its_labels_tiled():
    model = tiny(multi_label=True)
    translator = model.generator
    joined = keras.Model(translator.inputs, translator.get_layer("images_and_conditions").output)
    images, labels = tiny_images(2, SIZE), attribute_labels(2)
    np.testing.assert_allclose(joined([images, labels]), tile_labels(images, labels), atol=1e-6)
    # Domain indices are one-hot encoded inside the generator.
    single = tiny()
    assert single.generator.inputs[1].dtype == "int32" and not single.multi_label and model.multi_label


@pytest.mark.parametrize("multi_label", [False, True], ids=["domains", "attributes"])
def test_translations_depend_on_the_target_label(multi_label):
    # The tiled label is constant over the image: with reflection padding the first convolution made it a
    # constant per channel and the instance norm removed it, so every target gave the same image (to 1e-6)
    # and the benchmark's domain accuracy was exactly 1/3 with three domains. At initialisation a change of
    # target must move the output by a fair fraction of what a change of input image does.
    model = tiny(multi_label)
    images, others = tiny_images(4, SIZE, seed=1), tiny_images(4, SIZE, seed=2)
    if multi_label:
        targets = [np.eye(CLASSES, dtype="float32")[np.full(4, k)] for k in range(CLASSES)]
    else:
        targets = [np.full(4, k, "int32") for k in range(CLASSES)]
    outputs = [model.generate(images, labels=t) for t in targets]
    by_image = np.mean(np.abs(model.generate(others, labels=targets[0]) - outputs[0]))
    for k in range(1, CLASSES):
        assert np.mean(np.abs(outputs[k] - outputs[0])) > 0.1 * by_image


def test_discriminator_has_a_critic_head_and_a_domain_head():
    d = build_stargan_discriminator(32, 3, num_domains=5, width=4)
    scores, logits = d(np.zeros((2, 32, 32, 3), "float32"))
    assert scores.shape[0] == 2 and scores.shape[-1] == 1 and scores.shape[1] > 1  # a map of patches
    assert logits.shape == (2, 5)
    with pytest.raises(ValueError, match=r"must map images to \[scores, domain logits \(N, 3\)\]"):
        StarGAN(tiny().generator, build_stargan_discriminator(SIZE, 1, num_domains=4, width=4), num_classes=3)


def test_reconstruction_loss_by_hand():
    x = np.array([[[[0.5]], [[-1.0]]]], "float32")  # (1, 2, 1, 1)
    back = np.array([[[[0.0]], [[1.0]]]], "float32")
    assert float(losses.reconstruction_loss(x, back)) == pytest.approx((0.5 + 2.0) / 2)
    assert float(losses.reconstruction_loss(x, x)) == 0.0


def test_attribute_classification_loss_by_hand():
    logits = np.array([[0.0, 2.0], [-1.0, 0.0]], "float32")
    targets = np.array([[1.0, 1.0], [0.0, 1.0]], "float32")
    softplus = lambda v: np.log1p(np.exp(v))  # noqa: E731  -log sigmoid(l) = softplus(-l)
    by_hand = ((softplus(-0.0) + softplus(-2.0)) + (softplus(-1.0) + softplus(-0.0))) / 2
    assert float(losses.attribute_classification_loss(logits, targets)) == pytest.approx(by_hand, rel=1e-6)


@pytest.mark.large  # fit is also run by test_cli's test_every_variant_trains_by_name[stargan]
@pytest.mark.parametrize("multi_label", [False, True], ids=["domains", "attributes"])
def test_fit_and_phases(multi_label):
    model = tiny(multi_label)
    model.compile()
    history = check_fit(model, dataset(multi_label))
    assert sorted(history.history) == sorted(StarGAN.metric_names)
    model = tiny(multi_label)
    model.compile()
    # Biases that get no gradient: before an instance norm (it removes a per-channel offset), and
    # the critic's last one (E[D(x)] - E[D(G(x, c))] and the penalty do not depend on it).
    g_frozen = [v.path for v in model.generator.trainable_variables if v.path.endswith("bias") and "out_conv" not in v.path]
    d_frozen = [v.path for v in model.discriminator.trainable_variables
                if v.path.endswith("bias") and "domain" not in v.path and "conv0" not in v.path]
    check_phases(model, next(iter(dataset(multi_label))), d_frozen=d_frozen, g_frozen=g_frozen)


class Recorder:
    """Stands in for `classification_loss`, noting which logits and labels each call gets."""

    def __init__(self, model):
        self.model, self.calls = model, []
        self.loss = type(model).classification_loss.__get__(model)

    def __call__(self, logits, labels):
        self.calls.append((logits, labels))
        return self.loss(logits, labels)


def gradient_step_difference(weight_on, step, real):
    """The weight change one `step` makes with classification_weight 1 minus with 0, plain SGD(1)."""
    changes = []
    for weight in (1.0, 0.0):
        model = tiny(classification_weight=weight)
        model.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(1.0))
        network = getattr(model, weight_on)
        before = _values(network.trainable_variables)
        getattr(model, step)(real)
        changes.append([np.array(v) - b for v, b in zip(network.trainable_variables, before)])
    return [a - b for a, b in zip(*changes)]


def test_classification_on_real_trains_only_d_and_on_fake_only_g():
    images, labels = next(iter(dataset()))
    real = (images, labels)
    # D's step: the domain term is D_cls on the real images with their own labels...
    model = tiny()
    model.classification_loss = recorder = Recorder(model)
    model.compile()
    model.discriminator_step(real)
    ((logits, used),) = recorder.calls
    reference = tiny()  # the same weights as `model` before its step
    np.testing.assert_allclose(logits, reference.discriminator(images, training=True)[1], atol=1e-5)
    np.testing.assert_array_equal(used, labels)
    # ...and its gradient is exactly -grad_D L_cls(D_cls(x), c'), nothing of the fakes.
    with tf.GradientTape() as tape:
        loss = reference.classification_loss(reference.discriminator(images, training=True)[1], labels)
    expected = tape.gradient(loss, reference.discriminator.trainable_variables)
    for got, grad in zip(gradient_step_difference("discriminator", "discriminator_step", real), expected):
        np.testing.assert_allclose(got, 0.0 if grad is None else -np.asarray(grad), atol=1e-5)
    # G's step: the domain term is D_cls on the translations with the target labels, for G alone.
    model = tiny()
    model.classification_loss = recorder = Recorder(model)
    model.compile()
    model.generator_step(real)
    ((logits, targets),) = recorder.calls
    assert sorted(np.asarray(targets).tolist()) == sorted(labels.numpy().tolist())  # the batch's labels, shuffled
    reference = tiny()
    (inputs, drawn) = reference.generator_inputs(real)  # the same first draw as the step's
    np.testing.assert_array_equal(drawn, targets)
    with tf.GradientTape() as tape:
        fake = reference.generator(inputs, training=True)
        loss = reference.classification_loss(reference.discriminator(fake, training=True)[1], drawn)
    expected = tape.gradient(loss, reference.generator.trainable_variables)
    for got, grad in zip(gradient_step_difference("generator", "generator_step", real), expected):
        np.testing.assert_allclose(got, 0.0 if grad is None else -np.asarray(grad), atol=1e-5)


def test_reconstruction_term_maps_the_translation_back_with_the_original_labels():
    images, labels = next(iter(dataset()))
    model = tiny()
    model.compile()
    metrics = model.generator_step((images, labels))
    # g_rec is reconstruction_loss(x, G(G(x, c), c')) for the step's targets c: recompute it.
    reference = tiny()
    _, targets = reference.generator_inputs((images, labels))  # the same first draw as the step's
    fake = reference.generator([images, targets], training=True)
    back = reference.generator([fake, labels], training=True)
    assert float(metrics["g_rec"]) == pytest.approx(float(losses.reconstruction_loss(images, back)), rel=1e-5)


def test_identity_term_is_off_by_default_and_weighted_by_a_fraction_of_lambda_rec():
    images, labels = next(iter(dataset()))
    model = tiny()
    model.compile()
    assert model.identity_weight == 0.0 and float(model.generator_step((images, labels))["g_id"]) == 0.0
    with pytest.raises(ValueError, match="identity_weight"):
        tiny(identity_weight=-1.0)
    # g_id = E|G(x, c') - x|_1 with the original labels, and it enters L_G times identity_weight * lambda_rec.
    with_identity, without = tiny(identity_weight=0.5), tiny()
    for model in (with_identity, without):
        model.compile()
    metrics, plain = with_identity.generator_step((images, labels)), without.generator_step((images, labels))
    same = tiny()  # the weights both models had before their step
    g_id = losses.identity_loss(images, same.generator([images, labels], training=True))
    assert float(metrics["g_id"]) == pytest.approx(float(g_id), rel=1e-5)
    assert float(metrics["g_loss"] - plain["g_loss"]) == pytest.approx(0.5 * 10.0 * float(g_id), rel=1e-4)


@pytest.mark.parametrize("multi_label", [pytest.param(False, marks=pytest.mark.large), True], ids=["domains", "attributes"])
def test_round_trip_and_export(multi_label, tmp_path):
    model = tiny(multi_label)
    model.compile()
    data = dataset(multi_label)
    model.fit(data, epochs=1, verbose=0)
    check_keras_round_trip(model, data, tmp_path)
    check_export(model, tmp_path)
    spec = model.serving_specs()[1]
    assert (spec.shape.as_list(), spec.dtype) == (([None, CLASSES], tf.float32) if multi_label else ([None], tf.int32))
    # Served by TensorFlow alone, in a fresh process: images and target labels in, translations out.
    path = export_generator(model, tmp_path / "served")
    images, labels = tiny_images(3, SIZE, seed=4), labels_for(model, 3, seed=4)
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "labels.npy", labels)
    script = (
        "import sys, numpy as np, tensorflow as tf\n"
        f"loaded = tf.saved_model.load({str(path)!r})\n"
        f"x, c = np.load({str(tmp_path / 'images.npy')!r}), np.load({str(tmp_path / 'labels.npy')!r})\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, loaded.serve(images=tf.constant(x), labels=tf.constant(c))['images'].numpy())\n"
        "print('keras_gans' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "False", out.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), model.generate(images, labels), atol=1e-5)


def test_attribute_labels_are_checked():
    model = tiny(multi_label=True)
    model.compile()
    images = tiny_images(8, SIZE)
    with pytest.raises(ValueError, match=r"attribute labels must have shape \(batch, 3\)"):
        model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match=r"attribute labels must lie in \[0, 1\], got \[2.0\]"):
        model.fit(images, np.full((8, 3), 2.0, "float32"), batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="labels must be 2 vectors of 3 0/1 attributes"):
        model.generate(images[:2], labels=[0, 1])


def test_translation_targets_one_column_per_domain():
    names = ("Black_Hair", "Blond_Hair", "Male")
    networks = StarGAN.default_networks(SIZE, 1, width=4, num_classes=3, multi_label=True)
    model = StarGAN(*networks, num_classes=3, class_names=names)
    labels = np.array([[1, 0, 1], [0, 0, 0]], "float32")
    columns = dict(model.translation_targets(labels))
    np.testing.assert_array_equal(columns["Blond_Hair"], [[0, 1, 1], [0, 1, 0]])  # hair: set, others cleared
    np.testing.assert_array_equal(columns["Male"], [[1, 0, 0], [0, 0, 1]])  # flipped
    single = dict(tiny().translation_targets(count=2))
    assert list(single) == ["0", "1", "2"] and single["2"].tolist() == [2, 2]

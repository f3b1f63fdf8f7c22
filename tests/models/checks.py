"""Checks every variant's tests run: fit, phases, .keras round trip, SavedModel export.

Variant test files build a tiny model and call these, so no variant copies them.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator


# Conditional variants' tests: 3 classes, z of 8, 16 px grayscale, width-4 nets.
CLASSES, LATENT, SIZE = 3, 8, 16


def tiny_conditional(cls, **kwargs):
    """A conditional variant on its tiny default networks (seed 0 unless given)."""
    kwargs.setdefault("seed", 0)
    networks = cls.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=CLASSES)
    return cls(*networks, num_classes=CLASSES, **kwargs)


def tiny_images(count=16, size=16, channels=1, seed=0):
    """float32 images in [-1, 1], (count, size, size, channels)."""
    return np.random.default_rng(seed).uniform(-1, 1, (count, size, size, channels)).astype("float32")


def tiny_dataset(batch_size=4, batches=4, size=16, channels=1, num_classes=None, seed=0, unlabelled=False):
    """A dataset of `batches` full batches; (images, labels) pairs when num_classes is set.

    With `unlabelled` (a semi-supervised variant, `model.semi_supervised`): (images, labels,
    unlabelled images) triples.
    """
    images = tiny_images(batch_size * batches, size, channels, seed)
    if num_classes is None:
        return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)
    labels = (np.arange(len(images)) % num_classes).astype("int32")
    parts = (images, labels, tiny_images(len(images), size, channels, seed + 1)) if unlabelled else (images, labels)
    return tf.data.Dataset.from_tensor_slices(parts).batch(batch_size, drop_remainder=True)


def generator_input_batch(model, count, seed=1):
    """`count` inputs of `model`'s generator: latents z, or images in [-1, 1] for an image-to-image model."""
    if model.generator_input == "latent":
        return np.random.default_rng(seed).standard_normal((count, model.latent_dim)).astype("float32")
    shape = tuple(model.generator.inputs[0].shape[1:])
    return np.random.default_rng(seed).uniform(-1, 1, (count, *shape)).astype("float32")


def training_data(cls, images, num_classes=None):
    """What `fit` takes for a variant: images; `(images, labels)` when conditional; `(x_a, x_b)` for two
    domains; `(labelled images, labels, unlabelled images)` for a semi-supervised variant.

    The second domain's (or the unlabelled) images are the first's reversed in order (and negated for a
    second domain): unpaired, in [-1, 1].
    """
    if cls.two_domains:
        return images, -images[::-1]
    if cls.conditional:
        labels = (np.arange(len(images)) % num_classes).astype("int32")
        return (images, labels, images[::-1].copy()) if cls.semi_supervised else (images, labels)
    return images


def labels_for(model, count, seed=1):
    """`count` labels a conditional model takes (None if unconditional): class indices in turn, or
    random 0/1 attribute vectors for a multi-label model."""
    if model.num_classes is None:
        return None
    if model.multi_label:
        return np.random.default_rng(seed).integers(0, 2, (count, model.num_classes)).astype("float32")
    return (np.arange(count) % model.num_classes).astype("int32")


def _values(variables):
    return [np.array(v) for v in variables]


def _moved(before, variables):
    # Exact comparison: a weight-clipped WGAN critic passes gradients near 1e-10 to the
    # generator, which then moves by about 1e-8, below any tolerance, yet it moves.
    return [not np.array_equal(b, np.array(v)) for b, v in zip(before, variables)]


def check_fit(model, dataset, epochs=1):
    """Fits and returns the history; every metric is finite, the update ratio exact."""
    d0, g0 = int(model.d_optimizer.iterations), int(model.g_optimizer.iterations)
    history = model.fit(dataset, epochs=epochs, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values).all(), (key, values)
    g_steps = int(model.g_optimizer.iterations) - g0
    assert g_steps > 0
    assert int(model.d_optimizer.iterations) - d0 == model.critic_steps * g_steps
    return history


def check_phases(model, real, d_frozen=(), g_frozen=()):
    """The discriminator phase moves only discriminator weights, the generator phase only generator ones.

    Args:
        real: one real batch as the dataset yields it (images or (images, labels)).
        d_frozen / g_frozen: names (substrings of variable paths) of trainable weights that
            legitimately get no gradient in their own phase, stated by the variant's test.
    """
    g_vars, d_vars = model.generator.trainable_variables, model.discriminator.trainable_variables
    g0, d0 = _values(g_vars), _values(d_vars)
    model.discriminator_step(real)
    assert not any(_moved(g0, g_vars)), "the discriminator phase changed generator weights"
    _assert_all_moved(d_vars, _moved(d0, d_vars), d_frozen, "discriminator")
    g1, d1 = _values(g_vars), _values(d_vars)
    model.generator_step(real)
    assert not any(_moved(d1, d_vars)), "the generator phase changed discriminator weights"
    _assert_all_moved(g_vars, _moved(g1, g_vars), g_frozen, "generator")


def _assert_all_moved(variables, moved, frozen, role):
    still = [v.path for v, m in zip(variables, moved) if not m and not any(f in v.path for f in frozen)]
    assert not still, f"{role} weights that did not move in their own phase: {still}"


def check_keras_round_trip(model, dataset, tmp_path):
    """save/load keeps class, config, weights and optimizer state, and the model trains on."""
    path = tmp_path / f"{type(model).__name__}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    for key, value in model.get_config().items():
        if key not in {name for name, _ in model.players}:  # the networks: compared by their weights below
            assert loaded.get_config()[key] == value, key
    pairs = [(model.weights, loaded.weights)]
    pairs += [(o.variables, loaded.optimizers()[name].variables) for name, o in model.optimizers().items()]
    for a, b in pairs:
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_allclose(np.array(x), np.array(y), err_msg=x.path)
    z, labels = generator_input_batch(model, 4), labels_for(model, 4)
    np.testing.assert_allclose(model.generate(z, labels), loaded.generate(z, labels), atol=1e-5)
    # Training continues as if never saved: the same next step (weights, both optimizers'
    # moments and the noise generator's state all came back) gives the same losses and weights.
    steps = int(loaded.g_optimizer.iterations)
    # Fixed batches: a shuffling dataset would feed the two models different images.
    fixed = list(dataset.take(loaded.critic_steps))
    batches = tf.data.Dataset.from_tensor_slices(tf.nest.map_structure(lambda *parts: tf.stack(parts), *fixed))
    continued = model.fit(batches, epochs=1, verbose=0).history
    resumed = loaded.fit(batches, epochs=1, verbose=0).history
    assert int(loaded.g_optimizer.iterations) == steps + 1
    for name, values in continued.items():
        np.testing.assert_allclose(resumed[name], values, rtol=1e-5, atol=1e-6, err_msg=name)
    for x, y in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(np.array(y), np.array(x), rtol=1e-5, atol=1e-6, err_msg=x.path)
    return loaded


def check_export(model, tmp_path):
    """The SavedModel's serve signature reproduces generate for the same latents (and labels)."""
    path = export_generator(model, tmp_path / f"{type(model).__name__}_generator")
    loaded = tf.saved_model.load(str(path))
    z = generator_input_batch(model, 3, seed=2)
    # A truncation input (BigGAN) above every |z|: nothing is redrawn, the images are generate's.
    inputs = {model.input_name: tf.constant(z)}
    if "truncation" in serving_inputs(loaded):
        inputs["truncation"] = tf.constant(1e9)
    labels = None if model.num_classes is None else labels_for(model, 3, seed=2)
    if labels is not None:
        inputs["labels"] = tf.constant(labels)
    served = loaded.serve(**inputs)["images"].numpy()
    expected = model.generate(z) if labels is None else model.generate(z, labels)
    np.testing.assert_allclose(served, expected, atol=1e-5)


def serving_inputs(loaded):
    """The names of a loaded SavedModel's `serve` inputs."""
    return set(loaded.signatures["serve"].structured_input_signature[1])


def check_label_order(model):
    """Image i of `generate(z, labels)` is the image of labels[i]; the label changes the image."""
    one = np.random.default_rng(3).standard_normal((1, model.latent_dim)).astype("float32")
    same = np.repeat(one, 3, axis=0)
    forward = model.generate(same, labels=[0, 1, 2])
    backward = model.generate(same, labels=[2, 1, 0])
    np.testing.assert_allclose(backward, forward[::-1], atol=1e-6)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert np.abs(forward[i] - forward[j]).max() > 1e-6, (i, j)
    z = np.random.default_rng(4).standard_normal((3, model.latent_dim)).astype("float32")
    np.testing.assert_allclose(
        model.generate(z[::-1], labels=[2, 1, 0], batch_size=2), model.generate(z, labels=[0, 1, 2])[::-1], atol=1e-6
    )


def check_label_errors(model):
    """Labels out of range are refused by generate; an unlabelled dataset by fit, naming the variant."""
    z = np.zeros((3, model.latent_dim), "float32")
    with pytest.raises(ValueError, match=rf"labels must lie in \[0, {model.num_classes}\), got \[-1, 3\]"):
        model.generate(z, labels=[0, 3, -1])
    with pytest.raises(ValueError, match="generate needs labels"):
        model.generate(z)
    name = type(model).__name__
    with pytest.raises(ValueError, match=rf"{name} is conditional: fit it on \(images, labels\) batches"):
        size = model.generator.outputs[0].shape[1]
        model.fit(tiny_dataset(batches=2, size=size), verbose=0)


def check_adam(model, learning_rate, beta_1, beta_2):
    """Both default optimizers are distinct Adams with the paper's settings."""
    d_optimizer, g_optimizer = model.default_optimizers()
    assert d_optimizer is not g_optimizer
    for optimizer in (d_optimizer, g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(learning_rate)
        assert (optimizer.beta_1, optimizer.beta_2) == (beta_1, beta_2)


def softplus(x):
    return np.logaddexp(0.0, np.asarray(x, "float64"))


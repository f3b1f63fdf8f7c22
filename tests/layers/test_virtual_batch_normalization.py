import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import ReferenceBatch, VirtualBatchNormalization

EPSILON = 1e-5


def batch_norm(rows, epsilon=EPSILON):
    """Plain batch norm (biased variance) over axis 0 and the spatial axes, per channel, in numpy."""
    axes = tuple(range(rows.ndim - 1))
    return (rows - rows.mean(axis=axes)) / np.sqrt(rows.var(axis=axes) + epsilon)


def test_one_feature_by_hand():
    vbn = VirtualBatchNormalization(reference_size=2, epsilon=0.0)
    # Reference {1, 3}: mean 2, variance 1. Example 5 with it: {1, 3, 5}, mean 3, variance 8/3.
    # Example 0: {1, 3, 0}, mean 4/3, variance (1/9 + 25/9 + 16/9) / 3 = 14/9.
    out = np.asarray(vbn(np.array([[1.0], [3.0], [5.0], [0.0]], "float32")))[:, 0]
    np.testing.assert_allclose(out, [-1.0, 1.0, 2 / np.sqrt(8 / 3), (0 - 4 / 3) / np.sqrt(14 / 9)], rtol=1e-6)


def test_each_example_is_batch_normalized_with_the_reference_batch_plus_itself():
    rng = np.random.default_rng(0)
    reference, examples = rng.normal(1, 2, (3, 4, 4, 2)), rng.normal(-1, 3, (5, 4, 4, 2))
    vbn = VirtualBatchNormalization(reference_size=3)
    out = np.asarray(vbn(np.concatenate([reference, examples]).astype("float32")))
    np.testing.assert_allclose(out[:3], batch_norm(reference), rtol=1e-4, atol=1e-5)
    for i, example in enumerate(examples):
        expected = batch_norm(np.concatenate([reference, example[None]]))[-1]
        np.testing.assert_allclose(out[3 + i], expected, rtol=1e-4, atol=1e-5)


def test_an_examples_output_does_not_depend_on_the_rest_of_its_batch():
    rng = np.random.default_rng(1)
    rows = rng.standard_normal((6, 3, 3, 2)).astype("float32")
    vbn = VirtualBatchNormalization(reference_size=2)
    alone = np.asarray(vbn(rows[:3]))[2]
    np.testing.assert_allclose(np.asarray(vbn(rows))[2], alone, rtol=1e-5, atol=1e-6)


def test_gamma_and_beta_are_learned_and_gradients_reach_the_inputs():
    vbn = VirtualBatchNormalization(reference_size=2)
    x = tf.Variable(np.random.default_rng(2).standard_normal((5, 3)).astype("float32"))
    vbn.build(x.shape)
    vbn.gamma.assign([2.0, 1.0, 0.5])
    vbn.beta.assign([0.0, 1.0, -1.0])
    with tf.GradientTape() as tape:
        out = vbn(x)
        loss = tf.reduce_sum(out[2:] * tf.constant([1.0, 2.0, 3.0]))
    plain = VirtualBatchNormalization(reference_size=2, center=False, scale=False)(x.numpy())
    np.testing.assert_allclose(out, np.asarray(plain) * [2.0, 1.0, 0.5] + [0.0, 1.0, -1.0], rtol=1e-5, atol=1e-6)
    grads = tape.gradient(loss, [vbn.gamma.value, vbn.beta.value, x])
    assert all(np.abs(g).sum() > 0 for g in grads)
    # The reference rows get gradient too: the authors' statistics are not held constant.
    assert np.abs(grads[2][:2]).sum() > 0


def test_the_first_training_batch_becomes_the_reference_and_stays():
    add = ReferenceBatch(2)
    first, second = np.arange(8, dtype="float32").reshape(4, 2), -np.ones((4, 2), "float32")
    add(second)  # an inference call chooses nothing
    assert float(add.chosen) == 0
    out = np.asarray(add(first, training=True))
    np.testing.assert_array_equal(out, np.concatenate([first[:2], first]))
    for call in range(3):
        out = np.asarray(add(second + call, training=True))
        np.testing.assert_array_equal(np.asarray(add.reference), first[:2])
        np.testing.assert_array_equal(out, np.concatenate([first[:2], second + call]))
    assert float(add.chosen) == 1
    np.testing.assert_array_equal(ReferenceBatch(2, remove=True)(out), second + 2)


def test_a_first_batch_smaller_than_the_reference_is_repeated():
    add = ReferenceBatch(5)
    add(np.array([[1.0], [2.0]], "float32"), training=True)
    np.testing.assert_array_equal(np.asarray(add.reference)[:, 0], [1, 2, 1, 2, 1])


def tiny_network(size=3):
    z = keras.Input((4,))
    x = ReferenceBatch(size, initializer="random_normal", name="reference")(z)
    x = keras.layers.Dense(6, use_bias=False, name="projection")(x)
    x = VirtualBatchNormalization(size, name="vbn")(x)
    x = keras.layers.ReLU()(x)
    return keras.Model(z, ReferenceBatch(size, remove=True)(keras.layers.Dense(2)(x)))


def test_statistics_follow_the_current_weights_and_save_load_keeps_the_reference(tmp_path):
    model = tiny_network()
    rng = np.random.default_rng(3)
    first, z = rng.standard_normal((8, 4)).astype("float32"), rng.standard_normal((5, 4)).astype("float32")
    model(first, training=True)
    reference = np.asarray(model.get_layer("reference").reference)
    np.testing.assert_array_equal(reference, first[:3])
    # The layer's statistics are the reference's activations under the current kernel, not stored ones.
    kernel = model.get_layer("projection").kernel
    kernel.assign(np.asarray(kernel) * 3 + 0.1)
    hidden = keras.Model(model.input, model.get_layer("vbn").output)(z)
    activations = np.concatenate([reference, z]) @ np.asarray(kernel)
    for i in range(5):
        expected = batch_norm(np.concatenate([activations[:3], activations[3 + i: 4 + i]]))[-1]
        np.testing.assert_allclose(np.asarray(hidden)[3 + i], expected, rtol=1e-4, atol=1e-5)
    # One example alone gives what it gives in a batch.
    np.testing.assert_allclose(model(z[:1]), np.asarray(model(z))[:1], rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "vbn.keras")
    loaded = keras.models.load_model(tmp_path / "vbn.keras")
    np.testing.assert_array_equal(np.asarray(loaded.get_layer("reference").reference), reference)
    assert float(loaded.get_layer("reference").chosen) == 1
    np.testing.assert_allclose(loaded(z), model(z), rtol=1e-6)
    # Training on after loading keeps the saved reference.
    loaded(rng.standard_normal((8, 4)).astype("float32"), training=True)
    np.testing.assert_array_equal(np.asarray(loaded.get_layer("reference").reference), reference)


def test_bad_arguments_are_refused_naming_the_value():
    with pytest.raises(ValueError, match="reference_size must be an int >= 1, got 0"):
        VirtualBatchNormalization(0)
    with pytest.raises(ValueError, match="epsilon must be a finite number >= 0, got -1"):
        VirtualBatchNormalization(2, epsilon=-1)
    with pytest.raises(ValueError, match="size must be an int >= 1, got 2.0"):
        ReferenceBatch(2.0)

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import MinibatchDiscrimination

E = np.exp


def layer_with(kernel, num_kernels, kernel_dim):
    layer = MinibatchDiscrimination(num_kernels, kernel_dim)
    layer.build((None, kernel.shape[0]))
    layer.kernel.assign(kernel)
    return layer


def o(layer, x):
    """The appended features o(x): the columns after the input's."""
    x = np.asarray(x, "float32")
    out = np.asarray(layer(x))
    np.testing.assert_array_equal(out[:, : x.shape[1]], x)  # f(x) passes through unchanged
    return out[:, x.shape[1]:]


def test_two_samples_by_hand():
    # T = I with one kernel of C = 2: M_i = x_i, ||M_1 - M_2||_L1 = |0 - 1| + |0 - 2| = 3.
    one_kernel = layer_with(np.eye(2, dtype="float32"), num_kernels=1, kernel_dim=2)
    np.testing.assert_allclose(o(one_kernel, [[0, 0], [1, 2]]), [[1 + E(-3)], [1 + E(-3)]], rtol=1e-6)
    # Two kernels of C = 1: kernel 0 sees the first coordinate (distance 1), kernel 1 the second (2).
    two_kernels = layer_with(np.eye(2, dtype="float32"), num_kernels=2, kernel_dim=1)
    expected = [[1 + E(-1), 1 + E(-2)], [1 + E(-1), 1 + E(-2)]]
    np.testing.assert_allclose(o(two_kernels, [[0, 0], [1, 2]]), expected, rtol=1e-6)


def test_three_samples_by_hand():
    x = [[0, 0], [1, 2], [3, 0]]
    # One kernel, C = 2: L1 distances d12 = 3, d13 = 3, d23 = 2 + 2 = 4; j = i adds exp(0) = 1.
    one_kernel = layer_with(np.eye(2, dtype="float32"), num_kernels=1, kernel_dim=2)
    expected = [[1 + E(-3) + E(-3)], [E(-3) + 1 + E(-4)], [E(-3) + E(-4) + 1]]
    np.testing.assert_allclose(o(one_kernel, x), expected, rtol=1e-6)
    # Two kernels, C = 1: first coordinates 0, 1, 3; second coordinates 0, 2, 0.
    two_kernels = layer_with(np.eye(2, dtype="float32"), num_kernels=2, kernel_dim=1)
    expected = [
        [1 + E(-1) + E(-3), 1 + E(-2) + 1],
        [E(-1) + 1 + E(-2), E(-2) + 1 + E(-2)],
        [E(-3) + E(-2) + 1, 1 + E(-2) + 1],
    ]
    np.testing.assert_allclose(o(two_kernels, x), expected, rtol=1e-6)


def test_kernel_layout_matches_the_tensor_t_of_the_paper():
    # T as the paper's A x B x C tensor, stored as (A, B * C); o by the formula with loops.
    rng = np.random.default_rng(0)
    t, x = rng.normal(0, 0.3, (4, 3, 2)).astype("float32"), rng.standard_normal((5, 4)).astype("float32")
    layer = layer_with(t.reshape(4, 6), num_kernels=3, kernel_dim=2)
    m = np.einsum("na,abc->nbc", x, t)
    expected = [[sum(E(-np.abs(m[i, b] - m[j, b]).sum()) for j in range(5)) for b in range(3)] for i in range(5)]
    np.testing.assert_allclose(o(layer, x), expected, rtol=1e-5)


def test_batch_sizes_and_order():
    layer = MinibatchDiscrimination(4, 3)
    x = np.random.default_rng(1).standard_normal((6, 7)).astype("float32")
    # A batch of one compares the sample with itself only: o = exp(0) = 1.
    np.testing.assert_allclose(o(layer, x[:1]), np.ones((1, 4)), rtol=1e-6)
    # Identical samples: o = batch size.
    np.testing.assert_allclose(o(layer, np.repeat(x[:1], 5, axis=0)), np.full((5, 4), 5.0), rtol=1e-6)
    # Permuting the batch permutes the outputs: the batch is a set.
    permutation = [3, 0, 5, 1, 4, 2]
    np.testing.assert_allclose(o(layer, x[permutation]), o(layer, x)[permutation], rtol=1e-5)
    # Works in a graph with an unknown batch size.
    run = tf.function(lambda v: layer(v), input_signature=[tf.TensorSpec((None, 7))])
    np.testing.assert_allclose(run(x).numpy(), layer(x), rtol=1e-6)


def test_gradient_reaches_t_and_the_features():
    layer = MinibatchDiscrimination(2, 2)
    x = tf.Variable(np.random.default_rng(2).standard_normal((3, 4)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x)[:, 4:])
    kernel_grad, x_grad = tape.gradient(loss, [layer.kernel.value, x])
    assert np.abs(kernel_grad).sum() > 0 and np.abs(x_grad).sum() > 0


def test_keras_round_trip(tmp_path):
    inputs = keras.Input((6,))
    model = keras.Model(inputs, keras.layers.Dense(1)(MinibatchDiscrimination(3, 2, name="mbd")(inputs)))
    x = np.random.default_rng(3).standard_normal((4, 6)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    layer = loaded.get_layer("mbd")
    assert isinstance(layer, MinibatchDiscrimination) and (layer.num_kernels, layer.kernel_dim) == (3, 2)
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)


def test_bad_arguments_are_refused_naming_the_value():
    with pytest.raises(ValueError, match="num_kernels must be an int >= 1, got 0"):
        MinibatchDiscrimination(0, 5)
    with pytest.raises(ValueError, match="kernel_dim must be an int >= 1, got 2.5"):
        MinibatchDiscrimination(3, 2.5)
    with pytest.raises(ValueError, match="expected ndim=2"):
        MinibatchDiscrimination(3, 2)(np.zeros((2, 3, 3, 1), "float32"))

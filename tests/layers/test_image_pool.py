import keras
import numpy as np
import pytest

from keras_gans.layers import ImagePool

SHAPE = (2, 2, 1)


def batch(value, n=1):
    return np.full((n, *SHAPE), value, "float32")


def test_fills_first_then_returns_a_stored_image_with_probability_one_half():
    pool = ImagePool(SHAPE, pool_size=50)
    rng = np.random.default_rng(0)
    for start in range(0, 50, 10):  # filling: every image stored and returned unchanged
        values = np.arange(start, start + 10, dtype="float32")
        out = np.asarray(pool.query(values[:, None, None, None] * np.ones(SHAPE, "float32"), rng.random(10),
                                    rng.integers(0, 50, 10)))
        np.testing.assert_array_equal(out[:, 0, 0, 0], values)
    assert int(pool.count) == 50
    np.testing.assert_array_equal(np.asarray(pool.images)[:, 0, 0, 0], np.arange(50))
    # Full: each new image has a value of its own, so a returned image that differs came from the pool.
    returned_stored, queries = 0, 0
    for step in range(20):
        values = -1.0 - np.arange(step * 200, (step + 1) * 200, dtype="float32")
        out = np.asarray(pool.query(values[:, None, None, None] * np.ones(SHAPE, "float32"), rng.random(200),
                                    rng.integers(0, 50, 200)))
        returned_stored += int(np.sum(out[:, 0, 0, 0] != values))
        queries += 200
    fraction = returned_stored / queries
    # Binomial(4000, 1/2): standard deviation 0.0079; 4 of them either side.
    assert abs(fraction - 0.5) < 0.032, fraction
    assert int(pool.count) == 50 and np.all(np.asarray(pool.images) < 0)  # all 50 replaced by now


def test_a_swap_stores_the_new_image_where_the_returned_one_was():
    pool = ImagePool(SHAPE, pool_size=3)
    pool.query(np.stack([batch(v)[0] for v in (1, 2, 3)]), np.zeros(3), np.zeros(3, "int32"))
    out = pool.query(np.stack([batch(v)[0] for v in (7, 8)]), np.array([0.9, 0.2]), np.array([2, 0], "int32"))
    np.testing.assert_array_equal(np.asarray(out)[:, 0, 0, 0], [3, 8])  # 7 swapped with slot 2; 8 kept
    np.testing.assert_array_equal(np.asarray(pool.images)[:, 0, 0, 0], [1, 2, 7])


def test_batch_crossing_the_fill_boundary_and_size_zero():
    pool = ImagePool(SHAPE, pool_size=3)
    pool.query(batch(1, 2), np.ones(2), np.zeros(2, "int32"))
    # Position 2 still fills; position 3 finds the pool full and swaps with slot 0 (draw 0.9).
    out = pool.query(np.stack([batch(5)[0], batch(6)[0]]), np.array([0.9, 0.9]), np.array([1, 0], "int32"))
    np.testing.assert_array_equal(np.asarray(out)[:, 0, 0, 0], [5, 1])
    np.testing.assert_array_equal(np.asarray(pool.images)[:, 0, 0, 0], [6, 1, 5])
    assert int(pool.count) == 3
    passthrough = ImagePool(SHAPE, pool_size=0)
    np.testing.assert_array_equal(passthrough.query(batch(4, 2), np.ones(2), np.zeros(2, "int32")), batch(4, 2))
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(SHAPE, pool_size=-1)


def test_contents_survive_a_keras_round_trip(tmp_path):
    inputs = keras.Input(SHAPE)
    model = keras.Model(inputs, inputs)
    model.pool = ImagePool(SHAPE, pool_size=4)
    model.pool.query(np.random.default_rng(0).standard_normal((3, *SHAPE)).astype("float32"), np.zeros(3),
                     np.zeros(3, "int32"))
    model.save_weights(tmp_path / "x.weights.h5")
    other = keras.Model(inputs, inputs)
    other.pool = ImagePool(SHAPE, pool_size=4)
    other.load_weights(tmp_path / "x.weights.h5")
    np.testing.assert_array_equal(np.asarray(other.pool.images), np.asarray(model.pool.images))
    assert int(other.pool.count) == 3
    config = ImagePool.from_config(model.pool.get_config()).get_config()
    assert config["pool_size"] == 4 and config["image_shape"] == list(SHAPE)

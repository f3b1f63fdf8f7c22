import imageio.v3 as iio
import keras
import numpy as np
import pytest

from keras_gans.callbacks import BestSamples


def test_keeps_highest_critic_scores_best_first(tmp_path, make_gan):
    model = make_gan(latent_dim=4, size=8, channels=3)
    # A pool not divisible by the batch size exercises the last partial batch.
    best = BestSamples(tmp_path / "out" / "best.png", pool_size=50, num_keep=9, batch_size=16, seed=3)
    best.set_model(model)
    best.on_train_end()

    # The stub critic scores an image by its mean pixel: recompute for the whole pool.
    pool = np.random.default_rng(3).standard_normal((50, 4)).astype(np.float32)
    all_scores = keras.ops.convert_to_numpy(model.generator(pool)).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(best.scores, np.sort(all_scores)[::-1][:9], rtol=1e-6)
    assert np.all(np.diff(best.scores) <= 0)
    np.testing.assert_allclose(best.images.mean(axis=(1, 2, 3)), best.scores, rtol=1e-5)
    np.testing.assert_array_equal(best.latents, pool[np.argsort(-all_scores, kind="stable")[:9]])

    png = iio.imread(tmp_path / "out" / "best.png")
    # 8 px tiles are shown 6x larger (DISPLAY_TILE 48): 3 tiles of 48 and 4 borders of 2
    assert png.shape == (3 * 48 + 4 * 2, 3 * 48 + 4 * 2, 3)


def test_runs_at_end_of_fit(tmp_path, make_gan, run_fit):
    best = BestSamples(tmp_path / "best.png", pool_size=8, num_keep=4)
    run_fit(make_gan(channels=1), [best], epochs=1, steps=1)
    assert best.scores.shape == (4,)
    assert iio.imread(tmp_path / "best.png").shape == (2 * 48 + 3 * 2, 2 * 48 + 3 * 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pool_size": 10, "num_keep": 11}, "num_keep=11 is more than pool_size=10"),
        ({"pool_size": 0}, "pool_size must be an int >= 1, got 0"),
        ({"num_keep": 0}, "num_keep must be an int >= 1, got 0"),
        ({"batch_size": 2.5}, "batch_size must be an int >= 1, got 2.5"),
        ({"pool_size": float("inf")}, "pool_size must be an int >= 1, got inf"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        BestSamples(tmp_path / "best.png", **kwargs)

"""FixedNoiseGIF with fixed real inputs: rows of [input, its translation to each domain], a frame per epoch."""

import os

import imageio.v3 as iio
import numpy as np
import pytest

from keras_gans.callbacks import FixedNoiseGIF
from keras_gans.images import DISPLAY_TILE
from keras_gans.models import StarGAN


def tiny_stargan(size=8, domains=3):
    networks = StarGAN.default_networks(size, 1, width=2, num_classes=domains)
    model = StarGAN(*networks, num_classes=domains, class_names=("red", "green", "blue"), critic_steps=1, seed=0)
    model.compile()
    return model


def test_one_row_per_input_one_column_per_domain_one_frame_per_epoch(tmp_path):
    model = tiny_stargan()
    images = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    labels = np.arange(8) % 3
    gif = FixedNoiseGIF(tmp_path, inputs=images[:2], input_labels=labels[:2])
    model.fit(images, labels, batch_size=4, epochs=2, verbose=0, callbacks=[gif])
    names = sorted(os.listdir(tmp_path / "frames"))
    assert len(names) == 3  # before training, then each of the 2 epochs
    png = iio.imread(tmp_path / "frames" / names[-1])
    # 2 rows x (input + 3 domains) of 8 px tiles shown at DISPLAY_TILE px, 2 px borders, a caption strip on top.
    assert png.shape[1] == 4 * DISPLAY_TILE + 5 * 2 and png.shape[0] > 2 * DISPLAY_TILE + 3 * 2
    assert iio.imread(tmp_path / "training.gif", index=None).shape[0] == 3
    assert not os.path.exists(tmp_path / "fixed_noise.npy")  # the inputs are the caller's


def test_columns_are_the_inputs_and_their_translations(tmp_path, monkeypatch):
    model = tiny_stargan()
    images = np.random.default_rng(1).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    gif = FixedNoiseGIF(tmp_path, inputs=images)
    gif.set_model(model)
    grids = []
    monkeypatch.setattr("keras_gans.callbacks.gif.image_grid", lambda grid, **kw: grids.append((grid, kw)) or
                        np.zeros((10, 10, 1), np.uint8))
    monkeypatch.setattr("keras_gans.callbacks.gif.add_caption", lambda grid, caption: grids.append(caption) or grid)
    gif._render("epoch 0")
    (grid, layout), caption = grids
    assert layout["rows"] == 2 and layout["cols"] == 4
    np.testing.assert_array_equal(grid[0], images[0])
    np.testing.assert_allclose(grid[4 + 3], model.generate(images, labels=[2, 2])[1], atol=1e-6)
    assert caption == "epoch 0 · columns: input, red, green, blue"


@pytest.mark.parametrize("kwargs,match", [
    ({"inputs": np.zeros((2, 8, 8))}, r"inputs must be images of shape \(N, H, W, C\), N >= 1, got shape \(2, 8, 8\)"),
    ({"inputs": np.full((2, 8, 8, 1), 3.0)}, r"inputs must be finite and scaled to \[-1, 1\], got values in \[3.0, 3.0\]"),
    ({"inputs": np.zeros((2, 8, 8, 1)), "input_labels": [0]}, r"one label per input \(2\), got 1"),
])
def test_bad_inputs_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        FixedNoiseGIF(tmp_path, **kwargs)

import os

import imageio.v3 as iio
import numpy as np
import pytest

from keras_gans.images import add_caption, atomic_write, grid_shape, image_grid, save_image, to_uint8


def test_to_uint8_endpoints_midpoint_and_clipping():
    out = to_uint8(np.array([-1.0, 1.0, 0.0, -5.0, 5.0, np.nan], np.float32))
    assert out.dtype == np.uint8
    assert out.tolist() == [0, 255, 128, 0, 255, 0]


def test_to_uint8_accepts_tensors():
    import tensorflow as tf

    assert to_uint8(tf.constant([[-1.0, 1.0]])).tolist() == [[0, 255]]


@pytest.mark.parametrize(
    "n, rows, cols, expected",
    [(64, None, None, (8, 8)), (10, None, None, (3, 4)), (1, None, None, (1, 1)), (10, 2, None, (2, 5)),
     (10, None, 2, (5, 2)), (6, 2, 3, (2, 3))],
)
def test_grid_shape(n, rows, cols, expected):
    assert grid_shape(n, rows, cols) == expected


def test_grid_shape_too_small_names_values():
    with pytest.raises(ValueError, match=r"rows=2 x cols=3 holds 6 images, fewer than the 7"):
        grid_shape(7, 2, 3)
    with pytest.raises(ValueError, match=r"rows must be an int >= 1 or None, got 0"):
        grid_shape(4, rows=0)


def test_image_grid_layout_padding_and_empty_cells():
    # Image i is filled with the value i, so every tile can be found.
    images = np.stack([np.full((4, 5, 3), i, np.uint8) for i in range(1, 8)])
    grid = image_grid(images, padding=2, pad_value=255)
    rows, cols = 3, 3
    assert grid.shape == (rows * 4 + (rows + 1) * 2, cols * 5 + (cols + 1) * 2, 3)
    for i in range(7):
        r, c = divmod(i, cols)
        top, left = 2 + r * 6, 2 + c * 7
        assert (grid[top : top + 4, left : left + 5] == i + 1).all()
    # Outer border, a gap between tiles, and the two empty cells are pad_value.
    assert (grid[:2] == 255).all() and (grid[:, :2] == 255).all()
    assert (grid[:, 7:9] == 255).all()
    assert (grid[2 + 2 * 6 :, 2 + 7 :] == 255).all()


def test_image_grid_float_grayscale_and_no_padding():
    images = np.concatenate([-np.ones((2, 3, 3, 1)), np.ones((2, 3, 3, 1))])
    grid = image_grid(images, rows=1, padding=0)
    assert grid.shape == (3, 12, 1) and grid.dtype == np.uint8
    assert grid[..., 0].tolist()[0] == [0] * 6 + [255] * 6
    # (N, H, W) is read as grayscale too.
    assert image_grid(images[..., 0], padding=1, pad_value=0).shape == (2 * 3 + 3, 2 * 3 + 3, 1)


def test_image_grid_rejects_bad_input():
    with pytest.raises(ValueError, match=r"rows=1 x cols=2 holds 2 images, fewer than the 3"):
        image_grid(np.zeros((3, 2, 2, 3)), rows=1, cols=2)
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        image_grid(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="dtype int64"):
        image_grid(np.zeros((1, 2, 2, 3), np.int64))
    with pytest.raises(ValueError, match="padding must be an int >= 0, got -1"):
        image_grid(np.zeros((1, 2, 2, 3)), padding=-1)
    with pytest.raises(ValueError, match=r"pad_value must be an int in \[0, 255\], got 256"):
        image_grid(np.zeros((1, 2, 2, 3)), pad_value=256)
    with pytest.raises(ValueError, match="min_tile must be an int >= 1 or None, got 0"):
        image_grid(np.zeros((1, 2, 2, 3)), min_tile=0)
    grid = image_grid(np.zeros((1, 2, 2, 3)), rows=np.int64(1), padding=np.int32(0), pad_value=np.uint8(0))
    assert grid.shape == (2, 2, 3)


@pytest.mark.parametrize("channels", [1, 3])
def test_add_caption_strip_height_independent_of_text(channels):
    grid = np.zeros((30, 90, channels), np.uint8)
    short, long = add_caption(grid, "epoch 1"), add_caption(grid, "epoch 12 · step 3400 and much more text")
    assert short.shape == long.shape
    strip = short.shape[0] - 30
    assert short.shape[1:] == (90, channels) and strip > 5
    np.testing.assert_array_equal(short[strip:], grid)
    # Black text on a white strip.
    assert (short[:strip] == 255).mean() > 0.5 and (short[:strip] < 128).any()


def test_add_caption_rejects_float_grid():
    with pytest.raises(ValueError, match="got dtype float64"):
        add_caption(np.zeros((4, 4, 3)), "x")


@pytest.mark.parametrize("shape, decoded", [((6, 7, 3), (6, 7, 3)), ((6, 7, 1), (6, 7)), ((6, 7), (6, 7))])
def test_save_image_roundtrip_creates_folders_no_temp_files(tmp_path, shape, decoded):
    array = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    path = tmp_path / "a" / "b" / "img.png"
    save_image(path, array)
    out = iio.imread(path)
    assert out.shape == decoded
    np.testing.assert_array_equal(out, array.reshape(decoded))
    assert os.listdir(path.parent) == ["img.png"]


def test_save_image_rejects_float():
    with pytest.raises(ValueError, match="got dtype float32"):
        save_image("unused.png", np.zeros((2, 2), np.float32))


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "img.png"
    save_image(path, np.zeros((2, 2), np.uint8))
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_write(path) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half a PNG")
            raise RuntimeError("killed mid-write")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["img.png"]


def test_atomic_write_temp_file_is_hidden_sibling_with_same_extension(tmp_path):
    with atomic_write(tmp_path / "x.gif") as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)
        assert os.path.basename(tmp).startswith(".") and tmp.endswith(".gif")
        open(tmp, "wb").close()
    assert os.listdir(tmp_path) == ["x.gif"]


def test_image_grid_min_tile_enlarges_small_tiles_by_repeating_pixels():
    tile = np.zeros((1, 16, 16, 1), np.uint8)
    tile[0, 0, 0, 0] = 200
    grid = image_grid(tile, padding=0, min_tile=48)
    assert grid.shape == (48, 48, 1)  # factor ceil(48 / 16) = 3
    assert (grid[:3, :3] == 200).all() and grid[3:, :].max() == 0 and grid[:, 3:].max() == 0
    assert image_grid(np.zeros((1, 64, 64, 3), np.uint8), padding=0, min_tile=48).shape == (64, 64, 3)

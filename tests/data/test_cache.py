"""The decoded-image cache of image_folder / celeba: first epoch writes, later epochs read."""

import os

import numpy as np
import pytest
from PIL import Image

from keras_gans.data import image_folder


@pytest.fixture
def folder(tmp_path):
    source = tmp_path / "images"
    source.mkdir()
    rng = np.random.default_rng(0)
    for i in range(12):
        Image.fromarray(rng.integers(0, 256, (40, 30, 3), dtype=np.uint8)).save(source / f"{i:02d}.png")
    return source


def epoch(dataset):
    return np.concatenate([batch.numpy() for batch in dataset])


def sorted_rows(images):
    flat = images.reshape(len(images), -1)
    return flat[np.lexsort(flat.T[::-1])]


def test_file_cache_serves_later_epochs_without_the_source(folder, tmp_path):
    cache = tmp_path / "cache" / "faces"
    cache.parent.mkdir()
    dataset = image_folder(folder, image_size=16, batch_size=4, cache=cache, seed=0)
    first = epoch(dataset)
    assert any(name.startswith("faces") for name in os.listdir(cache.parent))
    for image in folder.iterdir():
        image.unlink()  # from now on only the cache can supply images
    second = epoch(dataset)
    np.testing.assert_array_equal(sorted_rows(second), sorted_rows(first))
    assert not np.array_equal(second, first)  # reshuffled after the cache


def test_cached_images_equal_decoded_ones_to_uint8_rounding(folder, tmp_path):
    plain = epoch(image_folder(folder, image_size=16, batch_size=4, shuffle=False))
    cached = epoch(image_folder(folder, image_size=16, batch_size=4, shuffle=False, cache="memory"))
    assert cached.dtype == np.float32 and cached.min() >= -1.0 and cached.max() <= 1.0
    # Rounding the resized values to integers moves each by at most half a level: 0.5 / 127.5.
    np.testing.assert_allclose(sorted_rows(cached), sorted_rows(plain), atol=0.5 / 127.5 + 1e-6)


def test_cache_keeps_the_batch_count_and_shape(folder):
    dataset = image_folder(folder, image_size=8, batch_size=5, channels=1, cache="memory")
    assert int(dataset.cardinality()) == 2
    assert dataset.element_spec.shape.as_list() == [5, 8, 8, 1]
    assert len(list(dataset)) == 2


@pytest.mark.parametrize(
    "cache, message",
    [
        (42, 'cache must be None, "memory" or a file path, got 42'),
        ("/no/such/folder/cache", "its folder '/no/such/folder' does not exist"),
    ],
)
def test_bad_cache_argument_names_the_value(folder, cache, message):
    with pytest.raises(ValueError, match=message):
        image_folder(folder, image_size=16, batch_size=4, cache=cache)


def test_half_written_cache_is_reported_not_reused(folder, tmp_path):
    cache = tmp_path / "faces"
    (tmp_path / "faces_0.lockfile").write_bytes(b"")
    with pytest.raises(ValueError, match=r"half-written .* delete .*faces\* and start again"):
        image_folder(folder, image_size=16, batch_size=4, cache=cache)

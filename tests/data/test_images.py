"""image_folder on folders and zips of generated images, broken files included."""

import struct
import warnings
import zipfile

import numpy as np
import pytest
import tensorflow as tf
from .data_files import BROKEN, GOOD, encode, rgb, write_files, write_zip

from keras_gans.data import image_folder
from keras_gans.data._checks import file_problem


def _epoch(ds):
    return [batch.numpy() for batch in ds]


def _check_batches(batches, batch_size, size, channels):
    for batch in batches:
        assert batch.shape == (batch_size, size, size, channels)
        assert batch.dtype == np.float32
        assert np.all(np.isfinite(batch)) and batch.min() >= -1.0 and batch.max() <= 1.0


def _messages(record):
    return [str(w.message) for w in record if issubclass(w.category, UserWarning)]


def test_folder_skips_broken_files_with_one_warning(mixed_folder):
    with pytest.warns(UserWarning) as record:
        ds = image_folder(mixed_folder, image_size=16, batch_size=4, seed=0)
    (message,) = _messages(record)
    assert f"skipped 3 of {GOOD + 3} files" in message
    for name in BROKEN:
        assert name in message
    assert "empty file" in message and "truncated JPEG" in message
    assert ds.element_spec.shape == (4, 16, 16, 3)  # static batch dimension
    assert int(ds.cardinality()) == GOOD // 4
    for _ in range(2):  # a full epoch, twice, never crashes
        batches = _epoch(ds)
        assert len(batches) == GOOD // 4
        _check_batches(batches, 4, 16, 3)


def test_zip_is_read_in_place_with_the_same_checks(mixed_zip):
    with pytest.warns(UserWarning) as record:
        ds = image_folder(mixed_zip, image_size=16, batch_size=3, seed=0)
        # The empty member is known from the zip directory; the other two show up while reading.
        assert int(ds.cardinality()) == (GOOD + 2) // 3
        batches = _epoch(ds)
    messages = _messages(record)
    assert len(messages) == 2
    assert "skipped 1 of 11 files" in messages[0] and "broken/empty.jpg" in messages[0]
    assert "skipped 2 of 11 files" in messages[1]
    assert "broken/random.jpg" in messages[1] and "broken/truncated.jpg" in messages[1]
    assert len(batches) == (GOOD + 2) // 3
    _check_batches(batches, 3, 16, 3)
    # Known bad members are not read again, nor warned about again.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(_epoch(ds)) == (GOOD + 2) // 3


@pytest.mark.parametrize("as_zip", [False, True])
def test_unshuffled_order_and_channels(tmp_path, as_zip):
    # Constant images 0, 40, 80, ...: file order is visible in the pixel values.
    files = {f"{i}.png": np.full((10, 12, 3), 40 * i, np.uint8) for i in range(4)}
    files["3.png"] = files["3.png"][..., 0]  # a grayscale one
    files = {name: encode(array, "PNG") for name, array in files.items()}
    path = write_zip(tmp_path / "x.zip", files) if as_zip else write_files(tmp_path / "x", files)
    for channels in (1, 3):
        ds = image_folder(path, image_size=8, batch_size=4, channels=channels, shuffle=False)
        (batch,) = _epoch(ds)
        assert batch.shape == (4, 8, 8, channels)
        # Gray weights (0.299, 0.587, 0.114) sum to 0.9999, hence the tolerance.
        np.testing.assert_allclose(batch[:, 0, 0, 0], np.arange(4) * 40 / 127.5 - 1, atol=1e-3)
        np.testing.assert_allclose(batch, batch[..., :1] * np.ones(channels), atol=1e-5)


@pytest.mark.parametrize("as_zip", [False, True])
def test_seed_fixes_the_shuffle(tmp_path, as_zip):
    files = {f"{i}.png": encode(np.full((8, 8, 3), 20 * i, np.uint8), "PNG") for i in range(8)}
    path = write_zip(tmp_path / "x.zip", files) if as_zip else write_files(tmp_path / "x", files)

    def first_pixels(seed):
        ds = image_folder(path, image_size=8, batch_size=8, seed=seed, deterministic=True)
        return [_epoch(ds)[0][:, 0, 0, 0] for _ in range(2)]

    epoch1, epoch2 = first_pixels(3)
    np.testing.assert_array_equal(epoch1, first_pixels(3)[0])
    assert not np.array_equal(epoch1, epoch2)  # reshuffled every epoch
    np.testing.assert_allclose(np.sort(epoch1), np.arange(8) * 20 / 127.5 - 1, atol=1e-5)


def _framed(height, width, top, left, side):
    """Black image with a white side x side square at (top, left)."""
    image = np.zeros((height, width, 3), np.uint8)
    image[top : top + side, left : left + side] = 255
    return image


@pytest.mark.parametrize(
    "image, crop_size, crop_offset",
    [
        (_framed(40, 60, 0, 10, 40), None, None),  # largest centred square of a wide image
        (_framed(60, 40, 10, 0, 40), None, None),  # ... and of a tall one
        (_framed(40, 60, 10, 20, 20), 20, None),  # centred crop_size square
        (_framed(41, 60, 10, 20, 20), 20, None),  # odd margin: the extra row goes below
        (_framed(40, 60, 5, 7, 16), 16, (5, 7)),  # explicit box
        (_framed(20, 20, 4, 4, 16), 16, (10, 10)),  # box moved back inside the image
    ],
)
def test_crop_box_takes_exactly_the_white_square(tmp_path, image, crop_size, crop_offset):
    write_files(tmp_path, {"framed.png": encode(image, "PNG")})
    ds = image_folder(tmp_path, 8, 1, crop_size=crop_size, crop_offset=crop_offset)
    (batch,) = _epoch(ds)
    np.testing.assert_allclose(batch, 1.0, atol=1e-5)  # any black pixel would pull a value down


def test_resize_is_antialiased(tmp_path):
    # One-pixel stripes shrunk 7x: plain bilinear samples single columns (+-1 alternating);
    # the antialiased filter averages each 7-pixel span to about 0.
    stripes = np.zeros((56, 56, 3), np.uint8)
    stripes[:, ::2] = 255
    write_files(tmp_path, {"stripes.png": encode(stripes, "PNG")})
    (batch,) = _epoch(image_folder(tmp_path, 8, 1))
    assert np.abs(batch).max() < 0.3


def test_file_that_passes_the_checks_but_fails_to_decode_is_replaced(tmp_path):
    # Well-formed marker segments (frame, scan, end) but no quantization or Huffman tables:
    # only the decoder can tell.
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 8, 8, 3) + b"".join(bytes((i, 0x11, 0)) for i in (1, 2, 3))
    scan = b"\xff\xda" + struct.pack(">HB", 12, 3) + b"".join(bytes((i, 0)) for i in (1, 2, 3)) + bytes((0, 63, 0))
    fake = b"\xff\xd8" + frame + scan + bytes(50) + b"\xff\xd9"
    files = {f"{i}.png": encode(rgb(10, 10, i), "PNG") for i in range(5)}
    files["fake.jpg"] = fake
    write_files(tmp_path, files)
    assert file_problem(tmp_path / "fake.jpg") is None
    ds = image_folder(tmp_path, 8, 2, seed=0)
    assert int(ds.cardinality()) == 3
    for _ in range(2):
        batches = _epoch(ds)
        assert len(batches) == 3  # the dropped image is made up from a second pass
        _check_batches(batches, 2, 8, 3)


def test_drop_remainder_false_keeps_the_last_batch(mixed_folder):
    with pytest.warns(UserWarning):
        ds = image_folder(mixed_folder, 8, 3, drop_remainder=False, shuffle=False)
    assert int(ds.cardinality()) == 3
    assert [len(b) for b in _epoch(ds)] == [3, 3, 2]


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        image_folder(tmp_path / "nowhere")


@pytest.mark.parametrize("as_zip", [False, True])
def test_no_images(tmp_path, as_zip):
    files = {"readme.txt": b"x", "sub/data.csv": b"1,2"}
    path = write_zip(tmp_path / "e.zip", files) if as_zip else write_files(tmp_path / "e", files)
    with pytest.raises(ValueError, match=r"no image files in .*e(\.zip)?'.*\.jpg, \.jpeg, \.png"):
        image_folder(path)


def test_only_broken_files(tmp_path):
    write_files(tmp_path, {"a.jpg": b"", "b.png": b"nonsense"})
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="none of the 2"):
        image_folder(tmp_path)


def test_fewer_images_than_a_batch(mixed_folder):
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=f"has {GOOD} usable.*=16"):
        image_folder(mixed_folder, batch_size=16)


def test_not_a_folder_nor_a_zip(tmp_path):
    (tmp_path / "a.png").write_bytes(encode(rgb(8, 8), "PNG"))
    with pytest.raises(ValueError, match="a.png"):
        image_folder(tmp_path / "a.png")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(image_size=30), "30"),
        (dict(batch_size=0), "batch_size must be an int >= 1, got 0"),
        (dict(batch_size=2.5), "2.5"),
        (dict(channels=4), "channels must be 1 or 3, got 4"),
        (dict(crop_size=0), "crop_size"),
        (dict(crop_offset=(1, 2)), "needs a crop_size"),
        (dict(crop_size=8, crop_offset=(-1, 2)), r"\(-1, 2\)"),
    ],
)
def test_bad_arguments(mixed_folder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        image_folder(mixed_folder, **kwargs)


def test_numpy_integers_are_accepted(mixed_folder):
    with pytest.warns(UserWarning, match="skipped 3 of 11 files"):  # the folder's broken files
        ds = image_folder(mixed_folder, np.int64(8), np.int32(2), channels=np.int64(1), crop_size=np.int64(6),
                          crop_offset=(np.int64(0), np.int16(1)), shuffle=False)
    assert ds.element_spec.shape == (2, 8, 8, 1)


def test_corrupt_zip_member_is_skipped(tmp_path):
    # A member whose stored bytes no longer match its CRC.
    files = {f"{i}.png": encode(rgb(8, 8, i), "PNG") for i in range(3)}
    path = write_zip(tmp_path / "c.zip", files)
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("1.png").header_offset
    raw = bytearray(path.read_bytes())
    raw[offset + 30 + len("1.png") + 40] ^= 0xFF  # a byte inside the member's data
    path.write_bytes(bytes(raw))
    ds = image_folder(path, 8, 2)
    with pytest.warns(UserWarning, match="1.png"):
        batches = _epoch(ds)
    assert len(batches) == 1
    _check_batches(batches, 2, 8, 3)
    assert isinstance(ds, tf.data.Dataset)


def test_warning_names_at_most_five_files(tmp_path):
    files = {f"bad{i}.jpg": b"" for i in range(7)}
    files.update({f"good{i}.png": encode(rgb(8, 8, i), "PNG") for i in range(2)})
    write_files(tmp_path, files)
    with pytest.warns(UserWarning) as record:
        image_folder(tmp_path, 8, 2)
    (message,) = _messages(record)
    assert "skipped 7 of 9 files" in message and message.endswith("and 2 more")
    assert "bad4.jpg" in message and "bad5.jpg" not in message

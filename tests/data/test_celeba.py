"""celeba: tensorflow_datasets (mocked, no network), folder and zip sources, download failures."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from .data_files import encode, write_files, write_zip

from keras_gans.data import celeba
from keras_gans.data._pipeline import centred_crop_box
from keras_gans.data.celeba import CELEBA_CROP_BOX, CELEBA_IMAGE_SHAPE


def test_crop_box_is_the_centred_140_square():
    assert CELEBA_CROP_BOX == (39, 19, 140, 140)
    assert CELEBA_CROP_BOX == centred_crop_box(218, 178, 140)


def test_tfds_source_serves_cropped_faces():
    top, left, height, width = CELEBA_CROP_BOX
    with tfds.testing.mock_data(num_examples=6):
        assert next(iter(tfds.load("celeb_a", split="train")))["image"].shape == CELEBA_IMAGE_SHAPE
        # Mocked JPEG bytes differ from mocked decoded images, so compare with the bytes.
        skip = {"image": tfds.decode.SkipDecoding()}
        encoded = tfds.load("celeb_a", split="train", decoders=skip)
        raw = [tf.io.decode_jpeg(example["image"]) for example in encoded]
        ds = celeba(image_size=16, batch_size=3, shuffle=False)
        assert ds.element_spec.shape == (3, 16, 16, 3)
        assert int(ds.cardinality()) == 2
        batches = [batch.numpy() for batch in ds]
        shuffled = np.concatenate(list(celeba(image_size=16, batch_size=3, seed=0)))
    assert len(batches) == 2
    for batch in batches:
        assert batch.dtype == np.float32
        assert -1.0 <= batch.min() and batch.max() <= 1.0
    # The same face box, resized the documented way, in the same order.
    faces = tf.cast(tf.stack(raw)[:, top : top + height, left : left + width], tf.float32)
    expected = tf.image.resize(faces, (16, 16), antialias=True) / 127.5 - 1
    np.testing.assert_allclose(np.concatenate(batches), expected, atol=1e-4)
    assert not np.allclose(shuffled, expected, atol=1e-4)
    np.testing.assert_allclose(
        np.sort(shuffled.ravel()), np.sort(expected.numpy().ravel()), atol=1e-4
    )


def test_tfds_source_with_a_file_cache(tmp_path):
    with tfds.testing.mock_data(num_examples=6):
        plain = np.concatenate(list(celeba(image_size=16, batch_size=3, shuffle=False)))
        dataset = celeba(image_size=16, batch_size=3, seed=0, cache=tmp_path / "celeba16")
        first, second = (np.concatenate(list(dataset)) for _ in range(2))
    assert list(tmp_path.glob("celeba16*"))
    flat = lambda images: np.sort(images.reshape(len(images), -1), axis=0)  # noqa: E731
    # The same faces in another order each epoch, to the cache's uint8 rounding.
    np.testing.assert_allclose(flat(first), flat(plain), atol=0.5 / 127.5 + 1e-6)
    np.testing.assert_array_equal(flat(second), flat(first))


def test_tfds_source_grayscale():
    with tfds.testing.mock_data(num_examples=2):
        ds = celeba(image_size=8, batch_size=2, channels=1, shuffle=False)
        assert next(iter(ds)).shape == (2, 8, 8, 1)


def _face_box_image(inside, outside):
    """A 218 x 178 image: `inside` within CELEBA_CROP_BOX, `outside` around it."""
    top, left, height, width = CELEBA_CROP_BOX
    image = np.full(CELEBA_IMAGE_SHAPE, outside, np.uint8)
    image[top : top + height, left : left + width] = inside
    return encode(image, "PNG")


@pytest.mark.parametrize("as_zip", [False, True])
def test_path_source_crops_exactly_the_face_box(tmp_path, as_zip):
    files = {
        "img_align_celeba/000001.png": _face_box_image(255, 0),
        "img_align_celeba/000002.png": _face_box_image(0, 255),
    }
    if as_zip:
        source = write_zip(tmp_path / "img_align_celeba.zip", files)
    else:
        source = write_files(tmp_path, files) / "img_align_celeba"
    (batch,) = list(celeba(image_size=8, batch_size=2, source=str(source), shuffle=False))
    # A box one pixel off would mix the border colour into the edge pixels.
    np.testing.assert_allclose(batch[0], 1.0, atol=1e-5)
    np.testing.assert_allclose(batch[1], -1.0, atol=1e-5)


_DOWNLOAD_FAILURES = [
    tfds.download.DownloadError("Failed to get url https://drive.google.com/x. HTTP code: 429."),
    ValueError("Failed to obtain confirmation link for GDrive URL https://drive.google.com/x."),
    ConnectionError("Name or service not known"),
]


@pytest.mark.parametrize("failure", _DOWNLOAD_FAILURES, ids=lambda e: type(e).__name__)
def test_download_failure_explains_the_manual_download(monkeypatch, failure):
    def load(*args, **kwargs):
        raise failure

    monkeypatch.setattr(tfds, "load", load)
    with pytest.raises(RuntimeError, match="img_align_celeba.zip") as info:
        celeba(image_size=16)
    assert info.value.__cause__ is failure
    assert "source='/path/img_align_celeba.zip'" in str(info.value)
    assert "source='/path/img_align_celeba/'" in str(info.value)


def test_download_failure_wrapped_by_tfds_is_recognised(monkeypatch):
    def load(*args, **kwargs):
        try:
            raise tfds.download.DownloadError("HTTP code: 403")
        except tfds.download.DownloadError as error:
            raise OSError("download of celeb_a failed") from error

    monkeypatch.setattr(tfds, "load", load)
    with pytest.raises(RuntimeError, match="Google Drive"):
        celeba(image_size=16)


@pytest.mark.parametrize("bug", [TypeError("bad argument"), ValueError("Unknown split 'tran'")])
def test_other_tfds_errors_surface_unchanged(monkeypatch, bug):
    def load(*args, **kwargs):
        raise bug

    monkeypatch.setattr(tfds, "load", load)
    with pytest.raises(type(bug)) as info:
        celeba(image_size=16)
    assert info.value is bug


def test_unknown_source(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_celeba"):
        celeba(source=str(tmp_path / "no_such_celeba"))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(crop_size=179), ValueError, "at most 178.*179"),
        (dict(image_size=50), ValueError, "50"),
        (dict(batch_size=-1), ValueError, "-1"),
        (dict(split="test"), ValueError, "split='test' needs source='tfds'"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        celeba(source=str(tmp_path), **kwargs)


def test_celeba_available_never_downloads(tmp_path, monkeypatch):
    from keras_gans.data import celeba_available

    zip_path = tmp_path / "img_align_celeba.zip"
    assert celeba_available(None) is None
    assert celeba_available(zip_path) is None
    zip_path.write_bytes(b"")
    assert celeba_available(zip_path) == zip_path
    # An empty tfds folder: no celeb_a prepared, and nothing fetched to find out.
    monkeypatch.setattr(tfds, "load", lambda *a, **k: pytest.fail("celeba_available must not load"))
    assert celeba_available("tfds", data_dir=str(tmp_path)) is None
    (tmp_path / "celeb_a").mkdir()
    assert celeba_available("tfds", data_dir=str(tmp_path)) is None

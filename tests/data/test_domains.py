"""Unpaired domains: CycleGAN folders and zips (corrupt files skipped), tfds cycle_gan, digit domains."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.data import domains
from keras_gans.data.domains import (
    DIGIT_DOMAINS, digit_domain_images, digit_domains, digit_split, image_domains, load_domains, tfds_domains,
)

from .data_files import BROKEN, encode, mixed_files, write_files, write_zip


def cyclegan_files(top=""):
    """{name: bytes}: trainA holds the mixed files (8 good, 3 broken), trainB 4 dark images, testA/B 2 each."""
    files = {f"{top}trainA/{name}": data for name, data in mixed_files().items()}
    for split, count in (("train", 4), ("test", 2)):
        for i in range(count):
            files[f"{top}{split}B/{i}.png"] = encode(np.full((12, 12, 3), 10 * i, np.uint8), "PNG")
    for i in range(2):
        files[f"{top}testA/{i}.jpg"] = encode(np.full((12, 12, 3), 250, np.uint8), "JPEG")
    return files


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_cyclegan_layout_zipped_or_not_with_corrupt_files_skipped(kind, tmp_path):
    if kind == "folder":
        path = write_files(tmp_path / "set", cyclegan_files())
    else:  # the authors' zips nest the layout one folder down
        path = write_zip(tmp_path / "horse2zebra.zip", cyclegan_files("horse2zebra/"))
        assert domains.domain_root(path) == "horse2zebra/"
    with pytest.warns(UserWarning, match="skipped"):
        ds = image_domains(path, image_size=16, batch_size=2, seed=0)
        epoch = [(a.numpy(), b.numpy()) for a, b in ds]
    # A folder's 8 readable A images make 4 batches, B's 4 make 2 and repeat: 4 batches of both.
    # A zip is checked lazily (as image_folder documents): its 10 non-empty A members count, and
    # the broken ones are replaced by other images.
    expected = 4 if kind == "folder" else 5
    assert int(ds.cardinality()) == expected and len(epoch) == expected
    for a, b in epoch:
        assert a.shape == b.shape == (2, 16, 16, 3) and a.dtype == np.float32
        assert a.min() >= -1 and a.max() <= 1
    test = list(image_domains(path, image_size=8, batch_size=1, split="test", shuffle=False, channels=1))
    assert len(test) == 2 and test[0][0].shape == (1, 8, 8, 1)
    np.testing.assert_allclose(test[0][0].numpy(), 1.0, atol=0.05)  # testA is white


def test_layout_errors_name_the_path(tmp_path):
    write_files(tmp_path / "plain", {"a.png": encode(np.zeros((8, 8, 3), np.uint8), "PNG")})
    with pytest.raises(ValueError, match="not in the CycleGAN layout: expected folders trainA/ and trainB/"):
        image_domains(tmp_path / "plain")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        image_domains(tmp_path / "missing")
    with pytest.raises(ValueError, match="split must be one of"):
        image_domains(tmp_path / "plain", split="val")


def test_tfds_cycle_gan_through_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=4):
        ds = tfds_domains("cycle_gan/horse2zebra", image_size=16, batch_size=2, seed=0)
        batches = list(ds)
        by_name = load_domains("tfds:cycle_gan/monet2photo", image_size=8, batch_size=1)
    assert len(batches) == 2 and all(a.shape == b.shape == (2, 16, 16, 3) for a, b in batches)
    assert all(-1 <= float(tf.reduce_min(a)) and float(tf.reduce_max(a)) <= 1 for a, _ in batches)
    assert [tuple(s.shape) for s in by_name.element_spec] == [(1, 8, 8, 3), (1, 8, 8, 3)]


def test_digit_domain_transforms_are_exactly_invertible():
    gray, _ = digit_split(16, "test")
    for domain in DIGIT_DOMAINS.values():
        channels = 1 if domain.gray else 3
        images = np.asarray(domain.apply(gray, channels))
        assert images.shape == (*gray.shape[:3], channels) and images.min() >= -1 and images.max() <= 1
        np.testing.assert_allclose(np.asarray(domain.invert(images)), gray, atol=1e-5, err_msg=domain.name)
    # By hand: black-on-white maps stroke 1 to -1 and background -1 to 1; red-on-black puts a
    # stroke of intensity t = 0.75 (g = 0.5) at (-1 + 2 * 0.75, -1, -1) = (0.5, -1, -1).
    g = np.array([[[[1.0], [-1.0], [0.5]]]], "float32")
    np.testing.assert_allclose(np.asarray(DIGIT_DOMAINS["black-on-white"].apply(g)).ravel(), [-1, 1, -0.5])
    np.testing.assert_allclose(np.asarray(DIGIT_DOMAINS["red-on-black"].apply(g, 3))[0, 0, 2], [0.5, -1, -1])


def test_digit_domains_are_unpaired_and_disjoint():
    ds = digit_domains(image_size=8, batch_size=16, seed=0, shuffle=False)
    a = np.concatenate([x.numpy() for x, _ in ds])
    b = np.concatenate([y.numpy() for _, y in ds])
    # The two domains' digits mapped back to gray: no image appears in both.
    gray_a = {x.tobytes() for x in a}
    gray_b = {np.asarray(DIGIT_DOMAINS["black-on-white"].invert(y[None]))[0].round(5).tobytes() for y in b}
    gray_a = {np.frombuffer(x, "float32").round(5).tobytes() for x in gray_a}
    assert not gray_a & gray_b
    assert a.mean() < 0 < b.mean()  # white strokes on black, black strokes on white
    assert int(ds.cardinality()) == 1437 // 2 // 16


def test_digit_domains_options_and_errors():
    ds = digit_domains(("white-on-black", "red-on-black", "blue-on-white"), image_size=8, batch_size=4,
                       domain_labels=True, seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (4, 8, 8, 3) and labels.dtype == tf.int32
    assert set(np.concatenate([y.numpy() for _, y in ds])) == {0, 1, 2}
    with pytest.raises(ValueError, match="two or more distinct domain names"):
        digit_domains(("white-on-black",))
    with pytest.raises(ValueError, match="channels=1 needs gray domains"):
        digit_domains(("white-on-black", "red-on-black"), channels=1)
    with pytest.raises(ValueError, match="domain must be one of"):
        digit_domains(("white-on-black", "purple"))
    images, labels = digit_domain_images("red-on-black", image_size=8)
    assert images.shape == (360, 8, 8, 3) and labels.shape == (360,)
    with pytest.raises(ValueError, match="unknown two-domain dataset"):
        load_domains("nothing-here")


def test_digit_split_is_the_digit_metrics_split():
    from keras_gans.metrics.digits import digits_split

    (_, _), (x_test, y_test) = digits_split(image_size=8)
    gray, labels = digit_split(8, "test")
    np.testing.assert_array_equal(gray, x_test)
    np.testing.assert_array_equal(labels, y_test)

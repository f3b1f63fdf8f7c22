"""tfds datasets: MNIST, Fashion-MNIST, CIFAR-10 and "tfds:NAME[:SPLIT]", all mocked (no network)."""

import socket

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_gans.data import cifar10, dataset_info, fashion_mnist, load, mnist, tfds_images
from keras_gans.data.tfds_images import parse_tfds_name

_SKIP = {"image": tfds.decode.SkipDecoding()}


def _mock_examples(name, split="train"):
    """(uint8 images, labels) as the mock serves them encoded: mocked decoded images differ."""
    examples = list(tfds.load(name, split=split, decoders=_SKIP))
    images = np.stack([tf.io.decode_image(example["image"]).numpy() for example in examples])
    return images, np.array([int(example["label"]) for example in examples])


def test_mnist_keeps_its_gray_pixels_exactly():
    with tfds.testing.mock_data(num_examples=6):
        raw, _ = _mock_examples("mnist")
        ds = mnist(batch_size=3, shuffle=False)
        batches = [batch.numpy() for batch in ds]
    assert ds.element_spec == tf.TensorSpec((3, 28, 28, 1), tf.float32)
    assert int(ds.cardinality()) == 2 and len(batches) == 2
    # 28 -> 28 is no resize, and gray is decoded as gray: x / 127.5 - 1 exactly (0 -> -1, 255 -> 1).
    np.testing.assert_allclose(np.concatenate(batches), raw / 127.5 - 1.0, atol=1e-6)


@pytest.mark.parametrize(
    "function, name, shape",
    [(fashion_mnist, "fashion_mnist", (8, 8, 1)), (cifar10, "cifar10", (8, 8, 3))],
)
def test_labels_follow_their_images(function, name, shape):
    with tfds.testing.mock_data(num_examples=4):
        raw, labels = _mock_examples(name)
        ds = function(image_size=8, batch_size=2, with_labels=True, shuffle=False)
        batches = list(ds)
    images, got = batches[0]
    all_labels = np.concatenate([batch_labels.numpy() for _, batch_labels in batches])
    assert images.shape == (2, *shape) and got.dtype == tf.int32
    np.testing.assert_array_equal(all_labels, labels)
    expected = tf.image.resize(tf.cast(raw[:2], tf.float32), (8, 8), antialias=True) / 127.5 - 1
    np.testing.assert_allclose(images, expected, atol=1e-4)


def test_channels_convert_both_ways_and_the_size_follows_image_size():
    with tfds.testing.mock_data(num_examples=4):
        assert mnist(image_size=16, batch_size=2, channels=3).element_spec.shape == (2, 16, 16, 3)
        gray = next(iter(cifar10(image_size=16, batch_size=2, channels=1))).numpy()
        # load's channels=None is the dataset's own: gray MNIST by either name, RGB CIFAR-10.
        for name, channels in (("MNIST", 1), ("tfds:mnist", 1), ("cifar10", 3)):
            assert load(name, image_size=8, batch_size=2).element_spec.shape == (2, 8, 8, channels)
    assert gray.shape == (2, 16, 16, 1) and -1 <= gray.min() and gray.max() <= 1


def test_shuffled_epochs_and_a_file_cache_keep_the_pairs(tmp_path):
    with tfds.testing.mock_data(num_examples=6):
        plain = list(cifar10(image_size=8, batch_size=3, with_labels=True, shuffle=False))
        ds = cifar10(image_size=8, batch_size=3, with_labels=True, seed=0, cache=tmp_path / "cifar8")
        epochs = [list(ds) for _ in range(2)]
    assert list(tmp_path.glob("cifar8*"))

    def pairs(batches):
        # Each image with its label, sorted, so that orders can differ; uint8 rounding in the cache.
        rows = [np.append(np.round(image.numpy().ravel() * 50), label) for b in batches for image, label in zip(*b)]
        return np.array(sorted(map(tuple, rows)))

    np.testing.assert_allclose(pairs(epochs[0]), pairs(plain), atol=1)
    np.testing.assert_array_equal(pairs(epochs[1]), pairs(epochs[0]))


def test_any_tfds_image_dataset_by_name_and_split():
    # cats_vs_dogs: images of any size, cropped to their centre square and resized.
    with tfds.testing.mock_data(num_examples=4):
        ds = load("tfds:cats_vs_dogs:train[:50%]", image_size=16, batch_size=2, with_labels=True, seed=0)
        images, labels = next(iter(ds))
    assert images.shape == (2, 16, 16, 3) and set(labels.numpy()) <= {0, 1}
    info = dataset_info("tfds:cats_vs_dogs")
    assert (info.channels, info.num_classes, info.class_names) == (3, 2, ("cat", "dog"))


def test_several_image_features_need_one_named():
    with tfds.testing.mock_data(num_examples=2):
        with pytest.raises(ValueError, match=r"several image features \('image', 'segmentation_mask'\).*image_feature="):
            load("tfds:oxford_iiit_pet", image_size=8, batch_size=2)
        ds = load("tfds:oxford_iiit_pet", image_size=8, batch_size=2, image_feature="segmentation_mask")
        assert ds.element_spec.shape == (2, 8, 8, 1)  # the mask is stored gray


def test_a_dataset_without_images_names_its_features():
    with pytest.raises(ValueError, match=r"'imdb_reviews' has no feature that is an image.*text \(Text\), label"):
        tfds_images("imdb_reviews")
    with pytest.raises(ValueError, match=r"image_feature='label' is not an image feature of 'mnist'"):
        tfds_images("mnist", image_feature="label")


def test_several_label_features_need_one_named():
    info = dataset_info("tfds:cifar100")
    assert info.num_classes is None and "label_feature=" in info.description
    assert dataset_info("tfds:cifar100", label_feature="coarse_label").num_classes == 20
    with tfds.testing.mock_data(num_examples=2):
        with pytest.raises(ValueError, match=r"several label features \('label', 'coarse_label'\)"):
            load("tfds:cifar100", image_size=8, batch_size=2, with_labels=True)
        ds = load("tfds:cifar100", image_size=8, batch_size=2, with_labels=True, label_feature="coarse_label")
        assert ds.element_spec[1].shape == (2,)
        # Without labels nothing has to be chosen.
        assert load("tfds:cifar100", image_size=8, batch_size=2).element_spec.shape == (2, 8, 8, 3)


def test_labels_of_a_dataset_without_them_are_refused():
    with pytest.raises(ValueError, match=r"'celeb_a' has no feature that is a class label"):
        load("tfds:celeb_a", with_labels=True)


def test_dataset_info_answers_from_metadata_without_a_download(monkeypatch, tmp_path):
    monkeypatch.setattr(tfds, "load", lambda *a, **k: pytest.fail("dataset_info must not load"))
    mnist_info = dataset_info("MNIST", data_dir=str(tmp_path))
    assert (mnist_info.channels, mnist_info.num_classes) == (1, 10)
    assert mnist_info.class_names == tuple("0123456789")
    assert str(tmp_path) in mnist_info.description
    assert dataset_info("fashion_mnist").class_names[:2] == ("T-shirt/top", "Trouser")
    assert dataset_info("cifar10").channels == 3
    assert dataset_info("tfds:mnist:test").description.startswith("tensorflow_datasets 'mnist' split 'test'")
    # The same keywords as load are accepted.
    assert dataset_info("cifar10", cache="memory", with_labels=True).num_classes == 10
    with tfds.testing.mock_data(num_examples=2):
        assert dataset_info("cifar10").num_classes == 10


_OFFLINE = [
    ConnectionError("HTTPSConnectionPool(host='storage.googleapis.com', port=443): Max retries exceeded\nmore"),
    tfds.download.DownloadError("Failed to get url https://storage.googleapis.com/cvdf-datasets/mnist. HTTP code: 503."),
]


@pytest.mark.parametrize("failure", _OFFLINE, ids=lambda e: type(e).__name__)
def test_a_failed_download_is_one_line_with_what_to_do(monkeypatch, tmp_path, failure):
    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(tfds, "load", fail)
    with pytest.raises(RuntimeError) as info:
        load("mnist", data_dir=str(tmp_path / "tfds"))
    message = str(info.value)
    assert info.value.__cause__ is failure
    assert "\n" not in message
    assert message.startswith(f"tensorflow_datasets could not download 'mnist' into {tmp_path / 'tfds'} (")
    assert "download_and_prepare()" in message and "data_dir= (--data-dir)" in message


def test_the_one_line_names_the_root_cause(monkeypatch):
    def fail(*args, **kwargs):
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as error:
            raise ConnectionError("Max retries exceeded with url: /cvdf-datasets/mnist/x.gz " + "." * 500) from error

    monkeypatch.setattr(tfds, "load", fail)
    with pytest.raises(RuntimeError, match=r"\(ConnectionError: Max retries exceeded with url: /cvdf-datasets/mnist/x.gz \.+\.\.\. "
                       r"<- gaierror: \[Errno -2\] Name or service not known\)"):
        mnist()


def test_a_manual_download_is_one_line_too(monkeypatch):
    # What tfds 4.9 asserts for imagenet2012 when data_dir/downloads/manual is empty.
    failure = AssertionError(
        "Manual directory /data/downloads/manual does not exist or is empty. Create it and download/extract "
        "dataset artifacts in there using instructions:\nmanual_dir should contain two files: "
        "ILSVRC2012_img_train.tar and\nILSVRC2012_img_val.tar."
    )
    monkeypatch.setattr(tfds, "load", lambda *a, **k: (_ for _ in ()).throw(failure))
    with pytest.raises(RuntimeError) as info:
        load("tfds:imagenet2012")
    assert "\n" not in str(info.value) and info.value.__cause__ is failure
    assert str(info.value).startswith("tensorflow_datasets cannot download 'imagenet2012' itself: Manual directory")
    assert str(info.value).endswith("ILSVRC2012_img_train.tar and ILSVRC2012_img_val.tar.")


@pytest.mark.parametrize("bug", [ValueError("Unknown split 'tran'"), AssertionError("shapes differ")])
def test_other_tfds_errors_surface_unchanged(monkeypatch, bug):
    monkeypatch.setattr(tfds, "load", lambda *a, **k: (_ for _ in ()).throw(bug))
    with pytest.raises(type(bug)) as info:
        load("tfds:mnist:tran")
    assert info.value is bug


def test_unknown_tfds_name_suggests_close_ones():
    with pytest.raises(ValueError, match=r"no dataset 'mnistt'; did you mean 'mnist'"):
        load("tfds:mnistt")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mnist", ("mnist", None)),
        ("mnist:test", ("mnist", "test")),
        ("mnist:train[:10%]", ("mnist", "train[:10%]")),
        ("mnist:3.0.1", ("mnist:3.0.1", None)),
        ("mnist:3.*.*:train+test", ("mnist:3.*.*", "train+test")),
        ("coco/2017:validation", ("coco/2017", "validation")),
    ],
)
def test_parse_tfds_name(text, expected):
    assert parse_tfds_name(text) == expected


@pytest.mark.parametrize("text", ["", ":test", "[:10%]"])
def test_parse_tfds_name_refuses_names_without_a_dataset(text):
    with pytest.raises(ValueError, match="tfds:NAME:SPLIT"):
        parse_tfds_name(text)


def test_keywords_that_do_not_apply_are_named():
    with pytest.raises(ValueError, match=r"data_dir does not apply to dataset 'digits'"):
        load("digits", data_dir="/tmp")
    with pytest.raises(ValueError, match=r"with_labels does not apply to dataset 'celeba'"):
        load("celeba", with_labels=True)
    with pytest.raises(ValueError, match=r"names the split 'test' and split='train'"):
        load("tfds:mnist:test", split="train")

"""Labelled folders: one subfolder per class, the layout keras.utils.image_dataset_from_directory reads."""

import shutil

import keras
import numpy as np
import pytest

from keras_gans.data import dataset_info, folder_classes, image_folder, load

from .data_files import encode, write_files, write_zip

# Each class a gray level of its own, so a label can be checked against its image.
_LEVELS = {"zebra": 255, "ant": 0, "Moth": 128}


def _labelled_files():
    files = {}
    for name, level in _LEVELS.items():
        for i in range(2):
            files[f"{name}/{i}.png"] = encode(np.full((12, 10, 3), level, np.uint8), "PNG")
        files[f"{name}/nested/deeper.jpg"] = encode(np.full((16, 16, 3), level, np.uint8), "JPEG", quality=100)
    files["ant/gray.png"] = encode(np.full((9, 9), 0, np.uint8), "PNG")  # a grayscale file
    files["zebra/broken.jpg"] = b"\xff\xd8\xff\xe0 cut short"
    files[".hidden/x.png"] = files["ant/0.png"]  # not a class
    files["__MACOSX/zebra/._0.png"] = b"junk"  # not a class either
    files["notes.txt"] = b"not an image, so not a loose image"
    return files


@pytest.fixture
def labelled(tmp_path):
    return write_files(tmp_path / "labelled", _labelled_files())


def test_classes_are_the_sorted_subfolders_as_keras_reads_them(labelled):
    classes = folder_classes(labelled)
    assert classes == ("Moth", "ant", "zebra")  # Python's order: capitals first
    # Keras would count macOS's __MACOSX archive folder as a class; we skip it, as for images.
    shutil.rmtree(labelled / "__MACOSX")
    keras_ds = keras.utils.image_dataset_from_directory(labelled, image_size=(8, 8), batch_size=4, verbose=False)
    assert tuple(keras_ds.class_names) == classes


def test_every_label_names_the_folder_of_its_image(labelled):
    with pytest.warns(UserWarning, match=r"skipped 1 of 11 files .*zebra/broken.jpg"):
        ds = image_folder(labelled, image_size=8, batch_size=2, with_labels=True, seed=0)
    images_spec, labels_spec = ds.element_spec
    assert images_spec.shape == (2, 8, 8, 3) and labels_spec.dtype == "int32"
    assert int(ds.cardinality()) == 10 // 2  # 11 images, one unreadable
    images, labels = (np.concatenate(parts) for parts in zip(*[(x.numpy(), y.numpy()) for x, y in ds]))
    assert np.bincount(labels).tolist() == [3, 4, 3]  # Moth, ant (with the gray file), zebra
    levels = [_LEVELS[name] / 127.5 - 1 for name in folder_classes(labelled)]
    # Flat images survive JPEG at quality 100 to within a level or two.
    np.testing.assert_allclose(images.mean(axis=(1, 2, 3)), np.take(levels, labels), atol=0.02)


def test_labels_survive_a_cache_and_grayscale(labelled, tmp_path):
    with pytest.warns(UserWarning, match="skipped 1"):
        ds = image_folder(labelled, image_size=8, batch_size=5, channels=1, with_labels=True, seed=1,
                          cache=tmp_path / "labelled8")
    for _ in range(2):  # the first epoch writes the cache, the second reads and reshuffles it
        for images, labels in ds:
            assert images.shape == (5, 8, 8, 1)
            levels = np.take([_LEVELS[name] / 127.5 - 1 for name in folder_classes(labelled)], labels)
            np.testing.assert_allclose(images.numpy().mean(axis=(1, 2, 3)), levels, atol=0.02)


def test_load_and_dataset_info_read_labelled_folders(labelled):
    info = dataset_info(str(labelled))
    assert (info.channels, info.num_classes, info.class_names) == (3, 3, ("Moth", "ant", "zebra"))
    assert "3 class folders" in info.description
    with pytest.warns(UserWarning):
        ds = load(str(labelled), image_size=8, batch_size=2, with_labels=True)
    assert ds.element_spec[1].shape == (2,)


def test_an_empty_class_is_kept_in_the_numbering_and_reported(labelled):
    (labelled / "bee").mkdir()
    assert folder_classes(labelled) == ("Moth", "ant", "bee", "zebra")
    with pytest.warns(UserWarning) as caught:
        ds = image_folder(labelled, image_size=8, batch_size=2, with_labels=True)
    assert any("no readable image, so their labels never appear: 'bee'" in str(w.message) for w in caught)
    labels = np.concatenate([y.numpy() for _, y in ds])
    assert set(labels) == {0, 1, 3}


@pytest.mark.parametrize(
    "layout, match",
    [
        ({"a/1.png": None, "b/1.png": None, "loose.png": None}, r"holds 1 image files directly \(loose.png\)"),
        ({"only/1.png": None}, r"at least 2, but .* has 1: 'only'"),
    ],
)
def test_folders_that_are_not_labelled(tmp_path, layout, match):
    image = encode(np.zeros((8, 8, 3), np.uint8), "PNG")
    folder = write_files(tmp_path / "f", {name: image for name in layout})
    assert folder_classes(folder) is None
    assert dataset_info(str(folder)).num_classes is None
    with pytest.raises(ValueError, match=match):
        image_folder(folder, image_size=8, batch_size=1, with_labels=True)
    # Without labels the same folder is read whole.
    assert int(image_folder(folder, image_size=8, batch_size=1).cardinality()) == len(layout)


def test_labels_need_a_folder_not_a_zip(tmp_path):
    path = write_zip(tmp_path / "labelled.zip", {"a/1.png": encode(np.zeros((8, 8, 3), np.uint8), "PNG")})
    assert folder_classes(path) is None
    with pytest.raises(ValueError, match=r"with_labels=True reads the class subfolders of a folder.*labelled.zip"):
        image_folder(path, image_size=8, batch_size=1, with_labels=True)
    with pytest.raises(ValueError, match="with_labels must be True or False, got 'yes'"):
        image_folder(tmp_path, with_labels="yes")

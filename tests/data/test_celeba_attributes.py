"""CelebA's attributes (tfds mock data, and the zip or folder with list_attr_celeba.txt) and the
folder-per-domain layout StarGAN trains on."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_gans.data import CELEBA_ATTRIBUTES, STARGAN_ATTRIBUTES, celeba, dataset_info, image_folder, load, read_attributes

from .data_files import encode, write_files, write_zip

_CHOSEN = ("Blond_Hair", "Male", "Young")


def test_tfds_source_yields_the_chosen_attributes_in_order():
    with tfds.testing.mock_data(num_examples=6):
        examples = list(tfds.load("celeb_a", split="train"))
        ds = celeba(image_size=8, batch_size=3, shuffle=False, attributes=_CHOSEN)
        assert ds.element_spec[1] == tf.TensorSpec((3, 3), tf.float32)
        labels = np.concatenate([batch[1].numpy() for batch in ds])
    expected = [[float(example["attributes"][name]) for name in _CHOSEN] for example in examples]
    np.testing.assert_array_equal(labels, expected)
    assert len(CELEBA_ATTRIBUTES) == 40 and set(STARGAN_ATTRIBUTES) <= set(CELEBA_ATTRIBUTES)


def _attribute_file(rows):
    """list_attr_celeba.txt for {file name: {attribute: bool}} (others absent, -1)."""
    lines = [str(len(rows)), " ".join(CELEBA_ATTRIBUTES)]
    for name, present in rows.items():
        lines.append(f"{name}  " + " ".join("1" if present.get(a) else "-1" for a in CELEBA_ATTRIBUTES))
    return ("\n".join(lines) + "\n").encode()


# Each face's gray level tells which row it is, so labels can be checked against images.
_ROWS = {
    "000001.jpg": ({"Black_Hair": True, "Young": True}, 0),
    "000002.jpg": ({"Blond_Hair": True, "Male": True}, 255),
    "000003.jpg": ({"Brown_Hair": True, "Male": True, "Young": True}, 128),
}


def _faces():
    return {f"img_align_celeba/{name}": encode(np.full((218, 178, 3), level, np.uint8), "PNG")
            for name, (_, level) in _ROWS.items()}


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_zip_or_folder_with_the_attribute_file_beside_it(tmp_path, as_zip):
    faces = _faces()
    faces["img_align_celeba/broken.jpg"] = b"\xff\xd8 cut"  # not in the attribute file: left out
    if as_zip:
        source = write_zip(tmp_path / "img_align_celeba.zip", faces)
    else:
        source = write_files(tmp_path, faces) / "img_align_celeba"
    (tmp_path / "Anno").mkdir()
    (tmp_path / "Anno" / "list_attr_celeba.txt").write_bytes(_attribute_file({k: v[0] for k, v in _ROWS.items()}))
    (images, labels), = list(celeba(image_size=8, batch_size=3, source=str(source), shuffle=False,
                                    attributes=list(STARGAN_ATTRIBUTES)))
    assert labels.dtype == tf.float32 and labels.shape == (3, 5)
    by_level = {level: [float(present.get(a, False)) for a in STARGAN_ATTRIBUTES] for present, level in _ROWS.values()}
    for image, label in zip(images.numpy(), labels.numpy()):
        level = round((image.mean() + 1) * 127.5)
        np.testing.assert_array_equal(label, by_level[min(by_level, key=lambda v: abs(v - level))])


def test_attribute_file_errors_name_what_is_wrong(tmp_path):
    source = write_files(tmp_path, _faces()) / "img_align_celeba"
    with pytest.raises(FileNotFoundError, match="list_attr_celeba.txt"):
        celeba(image_size=8, batch_size=2, source=str(source), attributes="Male")
    path = tmp_path / "attrs.txt"
    path.write_bytes(_attribute_file({"other.jpg": {}}))
    with pytest.raises(ValueError, match="file_labels names none of the 3 image files"):
        celeba(image_size=8, batch_size=2, source=str(source), attributes="Male", attributes_file=path)
    with pytest.raises(ValueError, match=r"unknown CelebA attribute 'Blonde_Hair'; valid: 5_o_Clock_Shadow, .*Young"):
        celeba(image_size=8, attributes="Black_Hair,Blonde_Hair")
    with pytest.raises(ValueError, match="must not repeat"):
        read_attributes(path, ["Male", "Male"])
    assert read_attributes(path, ["Young", "Male"]) == {"other.jpg": pytest.approx(np.zeros(2))}


def test_dataset_info_and_load_with_attributes():
    info = dataset_info("celeba", attributes="Black_Hair,Male")
    assert (info.num_classes, info.class_names, info.multi_label) == (2, ("Black_Hair", "Male"), True)
    assert not dataset_info("celeba").multi_label
    with tfds.testing.mock_data(num_examples=4):
        ds = load("celeba", image_size=8, batch_size=2, attributes=STARGAN_ATTRIBUTES)
        assert ds.element_spec[1].shape == (2, 5)


def test_folder_per_domain_is_the_labelled_folder(tmp_path):
    files = {f"{domain}/{i}.png": encode(np.full((10, 10, 3), level, np.uint8), "PNG")
             for domain, level in (("day", 255), ("night", 0)) for i in range(2)}
    folder = write_files(tmp_path / "domains", files)
    info = dataset_info(str(folder))
    assert info.class_names == ("day", "night") and not info.multi_label
    images, labels = next(iter(image_folder(folder, image_size=8, batch_size=4, with_labels=True, shuffle=False)))
    np.testing.assert_array_equal(np.sign(images.numpy().mean(axis=(1, 2, 3))), np.where(labels == 0, 1, -1))

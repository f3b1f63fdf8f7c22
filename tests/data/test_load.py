"""load: the name-or-path entry point the command line uses."""

import doctest
import importlib

import pytest
import tensorflow_datasets as tfds

from keras_gans.data import load

from .data_files import GOOD


def test_digits_default_to_one_channel():
    ds = load("digits", image_size=16, batch_size=32)
    assert ds.element_spec.shape == (32, 16, 16, 1)
    assert int(ds.cardinality()) == 1797 // 32


def test_names_ignore_case_and_pass_arguments_on():
    ds = load("Digits", image_size=8, batch_size=8, channels=3, with_labels=True)
    assert ds.element_spec[0].shape == (8, 8, 8, 3)


def test_celeba_defaults_to_three_channels():
    with tfds.testing.mock_data(num_examples=4):
        ds = load("celeba", image_size=8, batch_size=2, seed=0)
    assert ds.element_spec.shape == (2, 8, 8, 3)


@pytest.mark.parametrize("container", ["mixed_folder", "mixed_zip"])
def test_paths_go_to_image_folder(request, container):
    path = request.getfixturevalue(container)
    with pytest.warns(UserWarning, match="skipped"):
        ds = load(str(path), image_size=16, batch_size=2, seed=0)
    assert ds.element_spec.shape == (2, 16, 16, 3)
    assert int(ds.cardinality()) in (GOOD // 2, (GOOD + 2) // 2)  # zips count unread members
    with pytest.warns(UserWarning):
        assert len(list(load(path, image_size=16, batch_size=2, channels=1))) >= GOOD // 2


def test_unknown_name_lists_the_choices(tmp_path):
    with pytest.raises(ValueError, match=r"'mnits'.*'digits', 'celeba', or a path.*'mnist', .*'tfds:NAME\[:SPLIT\]'"):
        load("mnits")
    with pytest.raises(ValueError, match="no_such_folder"):
        load(str(tmp_path / "no_such_folder"))


@pytest.mark.parametrize(
    "module",
    [
        "keras_gans.data",
        "keras_gans.data.images",
        "keras_gans.data.digits",
        "keras_gans.data._pipeline",
        "keras_gans.data.tfds_images",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

"""Fixtures: folders and zips of generated images, broken files included."""

import pytest
from .data_files import mixed_files, write_files, write_zip


@pytest.fixture
def mixed_folder(tmp_path):
    return write_files(tmp_path / "images", mixed_files())


@pytest.fixture
def mixed_zip(tmp_path):
    return write_zip(tmp_path / "images.zip", mixed_files())

import os

import numpy as np
import pytest

from keras_gans import _validation as validation

NUMPY_INTS = [np.int8(3), np.int16(3), np.int32(3), np.int64(3), np.uint8(3)]
BOOLS = [True, False, np.bool_(True)]
NON_FINITE = [float("inf"), -float("inf"), float("nan"), np.float32("inf"), np.float64("nan")]


# ----------------------------------------------------------------- integers


@pytest.mark.parametrize("value", [3, *NUMPY_INTS])
def test_positive_int_accepts_numpy_integers_and_returns_a_python_int(value):
    result = validation.positive_int("width", value)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("value", [0, -1, 2.0, 2.5, np.float32(2), "2", None, *BOOLS, *NON_FINITE])
def test_positive_int_refuses_and_names_the_value(value):
    with pytest.raises(ValueError) as error:
        validation.positive_int("width", value)
    assert str(error.value) == f"width must be an int >= 1, got {value!r}"


def test_positive_int_bounds_and_none():
    assert validation.positive_int("n", 1) == 1
    assert validation.positive_int("n", 2, minimum=2) == 2
    assert validation.positive_int("n", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"^n must be an int >= 2 or None, got 1$"):
        validation.positive_int("n", 1, allow_none=True, minimum=2)
    with pytest.raises(ValueError, match=r"^n must be an int >= 1, got None$"):
        validation.positive_int("n", None)


def test_positive_int_with_a_maximum():
    assert validation.positive_int("pad_value", np.uint8(255), minimum=0, maximum=255) == 255
    for bad in [256, -1, 1.0]:
        with pytest.raises(ValueError) as error:
            validation.positive_int("pad_value", bad, minimum=0, maximum=255)
        assert str(error.value) == f"pad_value must be an int in [0, 255], got {bad!r}"


def test_non_negative_int():
    assert validation.non_negative_int("seed", np.int64(0)) == 0
    with pytest.raises(ValueError, match=r"^seed must be an int >= 0, got -1$"):
        validation.non_negative_int("seed", -1)
    with pytest.raises(ValueError, match=r"^seed must be an int >= 0, got False$"):
        validation.non_negative_int("seed", False)


def test_positive_ints():
    assert validation.positive_ints("hidden", [np.int64(16), 8]) == (16, 8)
    assert all(type(n) is int for n in validation.positive_ints("hidden", (np.int32(1),)))
    for bad in [(), [], (16, 0), (16, True), (2.0,), 16, "16", None, (np.float32(1),)]:
        with pytest.raises(ValueError) as error:
            validation.positive_ints("hidden", bad)
        assert str(error.value) == f"hidden must be a non-empty tuple or list of ints >= 1, got {bad!r}"


# ------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [0.5, 1, np.float16(0.5), np.float32(0.5), np.float64(0.5), np.int64(1)])
def test_number_accepts_numpy_scalars_and_returns_a_python_float(value):
    result = validation.number("rate", value, low=0, high=1)
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize("value", [*NON_FINITE, *BOOLS, "0.5", None, [0.5], np.array([0.5])])
def test_number_refuses_non_finite_bools_and_non_numbers(value):
    with pytest.raises(ValueError) as error:
        validation.number("rate", value)
    assert str(error.value) == f"rate must be a finite number, got {value!r}"


@pytest.mark.parametrize("kwargs,good,bad,message", [
    (dict(low=0), 0.0, -0.1, "x must be a finite number >= 0, got -0.1"),
    (dict(low=0, low_open=True), 1e-9, 0.0, "x must be a finite number > 0, got 0.0"),
    (dict(high=1), 1.0, 1.5, "x must be a finite number <= 1, got 1.5"),
    (dict(high=1, high_open=True), 0.999, 1.0, "x must be a finite number < 1, got 1.0"),
    (dict(low=0, high=1), 0.0, 1.01, "x must be a finite number in [0, 1], got 1.01"),
    (dict(low=0, high=1, low_open=True, high_open=True), 0.5, 0.0, "x must be a finite number in (0, 1), got 0.0"),
    (dict(low=0, high=0.5, high_open=True), 0.25, 0.5, "x must be a finite number in [0, 0.5), got 0.5"),
])
def test_number_ranges(kwargs, good, bad, message):
    assert validation.number("x", good, **kwargs) == good
    with pytest.raises(ValueError) as error:
        validation.number("x", bad, **kwargs)
    assert str(error.value) == message


def test_number_none():
    assert validation.number("x", None, low=0, allow_none=True) is None
    with pytest.raises(ValueError, match=r"^x must be a finite number >= 0 or None, got inf$"):
        validation.number("x", float("inf"), low=0, allow_none=True)


def test_is_int_and_is_number():
    assert validation.is_int(np.uint64(1)) and not validation.is_int(np.bool_(True)) and not validation.is_int(1.0)
    assert validation.is_number(np.float16(1)) and validation.is_number(np.int8(1))
    assert not validation.is_number(True) and not validation.is_number("1") and not validation.is_number(1j)


# ------------------------------------------------------------ bools, choices


@pytest.mark.parametrize("value", BOOLS)
def test_boolean_accepts_python_and_numpy_bools(value):
    result = validation.boolean("flag", value)
    assert result == bool(value) and type(result) is bool


@pytest.mark.parametrize("value", [0, 1, np.int64(1), "yes", "True", None, 1.0])
def test_boolean_refuses_anything_else(value):
    with pytest.raises(ValueError) as error:
        validation.boolean("flag", value)
    assert str(error.value) == f"flag must be True or False, got {value!r}"


def test_one_of():
    assert validation.one_of("normalization", None, ("layer", "batch", None)) is None
    with pytest.raises(ValueError) as error:
        validation.one_of("normalization", "group", ("layer", "batch", None))
    assert str(error.value) == "normalization must be one of 'layer', 'batch', None; got 'group'"


# ---------------------------------------------------- image size, channels, classes


@pytest.mark.parametrize("size,expected", [(8, (4, 1)), (28, (7, 2)), (48, (6, 3)), (np.int64(64), (4, 4))])
def test_base_resolution(size, expected):
    assert validation.base_resolution(size) == expected
    assert validation.image_size(size) == int(size) and type(validation.image_size(size)) is int


@pytest.mark.parametrize("bad", [4, 5, 7, 30, 36, 0, -16])
def test_image_size_not_of_the_form_names_the_value(bad):
    with pytest.raises(ValueError, match=rf"4 to 7 times a power of two .* got {bad}$"):
        validation.image_size(bad)


@pytest.mark.parametrize("bad", [16.0, np.float32(16), True, "16", None])
def test_image_size_must_be_an_int(bad):
    with pytest.raises(ValueError) as error:
        validation.image_size(bad)
    assert str(error.value) == f"image_size must be an int, got {bad!r}"


def test_channels():
    assert validation.channels(np.int64(3)) == 3 and type(validation.channels(np.int64(3))) is int
    assert validation.channels(1) == 1
    for bad in [2, 0, 4, True, 1.0, "3", None]:
        with pytest.raises(ValueError) as error:
            validation.channels(bad)
        assert str(error.value) == f"channels must be 1 or 3, got {bad!r}"


def test_num_classes():
    assert validation.num_classes(np.int32(2)) == 2
    for bad in [1, 0, True, 2.0, None]:
        with pytest.raises(ValueError) as error:
            validation.num_classes(bad)
        assert str(error.value) == f"num_classes must be an int >= 2, got {bad!r}"
    with pytest.raises(ValueError, match=r"^num_classes must be an int >= 2 or None, got 1$"):
        validation.num_classes(1, allow_none=True)


# ---------------------------------------------------------------------- paths


def test_writable_path_accepts_new_and_existing_places(tmp_path):
    assert validation.writable_path("out", tmp_path, "folder") == str(tmp_path)
    assert validation.writable_path("out", tmp_path / "a" / "b", "folder") == str(tmp_path / "a" / "b")
    assert validation.writable_path("out", str(tmp_path / "new" / "g.keras"), "file") == str(tmp_path / "new" / "g.keras")
    assert validation.writable_path("out", os.fsencode(tmp_path), "folder") == str(tmp_path)


def test_writable_path_refuses_and_names_the_path(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ValueError, match=r"^out must be a folder path, got 3$"):
        validation.writable_path("out", 3, "folder")
    with pytest.raises(ValueError, match=r"^out must be a file path, got ''$"):
        validation.writable_path("out", "", "file")
    with pytest.raises(ValueError, match=r"file.txt' is a file, not a folder$"):
        validation.writable_path("out", a_file, "folder")
    with pytest.raises(ValueError, match=rf"^out='{tmp_path}' is a folder, not a file$"):
        validation.writable_path("out", tmp_path, "file")
    with pytest.raises(ValueError, match=r"cannot be created: .*file.txt' is a file, not a folder$"):
        validation.writable_path("out", a_file / "sub", "folder")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_writable_path_refuses_a_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match=r"locked/run' is not writable: no write permission in .*locked'$"):
            validation.writable_path("out", locked / "run", "folder")
    finally:
        locked.chmod(0o700)

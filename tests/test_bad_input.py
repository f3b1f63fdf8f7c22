"""Issue 7's bad-input list: each item gets a clear error naming the value, or a counted, logged skip.

Never a silent wrong result, never a crash halfway through an epoch. One section per item of the
list; where a test elsewhere already covers an item, the section names it instead of repeating it.
"""

import io
import os
import re
import shutil
import struct
import tempfile
import warnings
import zlib

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from keras_gans import cli, data, export_generator
from keras_gans.callbacks import BestSamples, FixedNoiseGIF, LossPlot
from keras_gans.data import _checks
from keras_gans.models import ACGAN, CGAN, VARIANTS, WGANGP, ProjectionCGAN, variant

from .models.checks import CLASSES, tiny_conditional, tiny_dataset, tiny_images

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def wgan_gp():
    """A compiled tiny WGAN-GP; the tests that share it fail before it trains a step."""
    model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=1, seed=0)
    model.compile()
    return model


def _weights(model):
    return [np.array(v) for v in model.generator.weights + model.discriminator.weights]


def _assert_untouched(model, before):
    assert all(np.array_equal(a, b) for a, b in zip(before, _weights(model))), "a step ran before the error"


def _encode(array, fmt):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, fmt)
    return buffer.getvalue()


def _png(value, size=12):
    return _encode(np.full((size, size, 3), value, np.uint8), "PNG")


def _jpeg(height=24, width=24):
    return _encode(np.linspace(0, 255, height * width * 3).reshape(height, width, 3).astype(np.uint8), "JPEG")


class _CLIReachedData(Exception):
    """Raised instead of loading data: the CLI got past the check under test."""


def _cli_error(args, monkeypatch, capsys):
    """`keras-gans train ...` in-process; returns (exit code, stderr). Stops before any data is read."""

    def no_data(*args, **kwargs):
        raise _CLIReachedData()

    monkeypatch.setattr(data, "load", no_data)
    code = cli.main(["train", "wgan-gp", "--verbose", "0", *args])
    return code, capsys.readouterr().err


# --------------------------------------------- 1. unknown variant or dataset name
# Also: tests/data/test_load.py::test_unknown_name_lists_the_choices (load("mnits")),
# tests/test_cli.py::test_bad_options_are_refused_by_name (train gan-x) and
# tests/test_cli.py::test_bad_values_give_an_error_naming_them (--dataset mnist-typo).


def test_unknown_variant_lists_every_valid_name():
    with pytest.raises(ValueError, match="unknown variant 'wgan_gp'; valid names: gan, cgan, .*, fgan") as error:
        variant("wgan_gp")
    assert all(name in str(error.value) for name in VARIANTS)


@pytest.mark.parametrize("name", ["", None, 3, "mnits"])
def test_unknown_dataset_names_the_value_and_the_choices(name):
    with pytest.raises(ValueError, match=rf"unknown dataset {name!r}: expected 'digits', 'celeba', or a path"):
        data.load(name)


# --------------------------------------------- 2. epochs / batch size / latent dim <= 0
# Also: tests/test_cli.py::test_bad_options_are_refused_by_name (--epochs 0, --batch-size -3),
# tests/data/test_images.py::test_bad_arguments and tests/data/test_digits.py::test_bad_arguments
# (batch_size 0 and 2.5), tests/networks/test_dcgan.py::test_generator_argument_errors
# (latent_dim -1, width 0).


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=0), "epochs must be a positive int, got 0"),
    (dict(epochs=-1), "epochs must be a positive int, got -1"),
    (dict(epochs=1.5), "epochs must be a positive int, got 1.5"),
    (dict(epochs=2, initial_epoch=2), r"initial_epoch must be an int in \[0, epochs=2\).*got 2"),
    (dict(batch_size=0), "batch_size must be None or a positive int, got 0"),
    (dict(batch_size=-2), "batch_size must be None or a positive int, got -2"),
    (dict(steps_per_epoch=0), "steps_per_epoch must be None or a positive int, got 0"),
])
def test_fit_refuses_non_positive_counts(wgan_gp, kwargs, message):
    # epochs=0 returned an empty history and batch_size=0 trained with Keras' 32, both silently.
    before = _weights(wgan_gp)
    with pytest.raises(ValueError, match=message):
        wgan_gp.fit(tiny_images(8), verbose=0, **kwargs)
    _assert_untouched(wgan_gp, before)


def test_epochs_as_the_fourth_positional_argument_are_checked_too(wgan_gp):
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        wgan_gp.fit(tiny_images(8), None, 4, 0, verbose=0)


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("argument", ["latent_dim", "width"])
def test_default_networks_refuse_zero_instead_of_taking_the_default(name, argument):
    # SNGAN, WGAN and WGAN-GP read 0 as "use the default" (`latent_dim or 128`).
    cls = VARIANTS[name]
    kwargs = dict(latent_dim=8, width=4, num_classes=CLASSES if cls.conditional else None)
    kwargs[argument] = 0
    with pytest.raises(ValueError, match=f"{argument} must be an int >= 1, got 0"):
        cls.default_networks(16, 1, **kwargs)


def test_model_refuses_a_latent_dim_of_zero():
    networks = WGANGP.default_networks(16, 1, latent_dim=8, width=4)
    with pytest.raises(ValueError, match="latent_dim must be an int >= 1, got 0"):
        WGANGP(*networks, latent_dim=0)


@pytest.mark.parametrize("load", [
    lambda: data.load("digits", batch_size=0),
    lambda: data.celeba(batch_size=0, source="/nowhere"),
])
def test_datasets_refuse_a_batch_size_of_zero_before_reading_anything(load):
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        load()


# --------------------------------------------- 3. image size the networks cannot build
# Also: tests/networks/test_dcgan.py::test_bad_image_size_names_the_value (0, 4, 5, 30, 16.0, ...),
# tests/networks/test_conditional.py::test_argument_errors (30),
# tests/test_cli.py::test_bad_values_give_an_error_naming_them (--image-size 30).


# GAN's fully connected nets build any positive size.
@pytest.mark.parametrize("name, size", [(n, s) for n in sorted(VARIANTS) for s in (7, 0, 36) if n != "gan" or s <= 0])
def test_every_variant_names_an_image_size_it_cannot_build(name, size):
    cls = VARIANTS[name]
    num_classes = CLASSES if cls.conditional else None
    with pytest.raises(ValueError, match=f"image_size .*got {size}"):
        cls.default_networks(size, 1, latent_dim=8, width=4, num_classes=num_classes)


def test_twelve_pixels_is_six_doubled_and_builds():
    # "4 to 7 times a power of two": 12 = 6 x 2 is a valid size, not a bad one.
    generator, critic = WGANGP.default_networks(12, 1, latent_dim=8, width=4)
    assert tuple(generator.output.shape) == (None, 12, 12, 1) == tuple(critic.input.shape)


@pytest.mark.parametrize("load", [lambda: data.digits(image_size=7), lambda: data.load("digits", image_size=12 * 3)])
def test_datasets_refuse_an_image_size_the_networks_cannot_build(load):
    with pytest.raises(ValueError, match="image_size must be 4 to 7 times a power of two"):
        load()


# --------------------------------------------- 4. labels out of range for conditional models
# Also: tests/models/test_base.py::test_training_labels_out_of_range_or_float_are_refused (a
# dataset's labels, at the step), tests/models/checks.py::check_label_errors (generate, every
# conditional variant), tests/test_cli.py::test_sample_a_conditional_generator_one_class_per_row.


@pytest.fixture(scope="module", params=[CGAN, ACGAN, ProjectionCGAN], ids=lambda cls: cls.__name__)
def conditional(request):
    model = tiny_conditional(request.param, critic_steps=1)
    model.compile()
    return model


@pytest.mark.parametrize("labels, message", [
    (np.full(8, CLASSES), rf"class labels must lie in \[0, {CLASSES}\), got \[{CLASSES}\]"),
    (np.array([0, 1, 2, -1, 0, 1, 2, 7]), rf"class labels must lie in \[0, {CLASSES}\), got \[-1, 7\]"),
    (np.zeros(8, "float32"), rf"class labels must be integers in \[0, {CLASSES}\), got float32"),
    (np.eye(CLASSES, dtype="int32")[np.arange(8) % CLASSES], r"got shape \(8, 3\) \(one-hot\? pass their argmax\)"),
    (np.zeros(5, "int32"), "got 8 images but 5 labels"),
    (None, "is conditional: fit it on images and labels"),
])
def test_array_labels_are_checked_whole_before_training(conditional, labels, message):
    before = _weights(conditional)
    with pytest.raises(ValueError, match=message):
        conditional.fit(tiny_images(8), labels, batch_size=4, verbose=0)
    _assert_untouched(conditional, before)


def test_one_hot_labels_in_a_dataset_are_refused_by_their_spec(conditional):
    images = tiny_images(8)
    one_hot = tf.data.Dataset.from_tensor_slices((images, np.eye(CLASSES, dtype="int32")[np.arange(8) % 3])).batch(4)
    with pytest.raises(ValueError, match=r"class labels must have shape \(batch,\).*got shape \(None, 3\)"):
        conditional.fit(one_hot, verbose=0)


def test_labels_out_of_range_are_caught_under_xla_too():
    # XLA compiles assertions to nothing; under jit_compile the checks run in the input pipeline.
    model = tiny_conditional(CGAN, critic_steps=1)
    model.compile(jit_compile=True)
    bad = tf.data.Dataset.from_tensor_slices((tiny_images(8), np.array([0, 1, 2, 9] * 2, "int32"))).batch(4)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"class labels must lie in \[0, 3\)"):
        model.fit(bad, verbose=0)


# --------------------------------------------- 5. a dataset of the wrong shape or dtype passed to fit
# Also: tests/models/test_wgan_gp.py::test_wrong_image_shape_names_both_shapes,
# tests/models/test_wgan_gp.py::test_integer_images_are_refused (a uint8 dataset),
# tests/models/test_wgan_gp.py::test_fewer_batches_than_critic_steps_is_an_error_not_an_empty_epoch.


@pytest.mark.parametrize("images, message", [
    (tiny_images(8, size=32), r"images of shape \(8, 32, 32, 1\), but the discriminator takes \(batch, 16, 16, 1\)"),
    (tiny_images(8, channels=3), r"images of shape \(8, 16, 16, 3\), but the discriminator takes"),
    (tiny_images(8)[..., 0], r"images of shape \(8, 16, 16\), but"),
    ((tiny_images(8) * 127.5 + 127.5).astype("uint8"), "the dataset yields uint8 images; expected float images"),
    (tiny_images(8) * 127.5 + 127.5, r"images must be finite and scaled to \[-1, 1\], got values in \[0\.\d+, 25\d"),
    (np.full((8, 16, 16, 1), np.nan, "float32"), r"finite and scaled to \[-1, 1\], got values in \[nan, nan\]"),
    (tiny_images(0), r"got no images: an array of shape \(0, 16, 16, 1\)"),
])
def test_bad_image_arrays_are_refused_before_training(wgan_gp, images, message):
    before = _weights(wgan_gp)
    with pytest.raises(ValueError, match=message):
        wgan_gp.fit(images, batch_size=4, verbose=0)
    _assert_untouched(wgan_gp, before)


def test_float64_images_are_cast_not_refused(wgan_gp):
    history = wgan_gp.fit(tiny_images(8).astype("float64"), batch_size=4, verbose=0).history
    assert np.isfinite(history["d_loss"]).all()


def test_an_unbatched_dataset_is_refused_by_its_spec(wgan_gp):
    with pytest.raises(ValueError, match=r"images of shape \(16, 16, 1\), but the discriminator takes \(batch, 16"):
        wgan_gp.fit(tf.data.Dataset.from_tensor_slices(tiny_images(8)), verbose=0)


def test_an_empty_dataset_is_refused(wgan_gp):
    with pytest.raises(ValueError, match="the dataset is empty"):
        wgan_gp.fit(tiny_dataset().take(0), verbose=0)


def test_a_dataset_batch_out_of_range_stops_at_that_batch_naming_the_range(wgan_gp):
    images = tiny_images(8)
    images[4:] *= 255.0  # the second batch was never scaled
    bad = tf.data.Dataset.from_tensor_slices(images).batch(4)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images must be scaled to \[-1, 1\]; this batch has"):
        wgan_gp.fit(bad, verbose=0)


def test_fewer_ragged_batches_than_critic_steps_is_an_error_not_an_empty_epoch():
    # Batches of unknown size (no drop_remainder): this used to return an empty history.
    model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=5)
    model.compile()
    with pytest.raises(ValueError, match="the dataset has 3 batches per epoch, fewer than the critic_steps=5"):
        model.fit(tf.data.Dataset.from_tensor_slices(tiny_images(10)).batch(4), verbose=0)


@pytest.mark.filterwarnings("ignore:Your input ran out of data")
def test_data_that_fills_no_step_is_an_error_not_an_empty_history():
    # 7 images in ragged batches of 4: 2 batches, but not the 8 images 2 critic steps need.
    model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=2)
    model.compile()
    with pytest.raises(ValueError, match=r"fit ran 1 epoch\(s\) but not one training step"):
        model.fit(tf.data.Dataset.from_tensor_slices(tiny_images(7)).batch(4), verbose=0)


# --------------------------------------------- 6. an empty or unreadable output directory
# Also: tests/test_cli.py::test_unwritable_output_folder (--out under a file).


def _unwritable(monkeypatch, folder):
    # Root may write anywhere, so permission bits cannot make a folder read-only in CI: the
    # check asks os.access, which is told that `folder` refuses writes.
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if os.fspath(path) == str(folder) else real(path, mode))


def _bad_paths(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    return {
        "empty": ("", "must be a (folder|file) path, got ''"),
        "under a file": (str(tmp_path / "a_file" / "sub"), "cannot be created: .*a_file' is a file"),
    }


@pytest.mark.parametrize("case", ["empty", "under a file", "a folder", "read-only"])
def test_best_samples_refuses_a_bad_path_when_built_not_at_train_end(tmp_path, monkeypatch, case):
    paths = _bad_paths(tmp_path)
    paths["a folder"] = (str(tmp_path), "is a folder, not a file")
    paths["read-only"] = (str(tmp_path / "ro" / "best.png"), "is not writable: no write permission in .*ro'")
    (tmp_path / "ro").mkdir()
    _unwritable(monkeypatch, tmp_path / "ro")
    path, message = paths[case]
    with pytest.raises((ValueError, PermissionError), match=message):
        BestSamples(path)


@pytest.mark.parametrize("case", ["empty", "under a file", "a file", "read-only", "the working directory"])
def test_export_refuses_a_bad_path_before_exporting(wgan_gp, tmp_path, monkeypatch, case):
    paths = _bad_paths(tmp_path)
    paths["a file"] = (str(tmp_path / "a_file"), "is a file, not a folder")
    paths["read-only"] = (str(tmp_path / "ro" / "g"), "is not writable")
    paths["the working directory"] = (str(tmp_path), "holds the working directory")
    (tmp_path / "ro").mkdir()
    _unwritable(monkeypatch, tmp_path / "ro")
    monkeypatch.chdir(tmp_path / "ro")
    path, message = paths[case]
    with pytest.raises((ValueError, PermissionError), match=message):
        export_generator(wgan_gp, path)
    assert (tmp_path / "a_file").read_text() == "not a folder"  # an existing file was replaced before


@pytest.mark.parametrize("callback", [FixedNoiseGIF, LossPlot])
@pytest.mark.parametrize("case", ["empty", "under a file"])
def test_callbacks_refuse_a_bad_out_dir_when_built(tmp_path, callback, case):
    # FixedNoiseGIF("") used to write into the working directory, and both failed in
    # on_train_begin with an errno message for a path under a file.
    path, message = _bad_paths(tmp_path)[case]
    with pytest.raises(ValueError, match=message.replace("(folder|file)", "folder")):
        callback(path)


def test_cli_refuses_an_empty_out(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, err = _cli_error(["--out", ""], monkeypatch, capsys)
    assert code == 2 and "--out must be a folder path, got ''" in err


def test_cli_refuses_an_out_that_is_a_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "a_file").write_text("x")
    code, err = _cli_error(["--out", str(tmp_path / "a_file")], monkeypatch, capsys)
    assert code == 2 and repr(str(tmp_path / "a_file")) in err


@pytest.fixture(scope="module")
def exported(wgan_gp, tmp_path_factory):
    return str(export_generator(wgan_gp, tmp_path_factory.mktemp("export") / "generator"))


@pytest.mark.parametrize("case", ["empty", "under a file", "a folder"])
def test_cli_sample_refuses_a_bad_out(exported, tmp_path, capsys, case):
    paths = _bad_paths(tmp_path)
    paths["a folder"] = (str(tmp_path), "is a folder, not a file")
    path, message = paths[case]
    assert cli.main(["sample", exported, "--n", "4", "--out", path]) == 2
    assert re.search(message.replace("(folder|file)", "file"), capsys.readouterr().err)


def test_cli_evaluate_refuses_a_folder_as_out_before_evaluating(tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "model.keras"), "--out", str(tmp_path)]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


# --------------------------------------------- 7. files of random bytes, truncated JPEGs, zero-byte files
# Also: tests/data/test_images.py::test_folder_skips_broken_files_with_one_warning (an empty, a
# random and a truncated .jpg among good files, folder), ::test_zip_is_read_in_place_with_the_same_checks
# (the same in a zip), ::test_only_broken_files, ::test_corrupt_zip_member_is_skipped,
# ::test_file_that_passes_the_checks_but_fails_to_decode_is_replaced; tests/data/test_checks.py
# (every truncation of every format caught, random bytes never crash the checker, an EXIF
# thumbnail's end marker does not hide a truncation).


def _good_folder(root, count=4):
    os.makedirs(root, exist_ok=True)
    for i in range(count):
        with open(os.path.join(root, f"good{i}.png"), "wb") as f:
            f.write(_png(40 + 50 * i))
    # What each good image becomes: a constant gray level in [-1, 1].
    return sorted((40 + 50 * i) / 127.5 - 1 for i in range(count))


def _one_epoch(folder):
    """(the images of one epoch, sorted by mean; the 'skipped' warnings; cardinality)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ds = data.image_folder(folder, image_size=8, batch_size=1, shuffle=False)
        images = [batch[0].numpy() for batch in ds]
    skipped = [str(w.message) for w in record if "skipped" in str(w.message)]
    return sorted(images, key=np.mean), skipped, int(ds.cardinality())


def _assert_exactly_the_good_images(folder, expected, skipped_names):
    images, skipped, cardinality = _one_epoch(folder)
    assert cardinality == len(images) == len(expected)
    np.testing.assert_allclose([image.mean() for image in images], expected, atol=0.01)
    total = len(expected) + len(skipped_names)
    assert len(skipped) == 1 and f"skipped {len(skipped_names)} of {total} files" in skipped[0], skipped
    assert all(name in skipped[0] for name in skipped_names)
    return skipped[0]


def test_a_cli_run_on_a_folder_of_only_broken_files_names_the_folder(tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "random.jpg").write_bytes(np.random.default_rng(0).bytes(300))
    (folder / "cut.jpg").write_bytes(_jpeg()[:200])
    with pytest.warns(UserWarning, match="skipped 3 of 3 files"):
        code = cli.main(["train", "wgan-gp", "--dataset", str(folder), "--image-size", "16", "--verbose", "0",
                         "--out", str(tmp_path / "run")])
    assert code == 2 and f"none of the 3 image files in {str(folder)!r} is readable" in capsys.readouterr().err


def test_an_unreadable_file_is_skipped_and_counted(tmp_path):
    expected = _good_folder(tmp_path)
    os.symlink(tmp_path / "missing.png", tmp_path / "dangling.png")  # open() fails, as without permission
    message = _assert_exactly_the_good_images(tmp_path, expected, ["dangling.png"])
    assert "dangling.png: unreadable (No such file or directory)" in message


def test_a_subfolder_that_cannot_be_listed_is_named_and_the_root_is_an_error(tmp_path, monkeypatch):
    _good_folder(tmp_path)
    _good_folder(tmp_path / "locked")
    real = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) in ("locked", "root"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.warns(UserWarning, match=r"skipped 1 subfolder\(s\) of .* that cannot be listed: locked: Permission"):
        ds = data.image_folder(tmp_path, image_size=8, batch_size=1)
    assert int(ds.cardinality()) == 4
    (tmp_path / "root").mkdir()
    with pytest.raises(PermissionError, match=r"cannot list the folder .*root': Permission denied"):
        data.image_folder(tmp_path / "root", image_size=8, batch_size=1)


_MAGICS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"GIF87a", b"BM")


@PROPERTY
@given(st.binary(max_size=2000).filter(lambda b: not b.startswith(_MAGICS)))
def test_arbitrary_bytes_are_skipped_counted_and_the_epoch_is_exactly_the_good_images(contents):
    with tempfile.TemporaryDirectory() as folder:
        expected = _good_folder(folder)
        with open(os.path.join(folder, "noise.jpg"), "wb") as f:
            f.write(contents)
        _assert_exactly_the_good_images(folder, expected, ["noise.jpg"])


def _headers():
    """Valid starts of each format: up to a JPEG's scan, a PNG's IHDR, a GIF's screen, a BMP's pixels."""
    jpeg, png = _jpeg(), _png(10)
    gif, bmp = (_encode(np.zeros((8, 8, 3), np.uint8), fmt) for fmt in ("GIF", "BMP"))
    scan = jpeg.index(b"\xff\xda")
    return {
        "jpeg": jpeg[: scan + 2 + struct.unpack(">H", jpeg[scan + 2 : scan + 4])[0]],
        "png": png[:33],
        "gif": gif[: 13 + 3 * 2 ** ((gif[10] & 7) + 1)],
        "bmp": bmp[:54],
    }


HEADERS = _headers()


@PROPERTY
@given(st.sampled_from(sorted(HEADERS)), st.binary(max_size=2000))
def test_a_valid_header_then_arbitrary_bytes_never_breaks_an_epoch(kind, rest):
    contents = HEADERS[kind] + rest
    with tempfile.TemporaryDirectory() as folder:
        expected = _good_folder(folder)
        with open(os.path.join(folder, "odd.img.png"), "wb") as f:
            f.write(contents)
        images, skipped, cardinality = _one_epoch(folder)
        # Never raises, never ends short, every good image comes; the odd file is either skipped
        # and counted, or it passed the byte checks and is one more image (decoded, or as a last
        # resort dropped by the decoder, logged by TensorFlow, and made up from a second pass).
        assert cardinality == len(images)
        assert all(np.isfinite(image).all() and np.abs(image).max() <= 1 for image in images)
        means = sorted(image.mean() for image in images)
        for value in expected:
            assert sum(abs(mean - value) < 0.01 for mean in means) >= 1
        if _checks.bytes_problem(contents):
            assert len(images) == len(expected) and "skipped 1 of 5 files" in " ".join(skipped)
        else:
            assert len(images) == len(expected) + 1


def _real_files():
    return {"jpeg": _jpeg(), "png": _png(77, size=24)}


REAL = _real_files()


@PROPERTY
@given(st.sampled_from(sorted(REAL)), st.data())
def test_every_truncation_of_a_real_image_is_skipped_and_counted(kind, draw):
    full = REAL[kind]
    cut = draw.draw(st.integers(0, len(full) - 1), label="cut")
    with tempfile.TemporaryDirectory() as folder:
        expected = _good_folder(folder)
        with open(os.path.join(folder, f"cut.{'jpg' if kind == 'jpeg' else 'png'}"), "wb") as f:
            f.write(full[:cut])
        _assert_exactly_the_good_images(folder, expected, [f"cut.{'jpg' if kind == 'jpeg' else 'png'}"])


# --------------------------------------------- 8. huge images
# Files whose header declares more than MAX_IMAGE_PIXELS (Pillow's 89,478,485) are skipped
# unread and counted; files over MAX_FILE_BYTES too; smaller ones are decoded and resized.


def _claiming(fmt, width, height):
    """An 8 x 8 black image in `fmt` whose header claims `width` x `height` pixels."""
    image = bytearray(_encode(np.zeros((8, 8, 3), np.uint8), fmt))
    layout, offset, values = {
        "PNG": (">II", 16, (width, height)),  # IHDR
        "JPEG": (">HH", image.find(b"\xff\xc0") + 5, (height, width)),  # SOF0
        "GIF": ("<HH", 6, (width, height)),  # logical screen
        "BMP": ("<ii", 18, (width, height)),  # BITMAPINFOHEADER
    }[fmt]
    struct.pack_into(layout, image, offset, *values)
    if fmt == "PNG":
        struct.pack_into(">I", image, 29, zlib.crc32(image[12:29]))  # the IHDR chunk's CRC
    return bytes(image)


@pytest.mark.parametrize("name, contents", [
    ("huge.png", _claiming("PNG", 100_000, 100_000)),
    ("huge.jpg", _claiming("JPEG", 60_000, 60_000)),
    ("huge.gif", _claiming("GIF", 65_535, 65_535)),
    ("tall.bmp", _claiming("BMP", 10, 10_000_000)),
])
def test_a_header_claiming_too_many_pixels_is_skipped_unread_and_counted(tmp_path, name, contents):
    expected = _good_folder(tmp_path)
    (tmp_path / name).write_bytes(contents)
    message = _assert_exactly_the_good_images(tmp_path, expected, [name])
    assert "more than MAX_IMAGE_PIXELS (89478485)" in message


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_file_over_the_byte_limit_is_skipped_unread_and_counted(tmp_path, monkeypatch, as_zip):
    monkeypatch.setattr(_checks, "MAX_FILE_BYTES", 10_000)
    folder = tmp_path / "images"
    expected = _good_folder(folder)
    (folder / "big.png").write_bytes(_png(0, size=24) + bytes(20_000))  # valid, with a long tail
    path = folder
    if as_zip:
        path = shutil.make_archive(str(tmp_path / "images"), "zip", folder)
    with pytest.warns(UserWarning, match=r"skipped 1 of 5 files.*big.png: file of 2\d{4} bytes, more than MAX_FILE"):
        ds = data.image_folder(path, image_size=8, batch_size=1, shuffle=False)
    assert int(ds.cardinality()) == len(list(ds)) == len(expected)


def test_a_large_real_photo_is_decoded_and_resized(tmp_path):
    # 36 megapixels, under the limit: decoded whole and shrunk, not skipped.
    expected = _good_folder(tmp_path)
    big = np.broadcast_to(np.linspace(0, 255, 6000, dtype=np.float32).astype(np.uint8)[None, :, None], (6000, 6000, 3))
    Image.fromarray(np.ascontiguousarray(big)).save(tmp_path / "photo.jpg", quality=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no file is skipped
        images, _, cardinality = _one_epoch(tmp_path)
    assert cardinality == len(images) == len(expected) + 1
    assert all(image.shape == (8, 8, 3) for image in images)

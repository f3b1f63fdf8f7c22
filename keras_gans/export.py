"""Export of a trained generator as a TensorFlow SavedModel."""

import json
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_gans._validation import writable_path

# Written beside the SavedModel's own files; TensorFlow ignores it when loading.
DESCRIPTION_FILE = "keras_gans_export.json"


def export_generator(model, path):
    """Writes `model`'s generator as a SavedModel with one `serve` signature.

    `serve` takes float32 latents `z` of shape (None, latent_dim) and returns
    `{"images": float32 (None, H, W, C) in [-1, 1]}`, computed in inference mode.
    For a conditional generator (inputs `[z, labels]`) it takes `z` and int32
    `labels` of shape (None,), in [0, num_classes). The folder also holds
    `keras_gans_export.json` (latent size, number of classes, image shape), which
    `keras-gans sample` reads.
    The SavedModel needs only TensorFlow to run: neither Keras nor keras_gans.
    It is written to a temporary folder beside `path` and renamed into place, so
    an interrupted export never leaves a half-written model at `path`.

    Args:
        model: a keras_gans model (anything with `generator` and `latent_dim`), or a
            generator `keras.Model` itself.
        path: the SavedModel folder to write; replaced if it exists.

    Returns:
        `path`.

    Raises:
        TypeError: if `model` is neither a keras_gans model nor a `keras.Model`.
        ValueError: if `path` is empty, an existing file, under a file, or a folder holding the
            working directory (replacing it would delete the caller's files).
        PermissionError: if the folder `path` goes into is not writable.

    Example:
    >>> import tensorflow as tf
    >>> from keras_gans.networks import build_generator
    >>> export_generator(build_generator(16, 1, latent_dim=8, width=4), "/tmp/g")
    '/tmp/g'
    >>> loaded = tf.saved_model.load("/tmp/g")  # keep a reference while calling it
    >>> loaded.serve(tf.zeros((2, 8)))["images"].shape
    TensorShape([2, 16, 16, 1])
    """
    generator = getattr(model, "generator", model)
    if not isinstance(generator, keras.Model):
        raise TypeError(f"expected a keras_gans model or a generator keras.Model, got {type(model).__name__}")
    latent_dim = generator.inputs[0].shape[-1]
    path = _check_export_path(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)

    archive = keras.export.ExportArchive()
    archive.track(generator)
    z_spec = tf.TensorSpec((None, latent_dim), tf.float32, name="z")
    if len(generator.inputs) > 1:
        archive.add_endpoint(
            name="serve",
            fn=lambda z, labels: {"images": generator([z, labels], training=False)},
            input_signature=[z_spec, tf.TensorSpec((None,), tf.int32, name="labels")],
        )
    else:
        archive.add_endpoint(
            name="serve", fn=lambda z: {"images": generator(z, training=False)}, input_signature=[z_spec]
        )
    staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
    try:
        with _quiet_tensorflow_logger():
            archive.write_out(staging, verbose=False)
        _write_description(staging, generator, getattr(model, "num_classes", None))
        _replace_dir(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


def _check_export_path(path):
    """`path` as a str, checked before the (slow) export: a folder that can be written or replaced."""
    path = writable_path("path", path, "folder")
    here = os.path.join(os.path.abspath(os.getcwd()), "")
    if os.path.isdir(path) and here.startswith(os.path.join(os.path.abspath(path), "")):
        raise ValueError(f"path={path!r} holds the working directory; exporting there would replace it")
    return path


def read_description(path):
    """The `DESCRIPTION_FILE` of an exported generator as a dict, or None if it has none."""
    try:
        with open(os.path.join(os.fspath(path), DESCRIPTION_FILE), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def _write_description(folder, generator, num_classes):
    # What `serve` needs besides the signature: how many classes its labels range over.
    description = {
        "latent_dim": int(generator.inputs[0].shape[-1]),
        "num_classes": num_classes,
        "image_shape": [int(d) for d in generator.outputs[0].shape[1:]],
        "value_range": [-1.0, 1.0],
    }
    with open(os.path.join(folder, DESCRIPTION_FILE), "w", encoding="utf-8") as f:
        json.dump(description, f, indent=2)


def _replace_dir(source, target):
    # os.replace cannot overwrite a non-empty folder: move the old one aside first.
    old = None
    if os.path.exists(target):
        old = tempfile.mkdtemp(prefix=".old-", dir=os.path.dirname(os.path.abspath(target)))
        os.rmdir(old)
        os.replace(target, old)
    os.replace(source, target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


class _quiet_tensorflow_logger:
    """Raises TensorFlow's Python logger to WARNING for a block.

    In IPython TensorFlow logs at INFO, and saving prints "Assets written to: <the staging
    folder>" twice, a temporary path the user never sees again; `verbose=False` does not stop it.
    """

    def __enter__(self):
        self.logger = tf.get_logger()
        self.level = self.logger.level
        self.logger.setLevel(max(self.level, 30))  # logging.WARNING

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
        return False

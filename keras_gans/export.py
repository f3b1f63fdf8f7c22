"""Export of a trained generator: a TensorFlow SavedModel (default), ONNX or TensorFlow Lite."""

import importlib.util
import json
import os
import re
import shutil
import tempfile
import warnings

import keras
import tensorflow as tf

from keras_gans._validation import one_of, writable_path
from keras_gans.images import atomic_write

# Written beside the SavedModel's own files; TensorFlow ignores it when loading.
DESCRIPTION_FILE = "keras_gans_export.json"

# The formats `export_generator` writes, and what each one writes: a folder or a file.
FORMATS = {"savedmodel": "folder", "onnx": "file", "tflite": "file"}


def export_generator(model, path, format="savedmodel"):
    """Writes `model`'s generator as a SavedModel, an ONNX file or a TensorFlow Lite file.

    Every format has the same interface: float32 latents `z` of shape (None, latent_dim)
    in, float32 `images` of shape (None, H, W, C) in [-1, 1] out, computed in inference
    mode (batch norm uses its moving statistics). A conditional generator (inputs
    `[z, labels]`) also takes int32 `labels` of shape (None,), in [0, num_classes).

    - `"savedmodel"` (default): a folder with one `serve` signature returning
      `{"images": ...}`, plus `keras_gans_export.json` (latent size, number of classes,
      image shape), which `keras-gans sample` reads. It needs only TensorFlow to run:
      neither Keras nor keras_gans.
    - `"onnx"`: a `.onnx` file with inputs `z` (and `labels`) and output `images`, written
      by Keras' own exporter (`Model.export(format="onnx")`, through tf2onnx) and run by
      onnxruntime; the description above is in its `metadata_props` under
      `keras_gans_export`. Needs the `onnx` extra: `pip install "keras-gans[onnx]"`.
    - `"tflite"`: a `.tflite` file converted by `tf.lite.TFLiteConverter` from the very
      SavedModel above, so its `serve` signature has the same names; TensorFlow Lite
      built-in operations only, so the plain LiteRT interpreter runs it (no Flex delegate).

    The export is written beside `path` under a temporary name and renamed into place,
    so an interrupted export never leaves a half-written model at `path`.

    Args:
        model: a keras_gans model (anything with `generator` and `latent_dim`), or a
            generator `keras.Model` itself.
        path: the SavedModel folder or the file to write; replaced if it exists.
        format: `"savedmodel"`, `"onnx"` or `"tflite"`.

    Returns:
        `path`.

    Raises:
        TypeError: if `model` is neither a keras_gans model nor a `keras.Model`.
        ValueError: if `format` is unknown, or `path` is empty, an existing file (a folder for
            the file formats), under a file, or a folder holding the working directory
            (replacing it would delete the caller's files).
        PermissionError: if the folder `path` goes into is not writable.
        ImportError: for `format="onnx"` without tf2onnx installed, naming the extra to install.
        RuntimeError: if the converter of `format` cannot convert this generator, with its reason.

    Example:
    >>> import tensorflow as tf
    >>> from keras_gans.networks import build_generator
    >>> export_generator(build_generator(16, 1, latent_dim=8, width=4), "/tmp/g")
    '/tmp/g'
    >>> loaded = tf.saved_model.load("/tmp/g")  # keep a reference while calling it
    >>> loaded.serve(tf.zeros((2, 8)))["images"].shape
    TensorShape([2, 16, 16, 1])
    >>> tflite = export_generator(build_generator(16, 1, latent_dim=8, width=4), "/tmp/g.tflite", "tflite")
    >>> runner = tf.lite.Interpreter(model_path=tflite).get_signature_runner("serve")
    >>> runner(z=tf.zeros((2, 8)).numpy())["images"].shape
    (2, 16, 16, 1)
    """
    generator = getattr(model, "generator", model)
    if not isinstance(generator, keras.Model):
        raise TypeError(f"expected a keras_gans model or a generator keras.Model, got {type(model).__name__}")
    format = one_of("format", format, tuple(FORMATS))
    if format == "onnx" and importlib.util.find_spec("tf2onnx") is None:
        raise ImportError(
            "format='onnx' needs tf2onnx (Keras' ONNX exporter uses it), which is not installed: "
            'pip install "keras-gans[onnx]" (or pip install tf2onnx)'
        )
    path = _check_export_path(path, FORMATS[format])
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    num_classes = getattr(model, "num_classes", None)
    if format == "savedmodel":
        staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
        try:
            _write_savedmodel(generator, staging, num_classes)
            _replace_dir(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return path
    with atomic_write(path) as tmp:
        if format == "onnx":
            _write_onnx(generator, tmp, num_classes)
        else:
            _write_tflite(generator, tmp, num_classes)
    return path


def _input_signature(generator):
    """The TensorSpecs of `serve`: z, and labels for a conditional generator."""
    specs = [tf.TensorSpec((None, generator.inputs[0].shape[-1]), tf.float32, name="z")]
    if len(generator.inputs) > 1:
        specs.append(tf.TensorSpec((None,), tf.int32, name="labels"))
    return specs


def _write_savedmodel(generator, folder, num_classes):
    archive = keras.export.ExportArchive()
    archive.track(generator)
    if len(generator.inputs) > 1:
        fn = lambda z, labels: {"images": generator([z, labels], training=False)}  # noqa: E731
    else:
        fn = lambda z: {"images": generator(z, training=False)}  # noqa: E731
    archive.add_endpoint(name="serve", fn=fn, input_signature=_input_signature(generator))
    with _quiet_tensorflow_logger():
        archive.write_out(folder, verbose=False)
    _write_description(folder, generator, num_classes)


def _write_onnx(generator, path, num_classes):
    import onnx

    specs = _input_signature(generator)
    # Keras' exporter calls the model once with all the inputs: [z, labels] as one argument.
    signature = [specs] if len(specs) > 1 else specs
    with _quiet_tensorflow_logger(), warnings.catch_warnings():
        # Keras' tf2onnx patch probes `np.object`, and NumPy 2 warns about the probe.
        warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
        generator.export(path, format="onnx", input_signature=signature, verbose=False)
    proto = onnx.load(path)
    # tf2onnx names the output after the graph tensor ("Identity:0"); give it the name
    # the SavedModel's and the TFLite signature's output has.
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = ["images" if name == old else name for name in node.output]
    proto.graph.output[0].name = "images"
    entry = proto.metadata_props.add()
    entry.key, entry.value = "keras_gans_export", json.dumps(_description(generator, num_classes))
    onnx.save(proto, path)


def _write_tflite(generator, path, num_classes):
    # Converted from the SavedModel export_generator writes (as Keras' own LiteRT
    # exporter converts its SavedModel), so the file keeps the `serve` signature's
    # names: inputs z (and labels), output images.
    with tempfile.TemporaryDirectory(prefix=".export-", dir=os.path.dirname(path)) as folder:
        _write_savedmodel(generator, folder, num_classes)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder, signature_keys=["serve"])
        # Built-in operations only: a file that needs the Flex delegate (SELECT_TF_OPS) does
        # not run in the plain LiteRT interpreter that phones and microcontrollers have.
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            with _quiet_tensorflow_logger():
                flatbuffer = converter.convert()
        except Exception as error:  # the converter raises ConverterError and others
            # Its message is MLIR locations; the operations it could not map are what a user needs.
            missing = sorted(set(re.findall(r"'tf\.(\w+)' op is neither", str(error))))
            lines = str(error).strip().splitlines()
            reason = (f"it uses TensorFlow operations without a TensorFlow Lite built-in: {', '.join(missing)}"
                      if missing else lines[0] if lines else type(error).__name__)
            raise RuntimeError(f"format='tflite': tf.lite.TFLiteConverter cannot convert this generator: {reason}") \
                from error
    with open(path, "wb") as f:
        f.write(flatbuffer)


def _check_export_path(path, kind):
    """`path` as a str, checked before the (slow) export: a `kind` that can be written or replaced."""
    path = writable_path("path", path, kind)
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


def _description(generator, num_classes):
    # What `serve` needs besides the signature: how many classes its labels range over.
    return {
        "latent_dim": int(generator.inputs[0].shape[-1]),
        "num_classes": num_classes,
        "image_shape": [int(d) for d in generator.outputs[0].shape[1:]],
        "value_range": [-1.0, 1.0],
    }


def _write_description(folder, generator, num_classes):
    with open(os.path.join(folder, DESCRIPTION_FILE), "w", encoding="utf-8") as f:
        json.dump(_description(generator, num_classes), f, indent=2)


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

"""Export of a trained generator: a TensorFlow SavedModel (default), ONNX or TensorFlow Lite."""

import importlib.util
import inspect
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

    Every format has the same interface: what the generator consumes in, float32
    `images` of shape (None, H, W, C) in [-1, 1] out, computed in inference mode (batch
    norm uses its moving statistics). The input is float32 latents `z` of shape
    (None, latent_dim), or `images` for an image-to-image model (the model's
    `serving_specs`); a conditional generator also takes int32 `labels` of shape (None,),
    in [0, num_classes).

    - `"savedmodel"` (default): a folder with one `serve` signature returning
      `{"images": ...}`, plus `keras_gans_export.json` (input name and shape, latent size,
      number of classes and their names, image shape), which `keras-gans sample` reads. It needs only TensorFlow to run:
      neither Keras nor keras_gans.
    - `"onnx"`: a `.onnx` file with the SavedModel's inputs (`z`, and `labels`, and BigGAN's
      `truncation`) and output `images`, written by Keras' own exporter
      (`Model.export(format="onnx")` of the `serve` function, through tf2onnx) and run by
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
    # A model that samples with an average of its generator's weights exports the average.
    generator = getattr(model, "sampling_generator", getattr(model, "generator", model))
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
    served = _Served(generator, model)
    if format == "savedmodel":
        staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
        try:
            _write_savedmodel(served, staging)
            _replace_dir(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return path
    with atomic_write(path) as tmp:
        if format == "onnx":
            _write_onnx(served, tmp)
        else:
            _write_tflite(served, tmp)
    return path


class _Served:
    """The generator and what its export serves: input specs (the model's `serving_specs`) and description.

    A keras_gans model says what its generator consumes (latents z, or images for an
    image-to-image model, and labels when conditional); a bare generator is taken to
    consume latents (and labels when it has two inputs).
    """

    def __init__(self, generator, model):
        self.generator, self.model = generator, model
        if hasattr(model, "serving_specs"):
            self.specs = model.serving_specs()
        else:
            self.specs = [tf.TensorSpec((None, *generator.inputs[0].shape[1:]), tf.float32, name="z")]
            if len(generator.inputs) > 1:
                self.specs.append(tf.TensorSpec((None,), tf.int32, name="labels"))
        first = self.specs[0]
        self.description = {
            "input": first.name,
            "latent_dim": int(first.shape[-1]) if first.name == "z" else None,
            "input_shape": [int(d) for d in first.shape[1:]],
            "num_classes": getattr(model, "num_classes", None),
            "class_names": list(getattr(model, "class_names", None) or []) or None,
            "image_shape": [int(d) for d in generator.outputs[0].shape[1:]],
            "value_range": [-1.0, 1.0],
        }

    def function(self):
        """`serve`: the generator in inference mode, `{"images": ...}` for its inputs, named as the specs."""
        generator = self.generator
        # A keras_gans model maps what the export serves to what its generator takes (`serving_inputs`).
        prepare = getattr(self.model, "serving_inputs", lambda inputs: inputs if len(inputs) > 1 else inputs[0])

        def serve(*inputs):
            return {"images": generator(prepare(list(inputs)), training=False)}

        # The signature's argument names are the inputs' names (z or images, labels), so that
        # the SavedModel can be called with them as keywords.
        serve.__signature__ = inspect.Signature(
            [inspect.Parameter(spec.name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for spec in self.specs]
        )
        return serve


def _write_savedmodel(served, folder):
    archive = keras.export.ExportArchive()
    archive.track(served.generator)
    archive.add_endpoint(name="serve", fn=served.function(), input_signature=served.specs)
    with _quiet_tensorflow_logger():
        archive.write_out(folder, verbose=False)
    with open(os.path.join(folder, DESCRIPTION_FILE), "w", encoding="utf-8") as f:
        json.dump(served.description, f, indent=2)


class _ServedModel(keras.Model):
    """The export's `serve` as a Keras model: the served inputs, mapped by the model's `serving_inputs`, to images.

    Keras' ONNX exporter exports a model's call; the generator's own call would take only
    the generator's inputs, not what the export serves (BigGAN's truncation threshold,
    redrawn in the graph before the generator runs).
    """

    def __init__(self, served):
        super().__init__(name=f"served_{served.generator.name}")
        self.generator = served.generator
        self.serve = served.function()
        self.built = True  # nothing of its own to build: the generator is

    def call(self, inputs):
        return self.serve(*inputs)["images"]


def _write_onnx(served, path):
    import onnx

    # Keras' exporter calls the model once with all the inputs as one argument: [z, labels, ...].
    with _quiet_tensorflow_logger(), warnings.catch_warnings():
        # Keras' tf2onnx patch probes `np.object`, and NumPy 2 warns about the probe.
        warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
        _ServedModel(served).export(path, format="onnx", input_signature=[served.specs], verbose=False)
    proto = onnx.load(path)
    # tf2onnx names the output after the graph tensor ("Identity:0"); give it the name
    # the SavedModel's and the TFLite signature's output has.
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = ["images" if name == old else name for name in node.output]
    proto.graph.output[0].name = "images"
    entry = proto.metadata_props.add()
    entry.key, entry.value = "keras_gans_export", json.dumps(served.description)
    onnx.save(proto, path)


def _write_tflite(served, path):
    # Converted from the SavedModel export_generator writes (as Keras' own LiteRT
    # exporter converts its SavedModel), so the file keeps the `serve` signature's
    # names: inputs z (and labels), output images.
    with tempfile.TemporaryDirectory(prefix=".export-", dir=os.path.dirname(path)) as folder:
        _write_savedmodel(served, folder)
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


def export_classifier(model, path):
    """Writes the classifier of a model that has one (Triple-GAN's C) as a SavedModel.

    Its `serve` signature takes float32 `images` (None, H, W, C) in [-1, 1] and returns
    `{"probabilities": p(y | x) (None, K) float32, "labels": argmax (None,) int32}`, in
    inference mode; `keras_gans_export.json` beside it describes input, classes and output.
    The model's averaged classifier (`average_classifier`) is exported where it keeps one,
    as its `classify` uses it. Written under a temporary name and renamed into place, as
    `export_generator` does; it needs only TensorFlow to run.

    Args:
        model: a keras_gans model with a `classifier` (logits out), or a classifier `keras.Model`.
        path: the SavedModel folder; replaced if it exists.

    Returns:
        `path`.

    Example:
    >>> from keras_gans.networks import build_classifier
    >>> path = export_classifier(build_classifier(8, 1, num_classes=3, width=4), "/tmp/c")
    >>> loaded = tf.saved_model.load(path)  # keep a reference while calling it
    >>> sorted(loaded.serve(tf.zeros((2, 8, 8, 1))))
    ['labels', 'probabilities']
    """
    network = getattr(model, "average_classifier", getattr(model, "classifier", model))
    if not isinstance(network, keras.Model):
        raise TypeError(f"expected a keras_gans model with a classifier or a classifier keras.Model, got "
                        f"{type(model).__name__}")
    path = _check_export_path(path, "folder")
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    spec = tf.TensorSpec((None, *network.inputs[0].shape[1:]), tf.float32, name="images")

    def serve(images):
        probabilities = tf.nn.softmax(tf.cast(network(images, training=False), tf.float32), axis=-1)
        return {"probabilities": probabilities, "labels": tf.argmax(probabilities, axis=-1, output_type=tf.int32)}

    description = {
        "input": "images", "input_shape": [int(d) for d in spec.shape[1:]], "value_range": [-1.0, 1.0],
        "num_classes": int(network.outputs[0].shape[-1]),
        "class_names": list(getattr(model, "class_names", None) or []) or None,
        "output": "class probabilities",
    }
    staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
    try:
        archive = keras.export.ExportArchive()
        archive.track(network)
        archive.add_endpoint(name="serve", fn=serve, input_signature=[spec])
        with _quiet_tensorflow_logger():
            archive.write_out(staging, verbose=False)
        with open(os.path.join(staging, DESCRIPTION_FILE), "w", encoding="utf-8") as f:
            json.dump(description, f, indent=2)
        _replace_dir(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


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

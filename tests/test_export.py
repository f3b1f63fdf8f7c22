import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from keras_gans import export_generator

from .models.checks import generator_input_batch
from .models.conftest import LATENT, SIZE, tiny_wgan_gp


def test_savedmodel_serves_images_in_a_process_without_keras_gans(tmp_path):
    model = tiny_wgan_gp()
    z = np.random.default_rng(0).standard_normal((5, LATENT)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    expected = model.generate(z)
    path = export_generator(model, tmp_path / "generator")
    script = textwrap.dedent(
        f"""
        import json, sys, numpy as np, tensorflow as tf
        loaded = tf.saved_model.load({str(path)!r})
        images = loaded.serve(tf.constant(np.load({str(tmp_path / "z.npy")!r})))["images"].numpy()
        np.save({str(tmp_path / "out.npy")!r}, images)
        spec = loaded.signatures["serve"].structured_input_signature[1]["z"]
        print(json.dumps({{"spec": spec.shape.as_list(), "dtype": spec.dtype.name,
                          "keras_gans": "keras_gans" in sys.modules}}))
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info == {"spec": [None, LATENT], "dtype": "float32", "keras_gans": False}
    images = np.load(tmp_path / "out.npy")
    assert images.shape == (5, SIZE, SIZE, 1)
    np.testing.assert_allclose(images, expected, atol=1e-5)  # inference mode, same as generate


def test_export_replaces_an_existing_folder_and_leaves_no_staging(tmp_path):
    model = tiny_wgan_gp()
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "stale.txt").write_text("old")
    export_generator(model, tmp_path / "generator")
    assert not (tmp_path / "generator" / "stale.txt").exists()
    assert (tmp_path / "generator" / "saved_model.pb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generator"]
    from keras_gans.export import read_description

    assert read_description(tmp_path / "generator") == {
        "input": "z", "latent_dim": 8, "input_shape": [8], "num_classes": None, "class_names": None,
        "image_shape": [16, 16, 1], "value_range": [-1.0, 1.0],
    }
    assert read_description(tmp_path) is None


def test_export_refuses_a_non_model(tmp_path):
    with pytest.raises(TypeError, match="got str"):
        export_generator("generator", tmp_path / "g")


def _export_all(names, tmp_path):
    from keras_gans.models import VARIANTS

    expected, jobs = {}, {}
    for name in names:
        cls = VARIANTS[name]
        kwargs = {"num_classes": 3} if cls.conditional else {}
        model = cls(*cls.default_networks(16, 1, latent_dim=8, width=4, **kwargs), seed=0, **kwargs)
        z = generator_input_batch(model, 4)  # latents, or images for an image-to-image variant
        labels = np.array([0, 1, 2, 0], "int32") if cls.conditional else None
        expected[name] = model.generate(z, labels=labels)
        path = export_generator(model, tmp_path / name)
        np.save(tmp_path / f"{name}_z.npy", z)
        if labels is not None:
            np.save(tmp_path / f"{name}_labels.npy", labels)
        # BigGAN's truncation threshold: one above every |z| redraws nothing, so the images are generate's.
        truncation = 1e9 if "truncation" in [spec.name for spec in model.serving_specs()] else None
        jobs[name] = (str(path), labels is not None, truncation)
    return expected, jobs


ALL_EXPORT = (
    "gan", "acgan", "projection-cgan", "dcgan", "improved-dcgan", "wgan", "sngan", "lsgan", "ragan", "fgan", "lapgan",
    "stackgan", "cyclegan", "stargan", "sagan", "biggan",
)


@pytest.mark.parametrize("names", [("cgan",), pytest.param(ALL_EXPORT, marks=pytest.mark.large)],
                         ids=["default", "large"])
def test_every_variant_export_reloads_in_a_fresh_process_with_the_same_images(names, tmp_path):
    expected, jobs = _export_all(names, tmp_path)
    script = textwrap.dedent(
        f"""
        import json, sys, numpy as np, tensorflow as tf
        folder, jobs = {str(tmp_path)!r}, json.loads(sys.argv[1])
        for name, (path, conditional, truncation) in jobs.items():
            inputs = [tf.constant(np.load(f"{{folder}}/{{name}}_z.npy"))]
            if conditional:
                inputs.append(tf.constant(np.load(f"{{folder}}/{{name}}_labels.npy")))
            if truncation is not None:
                inputs.append(tf.constant(truncation, tf.float32))
            loaded = tf.saved_model.load(path)  # held: a temporary would free its variables mid-call
            np.save(f"{{folder}}/{{name}}_out.npy", loaded.serve(*inputs)["images"].numpy())
        print("keras_gans" in sys.modules)
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", script, json.dumps(jobs)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
    for name, images in expected.items():
        np.testing.assert_allclose(np.load(tmp_path / f"{name}_out.npy"), images, atol=1e-5, err_msg=name)


# ------------------------------------------------------------------ ONNX and TensorFlow Lite


def _tiny(name):
    """A tiny model whose sampling generator has random weights and batch-norm statistics of images' scale.

    A fresh generator's images are within 1e-3 of 0, which any export would match to 1e-4; these
    span most of [-1, 1], and non-trivial moving statistics check that inference mode is exported.
    The sampling generator is the one exported (BigGAN's EMA copy, not the trained generator).
    """
    from keras_gans.models import VARIANTS

    cls = VARIANTS[name]
    kwargs = {"num_classes": 3} if cls.conditional else {}
    model = cls(*cls.default_networks(16, 1, latent_dim=8, width=4, **kwargs), seed=0, **kwargs)
    rng = np.random.default_rng(2)
    for weight in model.sampling_generator.weights:
        shape = tuple(weight.shape)
        if weight.path.endswith(("moving_variance", "gamma")):
            value = rng.uniform(0.5, 1.5, shape)
        else:  # kernels ~ N(0, 2 / fan_in); biases, betas, moving means ~ N(0, 0.1^2)
            value = rng.normal(0, np.sqrt(2 / np.prod(shape[:-1])) if len(shape) > 1 else 0.1, shape)
        weight.assign(value.astype(weight.dtype))
    return model


def _run_onnx(path, feeds):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == list(feeds)
    assert [o.name for o in session.get_outputs()] == ["images"]
    return session.run(["images"], feeds)[0], session.get_modelmeta().custom_metadata_map


def _run_tflite(path, feeds):
    try:  # LiteRT, TensorFlow Lite's own runtime; tf.lite.Interpreter is its deprecated copy inside TF
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    runner = Interpreter(model_path=str(path)).get_signature_runner("serve")
    assert sorted(runner.get_input_details()) == sorted(feeds)
    return runner(**feeds)["images"], None


RUNTIMES = {"onnx": _run_onnx, "tflite": _run_tflite}


# SAGAN: residual blocks, conditional batch norm, self-attention (softmax over positions). BigGAN adds the
# hierarchical latent's slices, the shared embedding and a third input, the truncation threshold, whose
# redraw loop (a while loop around random normals) both runtimes must carry; 1e9 redraws nothing, so the
# images are deterministic and comparable.
@pytest.mark.parametrize("name", ["wgan-gp", "cgan", "sagan", "biggan"],
                         ids=["unconditional", "conditional", "sagan", "biggan"])
def test_onnx_and_tflite_run_in_their_runtime_with_the_savedmodel_images(name, tmp_path):
    import tensorflow as tf

    model = _tiny(name)
    z = np.random.default_rng(1).standard_normal((5, 8)).astype("float32")
    feeds = {"z": z} if model.num_classes is None else {"z": z, "labels": np.array([0, 1, 2, 0, 2], "int32")}
    if name == "biggan":
        feeds["truncation"] = np.array(1e9, "float32")
    savedmodel = tf.saved_model.load(export_generator(model, tmp_path / "generator"))
    expected = savedmodel.serve(**feeds)["images"].numpy()
    assert np.abs(expected).max() > 0.5  # images, not a constant that any export would match
    onnx = all(importlib.util.find_spec(name) for name in ("tf2onnx", "onnxruntime"))  # the onnx extra
    formats = ["tflite"] + (["onnx"] if onnx else [])
    for format in formats:
        path = export_generator(model, tmp_path / f"generator.{format}", format=format)
        assert path == str(tmp_path / f"generator.{format}")
        images, metadata = RUNTIMES[format](path, feeds)
        assert images.shape == (5, SIZE, SIZE, 1) and images.dtype == np.float32
        print(f"{format} {name}: max |difference| to the SavedModel {np.abs(images - expected).max():.3g}")
        np.testing.assert_allclose(images, expected, atol=1e-4, err_msg=format)
        if metadata is not None:
            assert json.loads(metadata["keras_gans_export"])["num_classes"] == model.num_classes
        if "truncation" in feeds:  # z far outside [-0.25, 0.25]: the runtime's loop redraws every value
            far = {**feeds, "z": np.full_like(z, 5.0)}
            untruncated = RUNTIMES[format](path, far)[0]
            redrawn = RUNTIMES[format](path, {**far, "truncation": np.array(0.25, "float32")})[0]
            assert np.isfinite(redrawn).all() and np.abs(redrawn - untruncated).max() > 1e-3, format
    # Nothing but the exports: no staging folder or temporary file left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["generator", *(f"generator.{f}" for f in formats)])


def test_export_refuses_an_unknown_format_and_a_folder_for_a_file_format(tmp_path):
    model = tiny_wgan_gp()
    with pytest.raises(ValueError, match="format must be one of 'savedmodel', 'onnx', 'tflite'; got 'pb'"):
        export_generator(model, tmp_path / "g", format="pb")
    with pytest.raises(ValueError, match="is a folder, not a file"):
        export_generator(model, tmp_path, format="tflite")


def test_onnx_without_tf2onnx_names_the_extra_to_install(tmp_path, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "tf2onnx" else find_spec(name, *args))
    with pytest.raises(ImportError, match=r"format='onnx' needs tf2onnx.*keras-gans\[onnx\]"):
        export_generator(tiny_wgan_gp(), tmp_path / "g.onnx", format="onnx")
    assert not list(tmp_path.iterdir())


def test_tflite_names_the_operations_it_cannot_convert(tmp_path):
    import keras

    z = keras.Input((8,), name="z")
    # erfinv has no TensorFlow Lite built-in (only the Flex delegate, which export does not use).
    x = keras.layers.Lambda(lambda t: keras.ops.erfinv(keras.ops.tanh(t) * 0.5))(keras.layers.Dense(16)(z))
    generator = keras.Model(z, keras.layers.Reshape((4, 4, 1))(x))
    with pytest.raises(RuntimeError, match="format='tflite'.*without a TensorFlow Lite built-in: Erfinv"):
        export_generator(generator, tmp_path / "g.tflite", format="tflite")
    assert not list(tmp_path.iterdir())  # neither the file nor the staging SavedModel


def test_cli_export_writes_the_format_beside_the_model(tmp_path, capsys):
    from keras_gans import cli

    model = _tiny("cgan")
    model.compile()
    model.save(tmp_path / "model.keras")
    assert cli.main(["export", str(tmp_path / "model.keras"), "--format", "tflite"]) == 0
    assert (tmp_path / "generator.tflite").is_file()
    assert str(tmp_path / "generator.tflite") in capsys.readouterr().out
    assert cli.main(["export", str(tmp_path / "missing.keras"), "--format", "onnx", "--out", str(tmp_path)]) == 2
    assert "--out=" in capsys.readouterr().err  # the folder given as the .onnx file, refused before loading
    assert cli.main(["export", str(tmp_path / "missing.keras")]) == 2
    assert "no model file" in capsys.readouterr().err

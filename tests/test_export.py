import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from keras_gans import export_generator

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
        "latent_dim": 8, "num_classes": None, "image_shape": [16, 16, 1], "value_range": [-1.0, 1.0]
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
        z = np.random.default_rng(1).standard_normal((4, 8)).astype("float32")
        labels = np.array([0, 1, 2, 0], "int32") if cls.conditional else None
        expected[name] = model.generate(z, labels)
        path = export_generator(model, tmp_path / name)
        np.save(tmp_path / f"{name}_z.npy", z)
        if labels is not None:
            np.save(tmp_path / f"{name}_labels.npy", labels)
        jobs[name] = (str(path), labels is not None)
    return expected, jobs


ALL_EXPORT = ("gan", "acgan", "projection-cgan", "dcgan", "wgan", "sngan", "lsgan", "ragan", "fgan")


@pytest.mark.parametrize("names", [("cgan",), pytest.param(ALL_EXPORT, marks=pytest.mark.large)],
                         ids=["default", "large"])
def test_every_variant_export_reloads_in_a_fresh_process_with_the_same_images(names, tmp_path):
    expected, jobs = _export_all(names, tmp_path)
    script = textwrap.dedent(
        f"""
        import json, sys, numpy as np, tensorflow as tf
        folder, jobs = {str(tmp_path)!r}, json.loads(sys.argv[1])
        for name, (path, conditional) in jobs.items():
            inputs = [tf.constant(np.load(f"{{folder}}/{{name}}_z.npy"))]
            if conditional:
                inputs.append(tf.constant(np.load(f"{{folder}}/{{name}}_labels.npy")))
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

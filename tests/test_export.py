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

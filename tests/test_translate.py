"""`keras-gans translate`: a .keras model or an exported SavedModel, an image or a folder, --to by name or index."""

import os

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from keras_gans import cli, export_generator
from keras_gans.data import read_images
from keras_gans.images import to_uint8
from keras_gans.models import CycleGAN, StarGAN

SIZE = 16


@pytest.fixture(scope="module")
def stargan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stargan")
    networks = StarGAN.default_networks(SIZE, 3, width=2, num_classes=3)
    model = StarGAN(*networks, num_classes=3, class_names=("day", "night", "dusk"), seed=0)
    model.save(folder / "model.keras")
    export_generator(model, folder / "generator")
    return model, folder


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    for i in range(2):
        Image.fromarray(np.random.default_rng(i).integers(0, 256, (24, 20, 3), dtype=np.uint8)).save(folder / f"p{i}.png")
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    return folder


@pytest.mark.parametrize("source", ["model.keras", "generator"])
def test_every_domain_by_default_and_one_with_to(stargan, photos, tmp_path, source):
    model, folder = stargan
    with pytest.warns(UserWarning, match="skipped 1 of 3 files"):
        assert cli.main(["translate", str(folder / source), "--input", str(photos), "--out", str(tmp_path / "all")]) == 0
    assert sorted(os.listdir(tmp_path / "all")) == [f"p{i}_to_{d}.png" for i in range(2) for d in ("day", "dusk", "night")]
    _, images = read_images(photos / "p1.png", SIZE, 3)
    expected = to_uint8(model.generate(images, labels=[2]))[0]
    np.testing.assert_allclose(iio.imread(tmp_path / "all" / "p1_to_dusk.png").astype(int), expected, atol=1)
    for to in ("night", "1"):
        out = tmp_path / f"to-{to}"
        assert cli.main(["translate", str(folder / source), "--input", str(photos / "p0.png"), "--out", str(out),
                         "--to", to]) == 0
        assert os.listdir(out) == ["p0_to_night.png"]


def test_attribute_model_sets_the_named_attributes(tmp_path, photos):
    networks = StarGAN.default_networks(SIZE, 3, width=2, num_classes=3, multi_label=True)
    model = StarGAN(*networks, num_classes=3, class_names=("Black_Hair", "Male", "Young"), seed=0)
    export_generator(model, tmp_path / "generator")
    out = tmp_path / "out"
    assert cli.main(["translate", str(tmp_path / "generator"), "--input", str(photos / "p0.png"), "--out", str(out),
                     "--to", "Male,Young"]) == 0
    _, images = read_images(photos / "p0.png", SIZE, 3)
    expected = to_uint8(model.generate(images, labels=[[0.0, 1.0, 1.0]]))[0]
    np.testing.assert_allclose(iio.imread(out / "p0_to_Male+Young.png").astype(int), expected, atol=1)


def test_cyclegan_direction(tmp_path, photos):
    model = CycleGAN(*CycleGAN.default_networks(SIZE, 3, width=2), seed=0)
    model.save(tmp_path / "model.keras")
    out = tmp_path / "out"
    assert cli.main(["translate", str(tmp_path / "model.keras"), "--input", str(photos / "p0.png"), "--out", str(out),
                     "--to", "b_to_a"]) == 0
    _, images = read_images(photos / "p0.png", SIZE, 3)
    expected = to_uint8(model.translate(images, "b_to_a"))[0]
    np.testing.assert_allclose(iio.imread(out / "p0_to_b_to_a.png").astype(int), expected, atol=1)


def test_errors_name_the_bad_value(stargan, photos, tmp_path, capsys):
    _, folder = stargan
    args = ["translate", str(folder / "model.keras"), "--input", str(photos / "p0.png"), "--out", str(tmp_path)]
    assert cli.main(args + ["--to", "noon"]) == 2
    assert "--to must name domains of the model (day, night, dusk) or give indices in [0, 3), got 'noon'" in \
        capsys.readouterr().err
    assert cli.main(args + ["--to", "day,night"]) == 2
    assert "--to takes one domain for this model, got 'day,night'" in capsys.readouterr().err
    assert cli.main(["translate", str(tmp_path / "none.keras"), "--input", str(photos), "--out", str(tmp_path)]) == 2
    assert "no model file or SavedModel folder" in capsys.readouterr().err
    export_generator(_latent_generator(), tmp_path / "latent")
    assert cli.main(["translate", str(tmp_path / "latent"), "--input", str(photos), "--out", str(tmp_path / "o")]) == 2
    assert "generates from z, not from images" in capsys.readouterr().err


def _latent_generator():
    from keras_gans.networks import build_generator

    return build_generator(SIZE, 3, latent_dim=4, width=2)

"""critic_surface: one PNG, rows = regularisers x columns = toy sets, values from the critic."""

import os

import imageio.v3 as iio
import keras
import numpy as np
import pytest
from matplotlib.collections import PathCollection

from keras_gans.data.toys import ring, sample_grid, sample_ring
from keras_gans.models import SNGAN, WGAN, WGANGP
from keras_gans.networks.mlp import build_mlp_discriminator, build_mlp_generator
from keras_gans.plots import critic_surface


def generator():
    return build_mlp_generator((2,), latent_dim=2, hidden=(8,), output_activation=None)


def linear_critic():
    # D(x, y) = 2x - y + 0.5 in inference mode; the dropout would scramble it in training mode.
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    critic.layers[-1].set_weights([np.array([[2.0], [-1.0]]), np.array([0.5])])
    return critic


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_panels_are_regularisers_by_toy_sets(tmp_path):
    models = {
        "weight clipping": [WGAN(generator(), build_mlp_discriminator((2,), hidden=(8,))) for _ in range(2)],
        "gradient penalty": [WGANGP(generator(), build_mlp_discriminator((2,), hidden=(8,))) for _ in range(2)],
        "spectral norm": [
            SNGAN(generator(), build_mlp_discriminator((2,), hidden=(8,), spectral_norm=True)) for _ in range(2)
        ],
    }
    real = {"8 Gaussians": sample_ring(200, seed=0), "25 Gaussians": sample_grid(200, seed=0)}
    path = tmp_path / "figures" / "critic.png"
    figure = critic_surface(models, real, path, num_generated=50, resolution=16, panel_size=2.0, dpi=40)

    assert len(figure.axes) == 6
    image = iio.imread(path)
    assert image.shape[:2] == (3 * 2 * 40, 2 * 2 * 40)  # (rows, columns) x panel_size x dpi
    assert [ax.get_title() for ax in figure.axes[:2]] == ["8 Gaussians", "25 Gaussians"]
    assert [figure.axes[i].get_ylabel() for i in (0, 2, 4)] == ["weight clipping", "gradient penalty", "spectral norm"]
    # Each column's window is its own set's: the ring's is about [-1.5, 1.5], the grid's [-6, 6].
    assert figure.axes[0].get_xlim()[1] < 2 and figure.axes[1].get_xlim()[1] > 5
    for ax in figure.axes:
        assert len(ax.images) == 1 and len(scatters(ax)) == 2
    assert os.listdir(path.parent) == ["critic.png"]  # no temporary file left behind


def test_surface_is_the_critic_in_inference_mode_and_points_are_real_and_generated(tmp_path):
    model = WGANGP(generator(), linear_critic())
    real = np.array([[-1.0, -1.0], [1.0, 1.0], [0.0, 0.5]], dtype="float32")
    figure = critic_surface({"gp": [model]}, {"toy": real}, tmp_path / "c.png", margin=0.0, resolution=4,
                            num_generated=20, seed=7)
    (ax,) = figure.axes
    # Window [-1, 1]^2 with margin 0; pixel centres at -0.75, -0.25, 0.25, 0.75 on both axes.
    assert ax.images[0].get_extent() == [-1.0, 1.0, -1.0, 1.0]
    centres = np.array([-0.75, -0.25, 0.25, 0.75])
    expected = 2.0 * centres[None, :] - centres[:, None] + 0.5  # [row = y, column = x]
    np.testing.assert_allclose(ax.images[0].get_array(), expected, rtol=1e-6)
    real_dots, fake_dots = scatters(ax)
    np.testing.assert_array_equal(real_dots.get_offsets(), real)
    z = np.random.default_rng(7).standard_normal((20, 2)).astype("float32")
    np.testing.assert_allclose(fake_dots.get_offsets(), model.generate(z), rtol=1e-6)


def test_a_dataset_gives_its_first_points_and_the_file_is_replaced(tmp_path):
    model = WGANGP(generator(), linear_critic())
    path = tmp_path / "c.png"
    path.write_bytes(b"old")
    dataset = ring(512, batch_size=64, seed=0)
    figure = critic_surface({"gp": [model]}, {"ring": dataset}, path, num_real=100, resolution=8, dpi=20)
    assert len(scatters(figure.axes[0])[0].get_offsets()) == 100
    assert iio.imread(path).shape[:2] == (60, 60)


@pytest.mark.parametrize(
    "models, real, kwargs, match",
    [
        ({"gp": []}, {"a": np.zeros((2, 2))}, {},
         r"models\['gp'\] must hold one model per column of real \['a'\], got 0"),
        ({}, {"a": np.zeros((2, 2))}, {}, "models must be a non-empty mapping .*, got dict of 0"),
        ({"gp": [None]}, [np.zeros((2, 2))], {}, "real must be a non-empty mapping .*, got list of 1$"),
        ({"gp": [None]}, {"a": np.zeros((2, 3))}, {}, r"real\['a'\] must hold points of shape \(N, 2\).*\(2, 3\)"),
        ({"gp": [None]}, {"a": np.zeros((2, 2))}, {"resolution": 1}, "resolution must be an int >= 2, got 1"),
        ({"gp": [None]}, {"a": np.zeros((2, 2))}, {"margin": -0.1}, "margin must be a finite number >= 0, got -0.1"),
        ({"gp": [None]}, {"a": np.zeros((2, 2))}, {"panel_size": float("inf")}, "panel_size must be a finite number > 0, got inf"),
        ({"gp": [None]}, {"a": np.zeros((2, 2))}, {"dpi": True}, "dpi must be an int >= 1, got True"),
    ],
)
def test_bad_arguments_are_named(tmp_path, models, real, kwargs, match):
    with pytest.raises(ValueError, match=match):
        critic_surface(models, real, tmp_path / "c.png", **kwargs)
    assert not (tmp_path / "c.png").exists()

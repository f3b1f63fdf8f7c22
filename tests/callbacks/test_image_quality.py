import csv
import math

import keras
import numpy as np
import pytest

from keras_gans.callbacks.image_quality import ImageQuality
from keras_gans.metrics.fid import FeatureStatistics, extract_features, frechet_distance
from keras_gans.metrics.kid import kid_from_features


class Projection:
    """A fixed random linear projection of the flattened images, counting the images it sees."""

    def __init__(self, pixels, dim=4):
        self.matrix = np.random.default_rng(0).normal(size=(pixels, dim)).astype("float32")
        self.batch_sizes = []

    def __call__(self, images):
        self.batch_sizes.append(len(images))
        return np.asarray(images).reshape(len(images), -1) @ self.matrix


def test_wgangp_history_gets_fid_and_kid_at_the_chosen_epochs():
    from keras_gans.models import WGANGP

    model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=1)
    model.compile()
    images = np.random.default_rng(1).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    extractor = Projection(256)
    quality = ImageQuality(
        images, every_n_epochs=2, num_samples=16, extractor=extractor, kid_subsets=5, kid_subset_size=6, verbose=0
    )
    history = model.fit(images, batch_size=4, epochs=5, verbose=0, callbacks=[quality])

    # Epochs 2 and 4 of 5; like validation_freq, the keys exist only on those epochs.
    assert quality.history["epoch"] == [2, 4]
    for key in ("fid", "kid", "kid_std"):
        assert len(history.history[key]) == 2 and history.history[key] == quality.history[key]
    assert all(math.isfinite(v) and v > 0 for v in quality.history["fid"])

    # An evaluation is FID and KID of the fixed latents (seed 0): evaluated again now,
    # after training, it equals the direct computation from the same latents.
    logs = {}
    quality.on_epoch_end(5, logs)
    fake = extract_features(model, extractor, batch_size=50, num_samples=16, seed=0)
    real = FeatureStatistics().update(extractor(images))
    fake_stats = FeatureStatistics().update(fake)
    assert logs["fid"] == pytest.approx(
        frechet_distance(real.mean, real.covariance, fake_stats.mean, fake_stats.covariance), rel=1e-9
    )
    assert (logs["kid"], logs["kid_std"]) == pytest.approx(kid_from_features(extractor(images), fake, 5, 6, seed=0))


def test_real_features_are_computed_once_across_fits(make_gan, run_fit):
    model = make_gan(channels=1)
    real = np.random.default_rng(2).uniform(-1, 1, (10, 8, 8, 1)).astype("float32")
    extractor = Projection(64)
    quality = ImageQuality(real, num_samples=12, extractor=extractor, kid_subsets=3, verbose=0)
    run_fit(model, [quality], epochs=2, steps=1)
    run_fit(model, [quality], epochs=1, steps=1)
    # One pass over the 10 real images (fewer than num_samples: all of them), then 12
    # generated images at each of the 3 epoch ends.
    assert extractor.batch_sizes == [10, 12, 12, 12]
    assert quality.history["epoch"] == [1, 2, 1]
    assert quality.real_features.shape == (10, 4)


def test_latents_are_fixed_and_labels_uniform(make_gan):
    model = make_gan(channels=1)
    model.num_classes = 3  # the stub records the labels generate receives
    quality = ImageQuality(
        np.zeros((20, 8, 8, 1), "float32") + np.linspace(-1, 1, 20)[:, None, None, None],
        num_samples=300,
        batch_size=100,
        extractor=Projection(64),
        kid_subset_size=20,
        kid_subsets=2,
        verbose=0,
    )
    quality.set_model(model)
    quality.on_train_begin()
    first, second = {}, {}
    quality.on_epoch_end(0, first)
    quality.on_epoch_end(0, second)
    assert first == second  # same generator, same latents, same KID subsets
    labels = np.concatenate(model.generate_calls[:3])
    assert len(labels) == 300 and set(labels.tolist()) == {0, 1, 2}
    np.testing.assert_array_equal(np.concatenate(model.generate_calls[3:]), labels)


def test_csv_logger_after_the_callback_records_the_values(tmp_path, make_gan, run_fit):
    real = np.random.default_rng(3).uniform(-1, 1, (12, 8, 8, 3)).astype("float32")
    quality = ImageQuality(real, num_samples=12, extractor=Projection(192), kid=False, verbose=0)
    run_fit(make_gan(), [quality, keras.callbacks.CSVLogger(tmp_path / "log.csv")], epochs=2, steps=1)
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and "kid" not in rows[0]
    assert [float(r["fid"]) for r in rows] == pytest.approx(quality.history["fid"])


def test_a_nan_generator_gives_nan_and_a_warning(make_gan):
    model = make_gan(channels=1)
    model.generate = lambda z, labels=None: np.full((len(z), 8, 8, 1), np.nan, "float32")
    quality = ImageQuality(
        np.random.default_rng(4).uniform(-1, 1, (6, 8, 8, 1)), num_samples=6, extractor=Projection(64), verbose=0
    )
    quality.set_model(model)
    quality.on_train_begin()
    logs = {}
    with pytest.warns(UserWarning, match="NaN or inf features"):
        quality.on_epoch_end(0, logs)
    assert set(logs) == {"fid", "kid", "kid_std"} and all(math.isnan(v) for v in logs.values())


def test_verbose_prints_the_values(make_gan, capsys):
    quality = ImageQuality(
        np.random.default_rng(5).uniform(-1, 1, (6, 8, 8, 1)), num_samples=6, extractor=Projection(64), kid_subsets=2
    )
    quality.set_model(make_gan(channels=1))
    quality.on_train_begin()
    quality.on_epoch_end(2, {})
    out = capsys.readouterr().out
    assert "features of real images" in out and "Epoch 3: fid " in out and "kid_std" in out


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"every_n_epochs": 0}, "every_n_epochs must be an int >= 1, got 0"),
        ({"num_samples": 1}, "num_samples must be an int >= 2, got 1"),
        ({"num_samples": 10, "kid_subset_size": 11}, r"kid_subset_size must be in \[2, num_samples=10\], got 11"),
        ({"kid_subsets": 0}, "kid_subsets must be an int >= 1, got 0"),
        ({"kid": 1}, "kid must be True or False, got 1"),
        ({"num_samples": np.float64(10)}, r"num_samples must be an int >= 2, got np.float64\(10.0\)"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ImageQuality(np.zeros((4, 8, 8, 1)), **kwargs)


def test_train_begin_checks_the_real_data_and_the_model(make_gan):
    quality = ImageQuality(
        np.zeros((5, 8, 8, 1), "float32"), num_samples=10, kid_subset_size=8, extractor=Projection(64), verbose=0
    )
    quality.set_model(make_gan(channels=1))
    with pytest.raises(ValueError, match="kid_subset_size=8 is more than the 5 real images"):
        quality.on_train_begin()
    quality = ImageQuality(np.zeros((4, 8, 8, 1), "float32"), extractor=Projection(64), verbose=0)
    quality.set_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    with pytest.raises(TypeError, match="needs a GAN with generate"):
        quality.on_train_begin()

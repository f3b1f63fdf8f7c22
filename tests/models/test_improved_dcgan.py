import keras
import numpy as np
import pytest

from keras_gans.layers import MinibatchDiscrimination, ReferenceBatch, VirtualBatchNormalization
from keras_gans.models import DCGAN, VARIANTS, ImprovedDCGAN
from keras_gans.models import improved_dcgan

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8


def tiny(**kwargs):
    return ImprovedDCGAN(*ImprovedDCGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), seed=0, **kwargs)


@pytest.fixture(scope="module")
def trained():
    model = tiny()
    model.compile()
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    return model


def test_defaults_turn_on_the_papers_techniques():
    model = tiny()
    assert VARIANTS["improved-dcgan"] is ImprovedDCGAN and issubclass(ImprovedDCGAN, DCGAN)
    assert model.label_smoothing == pytest.approx(0.1)  # real target 0.9
    assert model.historical_averaging == improved_dcgan.HISTORICAL_AVERAGING > 0
    assert not model.feature_matching
    check_adam(model, 2e-4, 0.5, 0.999)
    mbd = model.discriminator.get_layer("minibatch_discrimination")
    assert isinstance(mbd, MinibatchDiscrimination) and (mbd.num_kernels, mbd.kernel_dim) == (5, 3)
    # features (flattened trunk) -> minibatch discrimination -> logit
    features = model.discriminator.get_layer("features").output.shape[-1]
    assert model.discriminator.get_layer("score").input.shape[-1] == features + 5
    # Virtual batch norm replaces every batch norm of the generator; the discriminator keeps batch norm.
    g_layers = model.generator.layers
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in g_layers)
    assert sum(isinstance(layer, VirtualBatchNormalization) for layer in g_layers) == 2  # 16 px: 4 -> 8 -> 16
    assert model.generator.get_layer("reference_batch").size == improved_dcgan.REFERENCE_SIZE == 64
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.discriminator.layers)
    assert set(ImprovedDCGAN.option_names()) >= {"label_smoothing", "feature_matching", "historical_averaging"}


def test_fit_chooses_the_reference_batch_once(trained):
    layer = trained.generator.get_layer("reference_batch")
    assert float(layer.chosen) == 1
    reference, count = np.array(layer.reference), float(trained.historical_averages["generator"][0])
    trained.fit(tiny_dataset(batches=2, seed=5), verbose=0)
    np.testing.assert_array_equal(np.array(layer.reference), reference)
    # Two more steps of each player folded into the historical averages
    assert float(trained.historical_averages["generator"][0]) == count + 2


def test_each_image_depends_on_its_own_latent_only(trained):
    z = np.random.default_rng(0).standard_normal((6, LATENT)).astype("float32")
    together = trained.generate(z)
    np.testing.assert_allclose(trained.generate(z[2:3]), together[2:3], atol=1e-5)
    np.testing.assert_allclose(trained.generator(z, training=True), together, atol=1e-5)


def test_each_phase_moves_only_its_network():
    model = tiny()
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))


def test_keras_round_trip_keeps_reference_and_averages(trained, tmp_path):
    # check_keras_round_trip compares every model weight after loading, before training on: the
    # historical averages and counts (weights of the model) and the reference batch among them.
    paths = [weight.path for weight in trained.weights]
    assert any("generator_average" in path for path in paths) and any("reference" in path for path in paths)
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert isinstance(loaded.generator.get_layer("reference_batch"), ReferenceBatch)
    np.testing.assert_array_equal(np.array(loaded.generator.get_layer("reference_batch").reference),
                                  np.array(trained.generator.get_layer("reference_batch").reference))


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def test_the_networks_can_be_had_from_the_dcgan_builders():
    from keras_gans.networks import build_discriminator, build_generator

    generator = build_generator(SIZE, 1, latent_dim=LATENT, width=4, virtual_batch_norm=3)
    discriminator = build_discriminator(SIZE, 1, width=4, minibatch_discrimination=(7, 2))
    model = DCGAN(generator, discriminator, historical_averaging=0.01, seed=0)
    model.compile()
    check_phases(model, next(iter(tiny_dataset(batches=1))))
    assert float(generator.get_layer("reference_batch").chosen) == 1
    assert discriminator.get_layer("minibatch_discrimination").num_kernels == 7
    with pytest.raises(ValueError, match=r"minibatch_discrimination must be \(num_kernels, kernel_dim\) or None"):
        build_discriminator(SIZE, 1, width=4, minibatch_discrimination=(7,))
    with pytest.raises(ValueError, match="virtual_batch_norm must be an int >= 0, got -1"):
        build_generator(SIZE, 1, latent_dim=LATENT, width=4, virtual_batch_norm=-1)

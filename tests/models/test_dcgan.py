import keras
import numpy as np
import pytest

from keras_gans import losses
from keras_gans.models.dcgan import DCGAN
from keras_gans.networks import build_generator

from .checks import check_adam, check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset

SIZE, LATENT = 16, 8


def tiny_dcgan(**kwargs):
    kwargs.setdefault("seed", 0)
    return DCGAN(*DCGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def fixed_latents(model, count=4):
    z = np.random.default_rng(0).standard_normal((count, LATENT)).astype("float32")
    model.sample_latent = lambda batch_size: z
    return z


@pytest.fixture(scope="module")
def trained():
    # Both options on, so the round trip carries them and its graph-mode fit runs feature matching.
    model = tiny_dcgan(label_smoothing=0.1, feature_matching=True)
    model.compile(run_eagerly=True)  # graph mode is exercised by the round trip's fit
    history = check_fit(model, tiny_dataset(batches=3))
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    return model


def test_fit_alternates_one_discriminator_and_one_generator_update(trained):
    assert int(trained.d_optimizer.iterations) == int(trained.g_optimizer.iterations) == 3


@pytest.mark.parametrize("feature_matching", [False, True])
def test_each_phase_moves_only_its_network(feature_matching):
    model = tiny_dcgan(feature_matching=feature_matching)
    model.compile()
    # Every weight gets a gradient, batch norm's gamma and beta included; with feature
    # matching the discriminator's score layer is unused by the generator, which is fine:
    # it is not the generator's.
    check_phases(model, next(iter(tiny_dataset(batches=1))))


def test_keras_round_trip(trained, tmp_path):
    loaded = check_keras_round_trip(trained, tiny_dataset(batches=2), tmp_path)
    assert loaded.feature_matching and loaded.label_smoothing == pytest.approx(0.1)
    # The rebuilt feature extractor reads the loaded discriminator's weights.
    assert loaded.feature_extractor.weights[0] is loaded.discriminator.weights[0]


def test_export(trained, tmp_path):
    check_export(trained, tmp_path)


def test_losses_follow_their_formulas_on_given_logits():
    real, fake = np.array([[2.0], [-1.0], [0.5]], "float32"), np.array([[-3.0], [1.5]], "float32")
    d_loss, metrics = tiny_dcgan().discriminator_loss({"real": real, "fake": fake}, None, None)
    np.testing.assert_allclose(
        float(d_loss), -np.mean(np.log(sigmoid(real))) - np.mean(np.log(1 - sigmoid(fake))), rtol=1e-5
    )
    np.testing.assert_allclose(float(metrics["d_real"]), np.mean(sigmoid(real)), rtol=1e-5)
    np.testing.assert_allclose(float(metrics["d_fake"]), np.mean(sigmoid(fake)), rtol=1e-5)
    g_loss, _ = tiny_dcgan().generator_loss({"fake": fake}, None)
    np.testing.assert_allclose(float(g_loss), -np.mean(np.log(sigmoid(fake))), rtol=1e-5)  # non-saturating


def test_label_smoothing_changes_only_the_real_term():
    real = np.array([[2.0], [-1.0], [0.5]], "float32")
    plain, smoothed = tiny_dcgan(), tiny_dcgan(label_smoothing=0.2)
    differences = []
    for fake in (np.array([[-3.0], [1.5]], "float32"), np.array([[4.0], [0.0]], "float32")):
        outputs = {"real": real, "fake": fake}
        differences.append(float(smoothed.discriminator_loss(outputs, None, None)[0])
                            - float(plain.discriminator_loss(outputs, None, None)[0]))
    # Real target 0.8: -0.8 log D(x) - 0.2 log(1 - D(x)) replaces -log D(x); the fake term is unchanged.
    expected = np.mean(-0.8 * np.log(sigmoid(real)) - 0.2 * np.log(1 - sigmoid(real)) + np.log(sigmoid(real)))
    np.testing.assert_allclose(differences, [expected, expected], rtol=1e-5)


def test_feature_matching_loss_is_taken_on_the_discriminators_features_layer():
    model = tiny_dcgan(feature_matching=True)
    model.compile()
    z = fixed_latents(model)
    real = next(iter(tiny_dataset(batches=1)))
    features = keras.Model(model.discriminator.input, model.discriminator.get_layer("features").output)
    # One call on real and fake together, so batch norm sees both in the same statistics.
    joint = features(np.concatenate([real, model.generator(z, training=True)]), training=True).numpy()
    real_features, fake_features = joint[: len(real)], joint[len(real) :]
    # ||E[f(x)] - E[f(G(z))]||^2, by hand
    expected = np.sum((real_features.mean(axis=0) - fake_features.mean(axis=0)) ** 2)
    assert expected > 0
    d_before = [np.array(v) for v in model.discriminator.trainable_variables]
    g_loss = float(model.generator_step(real)["g_loss"])
    np.testing.assert_allclose(g_loss, expected, rtol=1e-5)
    np.testing.assert_allclose(g_loss, float(losses.feature_matching_loss(real_features, fake_features)), rtol=1e-5)
    assert model.d_optimizer.iterations == 0 and int(model.g_optimizer.iterations) == 1
    for before, after in zip(d_before, model.discriminator.trainable_variables):
        np.testing.assert_array_equal(before, np.array(after))


def test_without_feature_matching_the_generator_step_is_non_saturating():
    model = tiny_dcgan()
    model.compile()
    z = fixed_latents(model)
    logits = model.discriminator(model.generator(z, training=True), training=True).numpy()
    g_loss = model.generator_step(next(iter(tiny_dataset(batches=1))))["g_loss"]
    np.testing.assert_allclose(float(g_loss), -np.mean(np.log(sigmoid(logits))), rtol=1e-5)


def test_feature_matching_needs_a_features_layer():
    images = keras.Input((SIZE, SIZE, 1))
    discriminator = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)), name="flat")
    generator = build_generator(SIZE, 1, latent_dim=LATENT, width=4)
    with pytest.raises(ValueError, match="feature_matching needs a discriminator layer named 'features'; 'flat' has"):
        DCGAN(generator, discriminator, feature_matching=True)
    DCGAN(generator, discriminator)  # fine without feature matching


def test_defaults():
    model = tiny_dcgan()
    check_adam(model, 2e-4, 0.5, 0.999)
    assert model.critic_steps == 1 and model.label_smoothing == 0.0 and not model.feature_matching
    assert not DCGAN.joint_discriminator_call  # separate real and fake minibatches


def _followers(model, kind):
    """For each layer of type `kind`, the next layer (the networks are chains)."""
    layers = model.layers
    return [layers[i + 1] for i, layer in enumerate(layers[:-1]) if isinstance(layer, kind)]


def test_default_networks_follow_the_paper():
    generator, discriminator = DCGAN.default_networks(image_size=32, channels=3)
    model = DCGAN(generator, discriminator, seed=0)  # as the CLI builds it
    assert model.latent_dim == 100
    convs = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [conv.filters for conv in convs] == [64, 128, 256]
    # No batch norm on the discriminator's input layer, batch norm after every other convolution.
    followers = _followers(discriminator, keras.layers.Conv2D)
    assert isinstance(followers[0], keras.layers.LeakyReLU)
    assert all(isinstance(layer, keras.layers.BatchNormalization) for layer in followers[1:])
    assert all(layer.negative_slope == pytest.approx(0.2)
               for layer in discriminator.layers if isinstance(layer, keras.layers.LeakyReLU))
    assert discriminator.get_layer("score").use_bias
    assert discriminator.get_layer("score").activation is keras.activations.linear
    # Batch norm and ReLU after every generator layer but the output, which is tanh.
    projections = (keras.layers.Dense, keras.layers.Conv2DTranspose)
    followers = _followers(generator, projections)
    assert all(isinstance(layer, (keras.layers.Reshape, keras.layers.BatchNormalization)) for layer in followers[:-1])
    assert generator.get_layer("images").activation is keras.activations.tanh and followers[-1].name == "images"
    assert sum(isinstance(layer, keras.layers.ReLU) for layer in generator.layers) == len(followers) - 1
    # Weights from N(0, 0.02)
    for net in (generator, discriminator):
        for layer in net.layers:
            if isinstance(layer, projections + (keras.layers.Conv2D,)):
                assert isinstance(layer.kernel_initializer, keras.initializers.RandomNormal), layer.name
                assert layer.kernel_initializer.stddev == pytest.approx(0.02)
    with pytest.raises(ValueError, match="DCGAN is unconditional: num_classes must be None, got 10"):
        DCGAN.default_networks(num_classes=10)


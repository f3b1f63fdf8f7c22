"""PacGAN's packing through the models: every unconditional variant takes `pack=m`."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import DCGAN, GAN, SNGAN, WGANGP, RaGAN, VARIANTS
from keras_gans.networks import build_critic, build_generator, build_mlp_discriminator, build_mlp_generator

LATENT = 4


def mlp_pair(pack, hidden=(8,), **discriminator_options):
    generator = build_mlp_generator((2,), latent_dim=LATENT, hidden=hidden, output_activation=None)
    return generator, build_mlp_discriminator((2,), hidden=hidden, pack=pack, **discriminator_options)


def summing_discriminator(pack):
    """D(pack) = sum of the pack's coordinates: a pure real pack of +1s scores 2m, a fake one of -1s -2m."""
    inputs = keras.Input((2 * pack,))
    score = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(inputs)
    return keras.Model(inputs, score)


def points(count, seed=0):
    return tf.data.Dataset.from_tensor_slices(
        np.random.default_rng(seed).standard_normal((count, 2)).astype("float32")
    ).batch(8, drop_remainder=True)


@pytest.mark.parametrize("variant", [GAN, DCGAN, RaGAN])  # a joint call, separate calls, relativistic
def test_packed_discriminator_sees_no_real_fake_mixtures(variant):
    pack = 2
    generator = build_mlp_generator((2,), latent_dim=LATENT, hidden=(8,), output_activation=None)
    model = variant(generator, summing_discriminator(pack), pack=pack)
    real, fake = np.ones((8, 2), "float32"), -np.ones((8, 2), "float32")
    outputs = model.discriminator_outputs(real, None, fake, None)
    # 8 samples in packs of 2: 4 scores each, every pack all real (2 * 2 ones) or all fake.
    np.testing.assert_array_equal(np.asarray(outputs["real"]), np.full((4, 1), 4.0))
    np.testing.assert_array_equal(np.asarray(outputs["fake"]), np.full((4, 1), -4.0))


@pytest.mark.parametrize("name", ["gan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan", "fgan", "dcgan"])
def test_every_unconditional_variant_trains_packed(name):
    pack = 4
    generator, discriminator = mlp_pair(pack, spectral_norm=name == "sngan")
    model = VARIANTS[name](generator, discriminator, pack=pack, seed=0)
    model.compile()
    history = model.fit(points(64), epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    # critic_steps batches of 8 per generator step, each cut into 2 packs of 4.
    g_steps = int(model.g_optimizer.iterations)
    assert g_steps == 8 // model.critic_steps
    assert int(model.d_optimizer.iterations) == model.critic_steps * g_steps


def test_wgan_gp_penalty_is_taken_on_packs():
    # Linear critic D(p) = 2 sum(p) on packs of 2 points (4 coordinates): ||grad|| = 2 sqrt(4) = 4
    # for every x_hat, so gp = (4 - 1)^2 = 9 (per sample it would be (2 sqrt(2) - 1)^2 = 3.34).
    inputs = keras.Input((4,))
    critic = keras.Model(inputs, keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(2.0))(inputs))
    generator = build_mlp_generator((2,), latent_dim=LATENT, hidden=(8,), output_activation=None)
    model = WGANGP(generator, critic, critic_steps=1, pack=2, seed=0)
    model.compile()
    history = model.fit(points(8), epochs=1, verbose=0)
    assert history.history["gp"][0] == pytest.approx(9.0, rel=1e-5)


def test_feature_matching_on_packs():
    generator = build_generator(16, 1, latent_dim=LATENT, width=4)
    model = DCGAN(generator, build_critic(16, 1, width=4, normalization="batch", output_bias=True, pack=2),
                  feature_matching=True, pack=2, seed=0)
    model.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    history = model.fit(images, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"]).all()


def test_score_judges_each_image_as_a_pack_of_copies():
    model = GAN(build_mlp_generator((2,), latent_dim=LATENT, hidden=(8,), output_activation=None),
                summing_discriminator(3), pack=3)
    np.testing.assert_allclose(model.score(np.array([[1.0, 2.0], [0.0, -1.0]], "float32")), [9.0, -3.0])


def test_batch_not_a_multiple_of_pack_is_refused_naming_both():
    model = GAN(*mlp_pair(4), pack=4)
    model.compile()
    with pytest.raises(ValueError, match="batch of 6 samples.*pack=4"):
        model.fit(np.zeros((12, 2), "float32"), batch_size=6, verbose=0)
    with pytest.raises(ValueError, match="batch of 6 samples.*pack=4"):
        model.fit(points(12).unbatch().batch(6, drop_remainder=True), verbose=0)


def test_arrays_with_a_short_last_batch_train_in_full_packs():
    model = GAN(*mlp_pair(2), pack=2)
    model.compile()
    model.fit(np.zeros((9, 2), "float32"), batch_size=4, epochs=1, verbose=0)  # 9 = 4 + 4 + 1 dropped
    assert int(model.g_optimizer.iterations) == 2


def test_discriminator_not_built_for_packs_is_refused():
    generator = build_mlp_generator((2,), latent_dim=LATENT, hidden=(8,), output_activation=None)
    with pytest.raises(ValueError, match=r"pack=2.*\(4,\), got inputs of shape \(2,\); build it with pack=2"):
        GAN(generator, build_mlp_discriminator((2,), hidden=(8,)), pack=2)
    with pytest.raises(ValueError, match="pack must be an int >= 1, got 0"):
        GAN(generator, build_mlp_discriminator((2,), hidden=(8,)), pack=0)


def test_conditional_models_refuse_pack():
    from keras_gans.models import CGAN

    with pytest.raises(ValueError, match="pack=2 is for unconditional models; got num_classes=10"):
        CGAN(*CGAN.default_networks(16, 1, latent_dim=LATENT, width=4, num_classes=10), num_classes=10, pack=2)


def test_pack_survives_saving(tmp_path):
    model = SNGAN(*mlp_pair(2, spectral_norm=True), pack=2, seed=0)
    model.compile()
    model.fit(points(16), epochs=1, verbose=0)
    assert model.get_config()["pack"] == 2 and "pack" not in SNGAN(*mlp_pair(1, spectral_norm=True)).get_config()
    path = str(tmp_path / "packed.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.pack == 2
    x = np.random.default_rng(1).standard_normal((6, 2)).astype("float32")
    np.testing.assert_allclose(loaded.score(x), model.score(x), rtol=1e-5)

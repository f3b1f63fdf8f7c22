"""StackGAN: conditioning augmentation, its KL term, the two stages and Stage-I frozen in Stage-II."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator, losses
from keras_gans.data import class_mean_embeddings, one_hot_embeddings, with_embeddings
from keras_gans.layers import ConditioningAugmentation
from keras_gans.models import StackGAN

from .checks import _moved, _values

SIZE, LATENT, EMBEDDING = 16, 8, 10


def tiny(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    networks = StackGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, embedding_dim=EMBEDDING,
                                         condition_dim=4)
    model = StackGAN(*networks, seed=seed, **kwargs)
    model.compile()
    return model


def pairs(batches=2, batch_size=4, seed=0):
    rng = np.random.default_rng(seed)
    count = batches * batch_size
    images = rng.uniform(-1, 1, (count, SIZE, SIZE, 1)).astype("float32")
    return with_embeddings(images, one_hot_embeddings(np.arange(count) % EMBEDDING, EMBEDDING), batch_size,
                           shuffle=False)


def test_kl_term_by_hand_in_two_dimensions():
    # KL = 0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2): mu = (1, -2), sigma^2 = (2, 1)
    expected = 0.5 * ((1 + 2 - 1 - np.log(2)) + (4 + 1 - 1 - 0))
    value = losses.conditioning_augmentation_kl([[1.0, -2.0]], [[np.log(2.0), 0.0]])
    assert float(value) == pytest.approx(expected, rel=1e-6)
    # The batch mean: a second sample at N(0, I) has KL 0.
    batch = losses.conditioning_augmentation_kl([[1.0, -2.0], [0.0, 0.0]], [[np.log(2.0), 0.0], [0.0, 0.0]])
    assert float(batch) == pytest.approx(expected / 2, rel=1e-6)


def test_matching_aware_loss_by_hand():
    # -log s(2) - (log(1 - s(-1)) + log(1 - s(0))) / 2, s the sigmoid
    s = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    expected = -np.log(s(2.0)) - (np.log(1 - s(0.0)) + np.log(1 - s(-1.0))) / 2
    value = losses.matching_aware_discriminator_loss([[2.0]], [[0.0]], [[-1.0]])
    assert float(value) == pytest.approx(expected, rel=1e-6)


def test_the_reparametrised_sample_has_the_stated_mean_and_variance():
    layer = ConditioningAugmentation(2)
    layer.build([(None, 3), (None, 2)])
    # A zero kernel: mu and log sigma^2 are the (positive) bias, through LeakyReLU unchanged.
    mu, log_variance = np.array([0.5, 2.0]), np.array([0.7, 0.1])
    layer.dense.kernel.assign(np.zeros((3, 4), "float32"))
    layer.dense.bias.assign(np.concatenate([mu, log_variance]).astype("float32"))
    epsilon = np.random.default_rng(0).standard_normal((20000, 2)).astype("float32")
    c, got_mu, got_log_variance = (np.asarray(t) for t in layer([np.ones((20000, 3), "float32"), epsilon]))
    np.testing.assert_allclose(got_mu[0], mu, rtol=1e-6)
    np.testing.assert_allclose(got_log_variance[0], log_variance, rtol=1e-6)
    np.testing.assert_allclose(c.mean(axis=0), mu, atol=0.05)
    np.testing.assert_allclose(c.var(axis=0), np.exp(log_variance), rtol=0.05)
    # c = mu + sigma * eps exactly, sample by sample
    np.testing.assert_allclose(c, mu + np.exp(log_variance / 2) * epsilon, rtol=1e-5, atol=1e-6)


def test_stage_two_output_is_four_times_stage_ones_and_uses_it():
    model = tiny()
    z = model.draw_inputs(3, seed=0)
    embeddings = one_hot_embeddings([0, 1, 2], EMBEDDING)
    low = model.generate(z, embeddings, stage=1)
    high = model.generate(z, embeddings, stage=2)
    assert low.shape == (3, 4, 4, 1) and high.shape == (3, 16, 16, 1)
    assert model.latent_dim == LATENT + 4 and model.condition_dim == 4 and model.embedding_dim == EMBEDDING
    _, c, _, _ = model.generator([z, embeddings], training=False)
    np.testing.assert_allclose(high, np.asarray(model.stage2_generator([tf.constant(low), c], training=False)), atol=1e-5)


def test_stage_one_trains_only_stage_one_and_stage_two_leaves_it_frozen():
    model = tiny()
    networks = model.networks()
    before = {name: _values(n.weights) for name, n in networks.items()}
    history = model.fit(pairs(), epochs=1, verbose=0)
    assert sorted(history.history) == ["d_fake", "d_loss", "d_mismatched", "d_real", "g_loss", "kl"]
    moved = {name: any(_moved(before[name], n.weights)) for name, n in networks.items()}
    assert moved == {"generator": True, "discriminator": True, "stage2_discriminator": False,
                     "stage2_generator": False}
    model.stage = 2
    before = {name: _values(n.weights) for name, n in networks.items()}
    trainable = {name: _values(n.trainable_variables) for name, n in networks.items()}
    model.fit(pairs(), epochs=1, verbose=0)
    # Every Stage-I weight, batch norm's moving statistics included, stays as it was.
    for name in ("generator", "discriminator"):
        assert not any(_moved(before[name], networks[name].weights)), name
    for name in ("stage2_generator", "stage2_discriminator"):
        assert all(_moved(trainable[name], networks[name].trainable_variables)), name
    counts = {name: int(optimizer.iterations) for name, optimizer in model.optimizers().items()}
    assert counts == {"d_optimizer": 2, "g_optimizer": 2, "stage2_d_optimizer": 2, "stage2_g_optimizer": 2}


def test_mismatched_embeddings_are_other_images_embeddings():
    model = tiny()
    embeddings = tf.constant(np.eye(5, dtype="float32"))
    wrong = np.asarray(model.mismatched_embeddings(embeddings))
    assert sorted(wrong.argmax(axis=1).tolist()) == [0, 1, 2, 3, 4]
    assert not np.any(wrong.argmax(axis=1) == np.arange(5))


@pytest.mark.large  # tens of seconds: two traced fits, a save, a load and an export
def test_keras_round_trip_keeps_the_stage_and_export_serves_both_stages(tmp_path):
    model = tiny(kl_weight=0.5, stage=2)
    model.fit(pairs(), verbose=0)
    model.save(tmp_path / "stackgan.keras")
    loaded = keras.models.load_model(tmp_path / "stackgan.keras")
    assert type(loaded) is StackGAN and loaded.stage == 2 and loaded.kl_weight == 0.5
    z, embeddings = model.draw_inputs(3, seed=5), one_hot_embeddings([3, 4, 5], EMBEDDING)
    np.testing.assert_allclose(loaded.generate(z, embeddings), model.generate(z, embeddings), atol=1e-5)
    path = export_generator(model, tmp_path / "generator")
    exported = tf.saved_model.load(str(path))
    served = exported.serve(tf.constant(z), tf.constant(embeddings))["images"].numpy()
    assert served.shape == (3, SIZE, SIZE, 1)
    np.testing.assert_allclose(served, model.generate(z, embeddings), atol=1e-5)


def test_bad_input_is_refused_naming_it():
    model = tiny()
    with pytest.raises(ValueError, match="stage must be one of 1, 2; got 3"):
        model.stage = 3
    with pytest.raises(ValueError, match="kl_weight must be a finite number >= 0, got -1"):
        tiny(kl_weight=-1)
    with pytest.raises(ValueError, match="StackGAN does not pack samples: pack must be 1, got 2"):
        tiny(pack=2)
    with pytest.raises(ValueError, match="StackGAN needs \\(images, embeddings\\)"):
        model.fit(np.zeros((4, SIZE, SIZE, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"embeddings must have shape \(N, 10\), got \(4, 3\)"):
        model.fit(np.zeros((4, SIZE, SIZE, 1), "float32"), np.zeros((4, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="StackGAN generates from embeddings"):
        model.generate(2)
    with pytest.raises(ValueError, match=r"StackGAN's final image_size must be 16 times a power of two .*got 8"):
        StackGAN.default_networks(8, 1)
    with pytest.raises(ValueError, match=r"StackGAN's final image_size must be 16 times a power of two .*got 28"):
        StackGAN.default_networks(28, 1)  # Stage-I would be 7 px


def test_embedding_helpers():
    assert class_mean_embeddings([[0.0, 1.0], [2.0, 3.0], [4.0, 4.0]], [1, 1, 0]).tolist() == [
        [1.0, 2.0], [1.0, 2.0], [4.0, 4.0]]
    with pytest.raises(ValueError, match=r"embeddings must be finite floats \(N, E\), one per image \(2\)"):
        with_embeddings(np.zeros((2, 4, 4, 1)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"labels must be ints \(N,\) in \[0, 3\)"):
        one_hot_embeddings([0, 3], 3)


def labelled(seed=0, classes=3, **kwargs):
    keras.utils.set_random_seed(seed)
    networks = StackGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, num_classes=classes, condition_dim=4,
                                         embedding_dim=kwargs.pop("embedding_dim", None))
    model = StackGAN(*networks, num_classes=classes, seed=seed, **kwargs)
    model.compile()
    return model


def test_the_kl_term_weighs_the_kl_averaged_over_the_dimensions_of_c():
    # mu = 1, sigma = 1 in each of D dimensions: KL = D / 2; the generator's term is kl_weight * KL / D, as the
    # authors' code averages it. Summed at weight 1 (before) it held c at N(0, I): label accuracy at chance.
    for condition_dim in (4, 128):
        mu, log_variance = np.ones((2, condition_dim), "float32"), np.zeros((2, condition_dim), "float32")
        kl = losses.conditioning_augmentation_kl(mu, log_variance)
        assert float(kl) == pytest.approx(condition_dim / 2)
        keras.utils.set_random_seed(0)
        networks = StackGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4, embedding_dim=EMBEDDING,
                                             condition_dim=condition_dim)
        model = StackGAN(*networks, kl_weight=3.0)
        assert float(model.kl_penalty(kl)) == pytest.approx(1.5)


def test_labels_pick_rows_of_the_class_embeddings_and_wrong_pairs_are_other_classes():
    table = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    model = labelled(class_embeddings=table, embedding_dim=5)
    assert model.num_classes == 3 and not model.multi_label
    z = model.draw_inputs(4, seed=0)
    for stage in (1, 2):
        np.testing.assert_allclose(model.generate(z, labels=[0, 1, 2, 1], stage=stage),
                                   model.generate(z, table[[0, 1, 2, 1]], stage=stage), atol=1e-6)
        # The embedding reaches both stages: one z, two classes, two images.
        images = model.generate(np.repeat(z[:1], 2, axis=0), labels=[0, 2], stage=stage)
        assert np.abs(images[0] - images[1]).max() > 1e-4, stage
    labels = tf.constant(np.arange(600) % 3, tf.int32)
    wrong = np.asarray(model.mismatched_embeddings(model.embeddings_of(labels), labels))
    wrong_labels = np.argmin(((wrong[:, None] - table[None]) ** 2).sum(-1), axis=1)
    # Never the image's own class (a rolled batch of one-hot labels matches 1 time in K), the others alike.
    assert not np.any(wrong_labels == labels.numpy())
    counts = np.bincount((wrong_labels - labels.numpy()) % 3, minlength=3)
    assert counts[0] == 0 and abs(counts[1] - counts[2]) < 80
    # The one-hot default, and a table that does not fit, named.
    np.testing.assert_array_equal(labelled().class_embeddings, np.eye(3, dtype="float32"))
    with pytest.raises(ValueError, match=r"class_embeddings must be finite floats \(3, 5\).*got shape \(3, 4\)"):
        labelled(class_embeddings=table[:, :4], embedding_dim=5)
    with pytest.raises(ValueError, match="no class embeddings \\(num_classes=None\\): pass embeddings, not labels"):
        tiny().generate(z[:, :12], labels=[0, 1, 2, 1])


def test_a_labelled_model_fits_on_labels_round_trips_and_exports_from_labels(tmp_path):
    table = np.random.default_rng(1).normal(size=(3, 5)).astype("float32")
    model = labelled(class_embeddings=table, embedding_dim=5, class_names=["a", "b", "c"])
    images = np.random.default_rng(0).uniform(-1, 1, (8, SIZE, SIZE, 1)).astype("float32")
    model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    model.stage = 2
    model.fit(images, np.arange(8) % 3, batch_size=4, verbose=0)
    assert model.generator_steps == 4
    model.save(tmp_path / "stackgan.keras")
    loaded = keras.models.load_model(tmp_path / "stackgan.keras")
    np.testing.assert_allclose(loaded.class_embeddings, table)
    z, labels = model.draw_inputs(3, seed=1), np.array([2, 0, 1], "int32")
    np.testing.assert_allclose(loaded.generate(z, labels=labels), model.generate(z, labels=labels), atol=1e-5)
    exported = tf.saved_model.load(str(export_generator(model, tmp_path / "generator")))
    served = exported.serve(z=tf.constant(z), labels=tf.constant(labels))["images"].numpy()
    np.testing.assert_allclose(served, model.generate(z, labels=labels), atol=1e-5)
    assert model.score(served, labels=labels).shape == (3,)

"""The conditional plumbing of BaseGAN, with hand-made tiny conditional networks."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator
from keras_gans.models import BaseGAN

from .checks import tiny_dataset

CLASSES, LATENT, SIZE = 3, 4, 8


def conditional_generator():
    z = keras.Input((LATENT,), name="z")
    labels = keras.Input((), dtype="int32", name="labels")
    one_hot = keras.layers.CategoryEncoding(CLASSES, output_mode="one_hot")(labels)
    x = keras.layers.Dense(SIZE * SIZE, activation="tanh")(keras.layers.Concatenate()([z, one_hot]))
    return keras.Model([z, labels], keras.layers.Reshape((SIZE, SIZE, 1))(x))


def labelled_discriminator():
    images = keras.Input((SIZE, SIZE, 1))
    labels = keras.Input((), dtype="int32")
    one_hot = keras.layers.CategoryEncoding(CLASSES, output_mode="one_hot")(labels)
    x = keras.layers.Concatenate()([keras.layers.Flatten()(images), one_hot])
    return keras.Model([images, labels], keras.layers.Dense(1)(x))


class Probe(BaseGAN):
    """A conditional BaseGAN whose phases only report what they were given."""

    def default_optimizers(self):
        return keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0)

    def discriminator_step(self, real):
        labels = self.labels_of(real)
        scores = self.discriminate(self.images_of(real), labels)
        return {"d_loss": tf.reduce_mean(scores) * 0.0 + tf.cast(tf.reduce_max(labels), "float32")}

    def generator_step(self, real):
        fake, labels = self.fake_batch(tf.shape(self.images_of(real))[0])
        return {"g_loss": tf.reduce_mean(tf.cast(labels, "float32")) + tf.reduce_mean(fake) * 0.0}


@pytest.fixture
def probe():
    model = Probe(conditional_generator(), labelled_discriminator(), num_classes=CLASSES, seed=0)
    model.compile()
    return model


def test_conditional_batches_reach_the_phases(probe):
    history = probe.fit(tiny_dataset(batch_size=6, batches=2, size=SIZE, num_classes=CLASSES), verbose=0)
    assert history.history["d_loss"][0] == pytest.approx(CLASSES - 1)  # labels 0..2 read from the data
    assert 0 <= history.history["g_loss"][0] <= CLASSES - 1  # sampled labels in range


def test_sampled_labels_cover_the_classes_uniformly(probe):
    labels = probe.sample_labels(3000).numpy()
    assert labels.min() == 0 and labels.max() == CLASSES - 1
    np.testing.assert_allclose(np.bincount(labels) / 3000, [1 / 3] * 3, atol=0.04)


def test_generate_with_labels(probe):
    z = np.zeros((3, LATENT), "float32")
    images = probe.generate(z, labels=[0, 1, 2])
    assert images.shape == (3, SIZE, SIZE, 1)
    assert not np.allclose(images[0], images[1])  # the label changes the image
    with pytest.raises(ValueError, match="generate needs labels"):
        probe.generate(z)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\), got \[3, 7\]"):
        probe.generate(z, labels=[3, 7, 1])
    with pytest.raises(ValueError, match="labels must be 3 ints"):
        probe.generate(z, labels=[0.5, 1, 2])


def test_conditional_model_refuses_unlabelled_data(probe):
    with pytest.raises(ValueError, match=r"Probe is conditional: fit it on \(images, labels\) batches"):
        probe.fit(tiny_dataset(batch_size=4, batches=2, size=SIZE), verbose=0)


def test_num_classes_must_match_the_generator():
    with pytest.raises(ValueError, match="the generator takes \\[z, labels\\]: pass num_classes"):
        Probe(conditional_generator(), labelled_discriminator())
    with pytest.raises(ValueError, match="num_classes must be an int >= 2, got 1"):
        Probe(conditional_generator(), labelled_discriminator(), num_classes=1)


def test_conditional_export_takes_labels(probe, tmp_path):
    loaded = tf.saved_model.load(str(export_generator(probe, tmp_path / "g")))
    z = np.ones((2, LATENT), "float32")
    served = loaded.serve(tf.constant(z), tf.constant([2, 0], tf.int32))["images"].numpy()
    np.testing.assert_allclose(served, probe.generate(z, labels=[2, 0]), atol=1e-6)
    spec = loaded.signatures["serve"].structured_input_signature[1]
    assert spec["labels"].dtype == tf.int32 and spec["labels"].shape.as_list() == [None]


class MeanProbe(BaseGAN):
    """Reports each real batch's mean pixel as d_loss and the generator step count as g_loss."""

    def default_optimizers(self):
        return keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0)

    def discriminator_step(self, real):
        return {"d_loss": tf.reduce_mean(real)}

    def generator_step(self, real):
        return {"g_loss": tf.reduce_mean(self.generate_images_for_test(real))}

    def generate_images_for_test(self, real):
        return self.fake_batch(tf.shape(real)[0])[0] * 0.0 + 1.0


def test_epoch_metrics_average_every_critic_step():
    from .conftest import image_batches, tiny_wgan_gp

    nets = tiny_wgan_gp()
    model = MeanProbe(nets.generator, nets.discriminator, critic_steps=3)
    model.compile()
    history = model.fit(image_batches(6), epochs=1, verbose=0)
    # batch i holds the value i / 100: six critic steps average to 2.5 / 100; two generator steps of 1
    assert history.history["d_loss"][0] == pytest.approx(0.025, rel=1e-5)
    assert history.history["g_loss"][0] == pytest.approx(1.0)


def test_training_labels_out_of_range_or_float_are_refused(probe):
    images = np.zeros((6, SIZE, SIZE, 1), "float32")
    out_of_range = tf.data.Dataset.from_tensor_slices((images, np.array([0, 1, 2, 3, 0, 1]))).batch(6)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"class labels must lie in \[0, 3\)"):
        probe.fit(out_of_range, verbose=0)
    floats = tf.data.Dataset.from_tensor_slices((images, np.linspace(0, 2, 6).astype("float32"))).batch(6)
    with pytest.raises(ValueError, match=r"class labels must be integers in \[0, 3\), got float32"):
        probe.fit(floats, verbose=0)


class NoiseProbe(BaseGAN):
    """An unconditional BaseGAN whose phases only record the latents they draw."""

    def default_optimizers(self):
        return keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0)

    def discriminator_step(self, real):
        self.draws.append(self.sample_latent(4).numpy())
        return {"d_loss": 0.0}

    def generator_step(self, real):
        self.draws.append(self.sample_latent(4).numpy())
        return {"g_loss": 0.0}


def test_each_draw_of_each_step_is_fresh_and_a_step_advances_the_seed_once():
    from .conftest import tiny_wgan_gp

    nets = tiny_wgan_gp()
    model = NoiseProbe(nets.generator, nets.discriminator, critic_steps=2, seed=0)
    model.compile()
    model.draws = []
    state = model.seed_generator.state.numpy().copy()
    batch = tf.zeros((2 * 4,) + tuple(nets.discriminator.inputs[0].shape[1:]))
    for _ in range(2):
        model.train_step(batch)
    assert len(model.draws) == 6  # (2 critic + 1 generator) draws x 2 steps
    assert len({draw.tobytes() for draw in model.draws}) == 6
    assert (model.seed_generator.state.numpy() - state).tolist() == [0, 2]
    # Outside a step every draw advances the generator.
    first, second = model.sample_latent(4).numpy(), model.sample_latent(4).numpy()
    assert not np.array_equal(first, second)
    assert (model.seed_generator.state.numpy() - state).tolist() == [0, 4]


def test_generate_a_count_is_reproducible_with_a_seed():
    from .conftest import tiny_wgan_gp

    model = tiny_wgan_gp()
    first, again = model.generate(3, seed=7), model.generate(3, seed=7)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, model.generate(3, seed=8))

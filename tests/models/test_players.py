"""BaseGAN beyond two players and beyond latents: a third player with its own optimizer, a
network and a variable no optimizer trains, and an image-to-image model.

The two tiny variants here exist only to prove the base: every declared player is compiled,
updated in its own phase, saved and loaded with its optimizer state, restored by
`BackupAndRestore` and loss-scaled under mixed precision, with no per-variant plumbing.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gans import losses
from keras_gans.models import BaseGAN, Defaults, adam
from keras_gans.models._ema import ema_copy, update_ema
from keras_gans.networks import build_critic, build_generator

from .checks import _moved, _values, tiny_images

SIZE, LATENT, CLASSES = 8, 4, 3


def tiny_classifier():
    images = keras.Input((SIZE, SIZE, 1))
    return keras.Model(images, keras.layers.Dense(CLASSES)(keras.layers.Flatten()(images)), name="classifier")


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class ClassifierGAN(BaseGAN):
    """A WGAN-style pair plus a classifier trained on the real labels (a third player).

    It also keeps an EMA copy of the generator (a network no optimizer trains) and counts
    its classifier updates in a variable (state no optimizer trains).
    """

    players = BaseGAN.players + (("classifier", "c_optimizer"),)
    state_networks = ("ema_generator",)
    metric_names = ("d_loss", "g_loss", "c_loss")
    defaults = Defaults(optimizer=adam(1e-2), optimizers=(("c_optimizer", adam(5e-2)),))

    def __init__(self, generator, discriminator, classifier, **kwargs):
        super().__init__(generator, discriminator, classifier=classifier, **kwargs)
        self.ema_generator = ema_copy(generator)
        self.classifier_updates = self.add_weight(shape=(), initializer="zeros", trainable=False, name="c_updates")

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        return losses.wasserstein_critic_loss(outputs["real"], outputs["fake"]), {}

    def generator_loss(self, outputs, fake_labels):
        return losses.wasserstein_generator_loss(outputs["fake"]), {}

    def schedule(self, real_batches):
        values = super().schedule(real_batches)
        return values + [self.classifier_step(real_batches[-1])]

    def classifier_step(self, real):
        images, labels = real
        with tf.GradientTape() as tape:
            logits = self.classifier(images, training=True)
            c_loss = losses.auxiliary_classifier_loss(logits, labels)
        self.apply_gradients(self.c_optimizer, c_loss, tape, self.classifier)
        self.classifier_updates.assign_add(1.0)
        update_ema(self.ema_generator, self.generator, 0.5)
        return {"c_loss": c_loss}


def three_players(seed=0):
    keras.utils.set_random_seed(seed)
    model = ClassifierGAN(build_generator(SIZE, 1, latent_dim=LATENT, width=2), build_critic(SIZE, 1, width=2),
                          tiny_classifier(), critic_steps=2, seed=seed)
    model.compile()
    return model


def labelled(batches=4, batch_size=4, seed=0):
    images = tiny_images(batches * batch_size, SIZE, seed=seed)
    labels = (np.arange(len(images)) % CLASSES).astype("int32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size, drop_remainder=True)


def optimizer_states(model):
    return {name: _values(optimizer.variables) for name, optimizer in model.optimizers().items()}


def test_compile_builds_every_player_with_its_default():
    model = three_players()
    assert set(model.optimizers()) == {"d_optimizer", "g_optimizer", "c_optimizer"}
    assert float(model.c_optimizer.learning_rate) == pytest.approx(5e-2)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(1e-2)
    assert all(optimizer.built for optimizer in model.optimizers().values())
    model.compile(c_optimizer=keras.optimizers.SGD(0.1))
    assert isinstance(model.c_optimizer, keras.optimizers.SGD) and isinstance(model.d_optimizer, keras.optimizers.Adam)
    shared = keras.optimizers.SGD()
    with pytest.raises(ValueError, match="must be distinct optimizer instances"):
        model.compile(d_optimizer=shared, c_optimizer=shared)


def test_each_player_moves_only_in_its_own_phase():
    model = three_players()
    real = next(iter(labelled()))
    phases = [("discriminator", model.discriminator_step), ("generator", model.generator_step),
              ("classifier", model.classifier_step)]
    players = {name: getattr(model, name).trainable_variables for name, _ in model.players}
    for phase, step in phases:
        before = {name: _values(variables) for name, variables in players.items()}
        step(real)
        for name, variables in players.items():
            moved = _moved(before[name], variables)
            assert all(moved) if name == phase else not any(moved), (phase, name)


def test_fit_counts_every_players_updates_and_the_state():
    model = three_players()
    history = model.fit(labelled(batches=4), epochs=1, verbose=0)  # 4 batches, 2 critic steps: 2 steps
    assert sorted(history.history) == ["c_loss", "d_loss", "g_loss"]
    counts = {name: int(optimizer.iterations) for name, optimizer in model.optimizers().items()}
    assert counts == {"d_optimizer": 4, "g_optimizer": 2, "c_optimizer": 2}
    assert float(model.classifier_updates) == 2.0
    assert model.ema_generator.trainable_variables and not any(
        np.array_equal(a, b) for a, b in zip(model.ema_generator.get_weights()[:1], model.generator.get_weights()[:1])
    )


def test_keras_round_trip_keeps_all_three_optimizers_and_the_state(tmp_path):
    model = three_players()
    data = labelled()
    model.fit(data, epochs=1, verbose=0)
    model.save(tmp_path / "three.keras")
    loaded = keras.models.load_model(tmp_path / "three.keras")
    assert type(loaded) is ClassifierGAN and loaded.critic_steps == 2
    for name, values in optimizer_states(model).items():
        for a, b in zip(values, _values(loaded.optimizers()[name].variables)):
            np.testing.assert_array_equal(a, b, err_msg=name)
    for a, b in zip(model.weights, loaded.weights):  # players, EMA copy and the update count
        np.testing.assert_array_equal(np.array(a), np.array(b), err_msg=a.path)
    assert float(loaded.classifier_updates) == 2.0
    # The same next epoch: every optimizer's moments and the noise state came back.
    fixed = tf.data.Dataset.from_tensor_slices(next(iter(data.rebatch(8)))).batch(4)
    continued, resumed = model.fit(fixed, verbose=0).history, loaded.fit(fixed, verbose=0).history
    for key in continued:
        np.testing.assert_allclose(resumed[key], continued[key], rtol=1e-6, err_msg=key)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-6, atol=1e-7, err_msg=a.path)


class StopAfterEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise KeyboardInterrupt("killed after epoch 1")


def test_backup_and_restore_resumes_all_three_players_exactly(tmp_path):
    fixed = labelled()  # no shuffle: a restarted pipeline replays the same batches
    reference = three_players()
    reference.fit(fixed, epochs=2, verbose=0)

    interrupted = three_players()
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(fixed, epochs=2, verbose=0, callbacks=[backup, StopAfterEpoch()])
    restarted = three_players(seed=1)  # other initial weights, all overwritten by the backup
    restarted.fit(fixed, epochs=2, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    for name, optimizer in reference.optimizers().items():
        assert int(restarted.optimizers()[name].iterations) == int(optimizer.iterations), name
        for a, b in zip(optimizer.variables, restarted.optimizers()[name].variables):
            np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-5, atol=1e-6, err_msg=a.path)
    for a, b in zip(reference.weights, restarted.weights):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-5, atol=1e-6, err_msg=a.path)


def test_mixed_float16_scales_every_players_loss():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = three_players()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert all(isinstance(o, keras.optimizers.LossScaleOptimizer) for o in model.optimizers().values())
    history = model.fit(labelled(), epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())


# ------------------------------------------------------------ image to image


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class TinyTranslator(BaseGAN):
    """An image-to-image least-squares GAN whose generator should stay close to the identity."""

    generator_input = "images"
    metric_names = ("d_loss", "g_loss")

    def discriminator_loss(self, outputs, real_labels, fake_labels):
        return losses.least_squares_discriminator_loss(outputs["real"], outputs["fake"]), {}

    def generator_step(self, real):
        with tf.GradientTape() as tape:
            fake, _ = self.fake_for(real)
            # adversarial + an L1 pull towards the input image, the identity-like part
            g_loss = losses.least_squares_generator_loss(self.discriminate(fake)) + ops.mean(ops.abs(fake - real))
        self.apply_gradients(self.g_optimizer, g_loss, tape, self.generator)
        return {"g_loss": g_loss}


def translator():
    keras.utils.set_random_seed(0)
    images = keras.Input((SIZE, SIZE, 1), name="images")
    generator = keras.Model(images, keras.layers.Conv2D(1, 1, activation="tanh")(images), name="generator")
    model = TinyTranslator(generator, build_critic(SIZE, 1, width=2), seed=0)
    model.compile()
    return model


def test_image_to_image_model_trains_on_its_inputs():
    model = translator()
    assert model.latent_dim is None and model.input_name == "images"
    images = tiny_images(8, SIZE)
    g_before, d_before = _values(model.generator.weights), _values(model.discriminator.trainable_variables)
    model.fit(images, batch_size=4, epochs=1, verbose=0)
    assert all(_moved(g_before, model.generator.weights))
    assert any(_moved(d_before, model.discriminator.trainable_variables))
    # What the generator consumed in training was the batch itself.
    inputs, labels = model.generator_inputs(tf.constant(images[:4]))
    np.testing.assert_array_equal(np.asarray(inputs), images[:4])
    assert labels is None


def test_image_to_image_generate_draw_and_serving_specs():
    model = translator()
    images = tiny_images(5, SIZE)
    out = model.generate(images, batch_size=2)
    np.testing.assert_allclose(out, np.asarray(model.generator(images)), atol=1e-6)
    with pytest.raises(ValueError, match=r"images must have shape \(N, 8, 8, 1\), got \(5, 4\)"):
        model.generate(np.zeros((5, 4), "float32"))
    with pytest.raises(ValueError, match="TinyTranslator translates images: give it images, not a count"):
        model.generate(3)
    (spec,) = model.serving_specs()
    assert spec.name == "images" and spec.shape.as_list() == [None, SIZE, SIZE, 1]
    with pytest.raises(ValueError, match="translates images: latent_dim must be None, got 4"):
        TinyTranslator(model.generator, model.discriminator, latent_dim=4)


def test_latent_model_serving_specs_and_draws():
    model = three_players()
    (spec,) = model.serving_specs()
    assert spec.name == "z" and spec.shape.as_list() == [None, LATENT]
    np.testing.assert_array_equal(model.draw_inputs(3, seed=5), model.draw_inputs(3, seed=5))
    assert model.draw_inputs(3).shape == (3, LATENT)


def test_image_to_image_export_serves_images(tmp_path):
    from keras_gans import export_generator
    from keras_gans.export import read_description

    model = translator()
    path = export_generator(model, tmp_path / "translator")
    loaded = tf.saved_model.load(str(path))
    images = tiny_images(3, SIZE)
    served = loaded.serve(tf.constant(images))["images"].numpy()
    np.testing.assert_allclose(served, model.generate(images), atol=1e-6)
    (spec,) = loaded.signatures["serve"].structured_input_signature[1].values()
    assert spec.name == "images" and spec.shape.as_list() == [None, SIZE, SIZE, 1]
    description = read_description(path)
    assert description["input"] == "images" and description["latent_dim"] is None

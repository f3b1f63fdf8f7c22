import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models import WGANGP

from .checks import check_adam, check_keras_round_trip, check_phases
from .conftest import LATENT, SIZE, image_batches, tiny_wgan_gp


def test_fit_reports_the_four_metrics_finite(model):
    history = model.fit(image_batches(8), epochs=2, verbose=0)
    assert sorted(history.history) == ["d_loss", "g_loss", "gp", "wasserstein"]
    assert all(np.isfinite(v).all() for v in history.history.values())


@pytest.mark.parametrize("critic_steps", [1, 3, 5])
def test_critic_runs_exactly_critic_steps_times_per_generator_step(critic_steps):
    model = tiny_wgan_gp(critic_steps=critic_steps)
    model.compile()
    model.fit(image_batches(15), epochs=2, verbose=0)
    g_steps = int(model.g_optimizer.iterations)
    assert g_steps == 2 * (15 // critic_steps)  # an epoch is one pass, a step takes critic_steps batches
    assert int(model.d_optimizer.iterations) == critic_steps * g_steps


def test_each_critic_step_gets_a_fresh_real_batch():
    class Recording(WGANGP):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.seen = keras.Variable(np.full(16, -1.0, "float32"), trainable=False)
            self.count = keras.Variable(0, dtype="int32", trainable=False)

        def discriminator_step(self, real):
            index = tf.reshape(self.count.value, (1, 1))
            self.seen.assign(tf.tensor_scatter_nd_update(self.seen.value, index, [tf.reduce_mean(real) * 100]))
            self.count.assign_add(1)
            return super().discriminator_step(real)

    base = tiny_wgan_gp(critic_steps=3)
    model = Recording(base.generator, base.discriminator, critic_steps=3)
    model.compile()
    model.fit(image_batches(9), epochs=1, verbose=0)
    # Algorithm 1: critic iteration t of generator step s reads the dataset's batch 3 s + t.
    np.testing.assert_allclose(model.seen.numpy()[:9], np.arange(9), atol=1e-4)


def test_each_phase_moves_only_its_own_player(model):
    # Every weight of the updated network moves (the generator's batch-norm beta/gamma included).
    check_phases(model, next(iter(image_batches(1))))


def test_penalty_weight_enters_the_critic_loss():
    real = next(iter(image_batches(1)))
    base = tiny_wgan_gp()
    start = base.get_weights()
    results = {}
    for weight in (0.0, 10.0):
        base.set_weights(start)
        model = WGANGP(base.generator, base.discriminator, gradient_penalty_weight=weight, seed=3)
        model.compile()
        results[weight] = {k: float(v) for k, v in model.discriminator_step(real).items()}
    # same weights and seed: same fakes and scores, so d_loss differs by exactly lambda * gp
    assert results[10.0]["gp"] == pytest.approx(results[0.0]["gp"], rel=1e-5)
    assert results[10.0]["d_loss"] == pytest.approx(results[0.0]["d_loss"] + 10 * results[10.0]["gp"], rel=1e-5)
    assert results[0.0]["wasserstein"] == pytest.approx(-results[0.0]["d_loss"], rel=1e-5)


def test_paper_optimizer_defaults(model):
    check_adam(model, 1e-4, 0.0, 0.9)
    assert model.critic_steps == 2 and WGANGP.defaults.critic_steps == 5
    assert WGANGP.__init__.__kwdefaults__["gradient_penalty_weight"] == 10.0


def test_compile_builds_both_optimizers_before_fit():
    model = tiny_wgan_gp()
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4), g_optimizer="rmsprop")
    assert model.d_optimizer.built and model.g_optimizer.built
    assert len(model.d_optimizer.variables) > 1


def test_keras_round_trip_keeps_weights_and_optimizer_state(model, tmp_path):
    model.fit(image_batches(4), epochs=1, verbose=0)
    loaded = check_keras_round_trip(model, image_batches(4), tmp_path)
    assert loaded.critic_steps == 2 and loaded.gradient_penalty_weight == 10.0 and loaded.latent_dim == LATENT
    assert int(loaded.g_optimizer.iterations) == 3  # two steps saved, one trained on after loading


def test_generate(model):
    images = model.generate(5)
    assert images.shape == (5, SIZE, SIZE, 1) and images.dtype == np.float32
    assert np.abs(images).max() <= 1.0
    z = np.zeros((3, LATENT), "float32")
    np.testing.assert_allclose(model.generate(z, batch_size=2), model.generate(z))
    with pytest.raises(ValueError, match=r"z must have shape \(N, 8\), got \(3, 5\)"):
        model.generate(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="got 0"):
        model.generate(0)
    with pytest.raises(ValueError, match="WGANGP is unconditional: generate takes no labels"):
        model.generate(2, labels=[0, 1])


def test_wrong_image_shape_names_both_shapes(model):
    bad = tf.data.Dataset.from_tensor_slices(np.zeros((8, 32, 32, 3), "float32")).batch(4, drop_remainder=True)
    # Checked on the dataset's element spec, before batches are grouped for the critic steps.
    with pytest.raises(ValueError, match=r"shape \(4, 32, 32, 3\).*\(batch, 16, 16, 1\)"):
        model.fit(bad, verbose=0)


def test_integer_images_are_refused(model):
    bad = tf.data.Dataset.from_tensor_slices(np.zeros((8, 16, 16, 1), "uint8")).batch(4, drop_remainder=True)
    with pytest.raises(ValueError, match="uint8 images"):
        model.fit(bad, verbose=0)


def test_compile_refuses_loss_and_optimizer():
    with pytest.raises(ValueError, match="loss='mse' would be ignored"):
        tiny_wgan_gp().compile(loss="mse")


# The pairs are batched without drop_remainder on purpose: fit must read the batch size
# off the first batch. Keras then does not know the epoch length and says so.
@pytest.mark.filterwarnings("ignore:Your input ran out of data")
def test_fit_on_arrays_and_on_image_label_pairs(model):
    model.fit(np.zeros((16, SIZE, SIZE, 1), "float32"), batch_size=4, verbose=0)
    assert int(model.g_optimizer.iterations) == 2  # 16 images / (2 critic steps x 4)
    pairs = tf.data.Dataset.from_tensor_slices((np.zeros((8, SIZE, SIZE, 1), "float32"), np.arange(8))).batch(2)
    model.fit(pairs, verbose=0)
    assert int(model.d_optimizer.iterations) == 2 * int(model.g_optimizer.iterations)


def test_mirrored_strategy_two_replicas_in_a_subprocess(tmp_path):
    # Logical devices must be set before TensorFlow starts, hence a fresh process.
    script = textwrap.dedent(
        """
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from keras_gans.models import WGANGP
        from keras_gans.networks import build_critic, build_generator

        seen = []
        class Recording(WGANGP):
            def sample_latent(self, batch_size):
                z = super().sample_latent(batch_size)
                seen.append(z)
                return z

        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            model = Recording(build_generator(16, 1, latent_dim=8, width=4), build_critic(16, 1, width=4),
                              critic_steps=2, seed=0)
            model.compile()
        data = tf.data.Dataset.from_tensor_slices(np.random.uniform(-1, 1, (32, 16, 16, 1)).astype("float32"))
        history = model.fit(data.batch(8, drop_remainder=True), epochs=1, verbose=0)
        assert all(np.isfinite(v).all() for v in history.history.values()), history.history
        print("ITER", int(model.d_optimizer.iterations.numpy()), int(model.g_optimizer.iterations.numpy()))

        @tf.function
        def draw():
            return strategy.run(lambda: model.sample_latent(4))
        per_replica = strategy.experimental_local_results(draw())
        print("SAME_NOISE", bool(np.allclose(per_replica[0].numpy(), per_replica[1].numpy())))
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ITER 4 2" in out.stdout  # 4 batches -> 2 generator steps of 2 critic steps each
    assert "SAME_NOISE False" in out.stdout  # replicas draw different latents


def test_keras_tensorboard_callback_logs_the_metrics(model, tmp_path):
    model.fit(image_batches(4), epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(tmp_path))])
    events = list((tmp_path / "train").glob("events.out.tfevents.*"))
    assert events
    tags = {value.tag for event in tf.compat.v1.train.summary_iterator(str(events[0]))
            for value in event.summary.value}
    assert {"epoch_d_loss", "epoch_g_loss", "epoch_gp", "epoch_wasserstein"} <= tags


def test_fewer_batches_than_critic_steps_is_an_error_not_an_empty_epoch():
    model = tiny_wgan_gp(critic_steps=5)
    model.compile()
    with pytest.raises(ValueError, match="the dataset has 4 batches per epoch, fewer than the critic_steps=5"):
        model.fit(image_batches(4), verbose=0)


def test_arrays_whose_length_is_not_a_multiple_of_the_step_drop_the_remainder(model):
    # 9 images, batches of 4, 2 critic steps: one full step; the ragged rest is dropped,
    # never split into a short or empty critic batch.
    model.fit(np.zeros((9, SIZE, SIZE, 1), "float32"), batch_size=4, epochs=2, verbose=0)
    assert int(model.g_optimizer.iterations) == 2 and int(model.d_optimizer.iterations) == 4


def test_penalty_on_two_dimensional_points_draws_one_alpha_per_point():
    from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

    model = WGANGP(build_mlp_generator(output_shape=(2,), latent_dim=2, hidden=(8,), output_activation=None),
                   build_mlp_discriminator(input_shape=(2,), hidden=(8,)), critic_steps=2, seed=0)
    model.compile()
    points = tf.data.Dataset.from_tensor_slices(np.random.normal(size=(64, 2)).astype("float32"))
    points = points.batch(16, drop_remainder=True)
    history = model.fit(points, epochs=1, verbose=0)
    assert np.isfinite(history.history["gp"]).all() and int(model.g_optimizer.iterations) == 2
    assert model.generate(5).shape == (5, 2)

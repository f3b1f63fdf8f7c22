"""The moving average of a network's weights (`keras_gans.models._ema`) and the sampling network it feeds."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_gans.models._ema import ema_copy, update_ema

from .test_players import ClassifierGAN


def dense_net(value):
    inputs = keras.Input((1,))
    outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(value), bias_initializer="zeros")(inputs)
    return keras.Model(inputs, outputs, name="net")


def kernel(net):
    return float(np.asarray(net.weights[0].numpy()).ravel()[0])


def test_copy_starts_equal_and_is_named_after_the_network():
    net = dense_net(3.0)
    copy = ema_copy(net)
    assert copy.name == "ema_net" and copy is not net
    assert kernel(copy) == 3.0
    net.weights[0].assign([[5.0]])
    assert kernel(copy) == 3.0  # its own variables


def test_average_after_known_steps_by_hand():
    net = dense_net(0.0)
    average = ema_copy(net)  # a = 0
    for value in (1.0, 2.0, 4.0):
        net.weights[0].assign([[value]])
        update_ema(average, net, decay=0.5)
    # a = 0.5 * (0.5 * (0.5 * 0 + 0.5 * 1) + 0.5 * 2) + 0.5 * 4 = 0.5 * 1.25 + 2 = 2.625
    assert kernel(average) == pytest.approx(2.625)


def test_before_start_the_average_copies_the_network():
    net, step = dense_net(0.0), 0
    average = ema_copy(net)
    for step, value in enumerate((1.0, 2.0, 4.0)):
        net.weights[0].assign([[value]])
        update_ema(average, net, decay=0.5, step=step, start=2)
    # steps 0 and 1 copy (a = 2), step 2 averages: 0.5 * 2 + 0.5 * 4 = 3
    assert kernel(average) == pytest.approx(3.0)


def test_a_different_network_is_refused():
    with pytest.raises(ValueError, match="ema_copy"):
        update_ema(dense_net(0.0), keras.Sequential([keras.Input((1,)), keras.layers.Dense(2), keras.layers.Dense(1)]), 0.5)


def test_the_update_works_inside_a_mirrored_train_step():
    # Under MirroredStrategy the update runs in replica context; it is made once, for all replicas.
    script = textwrap.dedent(
        """
        import numpy as np, tensorflow as tf, keras
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from keras_gans.models._ema import ema_copy, update_ema
        strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
        with strategy.scope():
            inputs = keras.Input((1,))
            net = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones")(inputs))
            average = ema_copy(net)
        @tf.function
        def step():
            def replica():
                net.weights[0].assign(tf.constant([[3.0]]))
                update_ema(average, net, 0.5)
            strategy.run(replica)
        step()
        print(float(average.weights[0].numpy()[0, 0]))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout.split()[-1]) == pytest.approx(2.0)  # 0.5 * 1 + 0.5 * 3


class AveragedSampler(ClassifierGAN):
    """The three-player model of test_players, sampling and exporting with its EMA generator."""

    sampling_network = "ema_generator"


def test_generate_and_export_run_the_sampling_network(tmp_path):
    import tensorflow as tf

    from keras_gans.export import export_generator
    from keras_gans.networks import build_critic, build_generator

    from .test_players import LATENT, SIZE, tiny_classifier

    model = AveragedSampler(build_generator(SIZE, 1, latent_dim=LATENT, width=2), build_critic(SIZE, 1, width=2),
                            tiny_classifier(), seed=0)
    model.ema_generator.set_weights([w * 0.5 for w in model.generator.get_weights()])
    z = np.random.default_rng(0).standard_normal((2, LATENT)).astype("float32")
    from_average = np.asarray(model.ema_generator(z, training=False))
    assert model.sampling_generator is model.ema_generator
    np.testing.assert_allclose(model.generate(z), from_average, atol=1e-6)
    assert not np.allclose(model.generate(z), np.asarray(model.generator(z, training=False)), atol=1e-3)
    served = tf.saved_model.load(str(export_generator(model, tmp_path / "g"))).signatures["serve"]
    np.testing.assert_allclose(served(z=tf.constant(z))["images"].numpy(), from_average, atol=1e-5)

"""MirroredStrategy on 2 logical CPUs: a distributed step is the single-device step.

Logical devices must be configured before TensorFlow starts, so each check runs in a fresh
process. Networks are fully connected without batch norm or dropout: those compute per-replica
batch statistics and masks, which no strategy makes equal to the single-device ones.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from keras_gans.models import VARIANTS

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np, tensorflow as tf, keras
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from keras_gans.models import VARIANTS
    from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

    SHAPE, LATENT, CLASSES, BATCH = (4, 4, 1), 6, 3, 8

    def build(name, default_networks):
        cls = VARIANTS[name]
        kwargs = {"num_classes": CLASSES} if cls.conditional else {}
        keras.utils.set_random_seed(0)
        if default_networks:
            nets = cls.default_networks(16, 1, latent_dim=LATENT, width=4, **kwargs)
        else:
            nets = (build_mlp_generator(SHAPE, latent_dim=LATENT, hidden=(16,), **kwargs),
                    build_mlp_discriminator(SHAPE, hidden=(16,), spectral_norm=name == "sngan", **kwargs))
        model = cls(*nets, seed=0, **kwargs)
        model.compile()
        return model

    def fit(model, size):
        rng = np.random.default_rng(1)
        images = rng.uniform(-1, 1, (BATCH * model.critic_steps, size, size, 1)).astype("float32")
        data = (images, np.arange(len(images)) % CLASSES) if model.conditional else images
        if getattr(model, "two_domains", False):  # unpaired (x_a, x_b) batches
            data = (images, -images[::-1])
        start = model.discriminator.get_weights() + model.generator.get_weights()
        history = model.fit(tf.data.Dataset.from_tensor_slices(data).batch(BATCH, drop_remainder=True),
                            epochs=1, verbose=0)
        weights = model.discriminator.get_weights() + model.generator.get_weights()
        moved = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, start))
        return {k: float(v[-1]) for k, v in history.history.items()}, weights, moved

    mode, names = sys.argv[1], sys.argv[2].split(",")
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results = {}
    for name in names:
        default_networks = mode == "smoke"
        size = 16 if default_networks else SHAPE[0]
        with strategy.scope():
            mirrored = build(name, default_networks)
        losses_2, weights_2, _ = fit(mirrored, size)
        assert mirrored.distribute_strategy.num_replicas_in_sync == 2
        entry = {"losses": losses_2, "iterations": [int(mirrored.d_optimizer.iterations.numpy()),
                                                    int(mirrored.g_optimizer.iterations.numpy())]}
        if mode == "equivalence":
            losses_1, weights_1, moved = fit(build(name, default_networks), size)
            entry["single_losses"] = losses_1
            entry["max_weight_difference"] = max(float(np.max(np.abs(a - b))) for a, b in zip(weights_2, weights_1))
            entry["max_weight_move"] = moved
        results[name] = entry
    print("RESULT" + json.dumps(results))
    """
)


def run(mode, names):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, ",".join(names)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    line = [line for line in out.stdout.splitlines() if line.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


EQUIVALENT = ("wgan-gp", "cgan", "sngan")
# RaGAN is left out: its losses compare each score with the mean score of the other kind over the
# batch (Jolicoeur-Martineau 2019, Eq. 10), and a replica averages over its own part of the batch,
# as batch norm does (measured: weights 4e-4 apart after one step).
OTHERS = ("gan", "wgan", "lsgan", "fgan")


@pytest.mark.parametrize("names", [EQUIVALENT, pytest.param(OTHERS, marks=pytest.mark.large)],
                         ids=["default", "large"])
def test_two_replicas_take_the_single_device_step(names):
    for name, entry in run("equivalence", names).items():
        # The same weights after one step: same noise (each replica keeps its slice of the
        # global draw) and gradients averaged over the global batch, not summed.
        assert entry["max_weight_difference"] < 1e-5, (name, entry)
        assert entry["max_weight_move"] > 1e-6, (name, entry)  # the step did move them
        for metric, value in entry["losses"].items():
            assert abs(value - entry["single_losses"][metric]) < 1e-4 * max(1.0, abs(value)), (name, metric, entry)


@pytest.mark.large
def test_every_variant_fits_under_mirrored_strategy_with_its_default_networks():
    results = run("smoke", list(VARIANTS))
    for name, entry in results.items():
        assert all(abs(v) < float("inf") for v in entry["losses"].values()), (name, entry)
        # One epoch of critic_steps batches: one generator step after critic_steps critic updates.
        assert entry["iterations"][1] == 1, (name, entry)
        assert entry["iterations"][0] >= entry["iterations"][1], (name, entry)


WORKER = textwrap.dedent(
    """
    import json, os, sys
    import numpy as np, tensorflow as tf, keras
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    from keras_gans.models import WGANGP
    from keras_gans.networks import build_mlp_discriminator, build_mlp_generator
    with strategy.scope():
        keras.utils.set_random_seed(0)
        model = WGANGP(build_mlp_generator((4, 4, 1), latent_dim=6, hidden=(16,)),
                       build_mlp_discriminator((4, 4, 1), hidden=(16,)), critic_steps=2, seed=0)
        model.compile()
    images = np.random.default_rng(1).uniform(-1, 1, (64, 4, 4, 1)).astype("float32")
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(8, drop_remainder=True), epochs=2, verbose=0)
    np.savez(sys.argv[1], *(model.discriminator.get_weights() + model.generator.get_weights()),
             iterations=int(model.g_optimizer.iterations.numpy()))
    """
)


def _free_ports(count):
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.large
def test_multi_worker_mirrored_strategy_two_workers_on_localhost(tmp_path):
    import numpy as np

    cluster = {"worker": [f"localhost:{port}" for port in _free_ports(2)]}
    processes = []
    for index in range(2):
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
               "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})}
        processes.append(subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / f"worker{index}.npz")],
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
    first, second = (np.load(tmp_path / f"worker{index}.npz") for index in range(2))
    assert int(first["iterations"]) == int(second["iterations"]) > 0
    for key in first.files:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)

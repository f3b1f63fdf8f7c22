"""BigGAN: orthogonal regularisation in G's loss, the EMA generator, truncation, export with truncation."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import cli, losses
from keras_gans.models import SAGAN, BigGAN
from keras_gans.models.biggan import truncate_latents

from .checks import (
    CLASSES,
    SIZE,
    check_export,
    check_fit,
    check_keras_round_trip,
    check_phases,
    tiny_conditional,
    tiny_dataset,
)
from .test_sagan import frozen


def tiny_biggan(**kwargs):
    return tiny_conditional(BigGAN, **kwargs)


def weights(network):
    return [np.array(w, "float64") for w in network.weights]


def test_fit_phases_and_round_trip(tmp_path):
    model = tiny_biggan(ema_start=1, ema_decay=0.5)
    model.compile()
    dataset = tiny_dataset(batches=4, num_classes=CLASSES, size=SIZE)
    history = check_fit(model, dataset)  # 2 D updates per G update
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss", "orthogonal"]
    assert history.history["orthogonal"][0] > 0
    check_phases(model, next(iter(dataset)), **frozen(model))
    loaded = check_keras_round_trip(model, dataset, tmp_path)  # the EMA generator is among the weights
    assert (loaded.ema_decay, loaded.ema_start, loaded.orthogonal_weight) == (0.5, 1, 1e-4)
    # generate (and so export) runs the average, which differs from the generator by now.
    z, labels = np.zeros((2, model.latent_dim), "float32"), np.array([0, 1])
    np.testing.assert_allclose(model.generate(z, labels), model.ema_generator([z, labels], training=False), atol=1e-6)
    assert not np.allclose(model.generate(z, labels), model.generator([z, labels], training=False), atol=1e-6)


def test_generator_loss_adds_the_orthogonal_penalty_of_every_kernel_but_the_shared_embedding():
    model = tiny_biggan(orthogonal_weight=0.01)
    kernels = model.regularized_kernels()
    paths = [v.path for v in kernels]
    assert "shared_embedding/kernel" not in paths and all(len(v.shape) >= 2 for v in kernels)
    assert any("attention" in p for p in paths) and any("gain" in p for p in paths)  # CBN maps count, as in G.parameters()
    fake = tf.constant([[0.5], [-2.0]])
    g_loss, metrics = model.generator_loss({"fake": fake}, None)
    penalty = sum(0.01 * np.sum(((k := np.reshape(np.array(v), (-1, v.shape[-1]))).T @ k * (1 - np.eye(k.shape[1]))) ** 2)
                  for v in kernels)
    assert float(metrics["orthogonal"]) == pytest.approx(penalty, rel=1e-4)
    assert float(g_loss) == pytest.approx(0.75 + penalty, rel=1e-4)  # -E[D(G(z))] = 0.75
    assert float(losses.orthogonal_regularization(kernels, 0.01)) == pytest.approx(penalty, rel=1e-4)


def test_ema_equals_the_hand_computed_average_after_known_steps():
    # ema_start = 2: after G update 1 the average copies G; from update 2 on a <- 0.5 a + 0.5 w.
    model = tiny_biggan(ema_decay=0.5, ema_start=2)
    model.compile()
    real = next(iter(tiny_dataset(num_classes=CLASSES, size=SIZE)))
    np.testing.assert_array_equal(np.concatenate([w.ravel() for w in weights(model.ema_generator)]),
                                  np.concatenate([w.ravel() for w in weights(model.generator)]))
    trained = []
    for _ in range(3):
        model.generator_step(real)
        trained.append(weights(model.generator))
    expected = [0.5 * (0.5 * w1 + 0.5 * w2) + 0.5 * w3 for w1, w2, w3 in zip(*trained)]
    assert any(not np.allclose(a, b) for a, b in zip(trained[0], trained[2]))  # G moved between updates
    for average, hand in zip(weights(model.ema_generator), expected):
        np.testing.assert_allclose(average, hand, rtol=1e-5, atol=1e-7)


def truncated_normal_variance(t):
    # Var[z | |z| <= t] for z ~ N(0, 1): 1 - 2 t phi(t) / (2 Phi(t) - 1), with 2 Phi(t) - 1 = erf(t / sqrt 2).
    phi = math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    return 1 - 2 * t * phi / math.erf(t / math.sqrt(2))


@pytest.mark.parametrize("t", [2.0, 1.0, 0.5])
def test_truncation_bounds_every_value_and_leaves_the_conditioned_normal(t):
    z = np.random.default_rng(0).standard_normal((50_000, 4)).astype("float32")
    out = truncate_latents(z, t, rng=1)
    assert np.abs(out).max() <= t
    inside = np.abs(z) <= t
    np.testing.assert_array_equal(out[inside], z[inside])  # only the values beyond t are redrawn
    # Moments of N(0, 1) conditioned on |z| <= t: mean 0, the variance above; 200,000 values.
    standard_error = math.sqrt(2 * truncated_normal_variance(t) ** 2 / out.size)
    assert abs(out.mean()) < 4 * math.sqrt(truncated_normal_variance(t) / out.size)
    assert out.var() == pytest.approx(truncated_normal_variance(t), abs=4 * standard_error)


def test_generate_and_the_export_truncate(tmp_path):
    model = tiny_biggan()
    labels = np.arange(6) % CLASSES
    z = model.draw_inputs(6, seed=3)
    expected = model.generate(truncate_latents(z, 0.25, np.random.default_rng(3)), labels)
    np.testing.assert_allclose(model.generate(6, labels, truncation=0.25, seed=3), expected, atol=1e-6)
    with pytest.raises(ValueError, match="truncation must be a finite number > 0, got 0"):
        model.generate(2, [0, 1], truncation=0)
    check_export(model, tmp_path)  # with a truncation above every |z|: the images of generate
    loaded = tf.saved_model.load(str(tmp_path / "BigGAN_generator"))
    assert [spec.name for spec in model.serving_specs()] == ["z", "labels", "truncation"]
    # z far outside [-0.25, 0.25]: the graph redraws every value, so the images are those of some truncated z.
    big = np.full((4, model.latent_dim), 5.0, "float32")
    served = loaded.serve(z=tf.constant(big), labels=tf.constant(labels[:4], tf.int32),
                          truncation=tf.constant(0.25))["images"].numpy()
    assert served.shape == (4, SIZE, SIZE, 1)
    assert not np.allclose(served, model.generate(big, labels[:4]), atol=1e-4)
    # The command line's sample passes the threshold (none by default) to the export.
    for extra in ([], ["--truncation", "0.5"]):
        out = tmp_path / f"grid{len(extra)}.png"
        assert cli.main(["sample", str(tmp_path / "BigGAN_generator"), "--n", "4", "--out", str(out), *extra]) == 0
        assert out.is_file()


def test_options_defaults_and_checks():
    model = BigGAN(*BigGAN.default_networks(32, 1, width=2, num_classes=3), num_classes=3)
    assert isinstance(model, SAGAN)
    assert (model.latent_dim, model.critic_steps, model.ema_decay, model.ema_start, model.orthogonal_weight) == \
        (120, 2, 0.9999, 20000, 1e-4)
    assert model.generator.get_layer("shared_embedding").kernel.shape == (3, 128)
    d_optimizer, g_optimizer = model.default_optimizers()
    assert float(d_optimizer.learning_rate) == np.float32(2e-4) and float(g_optimizer.learning_rate) == np.float32(5e-5)
    assert all((o.beta_1, o.beta_2) == (0.0, 0.999) for o in (d_optimizer, g_optimizer))
    with pytest.raises(ValueError, match=r"ema_decay must be a finite number in \[0, 1\), got 1.0"):
        tiny_biggan(ema_decay=1.0)
    with pytest.raises(ValueError, match="ema_start must be an int >= 0, got -1"):
        tiny_biggan(ema_start=-1)
    with pytest.raises(ValueError, match="orthogonal_weight must be a finite number >= 0, got -1.0"):
        tiny_biggan(orthogonal_weight=-1.0)

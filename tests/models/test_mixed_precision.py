"""Mixed precision: half-precision networks, float32 penalty and losses, loss scaling for float16."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses
from keras_gans.models import VARIANTS

from .checks import tiny_images, training_data

POLICIES = ("mixed_float16", "mixed_bfloat16")


def build(name, policy, seed=0):
    """The variant's tiny default networks built under `policy`, compiled with its optimizers."""
    cls = VARIANTS[name]
    kwargs = {"num_classes": 3} if cls.conditional else {}
    keras.utils.set_random_seed(seed)
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = cls(*cls.default_networks(16, 1, latent_dim=8, width=4, **kwargs), seed=seed, **kwargs)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    model.compile()
    return model


def data_for(model, batches=2):
    count = 4 * batches * model.critic_steps  # tiny_dataset's batches of 4
    return tf.data.Dataset.from_tensor_slices(training_data(type(model), tiny_images(count, 16), 3)).batch(4)


def weights_after_one_step(model):
    model.fit(data_for(model, batches=1), epochs=1, verbose=0)
    return [np.asarray(v, "float32") for v in model.discriminator.trainable_variables + model.generator.trainable_variables]


@pytest.mark.parametrize("policy", POLICIES)
def test_wgan_gp_penalty_in_half_precision_is_close_to_float32(policy):
    full, half = build("wgan-gp", "float32"), build("wgan-gp", policy)
    assert half.discriminator.compute_dtype == policy.split("_")[1]
    half.discriminator.set_weights(full.discriminator.get_weights())  # variables stay float32
    rng = np.random.default_rng(0)
    real, fake = (rng.uniform(-1, 1, (8, 16, 16, 1)).astype("float32") for _ in range(2))
    alpha = rng.uniform(size=(8, 1, 1, 1)).astype("float32")
    expected = float(losses.gradient_penalty(full.discriminator, real, fake, alpha))
    got = losses.gradient_penalty(half.discriminator, real, fake, alpha)
    assert got.dtype == tf.float32
    # float16 keeps ~3 significant digits, bfloat16 ~2: a penalty near 1 differs in the 3rd or 2nd.
    assert float(got) == pytest.approx(expected, rel=0.01 if policy == "mixed_float16" else 0.05)


@pytest.mark.parametrize("policy", POLICIES)
def test_loss_scaling_only_for_float16(policy):
    model = build("wgan-gp", policy)
    scaled = policy == "mixed_float16"
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer) == scaled
    assert model.needs_loss_scaling() == scaled


def test_float16_step_moves_weights_like_float32_step():
    # The scaled gradients are unscaled before Adam: one step moves every weight as far
    # (about the learning rate) as the float32 step does, not 32,768 times farther.
    start = build("wgan-gp", "float32")
    expected = weights_after_one_step(start)
    half = build("wgan-gp", "mixed_float16")
    initial = [np.asarray(v, "float32") for v in half.discriminator.trainable_variables + half.generator.trainable_variables]
    got = weights_after_one_step(half)
    full_moves = [np.abs(e - i).max() for e, i in zip(expected, initial)]
    half_moves = [np.abs(g - i).max() for g, i in zip(got, initial)]
    assert max(half_moves) < 10 * max(full_moves)
    moved = sum(m > 0 for m in half_moves)
    assert moved >= len(half_moves) - 2, f"only {moved} of {len(half_moves)} weights moved"


def test_compiled_model_round_trips_with_its_loss_scale_optimizers(tmp_path):
    model = build("dcgan", "mixed_float16")
    model.fit(data_for(model), epochs=1, verbose=0)
    path = str(tmp_path / "half.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert loaded.needs_loss_scaling()
    assert "float16" in {layer.compute_dtype for layer in loaded.generator.layers}


FAST = ("wgan-gp", "acgan", "sngan")


@pytest.mark.parametrize(
    "name", [n if n in FAST else pytest.param(n, marks=pytest.mark.large) for n in VARIANTS]
)
@pytest.mark.parametrize("policy", POLICIES)
def test_every_variant_trains_with_finite_losses(name, policy):
    model = build(name, policy)
    history = model.fit(data_for(model), epochs=1, verbose=0)
    for metric, values in history.history.items():
        assert np.all(np.isfinite(values)), f"{name} under {policy}: {metric} = {values}"

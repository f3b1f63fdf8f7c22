import keras
import numpy as np
import pytest

from keras_gans.models.wgan import WGAN

from .checks import check_export, check_fit, check_keras_round_trip, check_phases, tiny_dataset


def tiny(**kwargs):
    kwargs.setdefault("critic_steps", 2)
    model = WGAN(*WGAN.default_networks(16, 1, latent_dim=8, width=4), seed=0, **kwargs)
    model.compile()
    return model


def assert_clipped(model, c):
    for variable in model.discriminator.trainable_variables:
        assert np.abs(np.asarray(variable)).max() <= c + 1e-7, variable.path


def test_every_critic_weight_is_clipped_before_and_after_training():
    model = tiny(clip_value=0.01)
    assert_clipped(model, 0.01)
    # gamma starts at 1: clipped to c at construction, so the box holds from the first step
    gammas = [v for v in model.discriminator.trainable_variables if "gamma" in v.path]
    np.testing.assert_allclose(np.asarray(gammas[0]), 0.01)
    # kernels, biases and batch-norm scale and offset: all carry the constraint
    paths = [v.path for v in model.discriminator.trainable_variables]
    assert any("gamma" in p for p in paths) and any("beta" in p for p in paths)
    assert all(isinstance(v.constraint, keras.constraints.Constraint) for v in model.discriminator.trainable_variables)
    check_fit(model, tiny_dataset(batches=8), epochs=2)
    assert_clipped(model, 0.01)


def test_clipping_holds_for_a_critic_built_elsewhere_with_a_larger_box():
    model = tiny(clip_value=0.05)
    check_fit(model, tiny_dataset(batches=4))
    assert_clipped(model, 0.05)
    assert max(np.abs(np.asarray(v)).max() for v in model.discriminator.trainable_variables) > 0.01


def test_phases_round_trip_export(tmp_path):
    model = tiny()
    data = tiny_dataset(batches=4)
    check_phases(model, next(iter(data)))
    check_fit(model, data)
    loaded = check_keras_round_trip(model, data, tmp_path)
    assert_clipped(loaded, 0.01)  # the constraint is re-applied on load, from the config
    check_export(model, tmp_path)


def test_wasserstein_metric_is_the_negated_critic_loss():
    model = tiny()
    out = model.discriminator_step(next(iter(tiny_dataset(batches=1))))
    assert float(out["wasserstein"]) == pytest.approx(-float(out["d_loss"]))


def test_paper_defaults():
    model = tiny()
    assert WGAN.defaults.critic_steps == 5 and WGAN.__init__.__kwdefaults__["clip_value"] == 0.01
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.RMSprop)
        assert float(optimizer.learning_rate) == pytest.approx(5e-5)


def test_bad_clip_value():
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0, got -1"):
        tiny(clip_value=-1)

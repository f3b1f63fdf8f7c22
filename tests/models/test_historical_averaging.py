"""Historical averaging (Salimans et al. 2016, Sec. 3.3) as the DCGAN option `historical_averaging`."""

import numpy as np
import pytest

from keras_gans.models.dcgan import DCGAN

from .checks import check_phases, tiny_dataset

SIZE, LATENT, WEIGHT = 16, 8, 0.5


def tiny(**kwargs):
    return DCGAN(*DCGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), seed=0, **kwargs)


def values(variables):
    return [np.array(v, dtype="float64") for v in variables]


def test_off_by_default_adds_no_weights():
    plain = tiny()
    assert plain.historical_averaging == 0 and plain.historical_averages == {}
    assert len(plain.weights) == len(plain.generator.weights) + len(plain.discriminator.weights)
    assert float(plain.historical_penalty("discriminator")) == 0.0


def test_the_penalty_after_three_known_parameter_values():
    model = tiny(historical_averaging=WEIGHT)
    model.compile()
    batches = list(tiny_dataset(batches=3))
    thetas = []
    for real in batches:
        thetas.append(values(model.discriminator.trainable_variables))  # theta[t], the value the update starts from
        model.discriminator_step(real)
    count, averages = model.historical_averages["discriminator"]
    assert float(count) == 3.0
    for average, *history in zip(averages, *thetas):
        np.testing.assert_allclose(np.array(average), np.mean(history, axis=0), rtol=1e-5, atol=1e-7)
    # The loss of a fourth step: the BCE terms plus w ||theta[4] - (1/4) sum_{i<=4} theta[i]||^2, by hand.
    thetas.append(values(model.discriminator.trainable_variables))
    model.record_history("discriminator")
    means = [np.mean(history, axis=0) for history in zip(*thetas)]
    expected = WEIGHT * sum(np.sum((theta - mean) ** 2) for theta, mean in zip(thetas[-1], means))
    assert expected > 0
    np.testing.assert_allclose(float(model.historical_penalty("discriminator")), expected, rtol=1e-4)
    logits = {"real": np.array([[1.0], [-2.0]], "float32"), "fake": np.array([[0.5]], "float32")}
    with_penalty = float(model.discriminator_loss(logits, None, None)[0])
    without = float(tiny().discriminator_loss(logits, None, None)[0])
    # float32 losses near 1.4: the difference is exact to about 1e-7
    np.testing.assert_allclose(with_penalty - without, expected, atol=2e-7)


@pytest.mark.parametrize("feature_matching", [False, True])
def test_generator_steps_keep_the_generators_average_and_each_phase_moves_only_its_network(feature_matching):
    model = tiny(historical_averaging=WEIGHT, feature_matching=feature_matching)
    model.compile()
    real = next(iter(tiny_dataset(batches=1)))
    initial = values(model.generator.trainable_variables)  # theta[1]
    check_phases(model, real)  # one discriminator step, then one generator step
    after_one = values(model.generator.trainable_variables)  # theta[2]
    model.generator_step(real)
    count, averages = model.historical_averages["generator"]
    assert float(count) == 2.0
    for average, a, b in zip(averages, initial, after_one):
        np.testing.assert_allclose(np.array(average), (a + b) / 2, rtol=1e-5, atol=1e-8)
    # Once the weights have moved, the penalty is positive: a pull towards their past.
    assert float(model.historical_penalty("generator")) > 0

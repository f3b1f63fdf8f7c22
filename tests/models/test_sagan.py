"""SAGAN: residual networks with self-attention, spectral norm in both, TTUR, hinge loss, one D step."""

import keras
import numpy as np

from keras_gans.layers import ConditionalBatchNormalization, SelfAttention
from keras_gans.models import SAGAN, ProjectionCGAN

from .checks import (
    CLASSES,
    SIZE,
    check_export,
    check_fit,
    check_keras_round_trip,
    check_label_order,
    check_phases,
    tiny_conditional,
    tiny_dataset,
)

# gamma = 0 at the start: the attention's convolutions get no gradient until gamma moves (it does).
ATTENTION_CONVOLUTIONS = tuple(f"attention/{name}" for name in ("query", "key", "value", "output"))


def frozen(model):
    """Weights without a gradient in their phase at initialisation: the attention convolutions, and psi's bias
    (a constant added to every score has gradient -1 + 1 = 0 while all scores lie inside the hinge margins)."""
    return {"d_frozen": ATTENTION_CONVOLUTIONS + (model.discriminator.get_layer("psi").layer.bias.path,),
            "g_frozen": ATTENTION_CONVOLUTIONS}


def test_fit_phases_round_trip_and_export(tmp_path):
    model = tiny_conditional(SAGAN)
    model.compile()
    dataset = tiny_dataset(batches=3, num_classes=CLASSES, size=SIZE)
    history = check_fit(model, dataset)
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    assert int(model.g_optimizer.iterations) == 3 == int(model.d_optimizer.iterations)  # one D step per G step
    check_phases(model, next(iter(dataset)), **frozen(model))
    loaded = check_keras_round_trip(model, dataset, tmp_path)
    assert type(loaded) is SAGAN
    check_export(model, tmp_path)
    check_label_order(model)


def test_paper_defaults():
    generator, discriminator = SAGAN.default_networks(num_classes=10)
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 128), (None,)]
    assert tuple(generator.output.shape) == (None, 64, 64, 3)
    for network in (generator, discriminator):
        assert tuple(network.get_layer("attention").output.shape[1:3]) == (32, 32)
    assert any(isinstance(layer, ConditionalBatchNormalization) for layer in generator.layers)
    assert isinstance(discriminator.get_layer("class_embedding"), keras.layers.SpectralNormalization)
    model = SAGAN(generator, discriminator, num_classes=10)
    assert isinstance(model, ProjectionCGAN) and model.critic_steps == 1 and model.latent_dim == 128
    d_optimizer, g_optimizer = model.default_optimizers()
    assert float(d_optimizer.learning_rate) == np.float32(4e-4) and float(g_optimizer.learning_rate) == np.float32(1e-4)
    assert all((o.beta_1, o.beta_2) == (0.0, 0.9) for o in (d_optimizer, g_optimizer))
    for size, side in ((16, 8), (32, 16), (128, 32)):
        g, _ = SAGAN.default_networks(size, 1, latent_dim=8, width=2, num_classes=3)
        assert [tuple(layer.output.shape[1:3]) for layer in g.layers if isinstance(layer, SelfAttention)] == \
            [(side, side)]

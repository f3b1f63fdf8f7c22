"""Residual networks of SAGAN and BigGAN: shapes, where attention sits, the hierarchical latent."""

import keras
import numpy as np
import pytest

from keras_gans.layers import ConditionalBatchNormalization, SelfAttention
from keras_gans.networks import build_residual_discriminator, build_residual_generator
from keras_gans.networks.residual import LatentChunks


@pytest.mark.parametrize("size,attended", [(16, 8), (32, 16), (64, 32), (128, 32)])
def test_shapes_and_attention_at_the_middle_resolution_or_32(size, attended):
    g = build_residual_generator(size, 3, latent_dim=12, num_classes=5, width=2, hierarchical=True, shared_dim=4)
    d = build_residual_discriminator(size, 3, num_classes=5, width=2)
    assert tuple(g.output.shape) == (None, size, size, 3)
    assert tuple(d.output.shape) == (None, 1)
    for network in (g, d):
        (attention,) = [layer for layer in network.layers if isinstance(layer, SelfAttention)]
        assert tuple(attention.output.shape[1:3]) == (attended, attended)
    assert len(g.get_layer("latent_chunks").output) == np.log2(size // 4) + 1


def test_every_weighted_layer_is_spectrally_normalised_and_g_uses_conditional_batch_norm():
    g = build_residual_generator(16, 1, latent_dim=8, num_classes=3, width=4)
    d = build_residual_discriminator(16, 1, num_classes=3, width=4)
    for network in (g, d):
        for layer in network.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
                pytest.fail(f"{network.name}.{layer.name} is not spectrally normalised")
    assert sum(isinstance(layer, ConditionalBatchNormalization) for layer in g.layers) == 4  # 2 blocks x 2
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in d.layers)
    # SAGAN's class-conditional batch norm starts as plain batch norm: gain 1, bias 0 for every class.
    cbn = next(layer for layer in g.layers if isinstance(layer, ConditionalBatchNormalization))
    assert not cbn.spectral_norm and not np.asarray(cbn.gain.kernel).any()


def test_attention_resolution_is_checked():
    with pytest.raises(ValueError, match=r"attention_resolution must be one of the feature-map sides \[8, 16\], got 4"):
        build_residual_generator(32, 1, latent_dim=8, num_classes=3, width=2, attention_resolution=4)
    g = build_residual_generator(32, 1, latent_dim=8, num_classes=3, width=2, attention_resolution=8)
    assert tuple(g.get_layer("attention").output.shape[1:3]) == (8, 8)
    with pytest.raises(ValueError, match="latent_dim must be >= 3 .* at 16 px, got 2"):
        build_residual_generator(16, 1, latent_dim=2, num_classes=3, width=2, hierarchical=True)


def test_changing_one_latent_chunk_changes_only_what_follows_its_block():
    # 32 px: z of 8 in chunks (2, 2, 2, 2): chunk 0 -> the input layer, chunk k -> block k - 1.
    g = build_residual_generator(32, 1, latent_dim=8, num_classes=3, width=2, hierarchical=True, shared_dim=3)
    g.get_layer("attention").gamma.assign(0.5)  # so that attention passes changes on too
    names = ["block0", "block1", "block2", "images"]
    probe = keras.Model(g.inputs, [g.get_layer(name).output for name in names])
    rng = np.random.default_rng(0)
    z, labels = rng.standard_normal((2, 8)).astype("float32"), np.array([0, 2], "int32")
    before = [np.asarray(t) for t in probe([z, labels])]  # inference mode: no batch statistics
    for chunk in range(4):
        changed = z.copy()
        changed[:, 2 * chunk : 2 * chunk + 2] += 1.0
        after = [np.asarray(t) for t in probe([changed, labels])]
        first_changed = max(chunk - 1, 0)  # chunk 0 feeds the input, so block0 onwards changes
        for i, name in enumerate(names):
            same = np.array_equal(before[i], after[i])
            assert same == (i < first_changed), (chunk, name)


def test_latent_chunks_split_and_round_trip(tmp_path):
    layer = LatentChunks(3)
    assert layer.sizes(8) == [3, 3, 2] and layer.sizes(6) == [2, 2, 2]
    g = build_residual_generator(16, 1, latent_dim=7, num_classes=3, width=2, hierarchical=True, shared_dim=2)
    g.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    inputs = [np.random.default_rng(1).standard_normal((2, 7)).astype("float32"), np.array([1, 2], "int32")]
    np.testing.assert_allclose(np.asarray(loaded(inputs)), np.asarray(g(inputs)), atol=1e-6)

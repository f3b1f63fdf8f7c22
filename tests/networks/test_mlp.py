import numpy as np
import pytest
import keras

from keras_gans.networks import build_mlp_discriminator, build_mlp_generator
from tests.networks.helpers import Clip, largest_singular_value, normalised_kernel, spectral_layers, weighted_layers


@pytest.mark.parametrize("shape", [(16, 16, 1), (28, 28, 1), (28, 28, 3), (2,)])
def test_shapes(shape):
    g = build_mlp_generator(shape, latent_dim=8, hidden=(16, 32))
    d = build_mlp_discriminator(shape, hidden=(32, 16))
    samples = g(np.random.default_rng(0).standard_normal((3, 8)).astype("float32"))
    assert samples.shape == (3, *shape) and samples.dtype == "float32"
    assert float(np.abs(samples).max()) <= 1.0
    assert d(samples).shape == (3, 1) and d.output.dtype == "float32"


def test_paper_layout():
    g = build_mlp_generator()
    d = build_mlp_discriminator()
    assert [l.units for l in g.layers if isinstance(l, keras.layers.Dense)] == [256, 512, 1024, 784]
    assert [l.activation.__name__ for l in g.layers if isinstance(l, keras.layers.Dense)] == ["relu"] * 3 + ["linear"]
    assert g.get_layer("images").activation is keras.activations.tanh
    assert g.input.shape == (None, 100)
    assert [l.units for l in d.layers if isinstance(l, keras.layers.Dense)] == [512, 256, 1]
    assert [l.negative_slope for l in d.layers if isinstance(l, keras.layers.LeakyReLU)] == [0.2, 0.2]
    score = d.get_layer("score")
    assert score.use_bias and score.activation is keras.activations.linear
    assert d.get_layer("features").output.shape == (None, 256)


def test_linear_output_for_toy_data():
    g = build_mlp_generator((2,), latent_dim=4, hidden=(8,), output_activation=None)
    assert g.get_layer("images").activation is keras.activations.linear
    # Unbounded: a large latent gives samples outside [-1, 1].
    assert float(np.abs(g(np.full((1, 4), 1e4, "float32"))).max()) > 1.0


def test_dropout():
    d = build_mlp_discriminator((2,), hidden=(8, 8), dropout=0.5)
    assert [l.rate for l in d.layers if isinstance(l, keras.layers.Dropout)] == [0.5, 0.5]
    assert not any(isinstance(l, keras.layers.Dropout) for l in build_mlp_discriminator((2,), hidden=(8,)).layers)


def test_conditional_inputs_and_label_dependence():
    g = build_mlp_generator((4, 4, 1), latent_dim=6, hidden=(16,), num_classes=3)
    d = build_mlp_discriminator((4, 4, 1), hidden=(16,), num_classes=3)
    for model, first in ((g, "z"), (d, "images")):
        assert [i.name for i in model.inputs] == [first, "labels"]
        assert model.inputs[1].dtype == "int32" and model.inputs[1].shape == (None,)
    z = np.repeat(np.random.default_rng(0).standard_normal((1, 6)).astype("float32"), 3, axis=0)
    labels = np.array([0, 1, 2], "int32")
    images = g([z, labels]).numpy()
    assert images.shape == (3, 4, 4, 1)
    assert not np.allclose(images[0], images[1]) and not np.allclose(images[1], images[2])
    scores = d([np.repeat(images[:1], 3, axis=0), labels]).numpy()
    assert len(set(scores[:, 0].tolist())) == 3


def test_constraint_on_every_weight_and_spectral_norm():
    clip = Clip(0.05)
    d = build_mlp_discriminator((2,), hidden=(8, 8), num_classes=3, kernel_constraint=clip, spectral_norm=True)
    assert len(d.trainable_weights) == 6  # 3 kernels, 3 biases
    # Spectrally normalised kernels are rescaled to sigma 1 first, then clipped.
    assert all(getattr(v.constraint, "then", v.constraint) is clip for v in d.trainable_weights)
    assert len(spectral_layers(d)) == len(weighted_layers(d)) == 3
    inputs = [np.random.default_rng(0).standard_normal((4, 2)).astype("float32"), np.array([0, 1, 2, 0], "int32")]
    for _ in range(20):
        d(inputs, training=True)
    for layer in spectral_layers(d):
        assert abs(largest_singular_value(normalised_kernel(layer)) - 1.0) < 0.05, layer.name


@pytest.mark.parametrize("builder,kwargs,match", [
    (build_mlp_generator, {"hidden": ()}, r"hidden must be a non-empty tuple or list of ints >= 1, got \(\)"),
    (build_mlp_generator, {"hidden": (16, 0)}, r"got \(16, 0\)"),
    (build_mlp_generator, {"output_shape": (28, -1)}, r"output_shape must be a non-empty tuple or list of ints >= 1, got \(28, -1\)"),
    (build_mlp_generator, {"output_shape": 784}, "output_shape must be a non-empty tuple or list of ints >= 1, got 784"),
    (build_mlp_generator, {"latent_dim": 0}, "latent_dim must be an int >= 1, got 0"),
    (build_mlp_generator, {"output_activation": "no_such_activation"}, "no_such_activation"),
    (build_mlp_generator, {"num_classes": 1}, "num_classes must be an int >= 2 or None, got 1"),
    (build_mlp_discriminator, {"hidden": []}, r"hidden must be a non-empty tuple or list of ints >= 1, got \[\]"),
    (build_mlp_discriminator, {"input_shape": ()}, r"input_shape must be a non-empty tuple or list of ints >= 1, got \(\)"),
    (build_mlp_discriminator, {"dropout": 1.0}, r"dropout must be a finite number in \[0, 1\), got 1.0"),
    (build_mlp_discriminator, {"dropout": -0.1}, "got -0.1"),
    (build_mlp_discriminator, {"dropout": float("nan")}, "got nan"),
    (build_mlp_discriminator, {"dropout": True}, "got True"),
    (build_mlp_discriminator, {"hidden": (16, True)}, r"got \(16, True\)"),
    (build_mlp_discriminator, {"num_classes": 0}, "num_classes must be an int >= 2 or None, got 0"),
    (build_mlp_discriminator, {"spectral_norm": None}, "spectral_norm must be True or False, got None"),
])
def test_argument_errors(builder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        builder(**kwargs)


def test_numpy_scalars_are_accepted():
    g = build_mlp_generator((np.int64(2),), latent_dim=np.int64(4), hidden=[np.int32(16)], output_activation=None)
    d = build_mlp_discriminator((np.int64(2),), hidden=(np.int64(8),), dropout=np.float32(0.25))
    assert tuple(g.input.shape) == (None, 4) and tuple(g.output.shape) == (None, 2)
    assert tuple(d.output.shape) == (None, 1)
    assert [l.rate for l in d.layers if isinstance(l, keras.layers.Dropout)] == [0.25]


def test_triple_gan_authors_discriminator_layout():
    d = build_mlp_discriminator((8, 8, 1), hidden=(1000, 500, 250, 250, 250), num_classes=10, negative_slope=0,
                                label_every_layer=True, input_noise=0.3, hidden_noise=0.5)
    # one_hot(y) joins every dense layer's input: 64 pixels + 10, then each layer's units + 10
    assert [tuple(l.kernel.shape) for l in d.layers if isinstance(l, keras.layers.Dense)] == [
        (74, 1000), (1010, 500), (510, 250), (260, 250), (260, 250), (260, 1)]
    assert [l.negative_slope for l in d.layers if isinstance(l, keras.layers.LeakyReLU)] == [0.0] * 5
    assert [l.stddev for l in d.layers if isinstance(l, keras.layers.GaussianNoise)] == [0.3] + [0.5] * 5


def test_noise_acts_in_training_calls_only():
    images = np.random.default_rng(0).uniform(-1, 1, (4, 4, 4, 1)).astype("float32")
    labels = np.array([0, 1, 2, 0], "int32")
    noisy = build_mlp_discriminator((4, 4, 1), hidden=(16, 16), num_classes=3, input_noise=0.3, hidden_noise=0.5)
    np.testing.assert_array_equal(noisy([images, labels], training=False), noisy([images, labels], training=False))
    assert not np.allclose(noisy([images, labels], training=True), noisy([images, labels], training=True))
    plain = build_mlp_discriminator((4, 4, 1), hidden=(16, 16), num_classes=3, label_every_layer=True)
    np.testing.assert_allclose(plain([images, labels], training=True), plain([images, labels], training=False),
                               rtol=1e-6)


def test_label_every_layer_makes_each_layer_see_the_label():
    d = build_mlp_discriminator((4, 4, 1), hidden=(8, 8), num_classes=3, label_every_layer=True)
    # zero every weight but the output layer's label columns: the score then depends on the label alone
    for layer in d.layers:
        if isinstance(layer, keras.layers.Dense):
            kernel = np.zeros(layer.kernel.shape, "float32")
            if layer.name == "score":
                kernel[-3:, 0] = [1.0, 2.0, 3.0]
            layer.kernel.assign(kernel)
            layer.bias.assign(np.zeros(layer.bias.shape, "float32"))
    scores = d([np.zeros((3, 4, 4, 1), "float32"), np.array([0, 1, 2], "int32")]).numpy()[:, 0]
    np.testing.assert_allclose(scores, [1.0, 2.0, 3.0])


def test_bad_pair_options_are_refused():
    with pytest.raises(ValueError, match="label_every_layer=True needs num_classes"):
        build_mlp_discriminator((4, 4, 1), hidden=(8,), label_every_layer=True)
    with pytest.raises(ValueError, match="label_every_layer must be"):
        build_mlp_discriminator((4, 4, 1), hidden=(8,), num_classes=3, label_every_layer="yes")
    with pytest.raises(ValueError, match=r"negative_slope must be a finite number in \[0, 1\), got 1"):
        build_mlp_discriminator((4, 4, 1), hidden=(8,), negative_slope=1)
    with pytest.raises(ValueError, match="hidden_noise must be a finite number >= 0, got -0.5"):
        build_mlp_discriminator((4, 4, 1), hidden=(8,), hidden_noise=-0.5)

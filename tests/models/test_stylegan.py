"""StyleGAN: style mixing, truncation, w-bar, lazy R1, the EMA generator, save/load and export."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export_generator
from keras_gans.models import StyleGAN
from keras_gans.networks import style_mixing

from .checks import LATENT, SIZE, _moved, _values, check_adam, check_fit, check_keras_round_trip, check_phases, \
    tiny_dataset

STYLES = 6  # 16 px: two styles at 4, 8 and 16 px


def tiny(**kwargs):
    kwargs.setdefault("seed", 0)
    keras.utils.set_random_seed(0)
    model = StyleGAN(*StyleGAN.default_networks(SIZE, 1, latent_dim=LATENT, width=4), **kwargs)
    model.compile()
    return model


@pytest.fixture(scope="module")
def trained():
    model = tiny(r1_interval=2)  # the lazy penalty's tf.cond compiled in fit (the default path: the docstring's fit)
    check_fit(model, tiny_dataset(batches=4))
    return model


def test_defaults_are_the_papers():
    model = tiny()
    check_adam(model, 1e-3, 0.0, 0.99)
    assert (model.r1_gamma, model.r1_interval, model.style_mixing_probability, model.w_average_decay) == (
        10.0, 1, 0.9, 0.995)
    assert StyleGAN.defaults.latent_dim == 512 and model.num_styles == STYLES
    mapping = model.generator.get_layer("mapping")
    dense = [layer for layer in mapping.layers if type(layer).__name__ == "EqualizedDense"]
    assert len(dense) == 8 and all(layer.lr_multiplier == 0.01 for layer in dense)
    assert type(mapping.layers[1]).__name__ == "PixelNormalization"
    assert model.generator.get_layer("truncation").cutoff == 8
    assert model.sampling_generator is model.ema_generator


def test_fit_moves_every_weight_in_its_own_phase():
    model = tiny()
    check_phases(model, next(iter(tiny_dataset())))


def test_psi_zero_gives_the_same_image_for_any_z(trained):
    w_bar = np.asarray(trained.w_average())
    assert np.abs(w_bar).max() > 0  # tracked in training
    z = np.random.default_rng(0).standard_normal((5, LATENT)).astype("float32") * [[1], [3], [0.1], [-2], [5]]
    images = trained.generate(z, truncation_psi=0.0)
    np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-6)
    assert np.abs(trained.generate(z)[0] - trained.generate(z)[1]).max() > 1e-4  # psi = 1 keeps them apart
    # psi = 0 is the image of w-bar itself
    synthesis = trained.ema_generator.get_layer("synthesis")
    average = np.asarray(synthesis(np.broadcast_to(w_bar, (1, STYLES, LATENT)), training=False))
    np.testing.assert_allclose(images[:1], average, atol=1e-6)


def test_a_crossover_at_layer_k_takes_coarse_styles_from_w1_and_fine_from_w2():
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((2, 3, LATENT)).astype("float32")
    ws1, ws2 = np.repeat(w1[:, None], STYLES, 1), np.repeat(w2[:, None], STYLES, 1)
    crossover = np.array([2, 5, STYLES])
    ws = np.asarray(style_mixing(ws1, ws2, crossover))
    for row, k in enumerate(crossover):
        np.testing.assert_array_equal(ws[row, :k], ws1[row, :k])
        np.testing.assert_array_equal(ws[row, k:], ws2[row, k:])
    # and the synthesis's AdaIN layers see them: the style (y_s, y_b) of layer i is A_i(w1) before k, A_i(w2) after
    model = tiny()
    synthesis = model.generator.get_layer("synthesis")
    adains = [layer for layer in synthesis.layers if type(layer).__name__ == "AdaptiveInstanceNormalization"]
    assert len(adains) == STYLES
    for i, layer in enumerate(adains):
        expected = layer.styles(w1[:1] if i < 2 else w2[:1])
        for got, want in zip(layer.styles(ws[:1, i]), expected):
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_training_mixes_styles_for_nine_images_in_ten():
    model = tiny()
    ws, w1, crossover = model.mixed_styles(2000)
    ws, w1, crossover = np.asarray(ws), np.asarray(w1), np.asarray(crossover)
    mixed = crossover < STYLES
    assert 0.87 < mixed.mean() < 0.93
    assert crossover.min() == 1 and set(np.unique(crossover[mixed])) == set(range(1, STYLES))
    for row in np.flatnonzero(mixed)[:20]:
        k = crossover[row]
        np.testing.assert_array_equal(ws[row, :k], np.broadcast_to(w1[row], (k, LATENT)))
        assert np.abs(ws[row, k:] - w1[row]).max() > 1e-6  # a second latent's w
        np.testing.assert_array_equal(ws[row, k:], np.broadcast_to(ws[row, k], (STYLES - k, LATENT)))
    assert StyleGAN(model.generator, model.discriminator, style_mixing_probability=0.0).mixed_styles(4)[2].numpy(
        ).tolist() == [STYLES] * 4


def test_w_average_update_by_hand_and_the_ema_generator_shares_it():
    model = tiny()
    average = model.w_average()
    average.assign(np.full(LATENT, 2.0, "float32"))
    w = np.stack([np.zeros(LATENT), np.full(LATENT, 4.0)]).astype("float32")  # batch mean 2... and 4 for 1 image
    model.update_averages(w[1:], 1)
    # w_avg <- 0.995 * 2 + 0.005 * 4
    np.testing.assert_allclose(np.asarray(average), 2.01, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(model.w_average(model.ema_generator)), np.asarray(average))


def test_the_ema_generator_averages_with_the_half_life_in_images():
    model = tiny(ema_half_life=4.0)
    kernel = model.generator.get_layer("synthesis").get_layer("to_rgb").kernel
    ema_kernel = model.ema_generator.get_layer("synthesis").get_layer("to_rgb").kernel
    before = np.asarray(ema_kernel)
    kernel.assign(before + 1.0)
    model.update_averages(np.zeros((4, LATENT), "float32"), 4)  # 4 images = one half-life: decay 0.5
    np.testing.assert_allclose(np.asarray(ema_kernel), before + 0.5, rtol=1e-6)


def test_w_average_and_the_ema_generator_are_saved_and_restored(trained, tmp_path):
    trained.save(tmp_path / "stylegan.keras")
    loaded = keras.models.load_model(tmp_path / "stylegan.keras")
    assert type(loaded) is StyleGAN and loaded.get_config()["r1_interval"] == trained.r1_interval == 2
    np.testing.assert_array_equal(np.asarray(loaded.w_average()), np.asarray(trained.w_average()))
    for a, b in zip(trained.weights, loaded.weights):  # G, D, the EMA generator, w-bar, noise maps
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=a.path)
    z = np.random.default_rng(5).standard_normal((3, LATENT)).astype("float32")
    np.testing.assert_allclose(loaded.generate(z, truncation_psi=0.5), trained.generate(z, truncation_psi=0.5),
                               atol=1e-6)


@pytest.mark.large
def test_keras_round_trip_continues_training_exactly(trained, tmp_path):
    check_keras_round_trip(trained, tiny_dataset(batches=4), tmp_path)


def test_export_takes_psi_and_serves_the_ema_generator(trained, tmp_path):
    path = export_generator(trained, tmp_path / "stylegan")
    loaded = tf.saved_model.load(str(path))
    z = np.random.default_rng(2).standard_normal((4, LATENT)).astype("float32")
    psi = np.array([1.0, 0.7, 0.0, 0.0], "float32")
    served = loaded.serve(z=tf.constant(z), truncation_psi=tf.constant(psi))["images"].numpy()
    for i, value in enumerate(psi):
        np.testing.assert_allclose(served[i : i + 1], trained.generate(z[i : i + 1], truncation_psi=value), atol=1e-5)
    np.testing.assert_allclose(served[2], served[3], atol=1e-6)  # psi 0: the average image
    specs = loaded.signatures["serve"].structured_input_signature[1]
    assert sorted(specs) == ["truncation_psi", "z"] and specs["truncation_psi"].shape.as_list() == [None]
    # keras-gans sample passes psi to such a generator: the grid of generate(z, truncation_psi=0.5)
    import imageio.v3 as iio

    from keras_gans import cli
    from keras_gans.images import DISPLAY_TILE, image_grid, save_image

    out = tmp_path / "grid.png"
    assert cli.main(["sample", str(path), "--n", "4", "--seed", "3", "--truncation-psi", "0.5", "--out", str(out)]) == 0
    z = np.random.default_rng(3).standard_normal((4, LATENT)).astype("float32")
    save_image(tmp_path / "expected.png", image_grid(trained.generate(z, truncation_psi=0.5), min_tile=DISPLAY_TILE))
    assert np.abs(iio.imread(out).astype(int) - iio.imread(tmp_path / "expected.png").astype(int)).max() <= 1


def test_lazy_r1_every_k_updates_scaled_by_k():
    model = tiny(r1_interval=3)
    real = next(iter(tiny_dataset()))
    values = [float(model.discriminator_step(real)["r1"]) for _ in range(4)]  # d iterations 0, 1, 2, 3
    assert values[0] > 0 and values[3] > 0 and values[1] == values[2] == 0.0
    # the penalty's weight in the loss: gamma / 2 * interval
    plain = tiny(r1_interval=1, r1_gamma=0.0)
    lazy = tiny(r1_interval=3)
    d_plain = float(plain.discriminator_step(real)["d_loss"])
    out = lazy.discriminator_step(real)
    assert float(out["d_loss"]) == pytest.approx(d_plain + 0.5 * 10.0 * 3 * float(out["r1"]), rel=1e-5)


def test_generate_refuses_labels_psi_and_shapes():
    model = tiny()
    with pytest.raises(ValueError, match="truncation_psi must be a finite number, got 'x'"):
        model.generate(2, truncation_psi="x")
    with pytest.raises(ValueError, match="StyleGAN is unconditional: generate takes no labels"):
        model.generate(2, labels=[0, 1])
    with pytest.raises(ValueError, match=r"z must have shape \(N, 8\), got \(2, 3\)"):
        model.generate(np.zeros((2, 3), "float32"))
    np.testing.assert_array_equal(model.generate(3, seed=1), model.generate(3, seed=1))


def test_networks_that_do_not_fit_are_refused():
    model = tiny()
    with pytest.raises(ValueError, match="layers named mapping, truncation and synthesis"):
        StyleGAN(model.generator.get_layer("synthesis"), model.discriminator)
    with pytest.raises(ValueError, match="StyleGAN is unconditional: num_classes must be None, got 3"):
        StyleGAN(model.generator, model.discriminator, num_classes=3)
    with pytest.raises(ValueError, match="pack=2"):
        StyleGAN(model.generator, model.discriminator, pack=2)


@pytest.mark.large
def test_onnx_and_tflite_take_psi_too(tmp_path):
    pytest.importorskip("onnxruntime")
    import onnxruntime

    model = tiny()
    z = np.random.default_rng(0).standard_normal((3, LATENT)).astype("float32")
    psi = np.array([1.0, 0.5, 0.0], "float32")
    expected = np.concatenate([model.generate(z[i : i + 1], truncation_psi=float(psi[i])) for i in range(3)])
    session = onnxruntime.InferenceSession(export_generator(model, tmp_path / "g.onnx", format="onnx"))
    assert [spec.name for spec in session.get_inputs()] == ["z", "truncation_psi"]
    np.testing.assert_allclose(session.run(None, {"z": z, "truncation_psi": psi})[0], expected, atol=1e-4)
    runner = tf.lite.Interpreter(model_path=export_generator(model, tmp_path / "g.tflite", format="tflite"))
    served = runner.get_signature_runner("serve")(z=z, truncation_psi=psi)["images"]
    np.testing.assert_allclose(served, expected, atol=1e-4)

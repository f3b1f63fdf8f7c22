import os

import imageio.v3 as iio
import numpy as np
import pytest

from keras_gans.callbacks import FixedNoiseGIF


def frame_names(out_dir):
    return sorted(os.listdir(os.path.join(out_dir, "frames")))


def gif_frames(out_dir, name="training.gif"):
    return iio.imread(os.path.join(out_dir, name), index=None)


def test_frame_per_epoch_plus_start_and_gif_matches(tmp_path, make_gan, run_fit):
    model = make_gan(latent_dim=4, size=8, channels=3)
    gif = FixedNoiseGIF(tmp_path, num_images=16)
    run_fit(model, [gif], epochs=3, steps=3)

    names = frame_names(tmp_path)
    assert names == [
        "epoch_0000_step_0000000.png",
        "epoch_0001_step_0000003.png",
        "epoch_0002_step_0000006.png",
        "epoch_0003_step_0000009.png",
    ]
    png = iio.imread(tmp_path / "frames" / names[-1])
    # 4 x 4 grid of 8 px tiles shown at 48 px (DISPLAY_TILE) with 2 px borders = 202 px,
    # plus the caption strip.
    assert png.shape[1:] == (4 * 48 + 5 * 2, 3) and png.shape[0] > 202
    frames = gif_frames(tmp_path)
    assert frames.shape == (4, *png.shape)
    # Palettised to 256 colours, the GIF frame still matches the PNG closely.
    assert np.abs(frames[-1].astype(int) - png).mean() < 4
    assert iio.immeta(tmp_path / "training.gif")["loop"] == 0
    noise = np.load(tmp_path / "fixed_noise.npy")
    assert noise.shape == (16, 4) and noise.dtype == np.float32
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


def test_resumed_fit_reuses_noise_and_continues_frames(tmp_path, make_gan, run_fit):
    model = make_gan()
    first = FixedNoiseGIF(tmp_path, num_images=4, seed=0)
    run_fit(model, [first], epochs=2, steps=2)
    noise_bytes = (tmp_path / "fixed_noise.npy").read_bytes()

    # A new callback (even with another seed) in the same folder: the saved noise wins.
    second = FixedNoiseGIF(tmp_path, num_images=4, seed=99)
    run_fit(model, [second], epochs=4, steps=2, initial_epoch=2)

    assert (tmp_path / "fixed_noise.npy").read_bytes() == noise_bytes
    np.testing.assert_array_equal(second.noise, first.noise)
    assert frame_names(tmp_path) == [
        "epoch_0000_step_0000000.png",
        "epoch_0001_step_0000002.png",
        "epoch_0002_step_0000004.png",  # written by the first fit, replaced by the second's start
        "epoch_0003_step_0000006.png",
        "epoch_0004_step_0000008.png",
    ]
    assert gif_frames(tmp_path).shape[0] == 5


def test_resume_from_an_earlier_epoch_drops_the_interrupted_runs_later_frames(tmp_path, make_gan, run_fit, capsys):
    model = make_gan()
    # Frames every step; the run got to epoch 3 but its backup (BackupAndRestore) is of epoch 1.
    run_fit(model, [FixedNoiseGIF(tmp_path, num_images=4, every_n_steps=1)], epochs=3, steps=2)
    run_fit(model, [FixedNoiseGIF(tmp_path, num_images=4, every_n_steps=1)], epochs=3, steps=2, initial_epoch=1)
    assert frame_names(tmp_path) == [f"epoch_{(s + 1) // 2:04d}_step_{s:07d}.png" for s in range(7)]
    assert gif_frames(tmp_path).shape[0] == 7  # each step once
    assert "removed 4 later frame(s) of the interrupted run" in capsys.readouterr().out


def test_fit_restarting_epoch_count_continues_after_last_frame(tmp_path, make_gan, run_fit):
    model = make_gan()
    gif = FixedNoiseGIF(tmp_path, num_images=4)
    run_fit(model, [gif], epochs=2, steps=2)
    # No initial_epoch: Keras counts from 0 again; frames must not overwrite 1 and 2.
    run_fit(model, [gif], epochs=2, steps=2)
    assert frame_names(tmp_path) == [
        "epoch_0000_step_0000000.png",
        "epoch_0001_step_0000002.png",
        "epoch_0002_step_0000004.png",
        "epoch_0003_step_0000006.png",
        "epoch_0004_step_0000008.png",
    ]
    assert gif_frames(tmp_path).shape[0] == 5


def test_every_n_steps_frames_and_final_frame(tmp_path, make_gan, run_fit):
    model = make_gan(channels=1)
    gif = FixedNoiseGIF(tmp_path, every_n_steps=2, num_images=4, fps=10)
    run_fit(model, [gif], epochs=2, steps=3)
    # Steps 0 (start), 2, 4, 6 and the final step 6 is already a frame.
    assert frame_names(tmp_path) == [
        "epoch_0000_step_0000000.png",
        "epoch_0001_step_0000002.png",
        "epoch_0002_step_0000004.png",
        "epoch_0002_step_0000006.png",
    ]
    png = iio.imread(tmp_path / "frames" / "epoch_0002_step_0000006.png")
    assert png.ndim == 2 and png.shape[1] == 2 * 48 + 3 * 2  # grayscale PNG, 2 x 2 grid of 48 px tiles
    frames = gif_frames(tmp_path)
    assert frames.shape[:3] == (4, *png.shape)  # GIF decodes to RGB
    assert iio.immeta(tmp_path / "training.gif")["duration"] == 100


def test_every_n_epochs_adds_final_frame_when_stale(tmp_path, make_gan, run_fit):
    model = make_gan()
    gif = FixedNoiseGIF(tmp_path, every_n_epochs=2, num_images=4)
    run_fit(model, [gif], epochs=3, steps=1)
    assert [n[:10] for n in frame_names(tmp_path)] == ["epoch_0000", "epoch_0002", "epoch_0003"]


def test_gif_valid_before_train_end(tmp_path, make_gan):
    # Training that dies after the start frame still leaves a decodable GIF.
    model = make_gan()
    gif = FixedNoiseGIF(tmp_path, num_images=4)
    gif.set_model(model)
    gif.set_params({"epochs": 5, "steps": 2, "verbose": 0})
    gif.on_train_begin()
    gif.on_epoch_begin(0)
    assert gif_frames(tmp_path).shape[0] == 1
    assert model.generate_calls == [None]


def test_labels_passed_to_generate(tmp_path, make_gan):
    model = make_gan()
    labels = np.repeat(np.arange(2), 2)
    gif = FixedNoiseGIF(tmp_path, num_images=4, labels=labels)
    gif.set_model(model)
    gif.set_params({"epochs": 1, "steps": 1, "verbose": 0})
    gif.on_train_begin()
    gif.on_epoch_begin(0)
    np.testing.assert_array_equal(model.generate_calls[0], labels)


def test_class_names_caption_the_rows_when_each_row_holds_one_class(tmp_path, make_gan, monkeypatch):
    from keras_gans.callbacks import gif as gif_module

    labels = np.repeat(np.arange(3), 3)  # a 3 x 3 grid, one class a row
    assert gif_module._row_names(np.arange(9) % 3, ["cat", "dog", "owl"], 9) is None  # classes across rows
    assert gif_module._row_names(labels, None, 9) is None
    with pytest.raises(ValueError, match="labels must index class_names"):
        FixedNoiseGIF(tmp_path, num_images=9, labels=labels, class_names=["cat", "dog"])
    captions = []
    real_caption = gif_module.add_caption
    monkeypatch.setattr(gif_module, "add_caption", lambda grid, text: captions.append(text) or real_caption(grid, text))
    gif = FixedNoiseGIF(tmp_path, num_images=9, labels=labels, class_names=["cat", "dog", "owl"])
    gif.set_model(make_gan())
    gif.set_params({"epochs": 1, "steps": 1, "verbose": 0})
    gif.on_train_begin()
    gif.on_epoch_begin(0)
    assert captions == ["epoch 0 · rows: cat, dog, owl"]


def test_saved_noise_with_other_latent_dim_is_rejected_on_resume(tmp_path, make_gan):
    np.save(tmp_path / "fixed_noise.npy", np.zeros((4, 7), np.float32))
    gif = FixedNoiseGIF(tmp_path, num_images=4)
    gif.set_model(make_gan(latent_dim=4))
    gif.set_params({"epochs": 3, "steps": 1, "verbose": 0})
    gif.on_train_begin()
    with pytest.raises(ValueError, match=r"\(4, 7\).*latent_dim=4"):
        gif.on_epoch_begin(1)  # resuming epoch 1 needs the run's own latents


def test_a_new_run_draws_its_latents_again(tmp_path, make_gan, run_fit):
    np.save(tmp_path / "fixed_noise.npy", np.zeros((4, 7), np.float32))
    gif = FixedNoiseGIF(tmp_path, num_images=4, seed=3)
    run_fit(make_gan(latent_dim=4), [gif], epochs=1, steps=1)
    np.testing.assert_array_equal(np.load(tmp_path / "fixed_noise.npy"),
                                  np.random.default_rng(3).standard_normal((4, 4)).astype(np.float32))


def test_a_new_model_starts_a_new_gif_and_says_so_as_the_loss_plot_does(tmp_path, make_gan, run_fit, capsys):
    # Issue 18: the README's snippet run twice into one folder continued the old GIF with the
    # new model's frames ("epoch 2") while LossPlot overwrote its CSV.
    from keras_gans.callbacks import LossPlot

    def run():
        run_fit(make_gan(), [FixedNoiseGIF(tmp_path, num_images=4), LossPlot(tmp_path)], epochs=2, steps=2)

    run()
    capsys.readouterr()
    run()
    printed = capsys.readouterr().out
    assert "FixedNoiseGIF: a new run" in printed and "removed its 3 frame(s) and training.gif" in printed
    assert "LossPlot: a new run" in printed and "overwriting" in printed
    assert frame_names(tmp_path) == ["epoch_0000_step_0000000.png", "epoch_0001_step_0000002.png",
                                     "epoch_0002_step_0000004.png"]
    assert gif_frames(tmp_path).shape[0] == 3
    rows = (tmp_path / "losses.csv").read_text().strip().splitlines()
    assert [row.split(",")[:2] for row in rows[1:]] == [["1", "1"], ["2", "1"], ["3", "2"], ["4", "2"]]


@pytest.mark.parametrize("append", [True, False])
def test_append_decides_for_both_callbacks_alike(tmp_path, make_gan, run_fit, append):
    from keras_gans.callbacks import LossPlot

    for _ in range(2):
        run_fit(make_gan(), [FixedNoiseGIF(tmp_path, num_images=4, append=append), LossPlot(tmp_path, append=append)],
                epochs=1, steps=2)
    frames = len(frame_names(tmp_path))
    rows = len((tmp_path / "losses.csv").read_text().strip().splitlines()) - 1
    # Continued: the start frame, then one a epoch of each fit; 2 rows a fit. Anew: one fit's.
    assert (frames, rows) == ((3, 4) if append else (2, 2))


def test_a_trained_model_whose_step_matches_the_frames_continues_them(tmp_path, make_gan, run_fit):
    from keras_gans.callbacks import LossPlot
    from keras_gans.models import WGANGP

    model = WGANGP(*WGANGP.default_networks(8, 1, latent_dim=4, width=4), critic_steps=1, seed=0)
    model.compile()
    images = np.zeros((4, 8, 8, 1), np.float32)
    for _ in range(2):  # new callbacks each time, as a notebook cell run again would make
        model.fit(images, batch_size=2, epochs=1, verbose=0,
                  callbacks=[FixedNoiseGIF(tmp_path, num_images=4), LossPlot(tmp_path)])
    assert frame_names(tmp_path) == ["epoch_0000_step_0000000.png", "epoch_0001_step_0000002.png",
                                     "epoch_0002_step_0000004.png"]
    assert (tmp_path / "losses.csv").read_text().count("\n") == 1 + 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"every_n_epochs": 0}, "every_n_epochs must be an int >= 1, got 0"),
        ({"every_n_steps": -2}, "every_n_steps must be an int >= 1 or None, got -2"),
        ({"num_images": 0}, "num_images must be an int >= 1, got 0"),
        ({"fps": 0}, "fps must be a finite number > 0, got 0"),
        ({"fps": float("inf")}, "fps must be a finite number > 0, got inf"),
        ({"every_n_epochs": True}, "every_n_epochs must be an int >= 1, got True"),
        ({"append": "yes"}, "append must be True or False, got 'yes'"),
        ({"gif_name": "x.png"}, "gif_name must end in .gif"),
        ({"num_images": 4, "labels": [0, 1]}, r"labels must be 4 ints.*shape \(2,\)"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        FixedNoiseGIF(tmp_path, **kwargs)

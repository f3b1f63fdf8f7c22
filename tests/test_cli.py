import json
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from keras_gans import cli
from keras_gans.images import DISPLAY_TILE

TINY = ["--dataset", "digits", "--image-size", "16", "--width", "4", "--latent-dim", "8", "--epochs", "2",
        "--steps-per-epoch", "2", "--critic-steps", "2", "--batch-size", "16", "--verbose", "0"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "digits"
    assert cli.main(["train", "wgan-gp", *TINY, "--out", str(out)]) == 0
    return out


def test_train_writes_every_artifact(run_dir):
    names = {"training.gif", "frames", "losses.png", "losses.csv", "best_samples.png", "model.keras",
             "generator", "report.md", "fixed_noise.npy"}
    assert names <= set(os.listdir(run_dir))
    gif = iio.imread(run_dir / "training.gif", index=None)
    assert gif.shape[0] == 3  # untrained frame + one per epoch
    assert len(os.listdir(run_dir / "frames")) == 3
    rows = (run_dir / "losses.csv").read_text().strip().splitlines()
    assert rows[0].startswith("step,epoch,d_loss,g_loss,gp,wasserstein") and len(rows) == 1 + 4
    assert iio.imread(run_dir / "best_samples.png").ndim >= 2


def test_report_has_config_data_timing_figures_and_pictures(run_dir):
    report = (run_dir / "report.md").read_text()
    for heading in ("## Configuration", "## Data", "## Timing", "## Final figures", "## Pictures"):
        assert heading in report
    # --steps-per-epoch 2 with 2 critic steps of 16 images: 64 images an epoch
    assert "images per epoch: 64 (2 generator steps of 2 batches of 16; the data repeats)" in report
    assert "time per generator step" in report
    # Both rates, each saying what it measures: 4 steps of 2 x 16 images over the whole fit.
    assert "real images consumed at the median step:" in report
    assert "real images consumed over the whole fit: 128 in" in report
    assert "Training (fixed noise, one frame per epoch)" in report
    assert "![" in report and "(training.gif)" in report and "(losses.png)" in report
    assert "| channels | 1 |" in report and "| source |" not in report


def test_sample_from_the_savedmodel(run_dir, tmp_path):
    out = tmp_path / "grid.png"
    assert cli.main(["sample", str(run_dir / "generator"), "--n", "9", "--out", str(out)]) == 0
    grid = iio.imread(out)
    assert grid.shape[0] > 3 * 16 and grid.shape[1] > 3 * 16


def test_checkpoint_loads_and_resumes_training(run_dir):
    import keras

    model = keras.models.load_model(run_dir / "model.keras")
    assert int(model.g_optimizer.iterations) == 4 and int(model.d_optimizer.iterations) == 8


@pytest.mark.parametrize("args,message", [
    (["train", "gan-x"], "invalid choice: 'gan-x' (choose from"),
    (["train", "wgan-gp", "--epochs", "0"], "argument --epochs: expected an int >= 1, got 0"),
    (["train", "wgan-gp", "--batch-size", "-3"], "argument --batch-size: expected an int >= 1, got -3"),
    (["train", "wgan-gp", "--latent-dim", "x"], "argument --latent-dim: expected an int >= 1, got 'x'"),
    (["train", "wgan-gp", "--epochs", "2.5"], "argument --epochs: expected an int >= 1, got '2.5'"),
    (["train", "wgan-gp", "--gp-weight", "-1"], "argument --gp-weight: expected a finite number >= 0, got -1.0"),
    (["train", "wgan-gp", "--lr", "nan"], "argument --lr: expected a finite number > 0, got nan"),
    (["train", "wgan-gp", "--lr", "0"], "argument --lr: expected a finite number > 0, got 0.0"),
])
def test_bad_options_are_refused_by_name(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("variant,extra,message", [
    ("wgan-gp", ["--dataset", "mnist-typo"], "unknown dataset 'mnist-typo': expected 'digits', 'celeba', or a path"),
    ("wgan-gp", ["--image-size", "30"], "image_size must be 4 to 7 times a power of two and at least 8"),
    ("wgan", ["--gp-weight", "5"], "--gp-weight applies to wgan-gp only, not wgan"),
    ("gan", ["--param", "clip_value=0.1"], "--param 'clip_value=0.1': expected NAME=VALUE with NAME one of"),
    ("gan", ["--param", "generator_loss=hinge"], "hinge"),
    ("wgan-gp", ["--source", "x.zip"], "--source does not apply to --dataset 'digits'"),
    ("wgan-gp", ["--cache", "memory"], "--cache does not apply to --dataset 'digits'"),
    ("wgan-gp", ["--batch-size", "5000"], "fewer than one batch of batch_size=5000"),
])
def test_bad_values_give_an_error_naming_them(variant, extra, message, tmp_path, capsys):
    assert cli.main(["train", variant, *TINY, *extra, "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()  # nothing written before the inputs are checked


def test_a_conditional_variant_needs_a_dataset_with_labels(tmp_path, capsys):
    faces = tmp_path / "faces"
    faces.mkdir()
    assert cli.main(["train", "cgan", *TINY, "--dataset", str(faces), "--out", str(tmp_path / "x")]) == 2
    assert f"cgan is conditional and needs class labels; --dataset {str(faces)!r} has none" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["not images", "empty folder", "image size", "batch size"])
def test_a_failed_validation_writes_nothing_and_the_corrected_command_runs(case, tmp_path, capsys):
    # Issue 18: a failed start left run.json, and the corrected command was refused as "already
    # holds a run".
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "empty").mkdir()
    bad = {"not images": ["--dataset", str(tmp_path / "notes.txt")], "empty folder": ["--dataset", str(tmp_path / "empty")],
           "image size": ["--image-size", "30"], "batch size": ["--batch-size", "5000"]}[case]
    out = tmp_path / "run"
    assert cli.main(["train", "wgan-gp", *TINY, "--epochs", "1", "--steps-per-epoch", "1", *bad, "--out", str(out)]) == 2
    assert "error:" in capsys.readouterr().err and not out.exists()
    assert cli.main(["train", "wgan-gp", *TINY, "--epochs", "1", "--steps-per-epoch", "1", "--out", str(out)]) == 0


def test_a_folder_holding_only_a_failed_start_does_not_block_the_next_run(tmp_path, capsys):
    # What a start that died in its first epoch leaves: run.json, the noise, a frame, some rows.
    out = tmp_path / "run"
    (out / "frames").mkdir(parents=True)
    (out / "run.json").write_text('{"variant": "gan", "latent_dim": 3}')
    np.save(out / "fixed_noise.npy", np.zeros((64, 3), np.float32))
    (out / "frames" / "epoch_0000_step_0000000.png").write_bytes(b"")
    (out / "losses.csv").write_text("step,epoch,d_loss\n1,1,0.5\n")
    assert cli.main(["train", "wgan-gp", *TINY, "--epochs", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{out} holds only a start that completed no epoch; starting afresh, removing" in printed
    assert json.loads((out / "run.json").read_text())["variant"] == "wgan-gp"
    assert np.load(out / "fixed_noise.npy").shape == (64, 8)
    assert [row.split(",")[0] for row in (out / "losses.csv").read_text().splitlines()] == ["step", "1", "2"]
    # A run that completed an epoch still blocks a new one.
    assert cli.main(["train", "wgan-gp", *TINY, "--epochs", "1", "--out", str(out)]) == 2
    assert "already holds a run" in capsys.readouterr().err


def test_cli_variant_names_match_the_registry():
    from keras_gans.models import VARIANTS

    assert cli.VARIANTS == tuple(VARIANTS)


def test_the_package_exports_every_model_class():
    import keras_gans
    from keras_gans import models

    classes = {name for name in models.__all__ if isinstance(getattr(models, name), type)
               and issubclass(getattr(models, name), models.BaseGAN) and name != "BaseGAN"}
    assert set(keras_gans._MODELS) == classes
    assert {cls.__name__ for cls in models.VARIANTS.values()} <= classes


def test_another_variant_with_a_param_trains_and_reports(tmp_path):
    out = tmp_path / "gan"
    args = ["train", "gan", *TINY, "--epochs", "1", "--param", "generator_loss=minimax", "--out", str(out)]
    assert cli.main(args) == 0
    report = (out / "report.md").read_text()
    assert report.startswith("# GAN on digits")
    assert "| param | ['generator_loss=minimax'] |" in report and "| critic-steps | 2 |" in report
    assert (out / "generator" / "saved_model.pb").exists()


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cli.main(["train", "wgan-gp", *TINY, "--out", str(blocker / "run")]) == 2
    error = capsys.readouterr().err
    assert f"--out={str(blocker / 'run')!r} cannot be created" in error and "is a file, not a folder" in error


def test_sample_missing_savedmodel(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path / "nope")]) == 2
    assert "no SavedModel folder at" in capsys.readouterr().err


def test_help_explains_every_option():
    out = subprocess.run([sys.executable, "-m", "keras_gans.cli", "train", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    for option in ("--dataset", "--source", "--image-size", "--channels", "--epochs", "--batch-size",
                   "--steps-per-epoch", "--out", "--latent-dim", "--width", "--critic-steps", "--gp-weight",
                   "--lr", "--frame-every", "--seed", "--verbose"):
        assert option in out.stdout
    # Defaults that the help text describes itself are not contradicted by "(default: None)".
    text = " ".join(out.stdout.split())
    assert "(default: None)" not in text and "(default: False)" not in text and "(default: [])" not in text
    assert "(default: 0)" in text and "default: the paper's 10" in text and "default: runs/VARIANT-DATASET" in text


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["sample", "--help"], ["train", "gan-x"],
                                  ["train", "wgan-gp", "--epochs", "0"]])
def test_help_and_argument_errors_do_not_import_tensorflow(argv):
    # As the `keras-gans` console script runs it: argv[0] names the tool (a plain `import keras_gans`
    # elsewhere imports the variants, to register them with Keras for load_model).
    code = ("import sys\nsys.argv[0] = 'keras-gans'\nfrom keras_gans import cli\ntry:\n    cli.main(%r)\nexcept SystemExit:\n    pass\n"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)" % (argv,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False False", out.stderr[-2000:]


def test_commands_are_quiet_unless_verbose(tmp_path):
    # TensorFlow's start-up log (and on a CPU-only machine an "E0000 ... failed call to cuInit"
    # line) is hidden by default; `keras-gans --verbose` shows it.
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    missing = str(tmp_path / "missing.keras")
    quiet = subprocess.run([sys.executable, "-m", "keras_gans.cli", "evaluate", missing], capture_output=True,
                           text=True, timeout=300, env=env)
    assert quiet.returncode == 2 and quiet.stdout == ""
    assert quiet.stderr == f"keras-gans evaluate: error: no model file at {missing!r} (train writes model.keras)\n"
    verbose = subprocess.run([sys.executable, "-m", "keras_gans.cli", "--verbose", "evaluate", missing],
                             capture_output=True, text=True, timeout=300, env=env)
    assert verbose.returncode == 2 and len(verbose.stderr.splitlines()) > 1


@pytest.mark.parametrize("variant", cli.VARIANTS)
def test_every_variant_trains_by_name(variant, tmp_path):
    from keras_gans.models import VARIANTS

    out = tmp_path / variant
    args = ["train", variant, *TINY, "--epochs", "1", "--steps-per-epoch", "1", "--critic-steps", "1", "--out", str(out)]
    written = {"report.md", "training.gif", "losses.csv", "model.keras", "generator"}
    if VARIANTS[variant].generator_input == "images":  # translators train on the digit domains
        args[args.index("digits")] = "digits-domains"
    if VARIANTS[variant].two_domains:  # two unpaired domains; both directions exported
        written |= {"inverse_generator"}
    assert cli.main(args) == 0
    assert written <= set(os.listdir(out))
    gif = iio.imread(out / "training.gif", index=None)
    assert gif.shape[0] == 2  # before training and after the one epoch
    if VARIANTS[variant].generator_input == "images":
        # Fixed real inputs, a row each: the input, then StarGAN's translation to each of its 3 digit domains,
        # or CycleGAN's translation and round trip (4 inputs of A, then 4 of B).
        columns, rows = (4, 8) if variant == "stargan" else (3, 8)
        frame = iio.imread(sorted((out / "frames").iterdir())[-1])
        assert frame.shape[1] == columns * DISPLAY_TILE + (columns + 1) * 2
        assert frame.shape[0] > rows * DISPLAY_TILE + (rows + 1) * 2


def _translators():
    from keras_gans.models import VARIANTS

    return [name for name in cli.VARIANTS if VARIANTS[name].generator_input == "images"]


TRANSLATORS = _translators()


@pytest.mark.parametrize("variant", TRANSLATORS)
def test_translator_gif_shows_the_same_inputs_after_resume(variant, tmp_path):
    # A resumed run reshuffles its data (runs.data_seed); the GIF's fixed inputs are drawn with the run's seed.
    out = tmp_path / variant
    args = ["train", variant, *TINY, "--steps-per-epoch", "1", "--critic-steps", "1", "--out", str(out)]
    args[args.index("digits")] = "digits-domains"
    args[args.index("--epochs") + 1] = "1"
    assert cli.main(args) == 0
    args[args.index("--epochs") + 1] = "2"
    assert cli.main([*args, "--resume"]) == 0
    frames = [iio.imread(path) for path in sorted((out / "frames").iterdir())]
    assert len(frames) == 3
    rows = 8 * DISPLAY_TILE + 9 * 2  # the grid below the caption: 8 inputs (CycleGAN: 4 of A, 4 of B)
    inputs = [frame[-rows:, : DISPLAY_TILE + 4] for frame in frames]  # the first column and its borders
    np.testing.assert_array_equal(inputs[0], inputs[2])


def test_celeba_from_a_folder_with_lr_frames_and_channels(tmp_path):
    from PIL import Image

    faces = tmp_path / "img_align_celeba"
    faces.mkdir()
    rng = np.random.default_rng(0)
    for i in range(8):  # CelebA's aligned size: 178 wide, 218 high
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(faces / f"{i:06d}.jpg")
    out = tmp_path / "celeba"
    args = ["train", "wgan-gp", "--dataset", "celeba", "--source", str(faces), "--image-size", "16", "--width", "4",
            "--latent-dim", "8", "--batch-size", "4", "--critic-steps", "1", "--epochs", "2", "--frame-every", "2",
            "--lr", "0.001", "--channels", "1", "--verbose", "0", "--out", str(out)]
    assert cli.main(args) == 0
    assert sorted(os.listdir(out / "frames")) == ["epoch_0000_step_0000000.png", "epoch_0002_step_0000004.png"]
    report = (out / "report.md").read_text()
    assert f"CelebA aligned faces from {faces}, centred 140x140 face crop" in report
    assert "Adam(learning_rate=0.001, beta_1=0, beta_2=0.9)" in report
    assert "| channels | 1 |" in report and "image shape: (16, 16, 1)" in report


def test_sample_a_conditional_generator_one_class_per_row(tmp_path, capsys):
    out = tmp_path / "cgan"
    args = ["train", "cgan", *TINY, "--epochs", "1", "--steps-per-epoch", "1", "--critic-steps", "1", "--out", str(out)]
    assert cli.main(args) == 0
    description = json.loads((out / "generator" / "keras_gans_export.json").read_text())
    assert description == {"input": "z", "latent_dim": 8, "input_shape": [8], "num_classes": 10,
                           "class_names": [str(k) for k in range(10)], "image_shape": [16, 16, 1],
                           "value_range": [-1.0, 1.0]}
    assert cli.main(["sample", str(out / "generator"), "--n", "100", "--out", str(tmp_path / "grid.png")]) == 0
    assert cli.main(["sample", str(out / "generator"), "--n", "4", "--labels", "3,7", "--out", str(tmp_path / "g.png")]) == 0
    assert cli.main(["sample", str(out / "generator"), "--labels", "3,12", "--out", str(tmp_path / "x.png")]) == 2
    assert "--labels must lie in [0, 10), got [12]" in capsys.readouterr().err


def test_sample_labels_default_to_classes_in_order():
    args = cli.build_parser().parse_args(["sample", "g", "--n", "9"])
    np.testing.assert_array_equal(cli._sample_labels(args, {"num_classes": 3}), [0, 0, 0, 1, 1, 1, 2, 2, 2])
    with pytest.raises(ValueError, match="number of classes is unknown"):
        cli._sample_labels(args, None)


def test_run_json_records_labels_per_class_for_semi_supervised_variants_only():
    from keras_gans.models import variant

    for name, recorded in [("triple-gan", True), ("began", False)]:
        args = cli.build_parser().parse_args(["train", name, "--dataset", "digits", "--labels-per-class", "5"])
        options = cli._run_options(args, variant(name))
        assert ("labels_per_class" in options) == recorded and "command" not in options
        assert options.get("labels_per_class", 5) == 5


def test_sample_labels_by_the_class_names_the_export_recorded():
    description = {"num_classes": 3, "class_names": ["bird", "cat", "dog"]}
    args = cli.build_parser().parse_args(["sample", "g", "--n", "4", "--labels", "cat,dog"])
    np.testing.assert_array_equal(cli._sample_labels(args, description), [1, 2, 1, 2])
    args = cli.build_parser().parse_args(["sample", "g", "--labels", "fish"])
    with pytest.raises(ValueError, match=r"ints or class names \(bird, cat, dog\), got 'fish'"):
        cli._sample_labels(args, description)


def test_labels_for_an_unconditional_generator_are_refused(run_dir, capsys):
    assert cli.main(["sample", str(run_dir / "generator"), "--labels", "1", "--out", "x.png"]) == 2
    assert "--labels given, but the generator" in capsys.readouterr().err


def test_evaluate_digits_metrics_to_json(run_dir, tmp_path, capsys):
    out = tmp_path / "scores.json"
    args = ["evaluate", str(run_dir / "model.keras"), "--metrics", "digits", "--num-samples", "50", "--out", str(out)]
    assert cli.main(args) == 0
    scores = json.loads(out.read_text())
    assert scores["num_samples"] == 50 and scores["classifier_accuracy"] >= 0.95
    assert 0 <= scores["classes_covered"] <= 10 and scores["frechet_distance"] >= 0
    assert scores["label_accuracy"] is None  # an unconditional model
    printed = capsys.readouterr().out
    assert "frechet_distance" in printed
    # The coverage threshold is named as one, not as a count of the smallest class.
    assert "coverage threshold: 1 (min_count: a class counts as covered from this many samples)" in printed
    assert "min_count: 1" not in printed


@pytest.mark.parametrize("args,message", [
    (["--metrics", "inception"], "--metrics must name some of digits, fid, kid, got 'inception'"),
    ([], "no model file at"),
])
def test_evaluate_errors_name_the_value(args, message, tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "missing.keras"), *args]) == 2
    assert message in capsys.readouterr().err


def test_the_command_line_tool_loads_a_saved_model_in_a_fresh_process(tmp_path):
    # The tool imports the package lazily (no TensorFlow for --help); loading a .keras file must
    # still find the variants' classes, which importing keras_gans.models registers with Keras.
    fixture = os.path.join(os.path.dirname(__file__), "fixtures", "wgan_gp_5f93755.keras")
    out = subprocess.run([sys.executable, "-m", "keras_gans.cli", "export", fixture, "--out", str(tmp_path / "g")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "g" / "saved_model.pb").exists()


@pytest.mark.large
def test_stargan_on_celeba_attributes_writes_a_column_per_attribute(tmp_path):
    import tensorflow_datasets as tfds

    out = tmp_path / "stargan"
    args = ["train", "stargan", "--dataset", "celeba", "--attributes", "Blond_Hair,Male", "--image-size", "8",
            "--width", "2", "--epochs", "1", "--steps-per-epoch", "1", "--critic-steps", "1", "--batch-size", "4",
            "--verbose", "0", "--out", str(out)]
    with tfds.testing.mock_data(num_examples=8):
        assert cli.main(args) == 0
    frame = sorted(os.listdir(out / "frames"))[-1]
    # 4 fixed faces (the first batch) in rows: the input, then Blond_Hair set and Male flipped.
    assert iio.imread(out / "frames" / frame).shape[1] == 3 * 48 + 4 * 2
    assert "| attributes | Blond_Hair,Male |" in (out / "report.md").read_text()
    description = json.loads((out / "generator" / "keras_gans_export.json").read_text())
    assert description["class_names"] == ["Blond_Hair", "Male"] and description["input"] == "images"


@pytest.mark.parametrize("extra,message", [
    (["--dataset", "celeba", "--attributes", "Blond_Hair,Bold"], "unknown CelebA attribute 'Bold'; valid: 5_o_Clock"),
    (["--dataset", "digits", "--attributes", "Male"], "--attributes applies to stargan with --dataset celeba"),
    (["--dataset", "digits-domains", "--domains", "white-on-black,green"], "domain must be one of"),
])
def test_stargan_data_options_are_checked(extra, message, tmp_path, capsys):
    args = ["train", "stargan", "--image-size", "8", "--verbose", "0", *extra, "--out", str(tmp_path / "x")]
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err


def test_stackgan_trains_stage_one_then_two_resumes_into_stage_two_and_samples_by_label(tmp_path):
    import keras
    from PIL import Image

    out = tmp_path / "stackgan"
    args = ["train", "stackgan", *TINY, "--steps-per-epoch", "1", "--critic-steps", "1", "--out", str(out)]
    assert cli.main(args + ["--epochs", "2", "--stage1-epochs", "1"]) == 0
    # Stage-I's 4 px frames and Stage-II's 16 px ones are shown at one size, so the GIF keeps them all.
    frames = sorted(os.listdir(out / "frames"))
    assert len(frames) == 3 and len({Image.open(out / "frames" / name).size for name in frames}) == 1
    assert iio.imread(out / "training.gif", index=None).shape[0] == 3
    model = keras.models.load_model(out / "model.keras")
    steps = lambda m: (int(m.g_optimizer.iterations), int(m.stage2_g_optimizer.iterations))  # noqa: E731
    assert model.stage == 2 and steps(model) == (1, 1) and model.num_classes == 10
    assert "generator steps: 2 " in (out / "report.md").read_text()
    # A third epoch, resumed: Stage-II again, Stage-I as it was.
    assert cli.main(args + ["--epochs", "3", "--stage1-epochs", "1", "--resume"]) == 0
    resumed = keras.models.load_model(out / "model.keras")
    assert steps(resumed) == (1, 2)
    for before, after in zip(model.generator.weights, resumed.generator.weights):
        np.testing.assert_array_equal(np.asarray(before), np.asarray(after))
    # The export runs both stages from (z, labels), like any conditional generator's.
    description = json.loads((out / "generator" / "keras_gans_export.json").read_text())
    assert description["num_classes"] == 10 and description["image_shape"] == [16, 16, 1]
    assert cli.main(["sample", str(out / "generator"), "--n", "4", "--labels", "3,7", "--out", str(tmp_path / "g.png")]) == 0
    scores = tmp_path / "scores.json"
    assert cli.main(["evaluate", str(out / "model.keras"), "--num-samples", "20", "--out", str(scores)]) == 0
    assert json.loads(scores.read_text())["image_size"] == 16  # the final images, scored for their labels
    # The digits' class-mean images as the class embeddings (64 values).
    other = tmp_path / "class-mean"
    assert cli.main(["train", "stackgan", *TINY, "--steps-per-epoch", "1", "--critic-steps", "1", "--epochs", "1",
                     "--class-embeddings", "class-mean", "--out", str(other)]) == 0
    assert keras.models.load_model(other / "model.keras").class_embeddings.shape == (10, 64)


def test_stackgan_options_are_refused_elsewhere(tmp_path, capsys):
    for option, value in (("--stage1-epochs", "1"), ("--class-embeddings", "one-hot")):
        args = ["train", "dcgan", *TINY, option, value, "--out", str(tmp_path / "x")]
        assert cli.main(args) == 2
        assert f"{option} applies to stackgan, not dcgan" in capsys.readouterr().err
    args = ["train", "stackgan", *TINY, "--dataset", "mnist", "--class-embeddings", "class-mean", "--out",
            str(tmp_path / "y")]
    assert cli.main(args) == 2
    assert "--class-embeddings class-mean needs --dataset digits" in capsys.readouterr().err


def test_sample_a_stackgan_exported_from_embeddings_takes_an_embeddings_file(tmp_path, capsys):
    from keras_gans import export_generator
    from keras_gans.models import StackGAN

    model = StackGAN(*StackGAN.default_networks(16, 1, latent_dim=4, width=4, embedding_dim=5), seed=0)
    model.stage = 2
    path = str(export_generator(model, tmp_path / "generator"))
    rows = np.random.default_rng(0).normal(size=(2, 5)).astype("float32")
    np.save(tmp_path / "rows.npy", rows)
    grid = tmp_path / "grid.png"
    assert cli.main(["sample", path, "--n", "4", "--embeddings", str(tmp_path / "rows.npy"), "--out", str(grid)]) == 0
    assert iio.imread(grid).ndim >= 2
    assert cli.main(["sample", path, "--n", "4", "--out", str(grid)]) == 2
    assert "generates from embeddings of 5 values: pass --embeddings FILE.npy" in capsys.readouterr().err
    np.save(tmp_path / "bad.npy", rows[:, :3])
    assert cli.main(["sample", path, "--embeddings", str(tmp_path / "bad.npy"), "--out", str(grid)]) == 2
    assert "--embeddings must hold finite floats of shape (K, 5), got shape (2, 3)" in capsys.readouterr().err

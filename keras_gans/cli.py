"""`keras-gans`: train a GAN variant and sample from an exported generator.

    keras-gans train wgan-gp --dataset digits --image-size 16 --epochs 30 --out runs/digits
    keras-gans sample runs/digits/generator --n 64 --out grid.png
    keras-gans export runs/digits/model.keras --format onnx --out generator.onnx
"""

import argparse
import ast
import inspect
import os
import sys
import time

# Kept in step with keras_gans.models.VARIANTS (a test checks); listed here so that
# `--help` answers without importing TensorFlow.
VARIANTS = ("gan", "cgan", "acgan", "projection-cgan", "dcgan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan", "fgan")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def _positive_float(text):
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number > 0, got 0")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train GANs with Keras 3 / TensorFlow and sample from the exported generator.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    defaults = argparse.ArgumentDefaultsHelpFormatter

    train = commands.add_parser(
        "train",
        help="train a variant and write the GIF, loss plot, best samples, checkpoint, SavedModel and report",
        description="Train a GAN variant with model.fit and write, into --out: training.gif and frames/ "
        "(fixed-noise 8x8 grids), losses.png and losses.csv (per step), best_samples.png, model.keras, "
        "generator/ (SavedModel) and report.md.",
        formatter_class=defaults,
    )
    train.add_argument("variant", choices=VARIANTS, help="the GAN variant")
    train.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (scikit-learn's real handwritten digits, embedded, no download); 'mnist', "
        "'fashion_mnist', 'cifar10' or 'tfds:NAME[:SPLIT]' (any tensorflow-datasets image dataset, e.g. "
        "tfds:mnist:test), downloaded on first use into --data-dir; 'celeba' (tensorflow-datasets, or see "
        "--source); or a path to a folder or .zip of images (for conditional variants a folder with one "
        "subfolder per class)",
    )
    train.add_argument(
        "--data-dir",
        default=None,
        help="with a tensorflow-datasets dataset: the folder it is downloaded to and read from "
        "(default $TFDS_DATA_DIR or ~/tensorflow_datasets); point it at a copy prepared elsewhere when "
        "this machine has no network",
    )
    train.add_argument("--image-feature", default=None,
                       help="with tfds:NAME: the image feature to train on, where the dataset has several")
    train.add_argument("--label-feature", default=None,
                       help="with tfds:NAME and a conditional variant: the class label feature, where the "
                       "dataset has several")
    train.add_argument(
        "--source",
        default=None,
        help="with --dataset celeba: 'tfds' (the default), or a path to img_align_celeba.zip or its "
        "unpacked folder (use it when the tfds download fails)",
    )
    train.add_argument(
        "--cache",
        default=None,
        help="with celeba or a folder/zip: 'memory', or a file path where the first epoch stores the "
        "cropped, resized images (uint8) and later epochs read them instead of decoding JPEGs again",
    )
    train.add_argument("--image-size", type=_positive_int, default=64,
                       help="side of the square images: 4 to 7 times a power of two, >= 8 (16, 28, 32, 64, ...)")
    train.add_argument("--channels", type=int, choices=(1, 3), default=None,
                       help="1 or 3; default 1 for digits and 3 otherwise")
    train.add_argument("--epochs", type=_positive_int, default=5, help="passes over the data")
    train.add_argument("--batch-size", type=_positive_int, default=64, help="real images per critic update")
    train.add_argument("--steps-per-epoch", type=_positive_int, default=None,
                       help="generator steps per epoch (the data repeats); default: one pass over the data")
    train.add_argument("--out", default=None, help="output folder; default runs/VARIANT-DATASET")
    train.add_argument("--latent-dim", type=_positive_int, default=None,
                       help="size of the latent vector z; default: the variant's paper value")
    train.add_argument("--width", type=_positive_int, default=None,
                       help="filters of the critic's first and the generator's last hidden layer, the others "
                       "doubling (conv nets); default: the variant's")
    train.add_argument("--critic-steps", type=_positive_int, default=None,
                       help="discriminator updates per generator update; default: the variant's paper value")
    train.add_argument("--gp-weight", type=_non_negative_float, default=None,
                       help="wgan-gp only: gradient penalty weight lambda (default 10)")
    train.add_argument("--lr", type=_positive_float, default=None,
                       help="learning rate of both optimizers; default: the variant's paper optimizers as they are")
    train.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="any other argument of the variant's class, e.g. generator_loss=minimax (gan), "
                       "clip_value=0.02 (wgan); repeatable")
    train.add_argument("--frame-every", type=_positive_int, default=1, help="a GIF frame every this many epochs")
    train.add_argument("--seed", type=int, default=0, help="seed of weights, noise and data order")
    train.add_argument("--resume", action="store_true",
                       help="continue the run in --out from its last completed epoch (its backup/ folder: "
                       "networks, both optimizers, noise-generator state, epoch), keeping its frames, GIF and "
                       "loss CSV; also trains a finished run on to a larger --epochs")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                       help="Keras progress: 0 silent, 1 progress bar, 2 one line per epoch")

    sample = commands.add_parser(
        "sample",
        help="write a grid of images from an exported generator (SavedModel)",
        description="Load a generator SavedModel written by `train` (or export_generator) with TensorFlow "
        "alone and save a grid of N generated images as a PNG.",
        formatter_class=defaults,
    )
    sample.add_argument("savedmodel", help="the SavedModel folder, e.g. runs/digits/generator")
    sample.add_argument("--n", type=_positive_int, default=64, help="number of images")
    sample.add_argument("--out", default="grid.png", help="the PNG to write")
    sample.add_argument("--seed", type=int, default=0, help="seed of the latent vectors")
    sample.add_argument("--labels", default=None, metavar="K,K,...",
                        help="conditional generators: class of each image, comma-separated and repeated to --n; "
                        "default: the classes in order, evenly spread (one class per row for n = classes^2)")
    export = commands.add_parser(
        "export",
        help="export the generator of a trained model (.keras) as a SavedModel, ONNX or TensorFlow Lite file",
        description="Load a model saved by `train` (model.keras) and write its generator (z, and labels for "
        "conditional variants -> images in [-1, 1]) in one format: 'savedmodel' (a folder, TensorFlow), 'onnx' "
        "(a file for onnxruntime; needs pip install \"keras-gans[onnx]\") or 'tflite' (a file for the LiteRT / "
        "TensorFlow Lite interpreter).",
        formatter_class=defaults,
    )
    export.add_argument("model", help="the .keras file, e.g. runs/digits/model.keras")
    export.add_argument("--format", choices=("savedmodel", "onnx", "tflite"), default="savedmodel",
                        help="the export format")
    export.add_argument("--out", default=None,
                        help="the folder (savedmodel) or file to write; default: generator, generator.onnx or "
                        "generator.tflite beside MODEL")
    evaluate = commands.add_parser(
        "evaluate",
        help="score a trained model (.keras): digits classifier metrics, FID and KID",
        description="Load a model saved by `train` (model.keras) and score num-samples generated images: "
        "'digits' trains a small classifier on scikit-learn's digits (class coverage, KL to uniform, Frechet "
        "distance in its feature space next to the real floor, label accuracy for conditional models); "
        "'fid' and 'kid' compare Inception-v3 features of the samples with those of --real (ImageNet weights "
        "are downloaded into the Keras cache on first use).",
        formatter_class=defaults,
    )
    evaluate.add_argument("model", help="the .keras file, e.g. runs/digits/model.keras")
    evaluate.add_argument("--metrics", default="digits", help="comma-separated: digits, fid, kid")
    evaluate.add_argument("--real", default="digits",
                          help="real images for fid/kid: 'digits', 'celeba', or a folder or .zip of images")
    evaluate.add_argument("--source", default=None, help="with --real celeba: 'tfds' or a path (see train --help)")
    evaluate.add_argument("--num-samples", type=_positive_int, default=1000, help="generated (and real) images")
    evaluate.add_argument("--inception-weights", default="imagenet",
                          help="'imagenet', or a local InceptionV3 no-top weights file for offline machines")
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the latents and labels")
    evaluate.add_argument("--out", default=None, help="also write the figures to this JSON file")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        {"train": train, "sample": sample, "evaluate": evaluate, "export": export}[args.command](args)
    except (
        ValueError, FileNotFoundError, NotADirectoryError, PermissionError, RuntimeError, FloatingPointError
    ) as error:
        print(f"keras-gans {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


def _prepare_out_dir(path):
    from keras_gans._validation import writable_path

    writable_path("--out", path, "folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"cannot create the output folder {path!r}: {error.strerror}") from None
    if not os.access(path, os.W_OK):
        raise PermissionError(f"the output folder {path!r} is not writable")
    return path


def train(args):
    # Imports here keep `keras-gans --help` instant.
    import keras
    import numpy as np

    from keras_gans import data, export_generator
    from keras_gans.callbacks import BestSamples, FixedNoiseGIF, LossPlot, NaNGuard, StepTimer
    from keras_gans.models import variant
    from keras_gans.report import write_report

    cls = variant(args.variant)
    conditional = "num_classes" in inspect.signature(cls.__init__).parameters
    params = _class_params(args, cls)
    if conditional and args.dataset.lower() != "digits":
        raise ValueError(
            f"{args.variant} is conditional and needs class labels; of the datasets only --dataset digits "
            f"has them (got {args.dataset!r})"
        )
    out = _prepare_out_dir(args.out if args.out is not None else os.path.join("runs", f"{args.variant}-{_slug(args.dataset)}"))
    resume_epoch = _resume_epoch(out, args)
    _check_run_options(out, args, resume_epoch)
    keras.utils.set_random_seed(args.seed)
    extra = {}
    if args.dataset.lower() == "celeba":
        extra["source"] = args.source or "tfds"
    elif args.source is not None:
        raise ValueError(f"--source applies to --dataset celeba only, not {args.dataset!r}")
    if args.cache is not None:
        if args.dataset.lower() == "digits":
            raise ValueError("--cache applies to celeba and image folders; digits are already in memory")
        extra["cache"] = args.cache
    if conditional:
        extra["with_labels"] = True
    # A resumed run cannot replay the data order of the epochs it skips (the pipeline
    # restarts), so it shuffles with a seed of its own rather than repeat epoch 1's order.
    data_seed = args.seed + _DATA_SEED_STRIDE * resume_epoch
    dataset = data.load(args.dataset, image_size=args.image_size, batch_size=args.batch_size,
                        channels=args.channels, seed=data_seed, **extra)
    image_spec = dataset.element_spec[0] if conditional else dataset.element_spec
    image_shape = tuple(image_spec.shape[1:])
    channels = image_shape[-1]
    batches = int(dataset.cardinality())
    if args.steps_per_epoch:
        dataset = dataset.repeat()

    num_classes = 10 if conditional else None  # digits
    networks = cls.default_networks(args.image_size, channels, latent_dim=args.latent_dim, width=args.width,
                                    num_classes=num_classes)
    if conditional:
        params["num_classes"] = num_classes
    model = cls(*networks, seed=args.seed, **params)
    d_optimizer, g_optimizer = model.default_optimizers()
    if args.lr is not None:
        d_optimizer.learning_rate = g_optimizer.learning_rate = args.lr
    model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer)
    # A conditional model's GIF shows one class per row.
    gif_labels = np.repeat(np.arange(num_classes), num_classes) if conditional else None
    gif_images = num_classes * num_classes if conditional else 64

    checkpoint = os.path.join(out, "model.keras")
    timer = StepTimer()
    best = BestSamples(os.path.join(out, "best_samples.png"), seed=args.seed)
    callbacks = [
        timer,  # first, so its batch-end hook runs before the others' drawing
        NaNGuard(),  # before anything that records or saves a step
        FixedNoiseGIF(out, every_n_epochs=args.frame_every, seed=args.seed, num_images=gif_images,
                      labels=gif_labels),
        LossPlot(out, keys=model.metric_names),
        best,
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: _save_atomically(model, checkpoint)),
        # Last, so an epoch's backup exists only once its frames, rows and checkpoint do;
        # two copies, so a kill while writing one leaves the other. Kept after training so
        # that --resume with a larger --epochs trains a finished run on.
        keras.callbacks.BackupAndRestore(os.path.join(out, _BACKUP), double_checkpoint=True,
                                         delete_checkpoint=False),
    ]
    if args.lr is not None:
        # After BackupAndRestore: the backup holds the optimizers' learning rates, and a
        # resumed run given --lr (say, lower after a NaN) must use the new one.
        callbacks.append(keras.callbacks.LambdaCallback(on_train_begin=lambda logs: _set_learning_rate(model, args.lr)))
    started = time.perf_counter()
    history = model.fit(dataset, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                        callbacks=callbacks, verbose=args.verbose)
    wall = time.perf_counter() - started
    _save_atomically(model, checkpoint)
    export_generator(model, os.path.join(out, "generator"))

    artifacts = {
        "Training (fixed noise, one frame per GIF step)": "training.gif",
        "D and G losses per generator step": "losses.png",
        "Best samples (highest critic score of the pool)": "best_samples.png",
        "Per-step losses": "losses.csv",
        "Frames": "frames/",
        "Keras checkpoint (model + both optimizers)": "model.keras",
        "Generator SavedModel (serve: z -> images)": "generator/",
    }
    generator_steps = int(model.g_optimizer.iterations)
    report = write_report(
        os.path.join(out, "report.md"),
        title=f"{cls.__name__} on {args.dataset}",
        config=_config_table(args, model, channels),
        data={
            "source": _describe_source(args),
            "images per epoch": _images_per_epoch(args, batches, model.critic_steps),
            "image shape": image_shape,
            "generator steps": f"{generator_steps} ({model.critic_steps} critic steps each, "
            f"{generator_steps * model.critic_steps} critic updates)",
            **({"resumed": f"from the end of epoch {resume_epoch} (timing covers the epochs after it)"}
               if resume_epoch else {}),
        },
        timing={"wall_seconds": wall, "seconds_per_step": timer.seconds_per_step,
                "first_step_seconds": timer.first_step_seconds, "critic_steps": model.critic_steps,
                "batch_size": args.batch_size},
        history=history.history,
        artifacts=artifacts,
        best_scores=getattr(best, "scores", None),
    )
    print(f"Wrote {', '.join(artifacts.values())} and report.md to {out}/ "
          f"({len(timer.step_seconds) + (timer.first_step_seconds is not None)} generator steps in {wall:.0f} s"
          + (f", {generator_steps} since the run began)" if resume_epoch else ")"))
    return report


# The CLI's BackupAndRestore folder inside --out, and the files of a run that a new run
# (without --resume) would mix with or overwrite.
_BACKUP = "backup"
_RUN_FILES = ("losses.csv", "frames", "training.gif", "model.keras", "report.md", _BACKUP, "run.json")
# Only a partial first epoch's files; fixed_noise.npy is derived from --seed and kept.
_FIRST_EPOCH_FILES = ("losses.csv", "losses.png", "frames", "training.gif", "best_samples.png")
_DATA_SEED_STRIDE = 1_000_003


def _resume_epoch(out, args):
    """The completed epoch a `--resume` continues from (0: start afresh); refuses to mix runs.

    Without --resume a folder holding a run is refused rather than overwritten. With it and
    no backup (killed in the first epoch), that partial epoch's files are removed: they
    describe steps the new start redoes.
    """
    import shutil

    found = [name for name in _RUN_FILES if os.path.exists(os.path.join(out, name))]
    if not args.resume:
        if found:
            raise ValueError(
                f"{out!r} already holds a run ({', '.join(found)}): pass --resume to continue it, or "
                "choose another --out (or delete the folder) to start a new one"
            )
        return 0
    metadata = os.path.join(out, _BACKUP, "training_metadata.json")
    if not os.path.exists(metadata) and not os.path.exists(metadata + ".bkp"):
        stale = [name for name in _FIRST_EPOCH_FILES if os.path.exists(os.path.join(out, name))]
        for name in stale:
            path = os.path.join(out, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        print(f"Nothing to resume in {out} (no completed epoch backed up); starting afresh"
              + (f", removed the partial first epoch's {', '.join(stale)}" if stale else ""))
        return 0
    epoch = _backup_epoch(metadata)
    if epoch is None:
        # A kill while writing the backup: fall back to its previous copy, weights and all
        # (Keras itself falls back only when the weights file fails to open).
        epoch = _backup_epoch(metadata + ".bkp")
        if epoch is None:
            raise ValueError(f"cannot read the backup of {out!r}: {metadata} and its .bkp copy are unreadable")
        weights = os.path.join(out, _BACKUP, "latest.weights.h5")
        for path in (metadata, weights):
            shutil.copyfile(path + ".bkp", path)
        print(f"{metadata} was unreadable; using the backup's previous copy")
    if epoch >= args.epochs:
        raise ValueError(
            f"the run in {out!r} already finished {epoch} epochs and --epochs is {args.epochs}: "
            "pass a larger --epochs to train it on"
        )
    print(f"Resuming {out} after epoch {epoch} of {args.epochs}")
    return epoch


# Options that fix the networks' shapes or the data: a resumed run must keep them.
_FIXED_ON_RESUME = ("variant", "dataset", "source", "image_size", "channels", "latent_dim", "width", "param", "seed")


def _check_run_options(out, args, resume_epoch):
    """Records the run's options in run.json; a resume must keep those in _FIXED_ON_RESUME.

    Others (--epochs, --lr, --batch-size, --critic-steps, ...) may change, and are reported.
    """
    import json

    from keras_gans.images import atomic_write

    path = os.path.join(out, "run.json")
    options = {key: value for key, value in vars(args).items() if key not in ("command", "resume")}
    if resume_epoch and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            earlier = json.load(f)
        changed = {key: (earlier.get(key), value) for key, value in options.items() if earlier.get(key) != value}
        fixed = {key: pair for key, pair in changed.items() if key in _FIXED_ON_RESUME}
        if fixed:
            raise ValueError(
                f"--resume must keep the options of the run in {out!r}; changed: "
                + ", ".join(f"--{key.replace('_', '-')} {old!r} -> {new!r}" for key, (old, new) in fixed.items())
            )
        if changed:
            print("Changed for the resumed epochs: " + ", ".join(
                f"--{key.replace('_', '-')} {old!r} -> {new!r}" for key, (old, new) in changed.items()))
    with atomic_write(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(options, f, indent=2)


def _set_learning_rate(model, learning_rate):
    for optimizer in (model.d_optimizer, model.g_optimizer):
        optimizer.learning_rate = learning_rate


def _backup_epoch(path):
    """The epoch in a BackupAndRestore metadata file, or None if it is missing or unreadable."""
    import json

    try:
        with open(path, encoding="utf-8") as f:
            return int(json.load(f)["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_atomically(model, path):
    """`model.save(path)` through a temporary name, so a kill mid-write keeps the previous file."""
    from keras_gans.images import atomic_write

    with atomic_write(path) as tmp:
        model.save(tmp)


def sample(args):
    import numpy as np
    import tensorflow as tf

    from keras_gans.export import read_description
    from keras_gans.images import DISPLAY_TILE, image_grid, save_image

    from keras_gans._validation import writable_path

    writable_path("--out", args.out, "file")
    if not os.path.isdir(args.savedmodel):
        raise FileNotFoundError(f"no SavedModel folder at {args.savedmodel!r}")
    loaded = tf.saved_model.load(args.savedmodel)
    if not hasattr(loaded, "serve"):
        raise ValueError(f"{args.savedmodel!r} has no `serve` function: export it with keras_gans.export_generator")
    inputs = loaded.signatures["serve"].structured_input_signature[1]
    latent_dim = inputs["z"].shape[-1]
    z = np.random.default_rng(args.seed).standard_normal((args.n, latent_dim)).astype("float32")
    if "labels" in inputs:
        labels = _sample_labels(args, read_description(args.savedmodel))
        images = loaded.serve(tf.constant(z), tf.constant(labels))["images"].numpy()
    else:
        if args.labels is not None:
            raise ValueError(f"--labels given, but the generator at {args.savedmodel!r} is unconditional")
        images = loaded.serve(tf.constant(z))["images"].numpy()
    save_image(args.out, image_grid(images, min_tile=DISPLAY_TILE))
    print(f"Wrote {args.n} images to {args.out}")
    return args.out


def export(args):
    import keras

    from keras_gans._validation import writable_path
    from keras_gans.export import FORMATS, export_generator

    suffix = "" if FORMATS[args.format] == "folder" else f".{args.format}"
    out = args.out if args.out is not None else os.path.join(os.path.dirname(args.model), "generator" + suffix)
    writable_path("--out", out, FORMATS[args.format])  # before the slow load
    if not os.path.isfile(args.model):
        raise FileNotFoundError(f"no model file at {args.model!r} (train writes model.keras)")
    model = keras.models.load_model(args.model)
    try:
        export_generator(model, out, format=args.format)
    except ImportError as error:  # an optional exporter missing: say which, as an error line
        raise RuntimeError(str(error)) from None
    print(f"Wrote the generator of {args.model} as {args.format} to {out}")
    return out


def _images_per_epoch(args, batches, critic_steps):
    step = critic_steps * args.batch_size  # real images one generator step consumes
    if args.steps_per_epoch:
        return (f"{args.steps_per_epoch * step} ({args.steps_per_epoch} generator steps of {critic_steps} "
                f"batches of {args.batch_size}; the data repeats)")
    steps = batches // critic_steps
    return (f"{steps * step} of the {batches * args.batch_size} in {batches} full batches of {args.batch_size} "
            f"({steps} generator steps of {critic_steps} batches; the rest waits for the next epoch's shuffle)")


def _config_table(args, model, channels):
    config = {key.replace("_", "-"): value for key, value in vars(args).items() if key != "command"}
    config["channels"] = channels
    # The values the run used, where the command line left the variant's defaults.
    config["latent-dim"] = model.latent_dim
    config["critic-steps"] = model.critic_steps
    config["optimizers"] = f"D {_describe_optimizer(model.d_optimizer)}; G {_describe_optimizer(model.g_optimizer)}"
    del config["lr"]
    if config["width"] is None:
        config["width"] = "the variant's default"
    if hasattr(model, "gradient_penalty_weight"):
        config["gp-weight"] = model.gradient_penalty_weight
    else:
        del config["gp-weight"]
    if args.dataset.lower() != "celeba":
        del config["source"]
    if not args.param:
        del config["param"]
    return config


def _describe_optimizer(optimizer):
    settings = [f"learning_rate={float(optimizer.learning_rate):g}"]
    for name in ("beta_1", "beta_2", "rho", "momentum"):
        value = getattr(optimizer, name, None)
        if isinstance(value, (int, float)):
            settings.append(f"{name}={value:g}")
    return f"{type(optimizer).__name__}({', '.join(settings)})"


def _class_params(args, cls):
    """Constructor arguments from --critic-steps, --gp-weight and --param NAME=VALUE."""
    accepted = [
        name for name, p in inspect.signature(cls.__init__).parameters.items()
        if name not in ("self", "generator", "discriminator", "seed", "num_classes", "latent_dim")
        and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    params = {}
    for item in args.param:
        name, sep, text = item.partition("=")
        if not sep or name not in accepted:
            raise ValueError(
                f"--param {item!r}: expected NAME=VALUE with NAME one of {', '.join(accepted)} ({args.variant})"
            )
        try:
            params[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[name] = text  # a bare word such as minimax
    if args.critic_steps is not None:
        params["critic_steps"] = args.critic_steps
    if args.gp_weight is not None:
        if "gradient_penalty_weight" not in accepted:
            raise ValueError(f"--gp-weight applies to wgan-gp only, not {args.variant}")
        params["gradient_penalty_weight"] = args.gp_weight
    return params


def _sample_labels(args, description):
    import numpy as np

    num_classes = (description or {}).get("num_classes")
    if args.labels is not None:
        try:
            chosen = [int(text) for text in args.labels.split(",")]
        except ValueError:
            raise ValueError(f"--labels must be comma-separated ints, got {args.labels!r}") from None
        bad = [k for k in chosen if k < 0 or (num_classes is not None and k >= num_classes)]
        if bad:
            raise ValueError(f"--labels must lie in [0, {num_classes}), got {bad}")
        return np.resize(np.array(chosen, "int32"), args.n)
    if num_classes is None:
        raise ValueError(
            f"the generator at {args.savedmodel!r} is conditional and its number of classes is unknown "
            "(no keras_gans_export.json): pass --labels"
        )
    return (np.arange(args.n) * num_classes // args.n).astype("int32")


EVALUATION_METRICS = ("digits", "fid", "kid")


def evaluate(args):
    import json

    import keras
    import numpy as np

    from keras_gans import data, metrics

    wanted = [name.strip() for name in args.metrics.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in EVALUATION_METRICS]
    if unknown or not wanted:
        raise ValueError(f"--metrics must name some of {', '.join(EVALUATION_METRICS)}, got {args.metrics!r}")
    if args.out is not None:
        from keras_gans._validation import writable_path

        writable_path("--out", args.out, "file")
    if not os.path.isfile(args.model):
        raise FileNotFoundError(f"no model file at {args.model!r} (train writes model.keras)")
    model = keras.models.load_model(args.model)
    results = {"model": args.model, "num_samples": args.num_samples}
    if "digits" in wanted:
        results.update(metrics.evaluate_digits(model, num_samples=args.num_samples, seed=args.seed))
    if "fid" in wanted or "kid" in wanted:
        image_shape = model.generator.outputs[0].shape[1:]
        extra = {"source": args.source or "tfds"} if args.real.lower() == "celeba" else {}
        real = data.load(args.real, image_size=image_shape[0], batch_size=50, channels=image_shape[-1],
                         seed=args.seed, **extra)
        extractor = metrics.inception_features(weights=args.inception_weights)
        # Features once per side, shared by FID and KID: Inception is the expensive part.
        real_features = metrics.extract_features(real, extractor, num_samples=args.num_samples, seed=args.seed)
        fake_features = metrics.extract_features(model, extractor, num_samples=args.num_samples, seed=args.seed)
        if "fid" in wanted:
            stats = [metrics.FeatureStatistics().update(f) for f in (real_features, fake_features)]
            results["fid"] = metrics.frechet_distance(stats[0].mean, stats[0].covariance,
                                                      stats[1].mean, stats[1].covariance)
        if "kid" in wanted:
            size = min(len(real_features), len(fake_features), 1000)
            results["kid"], results["kid_std"] = metrics.kid_from_features(
                real_features, fake_features, subset_size=size, seed=args.seed)
    for key, value in results.items():
        if isinstance(value, (float, np.floating)):
            print(f"{key:>22}: {value:.4f}")
        elif not isinstance(value, (list, dict, np.ndarray)):
            print(f"{key:>22}: {value}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2, default=lambda v: v.tolist() if hasattr(v, "tolist") else float(v))
    return results


def _describe_source(args):
    if args.dataset.lower() == "digits":
        return "scikit-learn's handwritten digits (1,797 real 8x8 scans, upsampled), embedded"
    if args.dataset.lower() == "celeba":
        return f"CelebA aligned faces from {args.source or 'tfds'}, centred 140x140 face crop"
    return f"images under {os.path.abspath(args.dataset)} (largest centred square crop)"


def _slug(text):
    return "".join(c if c.isalnum() else "-" for c in os.path.basename(os.path.normpath(text)).lower()) or "data"


if __name__ == "__main__":
    sys.exit(main())

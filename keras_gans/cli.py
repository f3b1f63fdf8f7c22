"""`keras-gans`: train a GAN variant and sample from an exported generator.

    keras-gans train wgan-gp --dataset digits --image-size 16 --epochs 30 --out runs/digits
    keras-gans sample runs/digits/generator --n 64 --out grid.png
    keras-gans export runs/digits/model.keras --format onnx --out generator.onnx
    keras-gans translate runs/stargan/model.keras --input photos/ --out translated/ --to black-on-white
"""

import argparse
import ast
import os
import sys
import time

from keras_gans import _validation as validation

# Kept in step with keras_gans.models.VARIANTS (a test checks); listed here so that
# `--help` answers without importing TensorFlow.
VARIANTS = (
    "gan", "cgan", "acgan", "projection-cgan", "dcgan", "improved-dcgan", "wgan", "wgan-gp", "sngan", "lsgan", "ragan",
    "fgan", "sagan", "biggan", "ebgan", "began", "triple-gan", "dragan", "lapgan", "stackgan", "stylegan", "cyclegan",
    "stargan",
)


def _argument_type(parse, check, **options):
    """An argparse `type`: `parse` the text, then `check` it with keras_gans._validation."""

    def convert(text):
        try:
            return check("value", parse(text), **options)
        except ValueError as error:
            # argparse names the option itself ("argument --epochs: ...").
            raise argparse.ArgumentTypeError(str(error).replace("value must be", "expected", 1)) from None

    return convert


def _int(text):
    try:
        return int(text)
    except ValueError:
        return text  # refused by the check, which names it


def _float(text):
    try:
        return float(text)
    except ValueError:
        return text


_positive_int = _argument_type(_int, validation.positive_int)
_non_negative_int = _argument_type(_int, validation.non_negative_int)
_non_negative_number = _argument_type(_float, validation.number, low=0)
_positive_number = _argument_type(_float, validation.number, low=0, low_open=True)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: X)" only where X says something: a None, False or [] default is
    described by the option's own help ("default: the variant's paper value")."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or action.default == []:
            return action.help
        return super()._get_help_string(action)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train GANs with Keras 3 / TensorFlow and sample from the exported generator.",
    )
    parser.add_argument("--verbose", action="store_true", dest="tensorflow_log",
                        help="show TensorFlow's own log (C++ start-up and device messages such as a failed "
                        "cuInit on a CPU-only machine, absl and deprecation warnings), hidden by default; "
                        "give it before the command: keras-gans --verbose train ...")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    defaults = _HelpFormatter

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
        "subfolder per class). cyclegan: 'digits-domains' (two colourings of the digits, embedded), "
        "'tfds:cycle_gan/NAME' (e.g. tfds:cycle_gan/horse2zebra) or a folder or .zip with trainA/ and trainB/",
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
        help="with --dataset celeba: 'tfds', or a path to img_align_celeba.zip or its unpacked folder "
        "(use it when the tfds download fails); default: tfds",
    )
    train.add_argument(
        "--attributes", default=None, metavar="NAME,NAME,...",
        help="stargan with --dataset celeba: the CelebA attributes to translate, e.g. "
        "Black_Hair,Blond_Hair,Brown_Hair,Male,Young (the paper's five); labels are then 0/1 attribute vectors",
    )
    train.add_argument(
        "--domains", default=None, metavar="NAME,NAME,...",
        help="stargan with --dataset digits-domains: the digit domains, two or more of white-on-black, "
        "black-on-white, red-on-black, blue-on-white, yellow-on-blue; default: the first three",
    )
    train.add_argument(
        "--cache",
        default=None,
        help="with celeba, a tensorflow-datasets dataset or a folder/zip: 'memory', or a file path where the "
        "first epoch stores the cropped, resized images (uint8) and later epochs read them instead of "
        "decoding JPEGs again; default: decode every epoch",
    )
    train.add_argument("--image-size", type=_positive_int, default=64,
                       help="side of the square images: 4 to 7 times a power of two, >= 8 (16, 28, 32, 64, ...)")
    train.add_argument("--channels", type=int, choices=(1, 3), default=None,
                       help="1 or 3; default: the dataset's own (1 for digits, 3 for celeba and image folders)")
    train.add_argument("--epochs", type=_positive_int, default=5, help="passes over the data")
    train.add_argument("--batch-size", type=_positive_int, default=64, help="real images per critic update")
    train.add_argument("--steps-per-epoch", type=_positive_int, default=None,
                       help="generator steps per epoch (the data repeats); default: one pass over the data")
    train.add_argument("--out", default=None, help="output folder; default: runs/VARIANT-DATASET")
    train.add_argument("--latent-dim", type=_positive_int, default=None,
                       help="size of the latent vector z; default: the variant's paper value")
    train.add_argument("--width", type=_positive_int, default=None,
                       help="filters of the critic's first and the generator's last hidden layer, the others "
                       "doubling (conv nets); default: the variant's")
    train.add_argument("--critic-steps", type=_positive_int, default=None,
                       help="discriminator updates per generator update; default: the variant's paper value")
    train.add_argument("--gp-weight", type=_non_negative_number, default=None,
                       help="wgan-gp only: gradient penalty weight lambda; default: the paper's 10")
    train.add_argument("--class-embeddings", choices=("one-hot", "class-mean"), default=None,
                       help="stackgan only: the embedding its labels are mapped to, each class's one-hot row "
                       "(default) or, with --dataset digits, the class's mean 8x8 digit (64 values)")
    train.add_argument("--stage1-epochs", type=_non_negative_int, default=None,
                       help="stackgan only: the first N epochs train Stage-I (a quarter of --image-size), the "
                       "others Stage-II with Stage-I frozen; the exported generator runs both stages when any "
                       "epoch trained Stage-II (default: half of --epochs, rounded up; give it again with "
                       "--resume and a larger --epochs to keep the run's boundary)")
    train.add_argument("--labels-per-class", type=_positive_int, default=10,
                       help="semi-supervised variants (triple-gan), --dataset digits only: labelled images per "
                       "class; the other digits are unlabelled, but for 450 held out for scoring")
    train.add_argument("--lr", type=_positive_number, default=None,
                       help="learning rate of both optimizers; default: the variant's paper optimizers as they are")
    train.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="any other argument of the variant's class, e.g. generator_loss=minimax (gan), "
                       "clip_value=0.02 (wgan); repeatable")
    train.add_argument("--frame-every", type=_positive_int, default=1, help="a GIF frame every this many epochs")
    train.add_argument("--tensorboard", action="store_true",
                       help="also write TensorBoard summaries into OUT/tensorboard/: every metric per generator "
                       "step, the fixed-noise grid each epoch, the run's options (tensorboard --logdir OUT/tensorboard)")
    train.add_argument("--seed", type=int, default=0, help="seed of weights, noise and data order")
    train.add_argument("--resume", action="store_true",
                       help="continue the run in --out from its last completed epoch (its backup/ folder: "
                       "networks, both optimizers, noise-generator state, epoch), keeping its frames, GIF and "
                       "loss CSV; also trains a finished run on to a larger --epochs")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                       help="Keras progress: 0 silent, 1 progress bar, 2 one line per epoch (TensorFlow's "
                       "own log: keras-gans --verbose train ...)")

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
                        help="conditional generators: class of each image (an index, or a name the model was "
                        "trained with), comma-separated and repeated to --n; "
                        "default: the classes in order, evenly spread (one class per row for n = classes^2)")
    sample.add_argument("--embeddings", default=None, metavar="FILE.npy",
                        help="generators exported from embeddings (a StackGAN fit on (images, embeddings)): a .npy "
                        "file of (K, E) float embeddings, one per image, repeated to --n")
    sample.add_argument("--truncation-psi", type=_non_negative_number, default=1.0,
                        help="StyleGAN generators: psi of the truncation trick w' = w_avg + psi (w - w_avg); "
                        "1 is none, 0.7 the StyleGAN authors' choice for pictures")
    sample.add_argument("--truncation", type=_positive_number, default=None, metavar="T",
                        help="generators exported with a truncation input (BigGAN): redraw every latent value above "
                        "T in magnitude; default: no truncation")
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
    translate = commands.add_parser(
        "translate",
        help="translate images with a trained image-to-image model (.keras or exported SavedModel)",
        description="Translate an image, or every image of a folder, with a trained StarGAN or CycleGAN: "
        "MODEL is the model.keras that train writes or an exported generator SavedModel folder. Each input is "
        "cropped to its centred square and resized to the model's image size; each translation is written to "
        "--out as NAME_to_TARGET.png.",
        formatter_class=defaults,
    )
    translate.add_argument("model", help="model.keras, or a SavedModel folder such as runs/x/generator")
    translate.add_argument("--input", required=True, help="an image file or a folder of images")
    translate.add_argument("--out", required=True, help="the folder to write the translations into")
    translate.add_argument("--to", default=None, metavar="DOMAIN",
                           help="StarGAN: the target domain, a name or index (with attribute labels: the attributes "
                           "to set, comma-separated, the others cleared); CycleGAN's model.keras: a_to_b or b_to_a. "
                           "Default: every domain, one image each (CycleGAN: a_to_b)")
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
    evaluate.add_argument("--source", default=None,
                          help="with --real celeba: 'tfds' or a path (see train --help); default: tfds")
    evaluate.add_argument("--num-samples", type=_positive_int, default=1000, help="generated (and real) images")
    evaluate.add_argument("--inception-weights", default="imagenet",
                          help="'imagenet', or a local InceptionV3 no-top weights file for offline machines")
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the latents and labels")
    evaluate.add_argument("--out", default=None, help="also write the figures to this JSON file; default: print only")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if not args.tensorflow_log:
        _quiet_tensorflow()
    try:
        {"train": train, "sample": sample, "evaluate": evaluate, "export": export, "translate": translate}[
            args.command](args)
    except (
        ValueError, FileNotFoundError, NotADirectoryError, PermissionError, RuntimeError, FloatingPointError
    ) as error:
        print(f"keras-gans {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


def _quiet_tensorflow():
    """Imports TensorFlow and Keras without their start-up log, and keeps their later INFO and
    WARNING lines (and C++ errors such as a failed cuInit on a CPU-only machine) hidden.

    TF_CPP_MIN_LOG_LEVEL (kept if the user set it) silences the C++ log, but the lines logged
    before absl's log is initialised ignore it, so the import runs with the stderr file
    descriptor sent to a temporary file, shown only if the import fails.
    """
    import logging
    import tempfile

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as log:
            os.dup2(log.fileno(), 2)
            try:
                import keras  # noqa: F401  (imports TensorFlow, its backend)
            except BaseException:
                os.dup2(saved, 2)
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace"))
                raise
            finally:
                os.dup2(saved, 2)
                os.close(saved)
    for name in ("tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)


def train(args):
    # Imports here keep `keras-gans --help` instant.
    import keras

    from keras_gans import data, export_classifier, export_generator, runs
    from keras_gans.callbacks import StepTimer
    from keras_gans.models import variant

    cls = variant(args.variant)
    if cls.two_domains:  # CycleGAN: unpaired (x_a, x_b) batches of two domains
        return _train_two_domains(args, cls)
    _check_domain_options(args)
    _check_stage_options(args, cls)
    info = _dataset_info(data, args)
    if cls.conditional and info.num_classes is None:
        raise ValueError(f"{args.variant} is conditional and needs class labels; --dataset {args.dataset!r} has "
                         f"none ({info.description})")
    if cls.semi_supervised and str(args.dataset).lower() != "digits":
        raise ValueError(f"{args.variant} is semi-supervised and trains on --dataset digits (its labelled, unlabelled "
                         f"and held-out splits), not {args.dataset!r}")
    out = validation.writable_path("--out", _default_out(args) if args.out is None else args.out, "folder")
    options = _run_options(args, cls)
    plan = runs.plan_run(out, options, resume=args.resume, epochs=args.epochs)
    keras.utils.set_random_seed(args.seed)
    dataset = _training_data(data, args, cls, info, runs.data_seed(args.seed, plan.epoch))
    # Asked again after loading: a tfds dataset's class names come with its prepared files.
    info = _dataset_info(data, args)
    table = _class_embeddings(args, cls)
    networks = cls.default_networks(args.image_size, args.channels or info.channels, latent_dim=args.latent_dim,
                                    width=args.width, num_classes=info.num_classes if cls.conditional else None,
                                    **({"multi_label": True} if info.multi_label else {}),
                                    **({"embedding_dim": table.shape[1]} if table is not None else {}))
    model = cls(*networks, seed=args.seed, **_class_params(args, cls, info),
                **({"class_embeddings": table} if table is not None else {}))
    model.compile()  # the paper's optimizers for every player; --lr is set by a callback (see _callbacks)
    timer = StepTimer()
    # A translator's GIF shows real images drawn with the run's own seed: the same after a resume,
    # whose data is reshuffled (runs.data_seed).
    fixed = dataset if plan.epoch == 0 or model.generator_input == "latent" else \
        _training_data(data, args, cls, info, args.seed)
    callbacks, best = _callbacks(args, model, out, info, timer, fixed)
    # Every input has passed its checks: only now is anything written into --out.
    runs.start_run(out, plan, options)
    started = time.perf_counter()
    history = model.fit(dataset.repeat() if args.steps_per_epoch else dataset, epochs=args.epochs,
                        steps_per_epoch=args.steps_per_epoch, callbacks=callbacks, verbose=args.verbose)
    wall = time.perf_counter() - started
    runs.save_atomically(model, os.path.join(out, "model.keras"))
    export_generator(model, os.path.join(out, "generator"))
    if hasattr(model, "classifier"):
        export_classifier(model, os.path.join(out, "classifier"))
    return _write_report(args, out, model, info, plan.epoch, dataset, history, timer, best, wall)


def _training_data(data, args, cls, info, seed):
    """The batches `train` fits on, shuffled by `seed`."""
    if args.dataset.lower() == "digits-domains":  # StarGAN: (images, domain) batches of all domains mixed
        return data.digit_domains(_digit_domain_names(args), image_size=args.image_size, batch_size=args.batch_size,
                                  channels=args.channels, seed=seed, domain_labels=True)
    return _load(data, args.dataset, args, seed=seed, image_size=args.image_size, batch_size=args.batch_size,
                 channels=args.channels, **({"with_labels": True} if cls.conditional and not info.multi_label else {}),
                 **({"labels_per_class": args.labels_per_class} if cls.semi_supervised else {}))


def _train_two_domains(args, cls):
    """`train` for a variant of two unpaired domains: `data.load_domains`, no latent-drawing callbacks.

    --dataset is "digits-domains", "tfds:cycle_gan/NAME" or a folder or .zip with trainA/ and
    trainB/. The generator (A -> B) and its inverse (B -> A) are exported as image -> image
    SavedModels.
    """
    import keras

    from keras_gans import data, export_generator, runs
    from keras_gans.callbacks import FixedNoiseGIF, LossPlot, NaNGuard, StepTimer

    channels = args.channels or data.domains.domains_channels(args.dataset)
    info = data.DatasetInfo(args.dataset, channels, None, None, f"two unpaired domains from {args.dataset}")
    out = validation.writable_path("--out", _default_out(args) if args.out is None else args.out, "folder")
    options = _run_options(args, cls)
    plan = runs.plan_run(out, options, resume=args.resume, epochs=args.epochs)
    keras.utils.set_random_seed(args.seed)
    given = {k: v for k, v in _dataset_options(args).items() if k in ("cache", "data_dir")}
    dataset = data.load_domains(args.dataset, image_size=args.image_size, batch_size=args.batch_size,
                                channels=channels, seed=runs.data_seed(args.seed, plan.epoch), **given)
    model = cls(*cls.default_networks(args.image_size, channels, width=args.width), seed=args.seed,
                **_class_params(args, cls, info))
    model.compile()
    timer = StepTimer()
    checkpoint = os.path.join(out, "model.keras")
    # The GIF: fixed real images of A then of B, each with its translation and round trip; drawn
    # with the run's own seed, so that a resumed run (reshuffled by data_seed) shows the same ones.
    fixed = dataset if plan.epoch == 0 else data.load_domains(
        args.dataset, image_size=args.image_size, batch_size=args.batch_size, channels=channels, seed=args.seed, **given)
    inputs, domains = _fixed_domain_inputs(fixed)
    gif = FixedNoiseGIF(out, every_n_epochs=args.frame_every, inputs=inputs, input_labels=domains)
    callbacks = [timer, NaNGuard(), gif, LossPlot(out, keys=model.metric_names),
                 keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: runs.save_atomically(model, checkpoint)),
                 keras.callbacks.BackupAndRestore(os.path.join(out, runs.BACKUP), double_checkpoint=True,
                                                  delete_checkpoint=False)]
    if args.lr is not None:
        callbacks.append(keras.callbacks.LambdaCallback(on_train_begin=lambda logs: runs.set_learning_rate(model, args.lr)))
    runs.start_run(out, plan, options)
    started = time.perf_counter()
    history = model.fit(dataset.repeat() if args.steps_per_epoch else dataset, epochs=args.epochs,
                        steps_per_epoch=args.steps_per_epoch, callbacks=callbacks, verbose=args.verbose)
    wall = time.perf_counter() - started
    runs.save_atomically(model, checkpoint)
    export_generator(model, os.path.join(out, "generator"))
    export_generator(model.inverse(), os.path.join(out, "inverse_generator"))
    return _write_report(args, out, model, info, plan.epoch, dataset, history, timer, None, wall)


# StarGAN's digit domains unless --domains says otherwise: three, so that each image has two targets.
STARGAN_DIGIT_DOMAINS = ("white-on-black", "black-on-white", "red-on-black")


def _check_stage_options(args, cls):
    """Refuses StackGAN's options for other variants; resolves --stage1-epochs' default (half, rounded up)."""
    staged = "stage" in cls.option_names()
    for name in ("class_embeddings", "stage1_epochs"):
        if getattr(args, name) is not None and not staged:
            raise ValueError(f"--{name.replace('_', '-')} applies to stackgan, not {args.variant}")
    if staged and args.stage1_epochs is None:
        args.stage1_epochs = -(-args.epochs // 2)
    if args.class_embeddings == "class-mean" and args.dataset.lower() != "digits":
        raise ValueError(f"--class-embeddings class-mean needs --dataset digits (its class-mean digits), not "
                         f"{args.dataset!r}")


def _class_embeddings(args, cls):
    """StackGAN's (K, E) table of class embeddings for --class-embeddings; None: the variant's default (one-hot)."""
    if args.class_embeddings != "class-mean":
        return None
    from keras_gans.data import digit_class_embeddings

    return digit_class_embeddings("class_mean")


def _run_options(args, cls):
    """The command line's options as run.json records them and `--resume` compares them."""
    options = {key: value for key, value in vars(args).items() if key not in ("command", "resume", "tensorflow_log")}
    if not cls.semi_supervised:
        # Unused by the variant: a resume is not refused for changing it (runs.FIXED_ON_RESUME).
        del options["labels_per_class"]
    return options


def _check_domain_options(args):
    """Refuses --attributes and --domains where they do not apply, naming them."""
    if args.attributes is not None and (args.variant != "stargan" or args.dataset.lower() != "celeba"):
        raise ValueError(f"--attributes applies to stargan with --dataset celeba, not {args.variant} on {args.dataset!r}")
    if args.domains is not None and (args.variant != "stargan" or args.dataset.lower() != "digits-domains"):
        raise ValueError(f"--domains applies to stargan with --dataset digits-domains, not {args.variant} on "
                         f"{args.dataset!r}")
    if args.variant == "stargan" and args.dataset.lower() == "celeba" and args.attributes is None:
        args.attributes = ",".join(_stargan_attributes())


def _stargan_attributes():
    from keras_gans.data import STARGAN_ATTRIBUTES

    return STARGAN_ATTRIBUTES


def _digit_domain_names(args):
    names = STARGAN_DIGIT_DOMAINS if args.domains is None else args.domains.split(",")
    return tuple(name.strip() for name in names if name.strip())


def _dataset_info(data, args):
    """`data.dataset_info`, and the digit domains (labelled by domain) that StarGAN trains on."""
    if args.dataset.lower() != "digits-domains":
        return data.dataset_info(args.dataset, **_dataset_options(args))
    names = _digit_domain_names(args)
    channels = data.domains.digit_domains_channels(names)
    return data.DatasetInfo(args.dataset, channels, len(names), names,
                            f"scikit-learn's digits in {len(names)} colourings, each image in one domain, embedded")


def _default_out(args):
    name = "".join(c if c.isalnum() else "-" for c in os.path.basename(os.path.normpath(args.dataset)).lower())
    return os.path.join("runs", f"{args.variant}-{name or 'data'}")


def _dataset_options(args):
    """The dataset options given on the command line, as `data.load` keywords."""
    names = ("source", "cache", "data_dir", "image_feature", "label_feature", "attributes")
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _load(data, name, args, option="--dataset", **kwargs):
    """`data.load(name, ...)` with the dataset options given; names the option a dataset does not take."""
    given = _dataset_options(args)
    try:
        return data.load(name, **kwargs, **given)
    except (TypeError, ValueError) as error:
        # data.load names the keywords a dataset does not take: "cache, source do not apply to ..."
        named = str(error).split(" do", 1)[0].split(", ") if " not apply to dataset " in str(error) else []
        refused = [key for key in given if key in named or f"unexpected keyword argument '{key}'" in str(error)]
        if not refused:
            raise
        raise ValueError(f"--{refused[0].replace('_', '-')} does not apply to {option} {name!r}") from None


def _callbacks(args, model, out, info, timer, dataset):
    """The CLI's callbacks, in the order they must run; also returns the BestSamples one."""
    import keras
    import numpy as np

    from keras_gans import runs
    from keras_gans.callbacks import BestSamples, FixedNoiseGIF, LossPlot, NaNGuard, StageSchedule, TrainingBoard

    # A conditional model's GIF shows one class per row (the first ten classes at most).
    shown = min(info.num_classes, 10) if model.conditional else None
    checkpoint = os.path.join(out, "model.keras")
    if model.generator_input != "latent":
        # A translator has no latents to draw: its GIF shows fixed real images of the first batch
        # and their translations (one column per target domain); no best samples, no board.
        inputs, labels = _fixed_inputs(dataset)
        gif = FixedNoiseGIF(out, every_n_epochs=args.frame_every, inputs=inputs, input_labels=labels)
        best, board = None, []
    else:
        best = BestSamples(os.path.join(out, "best_samples.png"), seed=args.seed)
        fixed = dict(seed=args.seed, num_images=shown * shown if shown else 64,
                     labels=np.repeat(np.arange(shown), shown) if shown else None)
        board = [TrainingBoard(os.path.join(out, "tensorboard"), config=_config_table(args, model, dataset),
                               every_n_epochs=args.frame_every, **fixed)] if args.tensorboard else []
        gif = FixedNoiseGIF(out, every_n_epochs=args.frame_every, class_names=info.class_names if shown else None,
                            **fixed)
    callbacks = [
        timer,  # first, so its batch-end hook runs before the others' drawing
        # StackGAN: each epoch's stage set before anything of that epoch runs.
        *([StageSchedule(args.stage1_epochs)] if args.stage1_epochs is not None else []),
        NaNGuard(),  # before anything that records or saves a step
        gif,
        LossPlot(out, keys=model.metric_names, panels=model.metric_panels),
        *([best] if best else []),
        *board,
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: runs.save_atomically(model, checkpoint)),
        # Last, so an epoch's backup exists only once its frames, rows and checkpoint do;
        # two copies, so a kill while writing one leaves the other. Kept after training so
        # that --resume with a larger --epochs trains a finished run on.
        keras.callbacks.BackupAndRestore(os.path.join(out, runs.BACKUP), double_checkpoint=True,
                                         delete_checkpoint=False),
    ]
    if args.lr is not None:
        # After BackupAndRestore: the backup holds the optimizers' learning rates, and a
        # resumed run given --lr (say, lower after a NaN) must use the new one; a new run's too.
        callbacks.append(keras.callbacks.LambdaCallback(
            on_train_begin=lambda logs: runs.set_learning_rate(model, args.lr)))
    return callbacks, best


def _fixed_inputs(dataset, count=8):
    """The first `count` images of a labelled dataset's first batch, and their labels (None if unlabelled)."""
    batch = next(iter(dataset))
    if isinstance(batch, (tuple, list)):
        return batch[0].numpy()[:count], batch[1].numpy()[:count]
    return batch.numpy()[:count], None


def _fixed_domain_inputs(dataset, count=4):
    """Up to `count` images of each domain from the first batches of `(x_a, x_b)` data, and their domains (0, 1)."""
    import numpy as np

    parts = ([], [])
    for batch in dataset.take(count):
        for part, images in zip(parts, batch):
            part.extend(images.numpy()[: count - len(part)])
        if min(map(len, parts)) >= count:
            break
    return np.stack(parts[0] + parts[1]), np.repeat([0, 1], [len(parts[0]), len(parts[1])])


def _write_report(args, out, model, info, resume_epoch, dataset, history, timer, best, wall):
    from keras_gans.report import write_report

    frames = "one frame per epoch" if args.frame_every == 1 else f"one frame every {args.frame_every} epochs"
    artifacts = {
        f"Training (fixed noise, {frames})": "training.gif",
        "D and G losses per generator step": "losses.png",
        "Best samples (highest critic score of the pool)": "best_samples.png",
        "Per-step losses": "losses.csv",
        "Frames": "frames/",
        "Keras checkpoint (model + both optimizers)": "model.keras",
        "Generator SavedModel (serve: z -> images)": "generator/",
    }
    if hasattr(model, "classifier"):
        artifacts["Classifier SavedModel (serve: images -> class probabilities, labels)"] = "classifier/"
    if model.generator_input != "latent":  # translators: a GIF of fixed inputs, no best samples
        artifacts = {label.replace("fixed noise", "fixed inputs and their translations"): name
                     for label, name in artifacts.items()
                     if os.path.exists(os.path.join(out, name)) and name != "generator/"}
        if model.two_domains:  # both directions exported
            artifacts["Generator SavedModel (serve: images of A -> B)"] = "generator/"
            artifacts["Inverse generator SavedModel (serve: images of B -> A)"] = "inverse_generator/"
        else:  # StarGAN: one generator for every target domain
            artifacts["Generator SavedModel (serve: images, target labels -> translations)"] = "generator/"
    generator_steps, critic_steps = model.generator_steps, model.critic_steps
    timed_steps = len(timer.step_seconds) + (timer.first_step_seconds is not None)
    report = write_report(
        os.path.join(out, "report.md"),
        title=f"{type(model).__name__} on {args.dataset}",
        config=_config_table(args, model, dataset),
        data={
            "source": info.description,
            "images per epoch": _images_per_epoch(args, int(dataset.cardinality()), critic_steps),
            "image shape": tuple(_image_spec(dataset).shape[1:]),
            "generator steps": f"{generator_steps} ({critic_steps} critic steps each, "
            f"{generator_steps * critic_steps} critic updates)",
            **({"resumed": f"from the end of epoch {resume_epoch} (timing covers the epochs after it)"}
               if resume_epoch else {}),
        },
        timing={"wall_seconds": wall, "seconds_per_step": timer.seconds_per_step,
                "first_step_seconds": timer.first_step_seconds, "critic_steps": critic_steps,
                "batch_size": args.batch_size, "steps": timed_steps},
        history=history.history,
        artifacts=artifacts,
        best_scores=getattr(best, "scores", None),
    )
    print(f"Wrote {', '.join(artifacts.values())} and report.md to {out}/ ({timed_steps} generator steps in "
          f"{wall:.0f} s" + (f", {generator_steps} since the run began)" if resume_epoch else ")"))
    return report


def _image_spec(dataset):
    spec = dataset.element_spec
    return spec[0] if isinstance(spec, tuple) else spec


def sample(args):
    import numpy as np
    import tensorflow as tf

    from keras_gans.export import read_description
    from keras_gans.images import DISPLAY_TILE, image_grid, save_image

    validation.writable_path("--out", args.out, "file")
    if not os.path.isdir(args.savedmodel):
        raise FileNotFoundError(f"no SavedModel folder at {args.savedmodel!r}")
    loaded = tf.saved_model.load(args.savedmodel)
    if not hasattr(loaded, "serve"):
        raise ValueError(f"{args.savedmodel!r} has no `serve` function: export it with keras_gans.export_generator")
    inputs = loaded.signatures["serve"].structured_input_signature[1]
    latent_dim = inputs["z"].shape[-1]
    z = np.random.default_rng(args.seed).standard_normal((args.n, latent_dim)).astype("float32")
    extra = {}
    if "truncation" in inputs:
        # BigGAN's export redraws the values of z above the threshold; infinity redraws none.
        extra["truncation"] = tf.constant(np.inf if args.truncation is None else args.truncation, tf.float32)
    elif args.truncation is not None:
        raise ValueError(f"--truncation given, but the generator at {args.savedmodel!r} takes no truncation input")
    if "truncation_psi" in inputs:  # a StyleGAN generator takes psi per image
        extra["truncation_psi"] = tf.fill((args.n,), float(args.truncation_psi))
    elif args.truncation_psi != 1.0:
        raise ValueError(
            f"--truncation-psi {args.truncation_psi} given, but the generator at {args.savedmodel!r} takes no psi"
        )
    if "embeddings" in inputs:
        extra["embeddings"] = tf.constant(_sample_embeddings(args, inputs["embeddings"].shape[-1]))
    elif args.embeddings is not None:
        raise ValueError(f"--embeddings given, but the generator at {args.savedmodel!r} takes no embeddings")
    if "labels" in inputs:
        extra["labels"] = tf.constant(_sample_labels(args, read_description(args.savedmodel)))
    elif args.labels is not None:
        raise ValueError(f"--labels given, but the generator at {args.savedmodel!r} is unconditional")
    images = loaded.serve(z=tf.constant(z), **extra)["images"].numpy()
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
    model = _load_model(keras, args.model)
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


def _config_table(args, model, dataset):
    config = {key.replace("_", "-"): value for key, value in vars(args).items()
              if key not in ("command", "tensorflow_log")}
    config["channels"] = _image_spec(dataset).shape[-1]
    # The values the run used, where the command line left the variant's defaults.
    config["latent-dim"] = model.latent_dim
    config["critic-steps"] = model.critic_steps
    config["optimizers"] = "; ".join(
        f"{name.split('_')[0].upper()} {_describe_optimizer(optimizer)}" for name, optimizer in model.optimizers().items()
    )
    del config["lr"]
    if config["width"] is None:
        config["width"] = "the variant's default"
    if hasattr(model, "gradient_penalty_weight"):
        config["gp-weight"] = model.gradient_penalty_weight
    else:
        del config["gp-weight"]
    if args.source is None:
        del config["source"]
    for key in ("attributes", "domains", "class-embeddings", "stage1-epochs"):  # stargan's and stackgan's, where given
        if config.get(key) is None:
            config.pop(key, None)
    if not args.param:
        del config["param"]
    if not model.semi_supervised:
        config.pop("labels-per-class", None)
    return config


def _describe_optimizer(optimizer):
    settings = [f"learning_rate={float(optimizer.learning_rate):g}"]
    for name in ("beta_1", "beta_2", "rho", "momentum"):
        value = getattr(optimizer, name, None)
        if isinstance(value, (int, float)):
            settings.append(f"{name}={value:g}")
    return f"{type(optimizer).__name__}({', '.join(settings)})"


def _class_params(args, cls, info):
    """Constructor arguments: num_classes and class_names (conditional variants, from the dataset),
    --critic-steps, --gp-weight and --param NAME=VALUE."""
    accepted = cls.option_names()
    params = {"num_classes": info.num_classes, "class_names": info.class_names} if cls.conditional else {}
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
    names = (description or {}).get("class_names") or []
    if args.labels is not None:
        # Each label is a class index or, when the export recorded them, a class name.
        texts = [text.strip() for text in args.labels.split(",")]
        try:
            chosen = [names.index(text) if text in names else int(text) for text in texts]
        except ValueError:
            known = f" or class names ({', '.join(names)})" if names else ""
            raise ValueError(f"--labels must be comma-separated ints{known}, got {args.labels!r}") from None
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


def _sample_embeddings(args, size):
    """--embeddings' (K, size) rows, repeated to --n; refused, naming the file, when missing or misshapen."""
    import numpy as np

    if args.embeddings is None:
        raise ValueError(f"the generator at {args.savedmodel!r} generates from embeddings of {size} values: pass "
                         "--embeddings FILE.npy")
    if not os.path.isfile(args.embeddings):
        raise FileNotFoundError(f"no embeddings file at {args.embeddings!r}")
    try:
        rows = np.load(args.embeddings, allow_pickle=False)
    except ValueError as error:
        raise ValueError(f"--embeddings {args.embeddings!r} is not a .npy array: {error}") from None
    if rows.ndim != 2 or rows.shape[1] != size or len(rows) == 0 or not np.isfinite(rows).all():
        raise ValueError(f"--embeddings must hold finite floats of shape (K, {size}), got shape {rows.shape} in "
                         f"{args.embeddings!r}")
    return np.resize(rows.astype("float32"), (args.n, size))


def _load_model(keras, path):
    """`keras.models.load_model(path)` with the variants imported (importing registers them with Keras)."""
    import keras_gans.models  # noqa: F401

    return keras.models.load_model(path)


def translate(args):
    """Writes the translations of --input's images to --out, one PNG per image and target."""
    from keras_gans.data import read_images
    from keras_gans.images import save_image, to_uint8

    out = validation.writable_path("--out", args.out, "folder")
    run, shape, targets = _translator(args)
    names, images = read_images(args.input, image_size=shape[0], channels=shape[-1])
    written = []
    for suffix, labels in targets:
        translated = run(images, None if labels is None else _repeat_rows(labels, len(images)), suffix)
        for name, image in zip(names, translated):
            path = os.path.join(out, f"{os.path.splitext(name)[0]}_to_{suffix}.png")
            written.append(save_image(path, to_uint8(image)))
    print(f"Wrote {len(written)} translations of {len(names)} image(s) to {out}")
    return written


def _repeat_rows(labels, count):
    import numpy as np

    return np.repeat(np.asarray(labels)[None], count, axis=0)


def _translator(args):
    """`(run(images, labels, suffix) -> images, image shape, [(suffix, labels of one image or None)])`."""
    if os.path.isdir(args.model):
        return _savedmodel_translator(args)
    if not os.path.isfile(args.model):
        raise FileNotFoundError(f"no model file or SavedModel folder at {args.model!r}")
    import keras

    model = _load_model(keras, args.model)
    if getattr(model, "generator_input", "latent") != "images":
        raise ValueError(f"{args.model!r} is a {type(model).__name__}, which draws images from noise; translate "
                         "needs an image-to-image model (stargan, cyclegan)")
    shape = tuple(model.generator.inputs[0].shape[1:])
    if model.two_domains:
        direction = args.to or "a_to_b"
        if direction not in ("a_to_b", "b_to_a"):
            raise ValueError(f"--to for a CycleGAN model is a_to_b or b_to_a, got {args.to!r}")
        return (lambda images, labels, suffix: model.translate(images, direction)), shape, [(direction, None)]
    if model.num_classes is None:
        _no_domains(args)
        return (lambda images, labels, suffix: model.generate(images)), shape, [("translated", None)]
    targets = _targets(args.to, model.num_classes, model.class_names, model.multi_label)
    return (lambda images, labels, suffix: model.generate(images, labels=labels)), shape, targets


def _savedmodel_translator(args):
    import tensorflow as tf

    from keras_gans.export import read_description

    loaded = tf.saved_model.load(args.model)
    if not hasattr(loaded, "serve"):
        raise ValueError(f"{args.model!r} has no `serve` function: export it with keras_gans.export_generator")
    inputs = loaded.signatures["serve"].structured_input_signature[1]
    if "images" not in inputs:
        raise ValueError(f"the SavedModel at {args.model!r} generates from {', '.join(inputs)}, not from images: "
                         "translate needs an image-to-image model's export")
    shape = tuple(inputs["images"].shape[1:])

    def run(images, labels, suffix):
        feeds = [tf.constant(images)] + ([] if labels is None else [tf.constant(labels, inputs["labels"].dtype)])
        return loaded.serve(*feeds)["images"].numpy()

    if "labels" not in inputs:
        _no_domains(args)
        return run, shape, [("translated", None)]
    description = read_description(args.model) or {}
    labels = inputs["labels"]
    multi_label = labels.shape.rank == 2
    num_classes = labels.shape[-1] if multi_label else description.get("num_classes")
    if num_classes is None:
        raise ValueError(f"the SavedModel at {args.model!r} does not say its domains (no keras_gans_export.json)")
    return run, shape, _targets(args.to, num_classes, description.get("class_names"), multi_label)


def _no_domains(args):
    if args.to is not None:
        raise ValueError(f"--to given, but the model at {args.model!r} translates to one domain only")


def _targets(to, num_classes, class_names, multi_label):
    """`[(file suffix, one image's target labels)]` for --to: an index (one-hot vector), or all domains."""
    import numpy as np

    names = list(class_names or [str(k) for k in range(num_classes)])

    def index(text):
        if text in names:
            return names.index(text)
        if text.lstrip("-").isdigit() and 0 <= int(text) < num_classes:
            return int(text)
        raise ValueError(f"--to must name domains of the model ({', '.join(names)}) or give indices in "
                         f"[0, {num_classes}), got {text!r}")

    chosen = [[k] for k in range(num_classes)] if to is None else [[index(t.strip()) for t in to.split(",")]]
    if not multi_label and any(len(group) > 1 for group in chosen):
        raise ValueError(f"--to takes one domain for this model, got {to!r}")
    targets = []
    for group in chosen:
        suffix = "+".join(_safe(names[k]) for k in group)
        if multi_label:  # the named attributes set, the others cleared
            targets.append((suffix, np.isin(np.arange(num_classes), group).astype("float32")))
        else:
            targets.append((suffix, np.int32(group[0])))
    return targets


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


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
        validation.writable_path("--out", args.out, "file")
    if not os.path.isfile(args.model):
        raise FileNotFoundError(f"no model file at {args.model!r} (train writes model.keras)")
    model = _load_model(keras, args.model)
    results = {"model": args.model, "num_samples": args.num_samples}
    if "digits" in wanted:
        results.update(metrics.evaluate_digits(model, num_samples=args.num_samples, seed=args.seed))
    if "fid" in wanted or "kid" in wanted:
        image_shape = model.sampling_generator.outputs[0].shape[1:]  # the final images (LAPGAN, StackGAN)
        real = _load(data, args.real, args, "--real", image_size=image_shape[0], batch_size=50,
                     channels=image_shape[-1], seed=args.seed)
        extractor = metrics.inception_features(weights=args.inception_weights)
        # Features once per side, shared by FID and KID: Inception is the expensive part.
        real_features = metrics.extract_features(real, extractor, num_samples=args.num_samples, seed=args.seed)
        fake_features = metrics.extract_features(model, extractor, num_samples=args.num_samples, seed=args.seed)
        if "fid" in wanted:
            results["fid"] = metrics.frechet_distance_from_features(real_features, fake_features)
        if "kid" in wanted:
            # subset_size=None: kid.SUBSET_SIZE (1000), or the smaller set's size if fewer.
            results["kid"], results["kid_std"] = metrics.kid_from_features(
                real_features, fake_features, subset_size=None, seed=args.seed)
    for key, value in results.items():
        if key == "min_count":
            # A threshold, not a count found: the smallest class may hold many more.
            print(f"{'coverage threshold':>22}: {value} (min_count: a class counts as covered from this many samples)")
        elif isinstance(value, (float, np.floating)):
            print(f"{key:>22}: {value:.4f}")
        elif not isinstance(value, (list, dict, np.ndarray)):
            print(f"{key:>22}: {value}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2, default=lambda v: v.tolist() if hasattr(v, "tolist") else float(v))
    return results


if __name__ == "__main__":
    sys.exit(main())

"""A training run's folder: when a new run may start there, what `--resume` continues, run.json.

The command line trains into one folder (`--out`) and keeps in it everything a later
`--resume` needs: `backup/` (Keras' `BackupAndRestore`: networks, optimizers, noise-generator
state, epoch), `run.json` (the options), and the pictures and logs the callbacks extend.
Starting is two steps, so that nothing is written before every input has been checked:

1. `plan_run` reads the folder and decides (or refuses, naming why): a fresh start, a start
   over a failed one, or a resume after epoch k. It writes nothing.
2. `start_run`, called once the data and the model have been built without error, creates
   the folder, removes what a fresh start replaces and writes run.json.

Example:
>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> plan = plan_run(out, {"variant": "gan", "seed": 0}, resume=False, epochs=3)
>>> plan.epoch, plan.stale
(0, ())
>>> start_run(out, plan, {"variant": "gan", "seed": 0})
>>> sorted(os.listdir(out))
['run.json']
"""

import dataclasses
import json
import os
import shutil

from keras_gans.images import atomic_write

BACKUP = "backup"
"""The `BackupAndRestore` folder inside a run's folder."""

# The files of a run that a new run (without --resume) would mix with or overwrite.
RUN_FILES = ("losses.csv", "frames", "training.gif", "model.keras", "report.md", BACKUP, "run.json", "tensorboard")
# What a first epoch writes before any epoch completes; a fresh start removes them.
FIRST_EPOCH_FILES = ("losses.csv", "losses.png", "frames", "training.gif", "best_samples.png")
# Options that fix the networks' shapes or the data: a resumed run must keep them. labels_per_class
# splits the digits into labelled and unlabelled images (semi-supervised variants; the CLI records it
# for those only), so changing it would train the resumed epochs on other labels.
FIXED_ON_RESUME = ("variant", "dataset", "source", "image_feature", "label_feature", "image_size", "channels",
                   "latent_dim", "width", "param", "seed", "labels_per_class")
# A resumed run cannot replay the data order of the epochs it skips (the pipeline restarts),
# so it shuffles with a seed of its own rather than repeat epoch 1's order.
DATA_SEED_STRIDE = 1_000_003


@dataclasses.dataclass(frozen=True)
class RunPlan:
    """What `start_run` will do in a run's folder.

    Attributes:
        epoch: the completed epoch the run continues from (0: from the start).
        stale: names in the folder to remove before training (a failed start's files).
        restore_previous_backup: whether the backup's metadata was unreadable (a kill while
            writing it) and its previous copy (`.bkp`) replaces it, weights and all.
        messages: what to tell the user once the run starts.
    """

    epoch: int
    stale: tuple = ()
    restore_previous_backup: bool = False
    messages: tuple = ()


def plan_run(out, options, resume, epochs):
    """Decides how a run starts in `out`, reading it only; raises a ValueError to refuse.

    Without `resume`, a folder holding a run is refused rather than overwritten, unless it
    holds only a failed start: a run.json (written when the inputs had passed their checks)
    and no completed epoch (no backup, no model.keras). Its files are then replaced. With
    `resume`, the run continues after its last backed-up epoch, which must be below
    `epochs`, and the options in `FIXED_ON_RESUME` must match run.json's; without a
    backup (killed in the first epoch) it starts afresh.

    Args:
        out: the run's folder (need not exist).
        options: {name: value} of the command line, as run.json stores them.
        resume: whether `--resume` was given.
        epochs: the `--epochs` to train to.

    Returns:
        A `RunPlan`.
    """
    found = [name for name in RUN_FILES if os.path.exists(os.path.join(out, name))]
    metadata = os.path.join(out, BACKUP, "training_metadata.json")
    backed_up = os.path.exists(metadata) or os.path.exists(metadata + ".bkp")
    failed_start = (
        os.path.exists(os.path.join(out, "run.json")) and not backed_up
        and not os.path.exists(os.path.join(out, "model.keras"))
    )
    if not backed_up and (resume or failed_start):
        stale = tuple(name for name in (*FIRST_EPOCH_FILES, "fixed_noise.npy") if os.path.exists(os.path.join(out, name)))
        why = (f"Nothing to resume in {out} (no completed epoch backed up)" if resume
               else f"{out} holds only a start that completed no epoch")
        return RunPlan(0, stale, messages=(f"{why}; starting afresh" + (f", removing {', '.join(stale)}" if stale else ""),))
    if not resume:
        if found:
            raise ValueError(
                f"{out!r} already holds a run ({', '.join(found)}): pass --resume to continue it, or "
                "choose another --out (or delete the folder) to start a new one"
            )
        return RunPlan(0)
    restore = False
    epoch = backup_epoch(metadata)
    if epoch is None:
        # A kill while writing the backup: fall back to its previous copy, weights and all
        # (Keras itself falls back only when the weights file fails to open).
        epoch, restore = backup_epoch(metadata + ".bkp"), True
        if epoch is None:
            raise ValueError(f"cannot read the backup of {out!r}: {metadata} and its .bkp copy are unreadable")
    if epoch >= epochs:
        raise ValueError(
            f"the run in {out!r} already finished {epoch} epochs and --epochs is {epochs}: "
            "pass a larger --epochs to train it on"
        )
    messages = [f"{metadata} was unreadable; using the backup's previous copy"] if restore else []
    messages += [f"Resuming {out} after epoch {epoch} of {epochs}"] + _changed_options(out, options)
    return RunPlan(epoch, restore_previous_backup=restore, messages=tuple(messages))


def _changed_options(out, options):
    """Lines naming the options a resume changes; raises if one of `FIXED_ON_RESUME` changed."""
    path = os.path.join(out, "run.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        earlier = json.load(f)
    changed = {key: (earlier.get(key), value) for key, value in options.items() if earlier.get(key) != value}
    described = {key: f"--{key.replace('_', '-')} {old!r} -> {new!r}" for key, (old, new) in changed.items()}
    fixed = [text for key, text in described.items() if key in FIXED_ON_RESUME]
    if fixed:
        raise ValueError(f"--resume must keep the options of the run in {out!r}; changed: " + ", ".join(fixed))
    return ["Changed for the resumed epochs: " + ", ".join(described.values())] if changed else []


def start_run(out, plan, options):
    """Creates `out`, carries out `plan` (removals, backup fallback) and writes run.json."""
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"cannot create the output folder {out!r}: {error.strerror}") from None
    for name in plan.stale:
        path = os.path.join(out, name)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    if plan.restore_previous_backup:
        for name in ("training_metadata.json", "latest.weights.h5"):
            path = os.path.join(out, BACKUP, name)
            shutil.copyfile(path + ".bkp", path)
    for message in plan.messages:
        print(message)
    with atomic_write(os.path.join(out, "run.json")) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(options, f, indent=2)


def backup_epoch(path):
    """The epoch in a `BackupAndRestore` metadata file, or None if it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            return int(json.load(f)["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def data_seed(seed, epoch):
    """The shuffle seed of a run resumed after `epoch` (`seed` itself for a fresh run)."""
    return seed + DATA_SEED_STRIDE * epoch


def save_atomically(model, path):
    """`model.save(path)` through a temporary name, so a kill mid-write keeps the previous file."""
    with atomic_write(path) as tmp:
        model.save(tmp)


def set_learning_rate(model, learning_rate):
    """Sets the learning rate of every player's optimizer (after a backup restored theirs)."""
    for optimizer in model.optimizers().values():
        optimizer.learning_rate = learning_rate

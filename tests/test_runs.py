"""keras_gans.runs: when a run may start in a folder, what --resume continues, run.json. Read-only
planning, then the writes; the CLI end to end is in tests/test_cli.py and tests/test_resume.py."""

import json
import os

import pytest

from keras_gans import runs

OPTIONS = {"variant": "wgan-gp", "dataset": "digits", "width": 4, "epochs": 2, "lr": None}


def _backup(out, epoch, name="training_metadata.json"):
    (out / runs.BACKUP).mkdir(parents=True, exist_ok=True)
    (out / runs.BACKUP / name).write_text(json.dumps({"epoch": epoch}))


def test_planning_writes_nothing_and_starting_writes_run_json(tmp_path):
    out = tmp_path / "a" / "run"
    plan = runs.plan_run(out, OPTIONS, resume=False, epochs=2)
    assert plan == runs.RunPlan(0) and not (tmp_path / "a").exists()
    runs.start_run(out, plan, OPTIONS)
    assert json.loads((out / "run.json").read_text()) == OPTIONS


def test_a_run_with_a_completed_epoch_is_refused_without_resume(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    (tmp_path / "model.keras").write_bytes(b"")
    with pytest.raises(ValueError, match=r"already holds a run \(model.keras, run.json\): pass --resume"):
        runs.plan_run(tmp_path, OPTIONS, resume=False, epochs=2)


def test_files_of_another_kind_of_run_are_refused_not_removed(tmp_path):
    # No run.json: not a failed start of the CLI (e.g. the Python snippet's folder).
    (tmp_path / "losses.csv").write_text("step,epoch\n")
    with pytest.raises(ValueError, match=r"already holds a run \(losses.csv\)"):
        runs.plan_run(tmp_path, OPTIONS, resume=False, epochs=2)


def test_a_failed_start_is_replaced(tmp_path, capsys):
    (tmp_path / "run.json").write_text(json.dumps({**OPTIONS, "width": 8}))
    (tmp_path / "frames").mkdir()
    (tmp_path / "fixed_noise.npy").write_bytes(b"")
    plan = runs.plan_run(tmp_path, OPTIONS, resume=False, epochs=2)
    assert plan.epoch == 0 and plan.stale == ("frames", "fixed_noise.npy")
    assert sorted(os.listdir(tmp_path)) == ["fixed_noise.npy", "frames", "run.json"]  # planning removed nothing
    runs.start_run(tmp_path, plan, OPTIONS)
    assert sorted(os.listdir(tmp_path)) == ["run.json"]
    assert json.loads((tmp_path / "run.json").read_text())["width"] == 4
    assert "holds only a start that completed no epoch; starting afresh, removing frames, fixed_noise.npy" in (
        capsys.readouterr().out)


def test_resume_continues_after_the_backed_up_epoch_and_lists_changes(tmp_path, capsys):
    runs.start_run(tmp_path, runs.plan_run(tmp_path, OPTIONS, resume=False, epochs=2), OPTIONS)
    _backup(tmp_path, 1)
    plan = runs.plan_run(tmp_path, {**OPTIONS, "epochs": 3, "lr": 0.001}, resume=True, epochs=3)
    assert plan.epoch == 1 and plan.stale == ()
    assert plan.messages == (f"Resuming {tmp_path} after epoch 1 of 3",
                             "Changed for the resumed epochs: --epochs 2 -> 3, --lr None -> 0.001")
    with pytest.raises(ValueError, match="--resume must keep the options .* changed: --width 4 -> 8"):
        runs.plan_run(tmp_path, {**OPTIONS, "width": 8}, resume=True, epochs=3)
    with pytest.raises(ValueError, match="already finished 1 epochs and --epochs is 1"):
        runs.plan_run(tmp_path, OPTIONS, resume=True, epochs=1)


def test_resume_keeps_the_labelled_split_of_a_semi_supervised_run(tmp_path):
    # Triple-GAN's --labels-per-class decides which digits are labelled: a resume must not change it.
    options = {**OPTIONS, "variant": "triple-gan", "labels_per_class": 10}
    runs.start_run(tmp_path, runs.plan_run(tmp_path, options, resume=False, epochs=2), options)
    _backup(tmp_path, 1)
    with pytest.raises(ValueError, match="--resume must keep the options .* changed: --labels-per-class 10 -> 5"):
        runs.plan_run(tmp_path, {**options, "labels_per_class": 5}, resume=True, epochs=3)
    assert runs.plan_run(tmp_path, {**options, "epochs": 3}, resume=True, epochs=3).epoch == 1


def test_an_unreadable_backup_falls_back_to_its_previous_copy(tmp_path):
    _backup(tmp_path, 2)
    _backup(tmp_path, 1, "training_metadata.json.bkp")
    (tmp_path / runs.BACKUP / "training_metadata.json").write_text('{"epo')
    (tmp_path / runs.BACKUP / "latest.weights.h5.bkp").write_bytes(b"epoch 1 weights")
    plan = runs.plan_run(tmp_path, OPTIONS, resume=True, epochs=3)
    assert plan.epoch == 1 and plan.restore_previous_backup
    runs.start_run(tmp_path, plan, OPTIONS)
    assert (tmp_path / runs.BACKUP / "latest.weights.h5").read_bytes() == b"epoch 1 weights"
    assert runs.backup_epoch(tmp_path / runs.BACKUP / "training_metadata.json") == 1


def test_data_seed_of_a_resumed_run():
    # seed + 1,000,003 * epoch: a fresh run keeps its seed, each resumed epoch shuffles anew.
    assert runs.data_seed(7, 0) == 7
    assert runs.data_seed(7, 2) == 2_000_013

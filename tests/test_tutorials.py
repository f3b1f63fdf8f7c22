"""The numbered notebooks in tutorials/: paired with their jupytext sources, in the course's section
order, and executed end to end with QUICK=1 (small data, sizes and steps) so that CI catches a
notebook that no longer runs against the package."""

import pathlib
import re

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")

TUTORIALS = pathlib.Path(__file__).resolve().parent.parent / "tutorials"
SOURCES = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))
SECTIONS = ("Introduction", "Setup", "Data", "Networks", "Model", "Callbacks", "Train", "Results", "Takeaways")
# A QUICK notebook must stay well under the minute the course promises on 2 CPU cores.
TIMEOUT_PER_CELL = 120


def _ids(paths):
    return [path.stem for path in paths]


def _sections(notebook):
    headings = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings += re.findall(r"^## (.+?)\s*$", cell.source, flags=re.MULTILINE)
    return headings


def test_tutorials_are_numbered_without_gaps():
    # The course is read in order: 01, 02, ... with no number missing or repeated.
    assert len(SOURCES) >= 10, _ids(SOURCES)
    assert [path.stem[:2] for path in SOURCES] == [f"{n:02d}" for n in range(1, len(SOURCES) + 1)], _ids(SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_notebook_is_in_sync_with_its_source(source):
    notebook_path = source.with_suffix(".ipynb")
    assert notebook_path.exists(), f"{notebook_path.name} missing: run `jupytext --sync {source.name}`"
    from_source = jupytext.read(source)
    notebook = jupytext.read(notebook_path)
    assert [(c.cell_type, c.source) for c in notebook.cells] == [(c.cell_type, c.source) for c in from_source.cells], (
        f"{notebook_path.name} and {source.name} differ: run `jupytext --sync {source.name}`")


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_sections_follow_the_course_order(source):
    assert tuple(_sections(jupytext.read(source))) == SECTIONS


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_committed_notebook_shows_outputs_and_pictures(source):
    notebook = jupytext.read(source.with_suffix(".ipynb"))
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert outputs, f"{source.stem}.ipynb was committed without outputs"
    assert any("image/png" in output.get("data", {}) or "image/gif" in output.get("data", {})
               for output in outputs), f"{source.stem}.ipynb shows no picture"
    errors = [output for output in outputs if output.get("output_type") == "error"]
    assert not errors, f"{source.stem}.ipynb was committed with an error output"


# Absolute paths of the machine that ran a notebook: temporary and scratch folders, home and
# project folders, installed packages. The committed outputs are read by everyone, elsewhere.
MACHINE_PATH = re.compile(
    r"(?<![\w.~])(?:/(?:tmp|var/folders|private|home|Users|root|work|mnt|opt|usr|srv)/[^\s'\"]*"
    r"|[A-Za-z]:\\[^\s'\"]*)"
    r"|site-packages|keras_gans_tutorials_"
)


def _output_texts(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            texts = [output.get("text", ""), *output.get("traceback", [])]
            texts += [value for key, value in output.get("data", {}).items() if key.startswith("text/")]
            for text in texts:
                yield "".join(text) if isinstance(text, list) else text


def test_machine_path_pattern():
    for text in ("INFO: Assets written to: /tmp/keras_gans_tutorials_k6g9_eav/05/runs", "From /work/main/.venv/lib",
                 "/home/me/x.png", "C:\\Users\\me", "lib/python3.11/site-packages/tensorflow"):
        assert MACHINE_PATH.search(text), text
    for text in ("runs/05_wgan_gp_celeba/generator", "1/2 of the modes", "ratio 8/25", "https://arxiv.org/abs/1704"):
        assert not MACHINE_PATH.search(text), text


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_committed_outputs_hold_no_machine_paths(source):
    notebook = jupytext.read(source.with_suffix(".ipynb"))
    found = sorted({match.group(0) for text in _output_texts(notebook) for match in MACHINE_PATH.finditer(text)})
    assert not found, f"{source.stem}.ipynb shows paths of the machine that ran it: {found[:5]}"


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_notebook_runs_quick(source, tmp_path, monkeypatch):
    monkeypatch.setenv("QUICK", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("MPLBACKEND", "agg")
    notebook = jupytext.read(source)
    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT_PER_CELL, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

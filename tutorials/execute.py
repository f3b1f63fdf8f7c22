"""Execute tutorial notebooks from their jupytext sources and save them with their outputs.

The committed notebooks show a real run at the size stated in each; this is how they are made:

    python tutorials/execute.py 01 05          # full size, writes 01_*.ipynb and 05_*.ipynb
    QUICK=1 python tutorials/execute.py all    # the CI size, into a scratch folder, nothing saved

Each notebook runs with its working directory in a scratch folder (``--workdir``), so the files a run
writes (GIFs, checkpoints, exports) stay out of the repository; the pictures a notebook shows are
embedded in the .ipynb.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

import jupytext
import nbclient

HERE = pathlib.Path(__file__).resolve().parent


def sources(selection):
    every = sorted(HERE.glob("[0-9][0-9]_*.py"))
    if selection == ["all"]:
        return every
    chosen = [path for path in every if path.stem[:2] in {s.zfill(2) for s in selection}]
    unknown = {s.zfill(2) for s in selection} - {path.stem[:2] for path in chosen}
    if unknown:
        raise SystemExit(f"no tutorial numbered {sorted(unknown)}; have {[p.stem for p in every]}")
    return chosen


def execute(source, workdir, save):
    notebook = jupytext.read(source)
    folder = pathlib.Path(workdir) / source.stem
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    nbclient.NotebookClient(notebook, timeout=None, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    seconds = time.perf_counter() - start
    if save:
        jupytext.write(notebook, source.with_suffix(".ipynb"), fmt="ipynb")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", nargs="+", help="tutorial numbers (01 or 1) or 'all'")
    parser.add_argument("--workdir", default=None, help="where the notebooks run (default: a new temporary folder)")
    args = parser.parse_args()
    quick = os.environ.get("QUICK") == "1"
    workdir = args.workdir or tempfile.mkdtemp(prefix="keras_gans_tutorials_")
    for source in sources(args.numbers):
        seconds = execute(source, workdir, save=not quick)
        print(f"{source.stem}: {seconds:.1f} s{' (QUICK, not saved)' if quick else ''}", flush=True)
    print(f"run folders under {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Writes a benchmark's table into its own marked section of BENCHMARKS.md."""

import datetime
import os
import platform
import sys

import keras
import tensorflow as tf

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "BENCHMARKS.md")


def machine():
    gpus = tf.config.list_physical_devices("GPU")
    device = f"{len(gpus)} GPU(s)" if gpus else "no GPU"
    return (f"{platform.machine()}, {os.cpu_count()} CPU cores, {device}, TensorFlow {tf.__version__}, "
            f"Keras {keras.__version__}, Python {platform.python_version()}")


def update_section(name, body):
    """Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` (appends if absent)."""
    command = "python " + " ".join(sys.argv)
    stamp = datetime.date.today().isoformat()
    block = (f"<!-- {name}:start -->\n`{command}`  \n{machine()}; {stamp}.\n\n{body.strip()}\n"
             f"<!-- {name}:end -->")
    text = open(PATH, encoding="utf-8").read() if os.path.exists(PATH) else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    temporary = PATH + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, PATH)

"""keras_gans: GAN variants as Keras 3 models you can learn from and actually train.

Each variant is a `keras.Model` subclass overriding `train_step`; train it with
`model.fit(dataset, callbacks=[...])` and export its generator as a SavedModel.
"""

import importlib as _importlib
import os as _os
import sys as _sys

# The public names load on first use (PEP 562), so that `keras-gans --help` and argument
# errors answer without importing Keras and TensorFlow (seconds, and their start-up log).
_SUBPACKAGES = ("callbacks", "constraints", "data", "losses", "metrics", "networks")
# The model classes of keras_gans.models (tests/test_cli.py keeps the list in step with it).
_MODELS = (
    "GAN", "CGAN", "ACGAN", "ProjectionCGAN", "DCGAN", "ImprovedDCGAN", "WGAN", "WGANGP", "SNGAN", "LSGAN", "RaGAN",
    "FGAN", "SAGAN", "BigGAN", "EBGAN", "BEGAN", "TripleGAN", "DRAGAN", "LAPGAN", "StackGAN", "StyleGAN", "CycleGAN",
    "StarGAN",
)
_HOMES = {
    "export_generator": "keras_gans.export",
    "export_classifier": "keras_gans.export",
    **{name: "keras_gans.models" for name in (*_MODELS, "BaseGAN", "VARIANTS")},
}


def _check_backend():
    import keras

    if keras.backend.backend() != "tensorflow":
        raise ImportError(
            "keras_gans needs the TensorFlow backend of Keras (tf.GradientTape, tf.data, "
            f"SavedModel); KERAS_BACKEND is {keras.backend.backend()!r}. "
            "Set KERAS_BACKEND=tensorflow."
        )


def __getattr__(name):
    if name in _SUBPACKAGES or name in _HOMES:
        _check_backend()
        if name in _SUBPACKAGES:
            value = _importlib.import_module(f"keras_gans.{name}")
        else:
            value = getattr(_importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _in_command_line_tool():
    """Whether this process is `keras-gans` (the console script or `python -m keras_gans.cli`)."""
    argv = getattr(_sys, "orig_argv", _sys.argv)
    return _os.path.basename(_sys.argv[0]).startswith("keras-gans") or "keras_gans.cli" in argv


# Outside the command line tool the variants are imported now: importing registers each class
# with Keras, which `keras.models.load_model` needs to rebuild a saved model (Keras imports only
# its own packages by a saved module name). The tool imports them when a command needs them.
if not _in_command_line_tool():
    _check_backend()
    _importlib.import_module("keras_gans.models")


__version__ = "0.1.0"

__all__ = [
    *_MODELS, "BaseGAN", "VARIANTS",
    "callbacks", "constraints", "data", "export_classifier", "export_generator", "losses", "metrics", "networks",
]

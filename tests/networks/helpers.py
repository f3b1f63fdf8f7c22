"""Shared test helpers: a clipping constraint, inputs for any builder's model, layer walks."""

import keras

from keras_gans.layers import ReparametrizedSpectralNormalization
import numpy as np


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class Clip(keras.constraints.Constraint):
    """WGAN weight clipping, local to the tests so they do not depend on keras_gans.constraints."""

    def __init__(self, clip_value):
        self.clip_value = clip_value

    def __call__(self, w):
        return keras.ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}


def random_inputs(model, batch_size=3, num_classes=10, seed=0):
    """Normal floats for each float input of `model` and ints in [0, num_classes) for its labels."""
    rng = np.random.default_rng(seed)
    arrays = []
    for spec in model.inputs:
        shape = (batch_size, *spec.shape[1:])
        if "int" in str(spec.dtype):
            arrays.append(rng.integers(0, num_classes, size=shape).astype("int32"))
        else:
            arrays.append(rng.standard_normal(shape).astype("float32"))
    return arrays[0] if len(arrays) == 1 else arrays


def all_layers(model):
    """Every layer of `model`, the ones wrapped by SpectralNormalization included."""
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.layers.Wrapper):
            found.append(layer.layer)
    return found


def spectral_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.SpectralNormalization)]


def weighted_layers(model):
    """The Conv2D and Dense layers of `model`, bare or wrapped."""
    return [layer for layer in all_layers(model) if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]


def normalised_kernel(layer):
    """The kernel a spectral-norm wrapper computes with: W / sigma(W) from its current u.

    Keras' own layer stores it in the kernel; ReparametrizedSpectralNormalization keeps
    the raw W there and divides in each call.
    """
    if isinstance(layer, ReparametrizedSpectralNormalization):
        return layer.normalized_weights()[1]
    return layer.kernel


def largest_singular_value(kernel):
    matrix = keras.ops.convert_to_numpy(kernel)
    return float(np.linalg.svd(matrix.reshape(-1, matrix.shape[-1]), compute_uv=False)[0])


def as_list(outputs):
    return [keras.ops.convert_to_numpy(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]

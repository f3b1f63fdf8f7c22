"""Private: how class labels enter the conditional networks."""

import keras
from keras import layers


def label_input():
    """The `labels` input of a conditional network: (N,) int32 class indices."""
    return keras.Input(shape=(), dtype="int32", name="labels")


def one_hot(labels, num_classes, name=None):
    """one_hot(y) as float (N, num_classes).

    Labels must be ints in [0, num_classes); they are not checked here (the models
    check them). Keras's CategoryEncoding is a plain, saveable layer; out of range,
    TensorFlow gives an all-zero row rather than an error.
    """
    return layers.CategoryEncoding(num_tokens=num_classes, output_mode="one_hot", name=name)(labels)

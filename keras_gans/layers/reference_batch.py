"""ReferenceBatch: carries virtual batch norm's fixed reference batch through a network."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class ReferenceBatch(keras.layers.Layer):
    """Puts a fixed reference batch in front of every batch, or takes it off again.

    Virtual batch normalisation (`VirtualBatchNormalization`, Salimans et al. 2016,
    Sec. 3.4) normalises each example with the statistics of a reference batch chosen
    once at the start of training, taken at the same layer with the network's current
    weights. The authors run the reference batch through the network in a separate
    pass; here it rides along with every batch instead: this layer, at the network's
    input, puts the `size` reference inputs before the batch's rows, each
    `VirtualBatchNormalization` reads the first `size` rows as the reference, and a
    `ReferenceBatch(size, remove=True)` before the output takes them off. One pass, and
    the statistics always come from the current weights.

    The reference is chosen by the first call in training mode: its first `size` rows
    (a first batch with fewer rows is repeated to fill them; use batches of at least
    `size`) are stored in a non-trainable weight and a flag is set, so later batches
    never replace it. Both are weights of the model: `.keras` files, backups and
    `--resume` keep the reference, and a loaded model computes the same outputs.
    Under `tf.distribute` the first replica's rows are stored on all replicas.
    Before the first training call the reference is `initializer`'s value.

    Args:
        size: N, the number of reference rows, >= 1.
        remove: False at the network's input (prepend the reference); True before
            its output (drop the first `size` rows).
        initializer: the reference before training (prepending layers only).
        **kwargs: base layer keyword arguments (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> add, drop = ReferenceBatch(2), ReferenceBatch(2, remove=True)
    >>> x = np.arange(6, dtype="float32").reshape(3, 2)
    >>> with_reference = add(x, training=True)   # the first training batch: rows 0-1 become the reference
    >>> np.asarray(add(x + 10, training=True))[:2].tolist()  # and stay so
    [[0.0, 1.0], [2.0, 3.0]]
    >>> np.array_equal(drop(add(x + 10)), x + 10)
    True

    Reference:
        Salimans, Goodfellow, Zaremba, Cheung, Radford, Chen. "Improved Techniques
        for Training GANs", NeurIPS 2016, Sec. 3.4. https://arxiv.org/abs/1606.03498
    """

    def __init__(self, size, remove=False, initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.size = validation.positive_int("size", size)
        self.remove = validation.boolean("remove", remove)
        self.initializer = keras.initializers.get(initializer)

    def build(self, input_shape):
        if self.remove:
            return
        # Non-trainable; the first replica's choice wins under tf.distribute.
        self.reference = self.add_weight(
            name="reference", shape=(self.size, *input_shape[1:]), initializer=self.initializer,
            trainable=False, aggregation="only_first_replica",
        )
        self.chosen = self.add_weight(
            name="chosen", shape=(), initializer="zeros", trainable=False, aggregation="only_first_replica"
        )

    def call(self, inputs, training=False):
        if self.remove:
            return inputs[self.size:]
        reference = self.reference.value
        if training:
            # The first training batch's first `size` rows (repeated if the batch is smaller).
            rows = ops.mod(ops.arange(self.size), ops.shape(inputs)[0])
            candidate = ops.cast(ops.take(inputs, rows, axis=0), reference.dtype)
            reference = ops.where(self.chosen.value > 0, reference, ops.stop_gradient(candidate))
            self.reference.assign(reference)
            self.chosen.assign(ops.ones_like(self.chosen.value))
        return ops.concatenate([ops.cast(reference, inputs.dtype), inputs], axis=0)

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {
            **super().get_config(), "size": self.size, "remove": self.remove,
            "initializer": keras.initializers.serialize(self.initializer),
        }

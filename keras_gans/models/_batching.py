"""How `fit`'s data reaches the updates: `critic_steps` real batches per training step.

Algorithm 1 of the WGAN papers gives each critic update its own real batch. `fit` keeps
the Keras contract (one step per generator update, an epoch one pass over the data) by
regrouping the dataset's batches of B into batches of `critic_steps * B`, which
`train_step` slices back apart. The alternative, one batch per step and a `tf.cond`
around the generator update, fails under `tf.distribute.MirroredStrategy` (a
synchronising `apply_gradients` inside control flow).
"""

import tensorflow as tf
from keras import ops


def array_batches(x, y, batch_size, shuffle, seed):
    """Arrays as a dataset of full batches (reshuffled each epoch unless `shuffle` is False).

    Used when `critic_steps > 1`: a last short batch could leave a critic update short
    or empty.
    """
    slices = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        slices = slices.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return slices.batch(batch_size or 32, drop_remainder=True)


def group_batches(dataset, groups, replicas=1):
    """Regroups a dataset of batches of B into batches of `groups * B`, dropping a rest.

    With R > 1 replicas the rows are ordered replica by replica: a distribution strategy
    hands replica r the r-th contiguous part of each global batch, which then holds the
    r-th part of each of the `groups` batches. Every critic update then sees one original
    batch over all replicas, as on one device.
    """
    spec = tf.nest.flatten(dataset.element_spec)[0]
    if spec.shape.rank is None or spec.shape.rank < 1:
        raise ValueError(f"fit needs a batched dataset of images, got elements of spec {spec}")
    batch_size = spec.shape[0]
    batches = int(dataset.cardinality())
    if 0 <= batches < groups:
        # With batches of at most B, fewer than `groups` of them cannot fill one step.
        raise ValueError(
            f"the dataset has {batches} batches per epoch, fewer than the critic_steps={groups} that one "
            "generator step needs; use more data, smaller batches, or dataset.repeat() with steps_per_epoch"
        )
    if batch_size is None:
        # A dataset batched without drop_remainder: read B off its first batch.
        batch_size = int(tf.nest.flatten(next(iter(dataset)))[0].shape[0])
        return _by_replica(dataset.rebatch(groups * batch_size, drop_remainder=True), groups, replicas, batch_size)
    grouped = dataset.rebatch(groups * batch_size, drop_remainder=True)
    if batches >= 0:
        # All batches are full, so the count is exact; Keras shows it in the progress bar.
        grouped = grouped.apply(tf.data.experimental.assert_cardinality(batches // groups))
    return _by_replica(grouped, groups, replicas, batch_size)


def _by_replica(grouped, groups, replicas, batch_size):
    """Reorders each grouped batch (groups, R, B/R, ...) -> (R, groups, B/R, ...)."""
    if replicas == 1:
        return grouped
    if batch_size % replicas:
        raise ValueError(
            f"a batch of {batch_size} cannot be split evenly over {replicas} replicas; "
            f"use a batch size that is a multiple of {replicas}"
        )

    def reorder(tensor):
        parts = tf.reshape(tensor, [groups, replicas, batch_size // replicas] + tensor.shape[1:].as_list())
        return tf.reshape(tf.transpose(parts, [1, 0] + list(range(2, len(parts.shape)))), tf.shape(tensor))

    return grouped.map(lambda *batch: tf.nest.map_structure(reorder, batch if len(batch) > 1 else batch[0]))


def split_batches(data, images, groups):
    """Slices one step's `data` (whose first part is `images`) into `groups` equal batches."""
    if groups == 1:
        return [data]
    static = images.shape[0]
    if static is not None and static % groups:
        raise ValueError(
            f"a step's batch of {static} images cannot be split into critic_steps="
            f"{groups} equal real batches; feed a tf.data.Dataset to fit, "
            "which groups the batches itself"
        )
    size = ops.shape(images)[0] // groups
    return [tf.nest.map_structure(lambda t, i=i: t[i * size : (i + 1) * size], data) for i in range(groups)]

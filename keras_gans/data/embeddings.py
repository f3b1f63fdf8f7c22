"""Images paired with a fixed-length embedding each: what StackGAN conditions on.

No text encoder ships with this package: any (N, E) float embedding per image will do (a
user's sentence embeddings, say). Offline, the digits give two kinds: their one-hot labels,
and the mean image of each class (a class-level "description" in pixel features).
"""

import numpy as np
import tensorflow as tf

from keras_gans import _validation


def with_embeddings(images, embeddings, batch_size=64, shuffle=True, seed=None, drop_remainder=True):
    """A batched, prefetched `tf.data.Dataset` of `(images, embeddings)` pairs from arrays.

    Args:
        images: float (N, H, W, C) in [-1, 1].
        embeddings: float (N, E), one finite vector per image.
        batch_size: pairs per batch.
        shuffle: reshuffle every epoch.
        seed: seed of the shuffle order.
        drop_remainder: drop the last partial batch (a static batch dimension).

    Example:
    >>> import numpy as np
    >>> ds = with_embeddings(np.zeros((10, 8, 8, 1), "float32"), np.ones((10, 3), "float32"), batch_size=4)
    >>> [tuple(t.shape) for t in next(iter(ds))], int(ds.cardinality())
    ([(4, 8, 8, 1), (4, 3)], 2)
    """
    images, embeddings = np.asarray(images, "float32"), np.asarray(embeddings, "float32")
    if images.ndim != 4 or not np.isfinite(images).all() or np.abs(images).max(initial=0) > 1 + 1e-3:
        raise ValueError(f"images must be finite floats (N, H, W, C) in [-1, 1]; got shape {images.shape}")
    if embeddings.ndim != 2 or len(embeddings) != len(images) or not np.isfinite(embeddings).all():
        raise ValueError(
            f"embeddings must be finite floats (N, E), one per image ({len(images)}); got shape {embeddings.shape}"
        )
    batch_size = _validation.positive_int("batch_size", batch_size)
    if drop_remainder and batch_size > len(images):
        raise ValueError(f"batch_size={batch_size} exceeds the {len(images)} images (drop_remainder=True)")
    dataset = tf.data.Dataset.from_tensor_slices((images, embeddings))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def one_hot_embeddings(labels, num_classes):
    """(N, num_classes) float32 one-hot rows of int `labels`: the simplest class embedding.

    Example:
    >>> one_hot_embeddings([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels)
    num_classes = _validation.num_classes(num_classes)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must be ints (N,) in [0, {num_classes}); got {labels!r}")
    return np.eye(num_classes, dtype="float32")[labels]


def class_mean_embeddings(features, labels):
    """Each sample's class mean of `features`: (N, F) float32, a class-level description.

    Samples of one class share one embedding, the mean feature vector of that class (e.g.
    the flattened mean digit), so a model conditioned on it must learn which class a
    vector describes from what the class looks like.

    Example:
    >>> class_mean_embeddings([[0.0], [2.0], [5.0]], [0, 0, 1]).tolist()
    [[1.0], [1.0], [5.0]]
    """
    features, labels = np.asarray(features, "float32"), np.asarray(labels)
    features = features.reshape(len(features), -1)
    if len(labels) != len(features) or labels.ndim != 1:
        raise ValueError(f"labels must be (N,) with N = {len(features)} features; got shape {labels.shape}")
    means = {label: features[labels == label].mean(axis=0) for label in np.unique(labels)}
    return np.stack([means[label] for label in labels]).astype("float32")


def digits_with_embeddings(image_size=32, kind="one_hot", batch_size=64, channels=1, shuffle=True, seed=None):
    """scikit-learn's digits as `(images, embeddings)` batches, and the embedding of each class.

    Args:
        image_size: side of the images (as `keras_gans.data.digits`).
        kind: "one_hot" (10-d label vectors) or "class_mean" (each class's mean 8x8
            digit, 64-d, scaled to [-1, 1]).
        batch_size, channels, shuffle, seed: as `keras_gans.data.digits`.

    Returns:
        `(dataset, class_embeddings)`: the dataset of float32 `(images, embeddings)`
        batches, and a (10, E) array, row k the embedding of digit k (to sample a class).

    Example:
    >>> ds, table = digits_with_embeddings(16, "class_mean", batch_size=8, seed=0)
    >>> [tuple(t.shape) for t in next(iter(ds))], table.shape
    ([(8, 16, 16, 1), (8, 64)], (10, 64))
    """
    from keras_gans.data.digits import digits

    kind = _validation.one_of("kind", kind, ("one_hot", "class_mean"))
    labelled = digits(image_size=image_size, batch_size=batch_size, channels=channels, shuffle=shuffle, seed=seed,
                      with_labels=True)
    table = digit_class_embeddings(kind)
    lookup = tf.constant(table)
    dataset = labelled.map(lambda images, labels: (images, tf.gather(lookup, labels)), num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE), table


def digit_class_embeddings(kind="one_hot"):
    """The (10, E) float32 embedding of each digit class, row k digit k's.

    Args:
        kind: "one_hot" (E = 10) or "class_mean" (each class's mean 8x8 digit, flattened
            and scaled to [-1, 1]: E = 64).

    Example:
    >>> digit_class_embeddings("class_mean").shape
    (10, 64)
    """
    from sklearn.datasets import load_digits

    kind = _validation.one_of("kind", kind, ("one_hot", "class_mean"))
    bunch = load_digits()
    if kind == "one_hot":
        return one_hot_embeddings(np.arange(10), 10)
    pixels = bunch.data.astype("float32") / 8.0 - 1.0  # 0..16 -> [-1, 1], as the digits dataset scales them
    means = class_mean_embeddings(pixels, bunch.target)
    return np.stack([means[bunch.target == k][0] for k in range(10)])

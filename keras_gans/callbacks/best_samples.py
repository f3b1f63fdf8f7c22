"""BestSamples: at train end, the generated images the critic scores highest, as one grid."""

import keras
import numpy as np

from keras_gans._validation import positive_int, writable_path
from keras_gans.images import DISPLAY_TILE, image_grid, save_image


class BestSamples(keras.callbacks.Callback):
    """Saves the `num_keep` samples with the highest critic score out of a pool of `pool_size`.

    At train end, `pool_size` latents z ~ N(0, I) are drawn (seeded, so reruns pick
    from the same pool), with uniformly drawn labels for a conditional model, turned
    into images with `model.generate`, and scored with `model.score` (the
    discriminator's real/fake output in inference mode). Criterion: highest critic score,
    i.e. the samples the trained discriminator judges most real. It is a cheap
    curation, not a quality metric: an unbounded WGAN critic's score is not a
    probability, and a critic's favourites can be less diverse than the pool.
    The kept images are saved as one grid PNG, best first in row-major order, and
    kept with their scores and latents on the callback for reporting.

    Attributes (after train end):
        scores: float array (num_keep,), critic scores sorted from highest.
        labels: int array (num_keep,) of their classes for a conditional model, else None.
        latents: float32 array (num_keep, latent_dim), the matching latents.
        images: float array (num_keep, H, W, C) in [-1, 1], the matching images.

    Args:
        path: PNG file to write; parent folders are created. A path that cannot be written
            (empty, a folder, under a file, in a read-only folder) is refused here, not at
            train end.
        pool_size: number of candidate samples generated.
        num_keep: number kept (<= pool_size); laid out near-square (64 -> 8 x 8).
        batch_size: samples generated and scored at a time (bounds memory).
        seed: seed of the latent draw (numpy).

    Example:
    >>> import os, tempfile, numpy as np
    >>> from keras_gans.models import DCGAN
    >>> model = DCGAN(*DCGAN.default_networks(16, 1, latent_dim=8, width=4))
    >>> model.compile()
    >>> best = BestSamples(os.path.join(tempfile.mkdtemp(), "best.png"), pool_size=32, num_keep=4)
    >>> _ = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, verbose=0, callbacks=[best])
    >>> best.scores.shape, bool(np.all(np.diff(best.scores) <= 0)), os.path.exists(best.path)
    ((4,), True, True)
    """

    def __init__(self, path, pool_size=512, num_keep=64, batch_size=128, seed=0):
        super().__init__()
        self.pool_size = positive_int("pool_size", pool_size)
        self.num_keep = positive_int("num_keep", num_keep)
        self.batch_size = positive_int("batch_size", batch_size)
        if self.num_keep > self.pool_size:
            raise ValueError(
                f"num_keep={self.num_keep} is more than pool_size={self.pool_size}; "
                "cannot keep more samples than are generated"
            )
        # Checked now: the grid is written at train end, after all the training.
        self.path = writable_path("path", path, "file")
        self.seed = seed
        self.scores = None
        self.latents = None
        self.labels = None
        self.images = None

    def on_train_end(self, logs=None):
        model = self.model
        rng = np.random.default_rng(self.seed)
        pool = rng.standard_normal((self.pool_size, model.latent_dim)).astype(np.float32)
        num_classes = getattr(model, "num_classes", None)
        # A conditional model draws each sample's class uniformly, like its training.
        labels = None if num_classes is None else rng.integers(0, num_classes, self.pool_size).astype("int32")
        images, scores = [], []
        for start in range(0, self.pool_size, self.batch_size):
            part = slice(start, start + self.batch_size)
            batch_labels = None if labels is None else labels[part]
            batch = keras.ops.convert_to_numpy(model.generate(pool[part], labels=batch_labels))
            score = keras.ops.convert_to_numpy(model.score(batch, labels=batch_labels))
            images.append(batch)
            scores.append(np.reshape(score, (len(batch),)))
        images, scores = np.concatenate(images), np.concatenate(scores)
        # Stable sort on the negated score: highest first, ties keep pool order.
        best = np.argsort(-scores, kind="stable")[: self.num_keep]
        self.scores = scores[best]
        self.latents = pool[best]
        self.labels = None if labels is None else labels[best]
        self.images = images[best]
        save_image(self.path, image_grid(self.images, min_tile=DISPLAY_TILE))

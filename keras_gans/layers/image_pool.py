"""The history of generated images that CycleGAN's discriminators are trained on (Shrivastava et al. 2017)."""

import keras
from keras import ops

from keras_gans import _validation as validation

# Zhu et al. Sec. 4: "we keep an image buffer that stores the 50 previously created images".
DEFAULT_POOL_SIZE = 50
SWAP_PROBABILITY = 0.5


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """A buffer of past generated images: the discriminator sees a mix of new and old fakes.

    Until it holds `pool_size` images, each generated image is stored and returned as it
    is. Once full, each image is, with probability 1/2, swapped with a stored one drawn
    uniformly (the stored image is returned and the new one takes its place), and otherwise
    returned as it is (the authors' `util/image_pool.py`). Updating the discriminator on a
    history of generated images rather than the latest only damps the oscillation of the
    two players (Shrivastava et al. 2017, Sec. 2.3).

    The buffer and its fill count are non-trainable weights: they are saved with the model
    (`.keras` files, `BackupAndRestore`) and training resumes with the same history.

    The random draws come from the caller (`query`'s `uniform` and `slots`), so a model
    draws them from its own seeded noise. Within a batch the stored images returned are
    those before the batch's writes (the authors' loop goes image by image; with batch size
    1, the paper's, the two agree).

    Args:
        image_shape: `(H, W, C)` of the images.
        pool_size: images kept, >= 0; 0 returns every image as it is.
        **kwargs: base layer keyword arguments (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> pool = ImagePool((2, 2, 1), pool_size=2)
    >>> ones = np.ones((2, 2, 2, 1), "float32")
    >>> out = pool.query(ones, uniform=np.zeros(2), slots=np.zeros(2, "int32"))  # filling: returned as they are
    >>> int(pool.count), float(np.asarray(out).mean())
    (2, 1.0)
    >>> out = pool.query(-ones, uniform=np.array([0.9, 0.1]), slots=np.array([1, 0], "int32"))
    >>> np.asarray(out)[:, 0, 0, 0].tolist()  # the first swapped with stored image 1, the second kept
    [1.0, -1.0]

    Reference:
        Shrivastava et al. "Learning from Simulated and Unsupervised Images through
        Adversarial Training", CVPR 2017; Zhu et al. ICCV 2017, Sec. 4.
    """

    def __init__(self, image_shape, pool_size=DEFAULT_POOL_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = tuple(validation.positive_ints("image_shape", image_shape))
        self.pool_size = validation.non_negative_int("pool_size", pool_size)
        self.images = self.add_weight(
            shape=(max(self.pool_size, 1), *self.image_shape), initializer="zeros", trainable=False, name="images"
        )
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        self.built = True

    def query(self, images, uniform, slots):
        """Images for the discriminator: each new one, or a stored one it replaces.

        Args:
            images: the newly generated images, (N, *image_shape).
            uniform: (N,) draws from U[0, 1): an image is swapped when its draw is > 1/2.
            slots: (N,) int draws from [0, pool_size): the stored image each would swap with.

        Returns:
            (N, *image_shape) images of the dtype of `images`.
        """
        if self.pool_size == 0:
            return images
        n = ops.shape(images)[0]
        stored = ops.cast(self.images, images.dtype)
        positions = self.count + ops.arange(n, dtype="int32")
        filling = positions < self.pool_size
        swap = ops.logical_and(ops.logical_not(filling), ops.convert_to_tensor(uniform) > SWAP_PROBABILITY)
        slots = ops.cast(slots, "int32")
        returned = ops.where(ops.reshape(swap, (-1,) + (1,) * len(self.image_shape)), ops.take(stored, slots, axis=0),
                             images)
        # Rows that write nothing go to a scratch slot past the end, dropped after the scatter.
        target = ops.where(filling, positions, ops.where(swap, slots, self.pool_size))
        padded = ops.concatenate([ops.cast(self.images, "float32"), ops.zeros((1, *self.image_shape))], axis=0)
        updated = ops.scatter_update(padded, ops.expand_dims(target, -1), ops.cast(images, "float32"))
        self.images.assign(updated[: self.pool_size])
        self.count.assign(ops.minimum(self.count + n, self.pool_size))
        return returned

    def call(self, images, uniform, slots):
        return self.query(images, uniform, slots)

    def get_config(self):
        return {**super().get_config(), "image_shape": list(self.image_shape), "pool_size": self.pool_size}

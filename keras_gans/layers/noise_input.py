"""StyleGAN's per-pixel noise input with learned per-channel scales."""

import keras
from keras import ops

from keras_gans import _validation as validation


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInput(keras.layers.Layer):
    """Adds single-channel Gaussian noise, one value per pixel, scaled by a learned factor per channel.

    `out[n, h, w, c] = x[n, h, w, c] + scale[c] * noise[n, h, w]` (the "B" boxes of the
    paper's Figure 1). The scales start at 0, so a fresh layer is the identity. In
    training the noise is drawn anew for every image and call; in inference the layer
    adds a fixed noise map (a non-trainable weight drawn once, N(0, 1)), which is the
    authors' `randomize_noise=False`: the same z then always gives the same image, which
    `generate`, the export and the fixed-noise GIF rely on. Pass `training=True` to draw
    fresh noise at sampling time (the paper's Figure 4 shows what it changes).

    Args:
        seed: seed of the training noise (a `keras.random.SeedGenerator`, saved with the model).
        **kwargs: base layer keyword arguments (e.g. `name`, `dtype`).

    Example:
    >>> import numpy as np
    >>> layer = NoiseInput(seed=0)
    >>> x = np.ones((2, 4, 4, 3), "float32")
    >>> bool(np.array_equal(np.asarray(layer(x, training=True)), x))  # scales start at 0
    True

    Reference:
        Karras, Laine, Aila. "A Style-Based Generator Architecture for Generative Adversarial
        Networks", CVPR 2019, Sec. 3.2. https://arxiv.org/abs/1812.04948
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = validation.non_negative_int("seed", seed, allow_none=True)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"NoiseInput takes channels-last maps (N, H, W, C), got shape {tuple(input_shape)}")
        _, height, width, channels = input_shape
        self.scale = self.add_weight(shape=(channels,), name="scale", initializer="zeros")
        self.fixed_noise = self.add_weight(shape=(1, height, width, 1), name="fixed_noise", trainable=False,
                                           initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed))

    def call(self, inputs, training=False):
        if training:
            shape = ops.shape(inputs)
            noise = keras.random.normal((shape[0], shape[1], shape[2], 1), seed=self.seed_generator,
                                        dtype=self.compute_dtype)
        else:
            noise = ops.cast(self.fixed_noise, self.compute_dtype)
        # x + B noise: one noise value per pixel, a learned scale per channel
        return inputs + noise * ops.cast(self.scale, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}

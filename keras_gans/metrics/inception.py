"""The default feature extractor of FID and KID: InceptionV3's 2048 average-pooled features."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import _validation as validation

# Side of Inception's input: the resolution it was trained at, and the one FID is defined with.
INCEPTION_SIZE = 299
# The smallest side keras.applications.InceptionV3 builds for (five stride-2 stages).
MIN_SIZE = 75
FEATURE_DIM = 2048
# Pixel values may overshoot [-1, 1] by this much (float rounding in a data pipeline)
# before the extractor refuses them as being on another scale.
_RANGE_TOLERANCE = 0.01


def preprocess_images(images, image_size=INCEPTION_SIZE):
    """Images in [-1, 1] -> Inception's input: RGB, `image_size` square, bilinear, in [-1, 1].

    Grayscale images are repeated to three channels. Every image is resized to
    `image_size` x `image_size` with bilinear interpolation, half-pixel centres and
    no antialiasing (`tf.image.resize(..., "bilinear", antialias=False)`, the same
    arithmetic as PyTorch's `interpolate(mode="bilinear", align_corners=False)`
    used by pytorch-fid). The resize filter is part of the metric: Parmar et al.
    2022 ("On Aliased Resizing and Surprising Subtleties in GAN Evaluation") show
    FID moving by several points between resize implementations, as much as many
    a paper's claimed improvement, so FIDs are only comparable when computed with
    the same one. Upsampling (small GAN images -> 299) is unaffected by
    antialiasing; downsampling larger images would be, and is done without it.

    No rescaling: Inception's own `preprocess_input` maps [0, 255] to [-1, 1],
    the range this package's data and generators already use.

    Args:
        images: float array or tensor (N, H, W, 1 or 3) in [-1, 1].
        image_size: side of the output (299 for FID).

    Returns:
        A float32 `tf.Tensor` (N, image_size, image_size, 3).

    Raises:
        ValueError: for another rank or channel count, integer pixels, or values
            outside [-1, 1] (e.g. [0, 255] images), naming what was found.

    Example:
    >>> import numpy as np
    >>> gray = np.array([[0.0, 1.0]], "float32").reshape(1, 1, 2, 1)  # one 1x2 image
    >>> x = preprocess_images(np.tile(gray, (1, 2, 1, 1)), image_size=4)
    >>> x.shape
    TensorShape([1, 4, 4, 3])
    >>> x.numpy()[0, 0, :, 0].tolist()  # half-pixel bilinear: centres at 0.25, 0.75
    [0.0, 0.25, 0.75, 1.0]

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium" (FID on Inception pool_3 features).
    """
    image_size = validation.positive_int("image_size", image_size)
    x = tf.cast(_check_images(images), tf.float32)
    if tf.size(x) > 0:
        low, high = float(tf.reduce_min(x)), float(tf.reduce_max(x))
        # NaN compares False and passes: a diverged generator shows as NaN features.
        if low < -1 - _RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
            raise ValueError(
                f"images must lie in [-1, 1], got values in [{low:g}, {high:g}]; "
                "scale [0, 255] pixels with x / 127.5 - 1"
            )
    if x.shape[-1] == 1:
        x = tf.tile(x, (1, 1, 1, 3))
    if tuple(x.shape[1:3]) != (image_size, image_size):
        x = tf.image.resize(x, (image_size, image_size), method="bilinear", antialias=False)
    return x


def inception_features(weights="imagenet", pooling="avg", image_size=INCEPTION_SIZE, batch_size=50):
    """Builds the default FID/KID extractor: images in [-1, 1] -> (N, 2048) Inception features.

    `keras.applications.InceptionV3(include_top=False, pooling="avg")` on
    `preprocess_images` (grayscale to RGB, bilinear resize to 299 x 299): the
    2048 averaged activations of its last block, Inception's "pool_3", the
    features FID and KID are defined on. The network runs in inference mode in a
    `tf.function` traced once, `batch_size` images at a time.

    The ImageNet weights are Keras', downloaded into the Keras cache
    (`~/.keras/models`) on first use. They are not the 2015 TensorFlow graph
    (`inception-2015-12-05`) behind the published FIDs of Heusel et al. and
    pytorch-fid, so absolute values differ from papers' tables: compare models
    with each other under this extractor, not with numbers from elsewhere.

    Args:
        weights: "imagenet", a path to a weights file of the headless InceptionV3
            (for machines without network access), or None for random weights
            (tests only: untrained features say nothing about image quality).
        pooling: "avg" (pool_3, what FID and KID use) or "max".
        image_size: input side, 299 for FID; >= 75 builds a smaller, faster
            network whose features are not comparable with 299's.
        batch_size: images per forward pass (bounds memory: 50 at 299 x 299 holds
            50 x 1 MB of input plus the activations).

    Returns:
        A callable `images -> float32 numpy array (N, 2048)` with attributes
        `model` (the InceptionV3), `image_size`, `batch_size` and `feature_dim`.

    Example:
    >>> import numpy as np
    >>> extract = inception_features(weights=None, image_size=75)  # no download
    >>> gray = np.random.uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    >>> features = extract(gray)
    >>> features.shape, features.dtype
    ((3, 2048), dtype('float32'))
    >>> bool(np.allclose(features, extract(np.repeat(gray, 3, axis=-1)), atol=1e-5))
    True

    Reference:
        Szegedy et al. 2016, "Rethinking the Inception Architecture for Computer
        Vision"; Heusel et al. 2017 (FID); Binkowski et al. 2018 (KID).
    """
    validation.one_of("pooling", pooling, ("avg", "max"))
    image_size = validation.positive_int("image_size", image_size, minimum=MIN_SIZE)
    batch_size = validation.positive_int("batch_size", batch_size)
    model = keras.applications.InceptionV3(
        include_top=False, weights=weights, pooling=pooling, input_shape=(image_size, image_size, 3)
    )
    return _InceptionExtractor(model, image_size, batch_size)


class _InceptionExtractor:
    """The callable `inception_features` returns (see there)."""

    def __init__(self, model, image_size, batch_size):
        self.model = model
        self.image_size = image_size
        self.batch_size = batch_size
        self.feature_dim = int(model.output.shape[-1])
        # One trace for every batch size: the batch dimension is left open.
        spec = tf.TensorSpec((None, image_size, image_size, 3), tf.float32)
        self._forward = tf.function(lambda x: model(x, training=False), input_signature=[spec], autograph=False)

    def __call__(self, images):
        images = _check_images(images)
        chunks = [
            self._forward(preprocess_images(images[i : i + self.batch_size], self.image_size)).numpy()
            for i in range(0, int(images.shape[0]), self.batch_size)
        ]
        if not chunks:
            return np.zeros((0, self.feature_dim), np.float32)
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def __repr__(self):
        return f"<Inception features: {self.image_size}x{self.image_size} -> {self.feature_dim}>"


def _check_images(images):
    """`images` as a tensor, after checking its rank, channels and dtype (not its values)."""
    x = tf.convert_to_tensor(images)
    if x.shape.rank != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"images must have shape (N, H, W, 1 or 3), got {tuple(x.shape)}")
    if not x.dtype.is_floating:
        raise ValueError(f"images must be floats in [-1, 1], got {x.dtype.name} pixels; scale them with x / 127.5 - 1")
    return x

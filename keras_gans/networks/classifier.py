"""A convolutional image classifier: the third player of Triple-GAN, and a supervised baseline."""

import keras

from keras_gans import _validation as validation


def build_classifier(image_size=32, channels=1, num_classes=10, width=64, dropout=0.5, name="classifier"):
    """Builds the Triple-GAN authors' MNIST classifier, its widths scaled by `width`: images -> class logits.

    Five convolutions with batch norm and ReLU: 5x5 with `width / 2` filters, 2x2 max
    pooling and dropout; two 3x3 with `width`, pooling and dropout; two 3x3 with
    `2 width`; then global average pooling and a dense layer of `num_classes` logits (no
    softmax). With width 64 the filters are the authors' 32, 64, 64, 128, 128. Departure:
    'same' padding throughout (the authors' first and third convolutions were 'valid' on
    28 px), so that any image size of 8 px or more fits.

    Args:
        image_size: side of the square images, >= 8.
        channels: 1 or 3.
        num_classes: K, an int >= 2.
        width: filters of the middle convolutions.
        dropout: rate after each pooling, in [0, 1).
        name: name of the Functional model.

    Returns:
        A `keras.Model` images (N, S, S, C) -> logits (N, K), float32 output.

    Example:
    >>> build_classifier(16, 1, num_classes=10, width=8).output_shape
    (None, 10)

    Reference:
        Li, Xu, Zhu, Zhang. "Triple Generative Adversarial Nets", NeurIPS 2017;
        https://github.com/zhenxuan00/triple-gan (x2y_yz2x_xy2p_ssl_mnist.py).
    """
    image_size = validation.image_size(image_size)
    channels, num_classes = validation.channels(channels), validation.num_classes(num_classes)
    width = validation.positive_int("width", width)
    dropout = validation.number("dropout", dropout, low=0, high=1, high_open=True)
    images = keras.Input((image_size, image_size, channels), name="images")
    x = images
    for filters, kernel, pool in ((max(width // 2, 1), 5, True), (width, 3, False), (width, 3, True),
                                  (2 * width, 3, False), (2 * width, 3, False)):
        x = keras.layers.Conv2D(filters, kernel, padding="same", use_bias=False)(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
        if pool:
            x = keras.layers.Dropout(dropout)(keras.layers.MaxPooling2D(2)(x))
    x = keras.layers.GlobalAveragePooling2D()(x)
    # float32 logits under mixed precision: the softmax and the losses read them.
    logits = keras.layers.Dense(num_classes, dtype="float32", name="logits")(x)
    return keras.Model(images, logits, name=name)

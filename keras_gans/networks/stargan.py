"""StarGAN's networks (Choi et al. 2018): G(x, c) on a tiled target label, and the two-head discriminator."""

import keras
from keras import layers, ops

from keras_gans import _validation as validation
from keras_gans.networks._labels import label_input, one_hot
from keras_gans.networks.patch import build_patch_discriminator, patch_layers
from keras_gans.networks.resnet_translator import build_resnet_generator

# Choi et al. Appendix, Table 4: six residual blocks in the bottleneck of G at 128 px.
STARGAN_BLOCKS = 6


def tile_labels(images, labels):
    """Target labels tiled over the image and concatenated depth-wise: StarGAN's G input (Sec. 3.3).

    `c` of shape (N, K) becomes (N, H, W, K), each pixel holding the whole vector, and is
    appended to the image's channels: (N, H, W, C + K).

    Args:
        images: (N, H, W, C) images.
        labels: (N, K) label vectors (one-hot domains or 0/1 attributes).

    Returns:
        (N, H, W, C + K) in the images' dtype.

    Example:
    >>> import numpy as np
    >>> x = tile_labels(np.zeros((1, 2, 2, 1), "float32"), np.array([[1.0, 0.0]], "float32"))
    >>> tuple(x.shape), np.asarray(x)[0, 1, 1].tolist()
    ((1, 2, 2, 3), [0.0, 1.0, 0.0])
    """
    images = ops.convert_to_tensor(images)
    labels = ops.cast(labels, images.dtype)
    shape = ops.shape(images)
    tiled = ops.broadcast_to(labels[:, None, None, :], (shape[0], shape[1], shape[2], ops.shape(labels)[-1]))
    return ops.concatenate([images, tiled], axis=-1)


def build_stargan_generator(
    image_size=128, channels=3, num_domains=5, width=64, blocks=STARGAN_BLOCKS, multi_label=False, name="generator"
):
    """StarGAN's generator G(x, c): the ResNet translator with c tiled over the image.

    The translator of `build_resnet_generator` (two stride-2 convolutions down, `blocks`
    residual blocks, two up; instance norm with affine parameters, as the authors' code)
    taking the target label as `extra_input_channels`. With `multi_label` the label is a
    vector of `num_domains` 0/1 attributes (CelebA's hair colours, gender, age); else an
    int domain index, one-hot encoded inside the network, so that `generate`, export and
    the translate command hand it class indices as they do to a conditional GAN.

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        num_domains: K, the domains (or attributes), >= 2.
        width: filters of the first convolution (64 in the paper).
        blocks: residual blocks (6 in the paper).
        multi_label: labels are (N, K) float 0/1 vectors instead of (N,) int indices.
        name: name of the model.

    Returns:
        A `keras.Model` `[images, labels] -> images` in [-1, 1].

    Example:
    >>> g = build_stargan_generator(16, 1, num_domains=3, width=4, blocks=1)
    >>> [tuple(t.shape) for t in g.inputs], tuple(g.output.shape)
    ([(None, 16, 16, 1), (None,)], (None, 16, 16, 1))

    Reference:
        Choi, Choi, Kim, Ha, Kim, Choo. "StarGAN: Unified Generative Adversarial Networks for
        Multi-Domain Image-to-Image Translation", CVPR 2018. https://arxiv.org/abs/1711.09020
    """
    num_domains = validation.num_classes(num_domains)
    multi_label = validation.boolean("multi_label", multi_label)
    translator = build_resnet_generator(
        image_size, channels, width, blocks, extra_input_channels=num_domains, affine_norm=True,
        name=name if multi_label else "translator",
    )
    if multi_label:
        return translator
    images, labels = keras.Input(translator.inputs[0].shape[1:], name="images"), label_input()
    return keras.Model([images, labels], translator([images, one_hot(labels, num_domains, name="one_hot")]), name=name)


def build_stargan_discriminator(image_size=128, channels=3, num_domains=5, width=64, num_layers=None,
                                name="discriminator"):
    """StarGAN's discriminator: a PatchGAN with a second head classifying the domain.

    The trunk is `build_patch_discriminator`'s: its map of real/fake scores D_src is the
    first output (a critic: linear scores for WGAN-GP); a convolution as large as the
    trunk's last feature map gives the K domain logits D_cls, the second output (the
    authors' `conv2`). As the authors' it has no normalisation: instance norm would remove each
    channel's mean per image, which is the colour that tells some domains apart (measured: with
    it, G learned to ignore c on colour domains). A departure: the trunk is CycleGAN's PatchGAN
    scaled to the image size (LeakyReLU 0.2, 4x4 convolutions, a stride-1 layer before the
    scores), not the authors' six stride-2 layers with LeakyReLU 0.01 at 128 px.

    Args:
        image_size: side of the square images: 4..7 times a power of two, >= 8.
        channels: 1 or 3.
        num_domains: K, >= 2.
        width: filters of the first convolution (64 in the paper).
        num_layers: stride-2 convolutions of the trunk; None: `patch_layers(image_size)`.
        name: name of the model.

    Returns:
        A `keras.Model` from images to `[scores (N, P, P, 1), domain logits (N, K)]`.

    Example:
    >>> d = build_stargan_discriminator(16, 1, num_domains=3, width=4)
    >>> [tuple(t.shape) for t in d.outputs]
    [(None, 6, 6, 1), (None, 3)]

    Reference:
        Choi et al. CVPR 2018, Sec. 3.1 and Appendix (Table 5).
    """
    num_domains = validation.num_classes(num_domains)
    num_layers = patch_layers(image_size) if num_layers is None else num_layers
    patch = build_patch_discriminator(image_size, channels, width, num_layers, name=f"{name}_patch", normalization=None)
    features = patch.get_layer(f"lrelu{num_layers}").output
    logits = layers.Conv2D(num_domains, features.shape[1], name="domain_conv")(features)
    logits = layers.Reshape((num_domains,), name="domain_flat")(logits)
    logits = layers.Activation("linear", dtype="float32", name="domain_logits")(logits)
    return keras.Model(patch.inputs, [patch.output, logits], name=name)

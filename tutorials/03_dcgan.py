# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · DCGAN: convolutional networks that make GANs train
#
# The fully connected GAN of notebook 01 works on tiny digits; images need convolutions. You will learn
# the architecture rules of DCGAN (Radford et al. 2016), check each of them on the 64×64 networks that
# `keras_gans.networks` builds, see their layer stacks drawn as feature-map shapes, and train
# `keras_gans.DCGAN`: on CelebA faces at 64×64 when they are on disk, otherwise on a stated stand-in,
# the digits.

# %% [markdown]
# ## Introduction
#
# Early attempts to scale GANs up with convolutional networks were unstable. Radford, Metz & Chintala
# (2016, *Unsupervised Representation Learning with Deep Convolutional Generative Adversarial
# Networks*, arXiv:1511.06434) found, by extensive search, an architecture family that trains
# reliably, and wrote its rules down (their Sec. 3):
#
# 1. **No pooling**: strided convolutions in the discriminator let it learn its own down-sampling;
#    fractionally strided (transposed) convolutions in the generator learn the up-sampling.
# 2. **Batch normalisation** in both networks, except the generator's output layer and the
#    discriminator's input layer (applied there, it made samples oscillate).
# 3. **No fully connected hidden layers**: the generator's first layer is a matrix multiplication of
#    $z$ reshaped into a $4 \times 4$ stack of feature maps; the discriminator's last feature maps are
#    flattened into one output.
# 4. **ReLU** in the generator, **tanh** at its output (images in $[-1, 1]$).
# 5. **LeakyReLU** (slope 0.2) in every discriminator layer.
#
# And the training details (their Sec. 4): weights initialised from $\mathcal N(0, 0.02)$, Adam with
# learning rate $2 \times 10^{-4}$ (they found $10^{-3}$ too high) and $\beta_1 = 0.5$ (the usual
# 0.9 made training oscillate).
#
# A stride-2 transposed convolution doubles the side of its feature maps, a stride-2 convolution
# halves it, so for 64×64 images the generator climbs $4 \to 8 \to 16 \to 32 \to 64$ while halving its
# filters, and the discriminator mirrors it:
#
# $$z \in \mathbb R^{100} \xrightarrow{\text{dense}} 4{\times}4{\times}512 \to 8{\times}8{\times}256
# \to 16{\times}16{\times}128 \to 32{\times}32{\times}64 \to 64{\times}64{\times}3 .$$
#
# The objective is the GAN game of notebook 01: binary cross-entropy for $D$ and the non-saturating
# $-\mathbb E[\log D(G(z))]$ for $G$.

# %% [markdown]
# ## Setup
#
# Which data runs is decided here. CelebA (Liu et al. 2015, *Deep Learning Face Attributes in the
# Wild*, ICCV) is used when it is already on this machine: set `CELEBA_SOURCE` to the path of
# `img_align_celeba.zip` or of its unpacked folder, or to `tfds` if `tensorflow_datasets` has already
# prepared `celeb_a`. This notebook never starts a download. Without CelebA it trains on the digits,
# the stand-in, and says so.

# %%
import os
import shutil
import time

QUICK = os.environ.get("QUICK") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

import keras_gans
from keras_gans.callbacks import FixedNoiseGIF, LossPlot
from keras_gans.images import image_grid

SEED = 0
keras.utils.set_random_seed(SEED)
RUN = "runs/03_dcgan"
shutil.rmtree(RUN, ignore_errors=True)  # a fresh run: the GIF would otherwise continue an old one
os.makedirs(RUN)


# celeba_available never downloads: "tfds" only when celeb_a is already prepared, a path only if it exists.
SOURCE = keras_gans.data.celeba_available(os.environ.get("CELEBA_SOURCE"))
DATASET = "celeba" if SOURCE else "digits"
if DATASET == "celeba":
    IMAGE_SIZE, CHANNELS, WIDTH = (16, 3, 8) if QUICK else (64, 3, 64)
    EPOCHS, STEPS_PER_EPOCH = (2, 2) if QUICK else (10, 200)
else:
    IMAGE_SIZE, CHANNELS, WIDTH = (8, 1, 4) if QUICK else (16, 1, 32)
    EPOCHS, STEPS_PER_EPOCH = (2, 5) if QUICK else (10, 150)
BATCH_SIZE = 64
print(f"QUICK={QUICK}. Data: {'CelebA from ' + SOURCE if SOURCE else 'digits (stand-in: no CelebA on this machine)'}")
print(f"Training size: {IMAGE_SIZE}x{IMAGE_SIZE}x{CHANNELS}, width {WIDTH}, "
      f"{EPOCHS * STEPS_PER_EPOCH} generator steps of batch {BATCH_SIZE}")


def show_grid(images, title=None, ax=None):
    """Shows a batch of images in [-1, 1] as one grid (keras_gans.images.image_grid)."""
    grid = image_grid(images)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# %% [markdown]
# ## Data
#
# Both loaders return batched `tf.data.Dataset`s of float32 images in $[-1, 1]$.
# `keras_gans.data.celeba` crops the aligned 218×178 faces to the centred 140×140 square (top 39,
# left 19) and resizes them with antialiasing; `keras_gans.data.digits` upsamples scikit-learn's 8×8
# digits bilinearly.

# %%
if DATASET == "celeba":
    dataset = keras_gans.data.celeba(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, source=SOURCE, seed=SEED)
else:
    dataset = keras_gans.data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, channels=CHANNELS, seed=SEED)
print(dataset.element_spec, "- batches per pass:", int(dataset.cardinality()))
show_grid(next(iter(dataset)).numpy()[:64], title=f"real {DATASET}, {IMAGE_SIZE}x{IMAGE_SIZE}")
plt.show()
dataset = dataset.repeat()

# %% [markdown]
# ## Networks
#
# ### The 64×64 networks, layer by layer
#
# Whatever data runs below, here are the networks DCGAN trains on 64×64 RGB faces:
# `keras_gans.networks.build_generator(64, 3, latent_dim=100, width=64)` and
# `build_discriminator(64, 3, width=64)`, which is what `DCGAN.default_networks(64, 3)` returns.
# (Width 64 is the authors' code; the paper's Figure 1 draws a generator twice as wide, 1,024 filters
# at 4×4.) Building them costs no training.

# %%
generator_64 = keras_gans.networks.build_generator(64, 3, latent_dim=100, width=64)
discriminator_64 = keras_gans.networks.build_discriminator(64, 3, width=64)
generator_64.summary()
discriminator_64.summary()

# %% [markdown]
# The same stacks as pictures: each box is the output of a layer that changes the shape, its height
# proportional to the side of the feature maps and its width to the logarithm of their number.

# %%
def shape_stack(model):
    """(layer name, output shape) for the layers that change the shape, input first."""
    stack = [("input", tuple(model.inputs[0].shape[1:]))]
    for layer in model.layers[1:]:
        shape = tuple(layer.output.shape[1:])
        if shape != stack[-1][1]:
            stack.append((type(layer).__name__, shape))
    return stack


fig, axes = plt.subplots(2, 1, figsize=(11, 5.6))
for ax, (title, model) in zip(axes, [("generator", generator_64), ("discriminator", discriminator_64)]):
    x = 0.0
    for name, shape in shape_stack(model):
        side = shape[0] if len(shape) == 3 else 1
        channels = shape[-1]
        height, width = max(side, 1) / 64 * 3.0 + 0.12, 0.25 + 0.25 * np.log2(channels)
        ax.add_patch(plt.Rectangle((x, -height / 2), width, height, facecolor="tab:blue" if title == "generator"
                                   else "tab:orange", alpha=0.55, edgecolor="black"))
        label = f"{side}x{side}x{channels}" if len(shape) == 3 else f"{channels}"
        ax.text(x + width / 2, height / 2 + 0.1, label, ha="center", fontsize=8)
        ax.text(x + width / 2, -height / 2 - 0.25, name, ha="center", fontsize=7, rotation=0)
        x += width + 0.35
    ax.set(xlim=(-0.2, x), ylim=(-2.2, 2.2), title=f"{title}: shapes through the stack")
    ax.set_axis_off()
plt.tight_layout()
plt.show()

# %% [markdown]
# ### The rules, checked on the built networks
#
# Rather than trust the docstrings, the next cell reads the layers of the two 64×64 networks and
# checks each of Radford et al.'s rules, and measures the standard deviation of the freshly initialised
# convolution kernels.

# %%
def layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


def has_batch_norm_after(model, index_filter):
    """For each weighted layer (Dense/Conv), whether a BatchNormalization directly follows it."""
    layers = model.layers
    result = []
    for i, layer in enumerate(layers):
        if type(layer).__name__ in ("Dense", "Conv2D", "Conv2DTranspose") and index_filter(layer):
            following = [type(l).__name__ for l in layers[i + 1 : i + 3]]
            result.append((layer.name, "BatchNormalization" in following))
    return result


g_types, d_types = layer_types(generator_64), layer_types(discriminator_64)
convs = [l for l in generator_64.layers + discriminator_64.layers if type(l).__name__.startswith("Conv2D")]
g_bn = has_batch_norm_after(generator_64, lambda layer: True)
d_bn = has_batch_norm_after(discriminator_64, lambda layer: type(layer).__name__ == "Conv2D")
leaky = [l.negative_slope for l in discriminator_64.layers if type(l).__name__ == "LeakyReLU"]
kernel_std = {l.name: float(np.std(l.kernel.numpy())) for l in convs}
checks = [
    ("no pooling layers", not any("Pooling" in t for t in g_types + d_types)),
    ("every convolution has stride 2", all(l.strides == (2, 2) for l in convs)),
    ("G: batch norm after every layer but the output", [bn for _, bn in g_bn] == [True] * (len(g_bn) - 1) + [False]),
    ("D: batch norm after every convolution but the first", [bn for _, bn in d_bn] == [False] + [True] * (len(d_bn) - 1)),
    ("only Dense layers: G's projection of z and D's output", g_types.count("Dense") == 1 and d_types.count("Dense") == 1),
    ("G: ReLU hidden, tanh output", "ReLU" in g_types and generator_64.layers[-1].activation.__name__ == "tanh"),
    ("D: LeakyReLU(0.2) in every layer", len(leaky) == len(d_bn) and all(abs(s - 0.2) < 1e-6 for s in leaky)),
    ("weights from N(0, 0.02)", all(abs(s - 0.02) < 0.002 for s in kernel_std.values())),
]
for rule, ok in checks:
    print(f"{'OK ' if ok else 'NO '} {rule}")
print("std of the initial conv kernels:", {k: round(v, 4) for k, v in kernel_std.items()})

# %% [markdown]
# ### The networks we train here
#
# The same builders at the training size chosen in Setup, through `DCGAN.default_networks`: with the
# digits stand-in, 16×16 grayscale and width 32, the generator climbs $4 \to 8 \to 16$ and the
# discriminator mirrors it.

# %%
keras.utils.set_random_seed(SEED)
generator, discriminator = keras_gans.DCGAN.default_networks(IMAGE_SIZE, CHANNELS, width=WIDTH)
for model in (generator, discriminator):
    print(f"{model.name:14s} {model.count_params():>9,d} parameters, shapes:",
          " -> ".join("x".join(map(str, s)) for _, s in shape_stack(model)))

# %% [markdown]
# ## Model
#
# `keras_gans.DCGAN` plays the non-saturating GAN game on these networks. Real and generated batches
# go through the discriminator in separate calls, as the paper's separate minibatches, so batch norm
# normalises each with its own statistics. `compile()` sets Adam(2e-4, $\beta_1 = 0.5$) for both
# players. Two options from Salimans et al. (2016, *Improved Techniques for Training GANs*,
# arXiv:1606.03498) exist and stay off here: `label_smoothing` and `feature_matching`.

# %%
model = keras_gans.DCGAN(generator, discriminator, seed=SEED)
model.compile()
for role, optimizer in (("D", model.d_optimizer), ("G", model.g_optimizer)):
    print(f"{role}: {type(optimizer).__name__}(learning_rate={float(optimizer.learning_rate):g}, "
          f"beta_1={optimizer.beta_1}, beta_2={optimizer.beta_2})")

# %% [markdown]
# ## Callbacks
#
# The fixed-noise GIF and the loss plot of notebook 01.

# %%
callbacks = [FixedNoiseGIF(RUN, num_images=36, seed=SEED),
             LossPlot(RUN, keys=("d_loss", "g_loss", "d_real", "d_fake"), every_n_steps=100)]

# %% [markdown]
# ## Train

# %%
start = time.perf_counter()
history = model.fit(dataset, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=callbacks, verbose=0)
seconds = time.perf_counter() - start
print(f"{EPOCHS * STEPS_PER_EPOCH} generator steps on {DATASET} in {seconds:.0f} s "
      f"({1000 * seconds / (EPOCHS * STEPS_PER_EPOCH):.0f} ms per step, graph tracing included)")

# %% [markdown]
# **What ran, and its size.** There was no CelebA on the machine that made the committed run, so the
# stand-in trained: 16×16 grayscale digits, width 32 (discriminator filters 32-64, generator 64-32),
# latent size 100, batch 64, 1,500 generator steps (10 epochs of 150), in 71 s of training on the
# project's 2-core CPU shared with other jobs (printed above). With CelebA present the same cells
# train the 64×64 networks shown above for 2,000 steps of batch 64, a job for a GPU (notebook 05
# works out what a 64×64 step costs).

# %% [markdown]
# ## Results
#
# ### Training, the same 36 latents after every epoch

# %%
display(Image(filename=f"{RUN}/training.gif"))

# %% [markdown]
# ### The losses and the discriminator's beliefs

# %%
display(Image(filename=f"{RUN}/losses.png"))

# %% [markdown]
# ### Samples and, on digits, scores
#
# 64 fresh samples. On the digits, a classifier trained on real digits reads 1,000 samples
# (`keras_gans.metrics`; notebook 01 explains the figures).

# %%
samples = model.generate(np.random.default_rng(SEED + 1).standard_normal((64, model.latent_dim)).astype("float32"))
show_grid(samples, title=f"DCGAN samples after {EPOCHS * STEPS_PER_EPOCH} steps ({DATASET})")
plt.show()
if DATASET == "digits":
    classifier = keras_gans.metrics.train_digits_classifier(IMAGE_SIZE, epochs=2 if QUICK else 15)
    (train_digits, _), _ = keras_gans.metrics.digits_split(IMAGE_SIZE)
    images = model.generate(np.random.default_rng(SEED).standard_normal((200 if QUICK else 1000, model.latent_dim))
                            .astype("float32"))
    coverage = keras_gans.metrics.class_coverage(images, classifier)
    frechet = keras_gans.metrics.frechet_distance_digits(train_digits, images, classifier)
    print(f"{len(images)} samples: classes covered {coverage['classes_covered']}/10, KL to uniform "
          f"{coverage['kl_to_uniform']:.3f}, Frechet distance {frechet:.2f} (real floor {classifier.real_floor:.2f})")

# %% [markdown]
# On the digits stand-in, after 1,500 steps the convolutional GAN covers all ten digits with a Fréchet
# distance of 12.46 (real floor 2.05), with continuous strokes and smooth edges; notebook 01's fully
# connected GAN, with far more parameters, stood at 19.26 after 3,000 steps. A convolution reuses each
# small stroke detector at every position of the image, which is the prior images need.

# %% [markdown]
# ## Takeaways
#
# - DCGAN's rules: strided (transposed) convolutions instead of pooling, batch norm in both networks
#   except G's output and D's input, no fully connected hidden layers, ReLU and tanh in G, LeakyReLU(0.2)
#   in D; weights from $\mathcal N(0, 0.02)$, Adam(2e-4, $\beta_1 = 0.5$).
# - `keras_gans.networks.build_generator` / `build_discriminator` build these stacks for any side that
#   is 4-7 times a power of two; `DCGAN.default_networks(64, 3)` is the 64×64 face model.
# - Check an architecture by reading the built layers, not the diagram: the rules above are a few lines
#   of code each.
# - The loss is still notebook 01's; the architecture is what made GANs train on real images.

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
# # 13 · Pyramids, stages and styles: generating coarse to fine
#
# A 64×64 image is hard to get right in one shot: the layout and the texture are learned by the
# same network at the same time. Three families split the job. **LAPGAN** generates a Laplacian
# pyramid, one GAN per scale, each adding the detail its coarser image lacks. **StackGAN** draws a
# low-resolution sketch from a condition and refines it in a second stage. **StyleGAN** feeds a
# style into every layer of one synthesis network, so coarse and fine layers can be steered
# separately. In this notebook you will build a Laplacian pyramid and invert it exactly, train a
# LAPGAN and watch a sample grow level by level, and train StackGAN's two stages on digits with
# their one-hot labels as embeddings, Stage-I's sketch beside Stage-II's refinement.

# %% [markdown]
# ## Introduction
#
# **Laplacian pyramids** (Burt & Adelson 1983). Blur an image with the 5×5 binomial kernel
# $\frac{1}{256}[1,4,6,4,1]^\top[1,4,6,4,1]$ and keep every second pixel: `downsample`. The
# inverse direction, `upsample`, puts the pixels on a grid twice as fine and blurs again. With
# $I_{K-1}$ the image and $I_{k-1} = \mathrm{downsample}(I_k)$, level $k$ of the Laplacian pyramid is
# the residual
#
# $$h_k = I_k - \mathrm{upsample}(I_{k-1}),$$
#
# and the coarsest level keeps the small image $I_0$ itself. Adding the residuals back coarse to
# fine, $I_k = \mathrm{upsample}(I_{k-1}) + h_k$, returns the image *exactly*, whatever the blur
# lost, because each residual stores it.
#
# **LAPGAN** (Denton, Chintala, Szlam, Fergus, *Deep Generative Image Models using a Laplacian
# Pyramid of Adversarial Networks*, NeurIPS 2015, arXiv:1506.05751) generates that pyramid. Level 0
# is an ordinary GAN on the small images. At every finer level $k$ a conditional GAN learns the
# residuals: its generator maps noise $z_k$ and the upsampled coarser image $l_k$ to
# $\tilde h_k = G_k(z_k, l_k)$, and its discriminator judges $(h_k, l_k)$ pairs. A sample runs the
# chain coarse to fine: $\tilde I_k = l_k + G_k(z_k, l_k)$ with $l_k = \mathrm{upsample}(\tilde I_{k-1})$.
# Each generator only has to learn what is missing at its own scale, and the levels train
# independently, each on the *real* pyramid's coarser image.
#
# **StackGAN** (Zhang, Xu, Li, Zhang, Wang, Huang, Metaxas, *StackGAN: Text to Photo-realistic
# Image Synthesis with Stacked Generative Adversarial Networks*, ICCV 2017, arXiv:1612.03242)
# conditions on an embedding $\varphi$ of a description. *Conditioning augmentation* draws the
# condition from a Gaussian around it, $c = \mu(\varphi) + \sigma(\varphi) \odot \varepsilon$,
# $\varepsilon \sim \mathcal N(0, I)$, and regularises it with
# $\mathrm{KL}\big(\mathcal N(\mu, \operatorname{diag}\sigma^2) \,\|\, \mathcal N(0, I)\big)$, which
# smooths the conditioning manifold when there are few embeddings. Stage-I maps $(z, c)$ to an
# image a quarter of the final side; Stage-II takes Stage-I's image and $c$ and refines it with
# residual blocks to 4× the side. Both discriminators are *matching-aware* (Reed et al. 2016): a real
# image with the wrong embedding counts as fake. Stage-I is trained first, then Stage-II with
# Stage-I frozen. This package ships no text encoder: any fixed-length embedding per image works;
# here, the digits' one-hot labels.

# %% [markdown]
# ## Setup

# %%
# %matplotlib inline
import os
import shutil
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

import keras_gans
from keras_gans import pyramid
from keras_gans.callbacks import FixedNoiseGIF
from keras_gans.data import digits, digits_with_embeddings
from keras_gans.images import image_grid
from keras_gans.metrics import evaluate_digits

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
IMAGE_SIZE = 32  # LAPGAN: levels of 8, 16 and 32 px; StackGAN: Stage-I 8 px, Stage-II 32 px
WIDTH = 4 if QUICK else 8
BATCH_SIZE = 64
LAPGAN_STEPS = 4 if QUICK else 300
STACKGAN_STEPS = 3 if QUICK else 750  # per stage: the digits benchmark's budget
RUN_DIR = os.path.join("runs", "13_pyramids_stages_styles")
shutil.rmtree(RUN_DIR, ignore_errors=True)
print(f"QUICK={QUICK}: {IMAGE_SIZE} px, width {WIDTH}, LAPGAN {LAPGAN_STEPS} steps, "
      f"StackGAN {STACKGAN_STEPS} steps per stage")


def show(images, title, cols=None, size=4):
    """A grid of images in [-1, 1] (nearest-neighbour enlarged when small)."""
    grid = image_grid(images, cols=cols, min_tile=32)
    plt.figure(figsize=(size, size * grid.shape[0] / grid.shape[1]))
    plt.imshow(grid.squeeze(), cmap="gray", interpolation="nearest")
    plt.title(title)
    plt.axis("off")
    plt.show()


def show_pyramid(levels, title, residual_levels=()):
    """One row per image, one column per level, coarse to fine; residuals shown on their own scale."""
    count = len(levels[0])
    fig, axes = plt.subplots(count, len(levels), figsize=(2 * len(levels), 2 * count), squeeze=False)
    for k, level in enumerate(levels):
        level = np.asarray(level)
        for i in range(count):
            image = level[i, :, :, 0]
            if k in residual_levels:  # residuals are small and signed: stretch them to their range
                bound = max(np.abs(image).max(), 1e-6)
                axes[i, k].imshow(image, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
            else:
                axes[i, k].imshow(image, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
            axes[i, k].axis("off")
        axes[0, k].set_title(f"level {k}: {level.shape[1]} px")
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


# %% [markdown]
# ## Data
#
# scikit-learn's 1,797 handwritten digits, upsampled to 32×32. First the representation LAPGAN
# generates: the Laplacian pyramid of four digits, the 8×8 low-pass image and the residuals at 16
# and 32 px (red brighter, blue darker than the upsampled coarser level). Reconstruction returns
# the images to float round-off.

# %%
real = next(iter(digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED)))
laplacian = pyramid.laplacian_pyramid(real[:4], 3)
print("levels:", [tuple(level.shape) for level in laplacian])
print("largest reconstruction error:", float(np.abs(np.asarray(pyramid.reconstruct(laplacian)) - real[:4]).max()))
show_pyramid(laplacian, "a real Laplacian pyramid: I_0, h_1, h_2", residual_levels=(1, 2))

# %% [markdown]
# StackGAN's data are pairs (image, embedding): `digits_with_embeddings` gives the one-hot label of
# each digit as its embedding (`kind="class_mean"` would give the mean image of its class), and the
# table of the ten class embeddings to sample with. With your own sentence embeddings,
# `keras_gans.data.with_embeddings(images, embeddings)` makes the same kind of dataset.

# %%
pairs, class_embeddings = digits_with_embeddings(IMAGE_SIZE, "one_hot", batch_size=BATCH_SIZE, seed=SEED)
images, embeddings = next(iter(pairs))
print("images", tuple(images.shape), "embeddings", tuple(embeddings.shape), "first labels",
      np.asarray(embeddings[:8]).argmax(axis=1).tolist())

# %% [markdown]
# ## Networks
#
# `LAPGAN.default_networks` builds one pair per level, halving down to 8 px (the paper's CIFAR-10
# coarsest level): level 0 a fully connected GAN, levels 1 and 2 small 5×5 convnets whose generator
# takes a noise plane as a fourth colour plane of the upsampled coarser image and whose
# discriminator sees (residual, coarse) pairs. `StackGAN.default_networks` builds the two stages'
# generators and matching-aware discriminators; the generator's latent holds $z$ and the
# augmentation's $\varepsilon$.

# %%
lapgan_networks = keras_gans.LAPGAN.default_networks(IMAGE_SIZE, 1, latent_dim=32, width=WIDTH)
for g, d in zip(*lapgan_networks):
    print(f"{g.name:12s} {[tuple(i.shape[1:]) for i in g.inputs]} -> {tuple(g.outputs[0].shape[1:])}, "
          f"{g.count_params():7d} params | {d.name:16s} {d.count_params():7d} params")
stackgan_networks = keras_gans.StackGAN.default_networks(IMAGE_SIZE, 1, latent_dim=32, width=WIDTH, embedding_dim=10,
                                                         condition_dim=16)
for network in stackgan_networks:
    print(f"{network.name:22s} {[tuple(i.shape[1:]) for i in network.inputs]} -> "
          f"{[tuple(o.shape[1:]) for o in network.outputs]}, {network.count_params()} params")

# %% [markdown]
# ## Model
#
# `LAPGAN` declares one (generator, discriminator) pair of players per level, each with its own
# Adam optimizers; its latent is $z_0$ followed by each finer level's noise plane, flattened, so a
# sample is a function of its latent. `StackGAN` starts at `stage=1`.

# %%
keras.utils.set_random_seed(SEED)
lapgan = keras_gans.LAPGAN(*lapgan_networks, seed=SEED)
lapgan.compile()
print("LAPGAN levels:", lapgan.levels, "latent:", lapgan.latent_dim, "=", " + ".join(map(str, lapgan.noise_sizes())))
print("players:", [name for name, _ in lapgan.players])
stackgan = keras_gans.StackGAN(*stackgan_networks, seed=SEED)
stackgan.compile()
print("StackGAN stage", stackgan.stage, "latent", stackgan.latent_dim, "(z and eps), c of", stackgan.condition_dim)

# %% [markdown]
# ## Callbacks
#
# The fixed-noise GIF of LAPGAN shows the final resolution: it draws its latents through
# `draw_inputs` and samples the whole chain.

# %%
gif = FixedNoiseGIF(os.path.join(RUN_DIR, "lapgan"), num_images=36, seed=SEED)

# %% [markdown]
# ## Train
#
# One `fit` trains every level of LAPGAN: each step updates every level's discriminator on the
# real pyramid, then every level's generator.

# %%
start = time.perf_counter()
history = lapgan.fit(digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED).repeat(), epochs=4,
                     steps_per_epoch=LAPGAN_STEPS // 4 or 1, callbacks=[gif], verbose=0)
print(f"LAPGAN: {time.perf_counter() - start:.0f} s;",
      ", ".join(f"{key} {values[-1]:.3f}" for key, values in history.history.items() if key[-2:] in ("_0", "_1", "_2")
                and key.startswith(("d_loss", "g_loss"))))

# %% [markdown]
# StackGAN trains Stage-I first, then `stackgan.stage = 2` trains Stage-II on the full-size
# images with Stage-I frozen (its optimizers do not step; it runs in inference mode).

# %%
start = time.perf_counter()
for stage in (1, 2):
    stackgan.stage = stage
    logs = stackgan.fit(pairs.repeat(), epochs=1, steps_per_epoch=STACKGAN_STEPS, verbose=0).history
    print(f"Stage-{'I' * stage}: d_loss {logs['d_loss'][-1]:.3f}, g_loss {logs['g_loss'][-1]:.3f}, "
          f"D(real, wrong embedding) {logs['d_mismatched'][-1]:.3f}, KL {logs['kl'][-1]:.3f}")
print({name: int(optimizer.iterations) for name, optimizer in stackgan.optimizers().items()})
print(f"StackGAN: {time.perf_counter() - start:.0f} s")

# %% [markdown]
# ### StyleGAN: training
#
# StyleGAN (Karras, Laine, Aila, CVPR 2019, arXiv:1812.04948) does not feed z to the convolutions.
# A **mapping network** (8 dense layers on the pixel-normalised z, learning 100 times slower than the
# rest) turns z into an intermediate latent $w$; the **synthesis network** starts from a learned
# 4×4 constant, and after every convolution an **AdaIN** sets each channel's mean and standard
# deviation from a learned affine map of $w$:
#
# $$\mathrm{AdaIN}(x_i, y) = y_{s,i}\,\frac{x_i - \mu(x_i)}{\sigma(x_i)} + y_{b,i}, \qquad (y_s, y_b) = A\,w.$$
#
# Per-pixel **noise**, scaled per channel, adds the stochastic detail. The synthesis network takes
# one $w$ per layer (two per resolution: 6 at 16 px), which is what the two pictures below play
# with. Training: the non-saturating loss with the R1 penalty $\frac{\gamma}{2}\mathbb E\|\nabla D(x)\|^2$
# on real images ($\gamma = 10$), **style mixing** (9 images in 10 take the layers after a random
# crossover from a second latent), a running average $\bar w$ of $w$, and an exponential moving
# average of the generator's weights that does the sampling. This package trains every layer at the
# final resolution from the first step: **no progressive growing**, unlike the paper.

# %%
from keras_gans.data import digits
from keras_gans.images import image_grid
from keras_gans.models import StyleGAN
from keras_gans.networks import style_mixing

STYLE_STEPS = 3 if QUICK else 600  # generator steps, batch 64 (the digits benchmark row: 1,500 at width 32)
STYLE_WIDTH = 4 if QUICK else 16
STYLE_LATENT = 16 if QUICK else 128  # z and w (512 in the paper)

keras.utils.set_random_seed(0)
stylegan = StyleGAN(*StyleGAN.default_networks(16, 1, latent_dim=STYLE_LATENT, width=STYLE_WIDTH), seed=0)
stylegan.compile()  # Adam(1e-3, beta_1=0, beta_2=0.99) for both, the paper's
start = time.perf_counter()
style_history = stylegan.fit(digits(image_size=16, batch_size=64, seed=0).repeat(), epochs=1,
                             steps_per_epoch=STYLE_STEPS, verbose=0).history
print(f"StyleGAN: {STYLE_STEPS} steps in {time.perf_counter() - start:.0f} s; epoch means: "
      + ", ".join(f"{key} {values[-1]:.3f}" for key, values in sorted(style_history.items())))
print(f"{stylegan.num_styles} styles; |w_bar| = {np.linalg.norm(np.asarray(stylegan.w_average())):.2f}")

# %% [markdown]
# ## Results
#
# This run is short (a few hundred steps of small networks on a shared 2-core CPU, the sizes printed
# in Setup): the samples are rough, the figures show the mechanics, not the quality either paper
# reached with days of GPU training. Raise the steps and `WIDTH` for better digits.
#
# ### LAPGAN: a sample grows level by level
#
# `sample_levels` stops the chain at each level: the 8×8 image of level 0, then each finer image,
# upsampled coarser image plus generated residual. Below, the generated residuals themselves (the
# same colour code as the real pyramid above).

# %%
z = lapgan.draw_inputs(4, seed=SEED)
levels = lapgan.sample_levels(z)
show_pyramid(levels, "LAPGAN samples, coarse to fine")
residuals = [levels[0]] + [levels[k] - np.asarray(pyramid.upsample(levels[k - 1])) for k in range(1, len(levels))]
show_pyramid(residuals, "their generated residuals", residual_levels=(1, 2))
display(Image(filename=gif.gif_path))

# %%
scores = evaluate_digits(lapgan, num_samples=200 if QUICK else 1000, seed=SEED)
print(f"LAPGAN: {scores['classes_covered']}/10 classes covered, Frechet {scores['frechet_distance']:.2f} "
      f"(real floor {scores['real_floor']:.2f})")

# %% [markdown]
# ### StackGAN: Stage-I beside Stage-II
#
# The same latents and embeddings through the two stages: one row per digit, Stage-I's 8×8 sketch
# (enlarged) on the left, Stage-II's 32×32 refinement on the right. The exported generator runs both
# stages as one function of (z, embedding).

# %%
per_class = 4
labels = np.repeat(np.arange(10), per_class)
z = stackgan.draw_inputs(len(labels), seed=SEED)
sketch = stackgan.generate(z, class_embeddings[labels], stage=1)
refined = stackgan.generate(z, class_embeddings[labels], stage=2)
enlarged = np.repeat(np.repeat(sketch, 4, axis=1), 4, axis=2)
side_by_side = np.concatenate([enlarged.reshape(10, per_class, IMAGE_SIZE, IMAGE_SIZE, 1),
                               refined.reshape(10, per_class, IMAGE_SIZE, IMAGE_SIZE, 1)], axis=1)
show(side_by_side.reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1), "Stage-I (left 4) and Stage-II (right 4), digits 0-9 by row",
     cols=2 * per_class, size=6)

# %%
classifier_view = type("LabelsAsEmbeddings", (), {
    "num_classes": 10, "latent_dim": stackgan.latent_dim, "sampling_generator": stackgan.sampling_generator,
    "generate": lambda self, z, labels=None: stackgan.generate(z, class_embeddings[labels])})()
scores = evaluate_digits(classifier_view, num_samples=200 if QUICK else 1000, seed=SEED)
print(f"StackGAN: label accuracy {scores['label_accuracy']:.3f}, {scores['classes_covered']}/10 classes, "
      f"Frechet {scores['frechet_distance']:.2f} (real floor {scores['real_floor']:.2f})")

# %% [markdown]
# Chance is 0.100: the condition is learnt, not yet as surely as a cGAN's (0.95 and more at the same
# budget). This notebook keeps z at 32 and c at 16 to stay small; the digits benchmark at the same
# size, width and steps with StackGAN's defaults (z 100, c 128: `benchmarks/digits.py --variants
# stackgan --image-size 32 --width 8 --steps 1500`) measured label accuracy 0.498, all ten classes,
# Fréchet 32.3; at width 32, 0.654 and 15.1 (BENCHMARKS.md, "LAPGAN and StackGAN").

# %% [markdown]
# ### StyleGAN: style mixing
#
# Take two latents, map both to $w_1$ and $w_2$, and give the synthesis network $w_1$ for the layers
# before a crossover and $w_2$ from it on. Row $i$ takes its **coarse** styles from $w_1$ (the left
# column's image), column $j$ its **fine** styles from $w_2$ (the top row's image); the paper's
# Figure 3 does the same at 1024 px. With the crossover after the 4×4 layers, the rows keep their
# coarse layout and the columns lend stroke and thickness; after the 8×8 layers, the columns lend
# less. The images come from the EMA generator, in inference mode (its noise maps fixed).

# %%
def show_grid(images, rows, title):
    grid = image_grid(images, rows=rows)
    fig, ax = plt.subplots(figsize=(1.1 * grid.shape[1] / grid.shape[0] * rows, 1.1 * rows))
    ax.imshow(grid[..., 0], cmap="gray", vmin=0, vmax=255)
    ax.set_title(title)
    ax.axis("off")
    plt.show()


def mixing_grid(model, z1, z2, crossover):
    """(1 + len(z1)) x (1 + len(z2)) images: w2's images on top, w1's on the left, mixes inside."""
    generator = model.ema_generator
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    layers = model.num_styles
    ws1 = np.repeat(np.asarray(mapping(z1))[:, None], layers, axis=1)
    ws2 = np.repeat(np.asarray(mapping(z2))[:, None], layers, axis=1)
    top = np.asarray(synthesis(ws2, training=False))
    blank = -np.ones_like(top[:1])  # the digits' black background
    rows = [np.concatenate([blank, top])]
    for i in range(len(z1)):
        coarse = np.repeat(ws1[i : i + 1], len(z2), axis=0)  # w1 before the crossover, each column's w2 after
        mixed = style_mixing(coarse, ws2, np.full(len(z2), crossover))
        own = np.asarray(synthesis(ws1[i : i + 1], training=False))
        rows.append(np.concatenate([own, np.asarray(synthesis(mixed, training=False))]))
    return np.concatenate(rows)


rng = np.random.default_rng(1)
z_rows = rng.standard_normal((5, STYLE_LATENT)).astype("float32")  # sources of the coarse styles
z_columns = rng.standard_normal((6, STYLE_LATENT)).astype("float32")  # sources of the fine styles
for crossover, which in ((2, "4×4"), (4, "4×4 and 8×8")):
    show_grid(mixing_grid(stylegan, z_rows, z_columns, crossover), rows=len(z_rows) + 1,
              title=f"rows: coarse styles ({which} layers) from w1; columns: the rest from w2")

# %% [markdown]
# ### StyleGAN: truncation
#
# $\bar w$ is the average of $w$ over training. The truncation trick replaces $w$ by
# $w' = \bar w + \psi\,(w - \bar w)$ on the first 8 styles (the authors' default; every style at
# 16 px): $\psi = 1$ is the trained generator, $\psi = 0$ gives every z the same "average digit",
# and negative $\psi$ gives its opposite (the paper's Figure 8). `generate(z, truncation_psi=ψ)` and
# the exported generator's `truncation_psi` input do it. Each column is one z, each row one ψ.

# %%
z_sweep = np.random.default_rng(2).standard_normal((8, STYLE_LATENT)).astype("float32")
psis = (1.0, 0.7, 0.5, 0.25, 0.0, -0.5)
sweep = np.concatenate([stylegan.generate(z_sweep, truncation_psi=psi) for psi in psis])
show_grid(sweep, rows=len(psis), title="truncation: rows psi = " + ", ".join(f"{psi:g}" for psi in psis))

# %% [markdown]
# ## Takeaways
#
# - A Laplacian pyramid is an exact, invertible representation: `reconstruct(laplacian_pyramid(x, L))`
#   returns `x`. LAPGAN generates it one level at a time, so each generator only learns the detail of
#   its own scale, and the levels train independently on real pyramids.
# - LAPGAN's players are declared per instance, one (G, D) pair per level: the number of levels
#   follows the image size, and `compile`, saving, resuming and export handle them all.
# - StackGAN's conditioning augmentation makes the condition a distribution, not a point; its KL term
#   keeps that distribution near $\mathcal N(0, I)$, averaged over c's dimensions as the authors' code
#   does (summed over c's 128 dimensions it is 128 times as strong and erases the condition: label
#   accuracy at chance on the digits, see BENCHMARKS.md). Matching-aware discriminators make both
#   stages check the condition, not only realism.
# - Train Stage-I, then set `stage = 2`: Stage-II learns to refine a frozen sketch; export serves
#   both stages as one function of (z, embedding). `keras-gans train stackgan --stage1-epochs N`
#   runs both stages in one run, on labels mapped to class embeddings.
# - StyleGAN moves z through a mapping network to w and feeds w to every layer through AdaIN: the
#   per-layer styles can be mixed (coarse layers from one w, fine ones from another), and the
#   truncation $w' = \bar w + \psi (w - \bar w)$ trades variety for typicality, down to one "average
#   digit" at $\psi = 0$. This package trains it without progressive growing.

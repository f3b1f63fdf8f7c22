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

# %%

# %% [markdown]
# # 14 · Unpaired image-to-image translation: CycleGAN
#
# Every GAN so far drew images from noise. Here the generator is given an image and asked for the
# same image in another *domain*: a horse as a zebra, a photo as a Monet, and below a digit written
# white on black as the same digit written black on white. No pair of the same image in both
# domains is ever shown. You will train `keras_gans.CycleGAN` on two offline digit domains, look
# at its translations and their round trips, and measure them with
# `keras_gans.metrics.evaluate_translation`: does a translation land in the target domain, does it
# keep its digit, and does the round trip come back?

# %% [markdown]
# ## Introduction
#
# **The problem without pairs.** With domains $X$ and $Y$ and no pairs, an adversarial loss alone
# asks $G: X \to Y$ only that $G(x)$ *look like* some $y$: every $x$ could go to the same
# convincing $y$, or to a $y$ unrelated to $x$. CycleGAN (Zhu, Park, Isola, Efros, *Unpaired
# Image-to-Image Translation using Cycle-Consistent Adversarial Networks*, ICCV 2017,
# arXiv:1703.10593) trains an inverse $F: Y \to X$ alongside and asks both round trips to return
# their input:
#
# $$\mathcal L_{\rm cyc}(G, F) = \mathbb E_x\big[\|F(G(x)) - x\|_1\big] + \mathbb E_y\big[\|G(F(y)) - y\|_1\big] \quad\text{(Eq. 2)}$$
#
# A translation must then keep whatever is needed to undo it. Each generator plays a
# least-squares game (Mao et al., *Least Squares GANs*, ICCV 2017) against a discriminator of its
# target domain, $D_Y$ for $G$ and $D_X$ for $F$:
#
# $$\min_G \mathbb E_x\big[(D_Y(G(x)) - 1)^2\big], \qquad \min_{D_Y} \tfrac12 \mathbb E_y\big[(D_Y(y) - 1)^2\big] + \tfrac12 \mathbb E_x\big[D_Y(G(x))^2\big],$$
#
# and the full objective is $\mathcal L_{\rm GAN}(G, D_Y) + \mathcal L_{\rm GAN}(F, D_X) + \lambda
# \mathcal L_{\rm cyc}$ with $\lambda = 10$ (Eq. 3), plus an identity term
# $0.5\lambda\,(\mathbb E\|G(y) - y\|_1 + \mathbb E\|F(x) - x\|_1)$ that keeps colours when a
# generator is fed its own target domain (Sec. 5.2).
#
# **The parts** (Sec. 4 and Appendix 7.2; the authors' `pytorch-CycleGAN-and-pix2pix`):
#
# - generators: a ResNet (Johnson et al. 2016): a 7×7 convolution, two stride-2 downsamplings, 6
#   (or 9 from 256 px) residual blocks, two upsamplings and a 7×7 convolution to tanh, with
#   instance normalisation and reflection padding (`keras_gans.networks.build_resnet_generator`);
# - discriminators: a PatchGAN whose every output judges one 70×70 patch
#   (`build_patch_discriminator`, scaled to smaller images);
# - a pool of the last 50 translations per discriminator: once full, each new fake is swapped
#   with a stored one with probability ½ (Shrivastava et al. 2017; `keras_gans.layers.ImagePool`);
# - Adam(2e-4, β₁ = 0.5), the learning rate constant for the first half, then linearly to 0.

# %% [markdown]
# ## Setup

# %%
# %matplotlib inline
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

import keras_gans
from keras_gans.callbacks import LossPlot
from keras_gans.data import DIGIT_DOMAINS, digit_domain_images, digit_domains
from keras_gans.metrics import evaluate_translation
from keras_gans.networks import build_patch_discriminator, build_resnet_generator, receptive_field

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
SIZE = 16
DOMAINS = ("white-on-black", "red-on-black")
CHANNELS = 3  # the red domain needs colour; the white digits are gray in RGB
WIDTH = 4 if QUICK else 8  # filters of the first convolution (64 in the paper)
BLOCKS = 1 if QUICK else 3  # residual blocks (6 in the paper below 256 px)
BATCH_SIZE = 8  # per domain (the paper's is 1)
STEPS = 12 if QUICK else 1000
EVAL_IMAGES = 60 if QUICK else None  # held-out digits per domain for the metrics (None: all 360)
RUN_DIR = os.path.join("runs", "14_unpaired_translation")
print(f"QUICK={QUICK}: {SIZE} px, width {WIDTH}, {BLOCKS} residual blocks, batch {BATCH_SIZE}, {STEPS} steps")

# %% [markdown]
# ## Data
#
# `keras_gans.data.digit_domains` deals scikit-learn's training digits out to the domains (so each
# domain holds different digits: no pair is ever seen) and recolours each domain by a known,
# invertible transform. Here domain A is the digits as they come, white strokes on black, and
# domain B digits written in red. Each batch is a pair `(x_a, x_b)` of unrelated images. (Other
# domains: `black-on-white`, the polarity reversed, `blue-on-white`, `yellow-on-blue`; see the
# Takeaways for what the polarity pair does to CycleGAN.)
#
# Your own data takes the same shape: `keras_gans.data.image_domains(path)` reads a folder or
# .zip in the CycleGAN layout (`trainA/`, `trainB/`, `testA/`, `testB/`, as the authors'
# `horse2zebra.zip` unpacks), and `tfds_domains("cycle_gan/horse2zebra")` reads
# tensorflow-datasets' copies. From the command line:
# `keras-gans train cyclegan --dataset tfds:cycle_gan/horse2zebra`.

# %%
data = digit_domains(DOMAINS, image_size=SIZE, batch_size=BATCH_SIZE, seed=SEED)
x_a, x_b = next(iter(data))
print(f"{int(data.cardinality())} batches an epoch of {tuple(x_a.shape)} and {tuple(x_b.shape)}")
def show(ax, image):
    ax.imshow((np.asarray(image) + 1.0) / 2.0)  # [-1, 1] -> [0, 1] RGB
    ax.set_axis_off()


fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for row, (name, images) in enumerate(zip(DOMAINS, (x_a, x_b))):
    for ax, image in zip(axes[row], images.numpy()):
        show(ax, image)
        ax.set_axis_off()
    axes[row, 0].set_title(f"domain {'AB'[row]}: {name}", loc="left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Networks
#
# Two generators and two discriminators. At 16 px the PatchGAN keeps one stride-2 layer instead
# of the paper's three, so each of its 6×6 outputs judges a 16×16 patch rather than 70×70.

# %%
keras.utils.set_random_seed(SEED)
G = build_resnet_generator(SIZE, CHANNELS, width=WIDTH, blocks=BLOCKS, name="generator")
F = build_resnet_generator(SIZE, CHANNELS, width=WIDTH, blocks=BLOCKS, name="inverse_generator")
D_Y = build_patch_discriminator(SIZE, CHANNELS, width=WIDTH, name="discriminator_y")
D_X = build_patch_discriminator(SIZE, CHANNELS, width=WIDTH, name="discriminator_x")
print(f"G and F: {G.count_params():,} parameters each; D_Y and D_X: {D_Y.count_params():,} each, "
      f"output {tuple(D_Y.output.shape[1:])}")
print(f"The paper's sizes: the 128 px generator {build_resnet_generator(128, 3).count_params():,} parameters, the "
      f"discriminator's patches {receptive_field(3)}x{receptive_field(3)}")

# %% [markdown]
# ## Model
#
# `CycleGAN` takes the four networks in the order $G, D_Y, F, D_X$ and the paper's options:
# $\lambda = 10$ (`cycle_weight`), identity $0.5\lambda$ (`identity_weight=0.5`), pools of 50, and
# with `total_steps` the learning rate held for the first half and decayed to 0 over the second.
# `compile()` gives each of the four players its own Adam(2e-4, 0.5).

# %%
model = keras_gans.CycleGAN(G, D_Y, F, D_X, cycle_weight=10.0, identity_weight=0.5, pool_size=50,
                            total_steps=STEPS, seed=SEED)
model.compile()
print({name: type(optimizer).__name__ for name, optimizer in model.optimizers().items()})

# %% [markdown]
# ## Callbacks
#
# `LossPlot` records every term the model reports: `g_loss` and `f_loss` (the generators'
# adversarial terms), `cycle` and `identity` (the L1 terms before their weights), and `dy_loss`,
# `dx_loss` (the discriminators).

# %%
loss_plot = LossPlot(RUN_DIR, keys=model.metric_names)

# %% [markdown]
# ## Train
#
# One step updates $G$ and $F$ on the full objective, then $D_Y$ and $D_X$ on real images and
# pooled translations.

# %%
start = time.perf_counter()
history = model.fit(data.repeat(), epochs=1, steps_per_epoch=STEPS, callbacks=[loss_plot], verbose=0)
train_seconds = time.perf_counter() - start
print(f"{STEPS} steps in {train_seconds:.0f} s; last: " +
      ", ".join(f"{key} {values[-1]:.3f}" for key, values in history.history.items()))

# %% [markdown]
# **Size of the committed run:** 16×16 RGB digits, generators of width 8 with 3 residual blocks
# (69,443 parameters each), PatchGAN discriminators of width 8, batch 8 per domain, 1,000 steps,
# seed 0. Training took 251 s (printed above) and the whole notebook 362 s on this 2-core CPU
# while other jobs kept both cores busy (load average about 16).

# %% [markdown]
# ## Results
#
# ### Translations and round trips
#
# Held-out digits (never used in training) in each domain, their translation, and the
# translation translated back.

# %%
real_a, labels = digit_domain_images(DOMAINS[0], SIZE, CHANNELS, split="test")
real_b, _ = digit_domain_images(DOMAINS[1], SIZE, CHANNELS, split="test")
picked = [int(np.flatnonzero(labels == digit)[0]) for digit in range(10)]
rows = {
    "A (real)": real_a[picked],
    "G(A)": model.translate(real_a[picked], "a_to_b"),
    "F(G(A))": model.translate(model.translate(real_a[picked], "a_to_b"), "b_to_a"),
    "B (real)": real_b[picked],
    "F(B)": model.translate(real_b[picked], "b_to_a"),
    "G(F(B))": model.translate(model.translate(real_b[picked], "b_to_a"), "a_to_b"),
}
fig, axes = plt.subplots(len(rows), 10, figsize=(8, 5.2))
for i, (name, images) in enumerate(rows.items()):
    for j, image in enumerate(images):
        show(axes[i, j], image)
    axes[i, 0].set_title(name, loc="left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### The metric table
#
# Because the domains are made by known transforms, what a perfect translator would output is
# known. For each direction, on the 360 held-out digits: **domain accuracy**, the share of
# translations that a small classifier trained on real images of both domains assigns to the
# target domain; **content accuracy**, the share whose digit the digits classifier reads correctly
# after the target domain's inverse transform maps the translation back to a white-on-black
# digit; **cycle error**, the mean $|F(G(x)) - x|$ over pixels (images in $[-1, 1]$). The last
# row is real held-out images, the ceiling. The package's benchmark asks for domain accuracy
# >= 0.95 and content accuracy >= 0.90 (`benchmarks/translation.py`, BENCHMARKS.md).

# %%
scores = evaluate_translation(lambda images, t: model.translate(images, ("b_to_a", "a_to_b")[t]), DOMAINS,
                              image_size=SIZE, num_images=EVAL_IMAGES, seed=SEED)
print(f"{'direction':<32} {'domain acc':>10} {'content acc':>11} {'cycle error':>11}")
for pair, values in scores["pairs"].items():
    print(f"{pair:<32} {values['domain_accuracy']:>10.3f} {values['content_accuracy']:>11.3f} "
          f"{values['cycle_error']:>11.3f}")
print(f"{'mean':<32} {scores['domain_accuracy']:>10.3f} {scores['content_accuracy']:>11.3f} "
      f"{scores['cycle_error']:>11.3f}")
print(f"{'real held-out images':<32} {scores['real_domain_accuracy']:>10.3f} {scores['real_content_accuracy']:>11.3f}")

# %% [markdown]
# ### Every term of the loss

# %%
display(Image(filename=os.path.join(RUN_DIR, "losses.png"), width=640))

# %% [markdown]
# ### StarGAN: one generator for every domain
#
# CycleGAN needs a pair of generators per pair of domains: K domains would take K(K - 1) of them.
# StarGAN (Choi et al. 2018) trains **one** generator G(x, c) that takes the target domain c as an
# input: c is one-hot, tiled over the image and concatenated to its channels
# (`keras_gans.networks.tile_labels`). G pads its convolutions with zeros, as the authors' code
# does: a tiled label is constant over the image, and with CycleGAN's reflection padding the first
# convolution would turn it into a constant per channel that the instance norm right after
# subtracts, so G could not see c at all. Its discriminator has two heads on one PatchGAN trunk: a
# critic D_src (WGAN-GP, λ_gp = 10) and a domain classifier D_cls. D learns to classify *real*
# images into their own domains (λ_cls = 1); G learns to make D_cls see the *target* domain in its
# translations, and to get its input back when it translates the translation to the original
# domain, G(G(x, c), c') ≈ x (λ_rec = 10: the cycle term of CycleGAN, with one generator doing both
# legs). Five critic updates per generator update and Adam(1e-4, 0.5, 0.999), as the authors'
# code. The data is every domain mixed, `(image, domain)` batches; the target domains of a batch
# are its own labels shuffled, as the authors draw them.
#
# One departure from the paper, measured: `identity_weight=0.5` adds CycleGAN's identity term,
# 0.5 λ_rec E|G(x, c') − x|, "translated to its own domain, an image stays itself". Without it, on
# these digits, G learns the target domain's colours within 1,000 steps but draws *other* digits
# (content accuracy at chance, 0.13-0.14 on the three domains below); with it they keep about 95%
# of the digits after 2,000 steps (BENCHMARKS.md, issue 17).
#
# Three domains here, all light strokes on a darker ground: white-on-black, red-on-black and
# yellow-on-blue. Domains that reverse the polarity (black-on-white, blue-on-white) are harder, for
# StarGAN as for CycleGAN: see the takeaways.
# For CelebA the labels are attribute vectors instead (`--attributes Black_Hair,Blond_Hair,...`,
# sigmoid cross-entropy per attribute); for your own photos, one subfolder per domain.

# %%
from keras_gans.callbacks import FixedNoiseGIF
from keras_gans.data import digit_domains
from keras_gans.models import StarGAN
from keras_gans.networks import build_stargan_discriminator, build_stargan_generator

STAR_DOMAINS = ("white-on-black", "red-on-black", "yellow-on-blue")
STAR_STEPS = 6 if QUICK else 2000
STAR_DIR = os.path.join("runs", "14_stargan")
keras.utils.set_random_seed(SEED)
star_data = digit_domains(STAR_DOMAINS, image_size=SIZE, batch_size=8, channels=3, seed=SEED, domain_labels=True)
star = StarGAN(build_stargan_generator(SIZE, 3, len(STAR_DOMAINS), width=WIDTH, blocks=BLOCKS),
               build_stargan_discriminator(SIZE, 3, len(STAR_DOMAINS), width=WIDTH),
               num_classes=len(STAR_DOMAINS), class_names=STAR_DOMAINS, seed=SEED, identity_weight=0.5)
star.compile()  # the paper's Adam(1e-4, 0.5, 0.999) for G and D; critic_steps=5
fixed_images, fixed_domains = next(iter(star_data))
# The GIF: fixed real digits, one row each, the input then its translation to every domain.
star_gif = FixedNoiseGIF(STAR_DIR, inputs=fixed_images[:6], input_labels=fixed_domains[:6])
started = time.perf_counter()
star.fit(star_data.repeat(), epochs=1, steps_per_epoch=STAR_STEPS, callbacks=[star_gif], verbose=0)
print(f"{STAR_STEPS} generator steps ({5 * STAR_STEPS} critic updates) in {time.perf_counter() - started:.0f} s")

# %% [markdown]
# Held-out digits from each domain (rows), translated by the one generator into each domain
# (columns). The column of a digit's own domain should give the digit back unchanged.

# %%
picked = {}
for source in STAR_DOMAINS:
    images, labels = digit_domain_images(source, SIZE, 3, split="test")
    picked[source] = images[[int(np.flatnonzero(labels == digit)[0]) for digit in (0, 3, 7)]]
rows = [(f"{source} {i}", image, [star.translate_to(image[None], k)[0] for k in range(len(STAR_DOMAINS))])
        for source, images in picked.items() for i, image in enumerate(images)]
fig, axes = plt.subplots(len(rows), 1 + len(STAR_DOMAINS), figsize=(4.6, 1.2 * len(rows)))
for i, (name, image, translations) in enumerate(rows):
    for j, picture in enumerate([image, *translations]):
        show(axes[i, j], picture)
for j, title in enumerate(["input", *(f"to {d}" for d in STAR_DOMAINS)]):
    axes[0, j].set_title(title, fontsize=8)
fig.tight_layout()
plt.show()
display(Image(filename=star_gif.gif_path, width=320))

# %% [markdown]
# The same metrics as for CycleGAN, now over all six ordered pairs of the three domains, each
# translated by the one generator and mapped back by it for the cycle error.

# %%
star_scores = evaluate_translation(star.translate_to, STAR_DOMAINS, image_size=SIZE, channels=3,
                                   num_images=EVAL_IMAGES, seed=SEED)
print(f"{'direction':<32} {'domain acc':>10} {'content acc':>11} {'cycle error':>11}")
for pair, values in star_scores["pairs"].items():
    print(f"{pair:<32} {values['domain_accuracy']:>10.3f} {values['content_accuracy']:>11.3f} "
          f"{values['cycle_error']:>11.3f}")
print(f"{'mean':<32} {star_scores['domain_accuracy']:>10.3f} {star_scores['content_accuracy']:>11.3f} "
      f"{star_scores['cycle_error']:>11.3f}")
print(f"{'real held-out images':<32} {star_scores['real_domain_accuracy']:>10.3f} "
      f"{star_scores['real_content_accuracy']:>11.3f}")

# %% [markdown]
# ## Takeaways
#
# - Without pairs, cycle consistency is what ties a translation to its input: $F(G(x)) \approx x$
#   forces $G$ to keep the digit, while the least-squares discriminators only ask it to look
#   like the target domain.
# - The three metrics measure different failures: a translator that returns its input has a
#   perfect cycle but the wrong domain; one that draws any digit of the right colours has the right
#   domain but not the content. Report all three.
# - A low cycle error does not prove the content was kept. Trained on white-on-black vs
#   black-on-white digits (the polarity reversed) with the same networks, CycleGAN reaches domain
#   accuracy 1.0 and a cycle error near 0.1, yet the digits classifier reads the right digit in
#   only 1-2% of translations with the identity term and at most about half without it, in our
#   runs (BENCHMARKS.md): $G$ draws *some* black-on-white digit and hides what $F$ needs to undo
#   it in faint detail (Chu, Zhmoginov, Sandler, *CycleGAN, a Master of Steganography*, 2017,
#   arXiv:1712.02950). The identity term makes it worse there, since "leave a black-on-white digit
#   alone" and "reverse the polarity" disagree pixel by pixel; for the colour pair above the two
#   agree.
# - The same model runs on your folders and zips (`trainA/`, `trainB/`), on
#   `tfds:cycle_gan/<name>`, and from the command line; `export_generator(model)` and
#   `export_generator(model.inverse())` write both directions as image → image SavedModels.
# - StarGAN replaces the K(K - 1) generators by one G(x, c). G only sees c if the label survives
#   its first instance norm: with reflection padding it did not, and every input landed in one
#   domain (a domain accuracy of exactly 1/3 with three domains). With zero padding, as the
#   authors', it reaches the target domain within about 1,000 steps here.
# - Reaching the domain is not keeping the digit: with the paper's objective alone StarGAN drew
#   other digits of the right colours (content at chance) and hid the input for the way back; the
#   identity term fixed that for these colour domains. With a polarity reversal among the domains
#   (black-on-white) the reversed pairs kept no digits even with it, in 3,000 steps
#   (BENCHMARKS.md, issue 17): the paper trains 200,000 iterations.

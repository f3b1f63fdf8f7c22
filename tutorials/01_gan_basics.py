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
# # 01 · GAN basics: the counterfeiter and the merchant
#
# You will meet the two players of a generative adversarial network, write down the game they play,
# see with a plot computed from `keras_gans.losses` why the generator is trained on the
# *non-saturating* loss rather than on the game's own value, and train a fully connected GAN
# (`keras_gans.GAN`) on real handwritten digits, watching it learn in a GIF and a loss plot.

# %% [markdown]
# ## Introduction
#
# A counterfeiter prints banknotes; a merchant checks every note she is handed. At first the fakes
# are crude and the merchant spots them at once. Each rejected note teaches the counterfeiter
# something, each convincing fake teaches the merchant to look closer. If both keep learning, the
# notes end up indistinguishable from real ones.
#
# A GAN (Goodfellow et al. 2014, *Generative Adversarial Nets*, arXiv:1406.2661) is that story with
# two neural networks:
#
# - the **generator** $G$ turns random noise $z \sim p_z = \mathcal N(0, I)$ into a sample $G(z)$
#   (the counterfeiter);
# - the **discriminator** $D$ reads a sample and outputs the probability $D(x)$ that it is real
#   (the merchant).
#
# They play a two-player minimax game with value function (Eq. 1 of the paper)
#
# $$\min_G \max_D \; V(D, G) = \mathbb E_{x \sim p_\text{data}}\big[\log D(x)\big]
#   + \mathbb E_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big].$$
#
# $D$ maximises $V$: it is the log-likelihood of a binary classifier with label 1 for real and 0
# for fake, so the discriminator simply minimises the binary cross-entropy
# `keras_gans.losses.minimax_discriminator_loss`. For a fixed $G$ with sample density $p_g$ the best
# discriminator is $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_g(x))$, and putting it back into
# $V$ gives
#
# $$V(D^*, G) = -\log 4 + 2\,\mathrm{JS}(p_\text{data} \,\|\, p_g),$$
#
# so against a perfect discriminator the generator minimises the Jensen-Shannon divergence between
# the data and its samples. The game's equilibrium is $p_g = p_\text{data}$, where $D = 1/2$
# everywhere: the merchant can only guess.
#
# In code, $D$ outputs a **logit** $\ell$ and $D = \sigma(\ell)$; the losses are written with
# $\mathrm{softplus}(\ell) = \log(1 + e^\ell)$, which stays finite for any logit:
# $-\log \sigma(\ell) = \mathrm{softplus}(-\ell)$ and $-\log(1 - \sigma(\ell)) = \mathrm{softplus}(\ell)$.
#
# ### Why the generator does not minimise $V$ itself
#
# Early in training the fakes are bad and $D$ rejects them confidently: $D(G(z)) \approx 0$. The
# generator's part of $V$ is $\log(1 - D(G(z)))$, and with $D = \sigma(\ell)$
#
# $$\frac{\partial}{\partial \ell} \log\big(1 - \sigma(\ell)\big) = -\sigma(\ell) = -D(G(z))
#   \;\xrightarrow[D(G(z)) \to 0]{}\; 0 .$$
#
# The generator's gradient vanishes exactly when it most needs to learn: this loss *saturates*.
# Goodfellow et al. (Sec. 3) therefore train $G$ to **maximise** $\log D(G(z))$ instead, the
# *non-saturating* loss
#
# $$\mathcal L_G^\text{NS} = -\mathbb E_z\big[\log D(G(z))\big], \qquad
#   \frac{\partial}{\partial \ell}\big(-\log \sigma(\ell)\big) = -\big(1 - D(G(z))\big)
#   \;\xrightarrow[D(G(z)) \to 0]{}\; -1 .$$
#
# Both losses have the same fixed point ($D(G(z))$ pushed towards "real"), but the non-saturating one
# pushes hardest when the fakes are worst. The next cell computes both losses and their gradients
# with the package's own functions, `keras_gans.losses.minimax_generator_loss` and
# `keras_gans.losses.non_saturating_generator_loss`, by automatic differentiation.

# %% [markdown]
# ## Setup
#
# `QUICK=1` (what the test suite sets) shrinks the data, the networks and the number of steps so
# that the whole notebook runs in seconds; the committed run uses the full sizes. Everything the run
# writes goes under `runs/01_gan_basics/`. TensorFlow prints a few information lines when it is
# imported (and, on a machine without a GPU, a CUDA error when it first looks for one); they are
# harmless.

# %%
import os
import shutil
import time

QUICK = os.environ.get("QUICK") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display

import keras_gans
from keras_gans.callbacks import FixedNoiseGIF, LossPlot
from keras_gans.images import image_grid

SEED = 0
keras.utils.set_random_seed(SEED)
RUN = "runs/01_gan_basics"
shutil.rmtree(RUN, ignore_errors=True)  # a fresh run: the GIF would otherwise continue an old one
os.makedirs(RUN)

IMAGE_SIZE = 8 if QUICK else 16  # pixels per side
WIDTH = 32 if QUICK else 512  # units in each hidden layer of both networks
BATCH_SIZE = 64
EPOCHS = 2 if QUICK else 12  # one GIF frame per epoch
STEPS_PER_EPOCH = 10 if QUICK else 250  # generator steps per epoch
NUM_SAMPLES = 200 if QUICK else 1000  # generated digits scored in Results
print(f"QUICK={QUICK}: {IMAGE_SIZE}x{IMAGE_SIZE} digits, width {WIDTH}, "
      f"{EPOCHS * STEPS_PER_EPOCH} generator steps of batch {BATCH_SIZE}")


def show_grid(images, title=None, rows=None, ax=None):
    """Shows a batch of images in [-1, 1] as one grid (keras_gans.images.image_grid)."""
    grid = image_grid(images, rows=rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=255)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# %% [markdown]
# ### The two generator losses and their gradients
#
# We evaluate both losses on one logit at a time over a range of $D(G(z))$ from $10^{-4}$ to
# $1 - 10^{-4}$ and differentiate with `tf.GradientTape`. The losses average over the batch, so a
# batch of $n$ logits gives each one $1/n$ of its own gradient; multiplying by $n$ recovers the
# per-sample derivative.

# %%
d_of_fake = np.logspace(-4, np.log10(1 - 1e-4), 400)
logits = tf.Variable(np.log(d_of_fake / (1 - d_of_fake)).astype("float32"))  # l = sigma^-1(D)
n = d_of_fake.size
curves = {}
for name, loss_fn in [("minimax  log(1 - D(G(z)))", keras_gans.losses.minimax_generator_loss),
                      ("non-saturating  -log D(G(z))", keras_gans.losses.non_saturating_generator_loss)]:
    per_sample = []
    for l in logits.numpy():  # the loss of a single sample, a batch of one
        per_sample.append(float(loss_fn(np.array([[l]], "float32"))))
    with tf.GradientTape() as tape:
        loss = loss_fn(logits)
    curves[name] = (np.array(per_sample), n * tape.gradient(loss, logits).numpy())

fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, (values, grads) in curves.items():
    ax_loss.plot(d_of_fake, values, label=name)
    ax_grad.plot(d_of_fake, np.abs(grads), label=name)
ax_loss.set(xscale="log", xlabel="D(G(z))", ylabel="generator loss (to minimise)",
            title="The two generator losses")
ax_grad.set(xscale="log", yscale="log", xlabel="D(G(z))", ylabel="|d loss / d logit|",
            title="Their gradient with respect to D's logit")
ax_grad.axvspan(1e-4, 1e-2, color="grey", alpha=0.15)
ax_grad.text(1.3e-4, 2e-3, "early training:\nD rejects the fakes", fontsize=8)
for ax in (ax_loss, ax_grad):
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for name, (values, grads) in curves.items():
    print(f"{name:30s} |gradient| at D(G(z)) = 1e-4: {abs(grads[0]):.2e}   at 0.5: "
          f"{abs(np.interp(0.5, d_of_fake, grads)):.2f}")

# %% [markdown]
# On the left, the minimax loss is flat near $D(G(z)) = 0$ while the non-saturating loss climbs
# steeply; on the right (both axes logarithmic) the minimax gradient falls in proportion to
# $D(G(z))$, to $10^{-4}$ when $D(G(z)) = 10^{-4}$, while the non-saturating gradient stays near 1.
# Near $D(G(z)) = 1/2$, the equilibrium, both gradients have size $1/2$.

# %% [markdown]
# ## Data
#
# No download is needed: `keras_gans.data.digits` serves scikit-learn's 1,797 real handwritten
# digits (the UCI optical-recognition set, written by 43 people), 8×8 scans with 17 grey levels,
# scaled to $[-1, 1]$ (the range of the generator's `tanh` output) and resized bilinearly. The dataset
# is a batched, shuffled `tf.data.Dataset`; `.repeat()` lets us count training in generator steps
# rather than passes over the 28 batches of one epoch.

# %%
dataset = keras_gans.data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED)
print(dataset.element_spec, "batches per pass:", int(dataset.cardinality()))
real_batch = next(iter(dataset)).numpy()
print(f"pixel range [{real_batch.min():.2f}, {real_batch.max():.2f}]")
show_grid(real_batch[:64], title="64 real digits")
plt.show()
dataset = dataset.repeat()

# %% [markdown]
# ## Networks
#
# `GAN.default_networks` builds the paper's fully connected pair with `keras_gans.networks`
# (`build_mlp_generator` and `build_mlp_discriminator`): the generator maps $z \in \mathbb R^{100}$
# through two ReLU layers to one `tanh` unit per pixel; the discriminator flattens the image and
# applies two LeakyReLU(0.2) layers with dropout 0.5, ending in **one logit** (no sigmoid: the losses
# take logits). The paper used 1,200 ReLU units in $G$ and maxout units in $D$ and a sigmoid output
# for $[0, 1]$ images; the package uses LeakyReLU for maxout and `tanh` for $[-1, 1]$ (stated in its
# docstring). We use `width` units per hidden layer, fewer than the paper's 1,200, to fit a CPU.

# %%
keras.utils.set_random_seed(SEED)
generator, discriminator = keras_gans.GAN.default_networks(IMAGE_SIZE, channels=1, width=WIDTH)
generator.summary()
discriminator.summary()

# %% [markdown]
# ## Model
#
# `keras_gans.GAN` wraps the two networks in one `keras.Model` whose `train_step` plays one round of
# the game per step:
#
# 1. **discriminator update** on a real batch and a batch of fakes $G(z)$: minimise
#    $-\mathbb E[\log D(x)] - \mathbb E[\log(1 - D(G(z)))]$ (`minimax_discriminator_loss`);
# 2. **generator update** on fresh noise: minimise $\mathcal L_G^\text{NS}$
#    (`generator_loss="non_saturating"`, the default) or $\mathbb E[\log(1 - D(G(z)))]$
#    (`generator_loss="minimax"`).
#
# `compile()` with no arguments gives both players Adam(2e-4, $\beta_1 = 0.5$), Radford et al.'s
# setting (the paper used SGD with momentum). Besides `d_loss` and `g_loss` the model reports
# `d_real` $= \mathbb E[D(x)]$ and `d_fake` $= \mathbb E[D(G(z))]$, the merchant's mean belief that
# real and fake notes are real; both tend to $1/2$ at the equilibrium.
#
# To see the difference between the two generator losses in practice we train **two** models from the
# same initial weights (same seed), one with each loss.

# %%
model = keras_gans.GAN(generator, discriminator, generator_loss="non_saturating", seed=SEED)
model.compile()

keras.utils.set_random_seed(SEED)  # the same initial weights for the minimax twin
minimax_model = keras_gans.GAN(*keras_gans.GAN.default_networks(IMAGE_SIZE, channels=1, width=WIDTH),
                               generator_loss="minimax", seed=SEED)
minimax_model.compile()
same_start = all(np.array_equal(a, b) for a, b in zip(model.generator.get_weights(),
                                                     minimax_model.generator.get_weights()))
print("both generators start from the same weights:", same_start)

# %% [markdown]
# ## Callbacks
#
# Two callbacks from `keras_gans.callbacks` draw what we want to watch:
#
# - `FixedNoiseGIF` draws 36 latent vectors **once** and renders them after every epoch, so each frame
#   of `training.gif` shows the *same* 36 "seeds" turning into digits;
# - `LossPlot` writes every step's metrics to `losses.csv` and plots them in `losses.png`: the losses
#   in one panel, `d_real` and `d_fake` in another.

# %%
def callbacks_for(folder):
    keys = ("d_loss", "g_loss", "d_real", "d_fake")
    return [FixedNoiseGIF(folder, num_images=36, seed=SEED), LossPlot(folder, keys=keys, every_n_steps=100)]


# %% [markdown]
# ## Train
#
# One Keras step is one discriminator update and one generator update. `verbose=0` keeps the
# notebook short; the callbacks record everything.

# %%
runs = {}
for name, gan in [("non-saturating", model), ("minimax", minimax_model)]:
    folder = f"{RUN}/{name}"
    start = time.perf_counter()
    history = gan.fit(dataset, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH,
                      callbacks=callbacks_for(folder), verbose=0)
    runs[name] = {"folder": folder, "history": history.history, "seconds": time.perf_counter() - start}
    print(f"{name:15s}: {EPOCHS * STEPS_PER_EPOCH} steps in {runs[name]['seconds']:.0f} s; last epoch "
          f"d_real {history.history['d_real'][-1]:.3f}, d_fake {history.history['d_fake'][-1]:.3f}")

# %% [markdown]
# **Size of the committed run:** 16×16 digits, both networks with two hidden layers of 512 units,
# latent size 100, batch 64, 3,000 generator steps per model (12 epochs of 250 steps), two models. On
# the project's 2-core CPU, shared with other jobs while it ran, each training took about 145 s (printed
# above).

# %% [markdown]
# ## Results
#
# ### The fixed noise, epoch by epoch
#
# Each frame is the same 36 latent vectors after one more epoch of the non-saturating GAN (the first
# frame is the untrained generator). Watch the noise turn into strokes, then into digits.

# %%
display(Image(filename=f"{RUN}/non-saturating/training.gif"))

# %% [markdown]
# ### The losses
#
# `LossPlot`'s picture for the non-saturating run: thin lines per step, thick lines their moving
# average. A GAN's losses do not fall to zero: each player's loss is measured against an opponent
# that keeps improving. What matters is that neither player wins outright: `d_real` and `d_fake` stay
# apart but well inside $(0, 1)$.

# %%
display(Image(filename=f"{RUN}/non-saturating/losses.png"))

# %% [markdown]
# ### Non-saturating against minimax
#
# Final samples of both twins from the same 64 latents, and the discriminator's mean belief
# `d_fake` $= \mathbb E[D(G(z))]$ per epoch for both.

# %%
z = np.random.default_rng(SEED).standard_normal((64, model.latent_dim)).astype("float32")
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
for ax, (name, gan) in zip(axes, [("non-saturating", model), ("minimax", minimax_model)]):
    show_grid(gan.generate(z), title=f"{name} generator after {EPOCHS * STEPS_PER_EPOCH} steps", ax=ax)
for name, run in runs.items():
    axes[2].plot(range(1, EPOCHS + 1), run["history"]["d_fake"], marker="o", label=f"d_fake, {name}")
    axes[2].plot(range(1, EPOCHS + 1), run["history"]["d_real"], marker=".", linestyle=":",
                 label=f"d_real, {name}")
axes[2].axhline(0.5, color="grey", linewidth=0.8)
axes[2].set(xlabel="epoch", ylabel="mean D output (epoch average)", ylim=(0, 1), title="D's beliefs")
axes[2].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Do the samples look like digits? `keras_gans.metrics` answers with a small CNN trained on the real
# training digits (`train_digits_classifier`; about 0.98 accuracy on held-out digits after its 15
# epochs, fewer under `QUICK`). It reads 1,000 generated images and reports how many of the ten
# classes it sees (`class_coverage`: a class counts when it gets at least 1% of the samples) and the
# KL divergence of the class histogram to uniform (0 when all digits are equally frequent);
# `frechet_distance_digits` is the Fréchet distance between generated and real digits in the
# classifier's feature space (FID's formula with a digits classifier in place of Inception), to be
# read next to the classifier's *real floor*, the distance of unseen real digits to the training
# digits. (`evaluate_digits` computes all of this in one call.)

# %%
classifier = keras_gans.metrics.train_digits_classifier(IMAGE_SIZE, epochs=2 if QUICK else 15)
(train_digits, _), _ = keras_gans.metrics.digits_split(IMAGE_SIZE)
latents = np.random.default_rng(SEED).standard_normal((NUM_SAMPLES, model.latent_dim)).astype("float32")
print(f"classifier held-out accuracy {classifier.test_accuracy:.3f}, real floor {classifier.real_floor:.2f}")
print(f"{'generator loss':15s} {'classes':>8s} {'KL to uniform':>14s} {'Frechet':>8s}")
for name, gan in [("non-saturating", model), ("minimax", minimax_model)]:
    images = gan.generate(latents)
    coverage = keras_gans.metrics.class_coverage(images, classifier)
    frechet = keras_gans.metrics.frechet_distance_digits(train_digits, images, classifier)
    print(f"{name:15s} {coverage['classes_covered']:>5d}/10 {coverage['kl_to_uniform']:>14.3f} {frechet:>8.2f}")

# %% [markdown]
# In this run the two twins trained about equally well: both cover all ten digits, and the minimax twin
# even has the lower Fréchet distance (13.11 against 19.26, with a real floor of 2.05). Both are still
# far from real digits after 3,000 steps of a fully connected GAN: many samples are recognisable, many
# are blurred strokes.

# %% [markdown]
# ### When the discriminator wins
#
# In this run the discriminator never rejected the fakes confidently (`d_fake` stayed well above 0),
# so both losses trained; Adam also rescales small gradients, which blunts the saturation. To see the
# situation the non-saturating loss was designed for, pit the **trained** discriminator against a
# **fresh, untrained** generator: its noise is easy to reject. We measure the size of the generator's
# gradient under each loss, again with the package's loss functions.

# %%
keras.utils.set_random_seed(SEED + 1)
fresh_generator, _ = keras_gans.GAN.default_networks(IMAGE_SIZE, channels=1, width=WIDTH)
z = tf.random.normal((256, model.latent_dim), seed=SEED)
with tf.GradientTape(persistent=True) as tape:
    fake_logits = model.discriminator(fresh_generator(z, training=True), training=False)
    loss_values = {"minimax": keras_gans.losses.minimax_generator_loss(fake_logits),
                   "non-saturating": keras_gans.losses.non_saturating_generator_loss(fake_logits)}
print(f"trained D on a fresh G's samples: mean D(G(z)) = {float(tf.reduce_mean(tf.sigmoid(fake_logits))):.2e}")
for name, value in loss_values.items():
    grads = tape.gradient(value, fresh_generator.trainable_variables)
    print(f"{name:15s} generator gradient norm {float(tf.linalg.global_norm(grads)):.2e}")
del tape

# %% [markdown]
# The trained discriminator gives the fresh generator's noise $D(G(z)) \approx 2 \times 10^{-6}$. There the
# minimax loss hands the generator a gradient of norm $2.6 \times 10^{-5}$, the non-saturating loss one
# of norm 13: the same networks, the same samples, a factor of about 500,000. This is the left end of
# the gradient plot at the top, measured on real networks.

# %% [markdown]
# ## Takeaways
#
# - A GAN is a two-player game: $D$ is a binary classifier trained with cross-entropy, $G$ is trained
#   through $D$'s judgement of its samples. Against the optimal $D$, the game minimises
#   $2\,\mathrm{JS}(p_\text{data} \| p_g) - \log 4$.
# - The generator's minimax loss $\log(1 - D(G(z)))$ has a gradient proportional to $D(G(z))$: it
#   vanishes when the discriminator confidently rejects the fakes. The non-saturating
#   $-\log D(G(z))$ keeps a gradient near 1 there, the same fixed point with better early signal.
# - `keras_gans.GAN(generator, discriminator, generator_loss=...)` plus `compile()` and `fit()` is the
#   whole training loop; the losses live in `keras_gans.losses` as pure functions of logits.
# - Watch the same latents over time (`FixedNoiseGIF`) and the players' beliefs (`d_real`, `d_fake`
#   in `LossPlot`), not a falling loss: GAN losses do not converge to zero.
# - A classifier trained on real data (`keras_gans.metrics`: `class_coverage`, `frechet_distance_digits`,
#   or `evaluate_digits` for all at once) turns "looks like digits"
#   into numbers: classes covered and a Fréchet distance against a real-vs-real floor.

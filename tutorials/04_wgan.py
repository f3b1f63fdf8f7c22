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
# # 04 · WGAN: the Wasserstein distance and weight clipping
#
# Why does the GAN of notebook 01 sometimes get no useful signal at all? You will measure, on two
# parallel lines, that the Jensen-Shannon divergence stays at $\log 2$ however far apart they are while
# the Wasserstein distance grows with the gap; write the Wasserstein distance in its dual form, the one
# a network can estimate; train `keras_gans.WGAN`, whose critic is kept Lipschitz by weight clipping;
# and look at what clipping does to the critic's weights.

# %% [markdown]
# ## Introduction
#
# ### When the supports do not overlap
#
# Notebook 01 showed that against the optimal discriminator the GAN generator minimises
# $\mathrm{JS}(p_\text{data} \| p_g)$. Images live on thin, low-dimensional sets of pixel space, and so
# do a generator's samples; two such sets almost never overlap. Arjovsky & Bottou (2017, *Towards
# Principled Methods for Training Generative Adversarial Networks*, arXiv:1701.04862) showed what
# follows: a discriminator can then separate them perfectly, and the divergence it measures is stuck.
#
# The smallest example is Example 1 of Arjovsky, Chintala & Bottou (2017, *Wasserstein GAN*,
# arXiv:1701.07875): with $Z \sim U[0, 1]$, let $P_0$ be the distribution of $(0, Z)$, a vertical
# segment at $x = 0$, and $P_\theta$ that of $(\theta, Z)$, the same segment moved by $\theta$. Then
#
# $$\mathrm{JS}(P_0, P_\theta) = \begin{cases} \log 2 & \theta \ne 0 \\ 0 & \theta = 0 \end{cases}
# \qquad\qquad W_1(P_0, P_\theta) = |\theta| .$$
#
# JS jumps at 0 and is flat everywhere else: its gradient with respect to $\theta$ is zero, so a
# generator that moves its segment by gradient descent on JS never learns that it should move left.
# $W_1$ is continuous and its gradient always points towards the data.
#
# ### The Wasserstein-1 distance and its dual
#
# The Wasserstein-1 (earth mover's) distance is the cheapest way to move the mass of one distribution
# onto the other,
#
# $$W_1(P_r, P_g) = \inf_{\gamma \in \Pi(P_r, P_g)} \mathbb E_{(x, y) \sim \gamma}\big[\|x - y\|\big],$$
#
# the infimum over all joint distributions (transport plans) with marginals $P_r$ and $P_g$. That
# infimum is intractable for images, but the Kantorovich-Rubinstein duality rewrites it as a supremum
# over 1-Lipschitz functions $f$ (WGAN paper, Sec. 3):
#
# $$W_1(P_r, P_g) = \sup_{\|f\|_L \le 1} \; \mathbb E_{x \sim P_r}\big[f(x)\big] - \mathbb E_{x \sim P_g}\big[f(x)\big].$$
#
# For the two segments, $f(x, y) = -\operatorname{sign}(\theta)\, x$ attains it: it is 1-Lipschitz and
# its expectations differ by exactly $|\theta|$.
#
# ### WGAN: a critic in a Lipschitz family
#
# WGAN replaces the discriminator by a **critic** $f_w$, a network with a linear output (no sigmoid),
# and keeps it $K$-Lipschitz for some $K$ by **clipping every weight** to $[-c, c]$ after each update.
# The critic then estimates $K \cdot W_1$ (Algorithm 1 of the paper):
#
# $$\max_{w:\, |w_i| \le c} \; \mathbb E_{x}\big[f_w(x)\big] - \mathbb E_{z}\big[f_w(G(z))\big],
# \qquad \min_G \; -\mathbb E_{z}\big[f_w(G(z))\big],$$
#
# with $n_\text{critic} = 5$ critic updates per generator update, $c = 0.01$ and RMSProp at
# $\alpha = 5 \times 10^{-5}$ (momentum-based optimizers made training unstable in their experiments).
# In `keras_gans` these are `losses.wasserstein_critic_loss`, `losses.wasserstein_generator_loss` and
# `constraints.ClipConstraint`.
#
# ### What clipping costs
#
# Gulrajani et al. (2017, *Improved Training of Wasserstein GANs*, arXiv:1704.00028, Sec. 3) showed that
# clipping is a crude way to enforce the constraint: the critic under-uses its capacity (it learns
# overly simple functions), its gradients explode or vanish through deep stacks unless $c$ is tuned,
# and its weights are pushed to the two ends of the box, $\pm c$ (their Figure 1b). We will look at the
# last one on the critic we train.

# %% [markdown]
# ## Setup

# %%
import os
import shutil
import time

QUICK = os.environ.get("QUICK") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon

import keras_gans
from keras_gans.callbacks import FixedNoiseGIF, LossPlot
from keras_gans.constraints import ClipConstraint
from keras_gans.images import image_grid

SEED = 0
keras.utils.set_random_seed(SEED)
RUN = "runs/04_wgan"
shutil.rmtree(RUN, ignore_errors=True)  # a fresh run: the GIF would otherwise continue an old one
os.makedirs(RUN)

IMAGE_SIZE = 8 if QUICK else 16
WIDTH = 4 if QUICK else 32
BATCH_SIZE = 64
CLIP = 0.01  # c of the paper
EPOCHS = 2 if QUICK else 10
STEPS_PER_EPOCH = 3 if QUICK else 150  # generator steps; each has 5 critic updates
POINTS = 100 if QUICK else 300  # samples per segment in the toy example
print(f"QUICK={QUICK}: {IMAGE_SIZE}x{IMAGE_SIZE} digits, width {WIDTH}, "
      f"{EPOCHS * STEPS_PER_EPOCH} generator steps (x5 critic updates) of batch {BATCH_SIZE}")


def show_grid(images, title=None, ax=None):
    """Shows a batch of images in [-1, 1] as one grid (keras_gans.images.image_grid)."""
    grid = image_grid(images)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(grid[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# %% [markdown]
# ## Data
#
# ### Two parallel segments, measured
#
# We draw `POINTS` samples from $P_0$ and, independently, from $P_\theta$ for 41 shifts $\theta$ in
# $[-1, 1]$, and estimate both distances from the samples alone:
#
# - **JS** from histograms of the two clouds on a common grid of cells 0.01 wide in $x$
#   (`scipy.spatial.distance.jensenshannon`, squared, natural log): it can only tell whether the
#   clouds share cells;
# - **$W_1$** as the exact optimal transport between the two clouds: with equal numbers of points the
#   best plan is a one-to-one matching, found by `scipy.optimize.linear_sum_assignment` on the matrix of
#   Euclidean distances; $W_1$ is the mean matched distance.

# %%
rng = np.random.default_rng(SEED)
thetas = np.round(np.linspace(-1, 1, 41), 3)
x_edges = np.arange(-1.005, 1.006, 0.01)  # 0.01-wide cells centred on multiples of 0.01
y_edges = np.linspace(0, 1, 11)


def segment(theta, n):
    return np.stack([np.full(n, theta), rng.uniform(0, 1, n)], axis=1)


js, w1 = [], []
p0 = segment(0.0, POINTS)
h0 = np.histogram2d(p0[:, 0], p0[:, 1], bins=[x_edges, y_edges])[0].ravel()
for theta in thetas:
    pt = segment(theta, POINTS)
    ht = np.histogram2d(pt[:, 0], pt[:, 1], bins=[x_edges, y_edges])[0].ravel()
    js.append(jensenshannon(h0, ht) ** 2)  # scipy returns the JS distance, the square root
    cost = np.linalg.norm(p0[:, None, :] - pt[None, :, :], axis=-1)
    rows, cols = linear_sum_assignment(cost)
    w1.append(cost[rows, cols].mean())
js, w1 = np.array(js), np.array(w1)

fig, (ax_pts, ax_d) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 2]})
example = segment(0.5, POINTS)
ax_pts.scatter(p0[:, 0], p0[:, 1], s=4, label=r"$P_0$: (0, Z)")
ax_pts.scatter(example[:, 0], example[:, 1], s=4, label=r"$P_\theta$: ($\theta$, Z), $\theta$ = 0.5")
ax_pts.set(xlim=(-1, 1), xlabel="x", ylabel="y", title="two parallel segments")
ax_pts.legend(fontsize=8, loc="lower left")
ax_d.plot(thetas, js, "o-", markersize=3, label="JS divergence (histogram estimate)")
ax_d.plot(thetas, w1, "s-", markersize=3, label=r"$W_1$ (optimal matching of the samples)")
ax_d.axhline(np.log(2), color="grey", linestyle=":", label="log 2")
ax_d.set(xlabel=r"shift $\theta$", ylabel="distance", title=r"JS is flat, $W_1 = |\theta|$")
ax_d.legend(fontsize=8)
ax_d.grid(alpha=0.3)
plt.tight_layout()
plt.show()
nonzero = thetas != 0
print(f"JS for theta != 0: min {js[nonzero].min():.4f}, max {js[nonzero].max():.4f} (log 2 = {np.log(2):.4f}); "
      f"JS at theta = 0: {js[~nonzero][0]:.4f}")
print(f"W1 - |theta|: mean {np.mean(w1 - np.abs(thetas)):.4f}, max {np.max(np.abs(w1 - np.abs(thetas))):.4f} "
      f"(the y-coordinates of the two samples differ, so the matching pays a little vertical distance)")

# %% [markdown]
# Every shift $\theta \neq 0$ gives the same JS, $\log 2$ (0.6931 for all 40 of them): moving the
# segment towards $P_0$ changes nothing until it lands exactly on it. At $\theta = 0$ the estimate is
# 0.0155 rather than 0 only because two finite samples of the same segment fill the cells a little
# differently. The matched transport cost follows $|\theta|$, up to the vertical cost of matching two
# finite samples of $Z$ (at most 0.09 here, at $\theta = 0$): a slope that tells the generator which way
# to go.
#
# ### The digits
#
# The WGAN below trains on the 16×16 digits of notebook 01.

# %%
dataset = keras_gans.data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED)
print(dataset.element_spec, "- batches per pass:", int(dataset.cardinality()))
dataset = dataset.repeat()

# %% [markdown]
# ## Networks
#
# `WGAN.default_networks` returns the DCGAN generator of notebook 03 and a **critic**
# (`build_critic(..., normalization="batch")`): the DCGAN discriminator with a linear score and no bias
# on it (a constant added to every score cancels in $\mathbb E[f(x)] - \mathbb E[f(G(z))]$).

# %%
keras.utils.set_random_seed(SEED)
generator, critic = keras_gans.WGAN.default_networks(IMAGE_SIZE, 1, width=WIDTH)
critic.summary()

# %% [markdown]
# ## Model
#
# `keras_gans.WGAN` puts a `ClipConstraint(clip_value)` on **every** trainable variable of the critic,
# kernels, biases and batch-norm scales and offsets alike, as Algorithm 1 clips all parameters; Keras
# applies a variable's constraint right after each optimizer update. It also clips once at
# construction. `compile()` sets RMSprop(5e-5) for both players.

# %%
def critic_weights(model):
    return np.concatenate([np.ravel(v.numpy()) for v in model.critic.trainable_variables])


def fraction_at_clip(weights, clip=CLIP):
    return float(np.mean(np.isclose(np.abs(weights), clip, rtol=1e-5, atol=0)))


kernels = np.concatenate([np.ravel(v.numpy()) for v in critic.trainable_variables if "kernel" in v.path])
before_clip = np.concatenate([np.ravel(v.numpy()) for v in critic.trainable_variables])
model = keras_gans.WGAN(generator, critic, critic_steps=5, clip_value=CLIP, seed=SEED)
model.compile()
weights_at_start = critic_weights(model)
clipped = all(isinstance(v.constraint, ClipConstraint) for v in model.critic.trainable_variables)
print(f"every critic variable carries a ClipConstraint: {clipped}, c = {model.clip_value}")
print(f"{before_clip.size:,d} critic weights; before the model clipped them the kernels had std {kernels.std():.4f} "
      f"and {np.mean(np.abs(before_clip) > CLIP):.1%} of all weights lay outside [-c, c]")
print(f"after the clip at construction: {fraction_at_clip(weights_at_start):.1%} sit exactly at +-c")
print(f"optimizers: {type(model.d_optimizer).__name__}(learning_rate={float(model.d_optimizer.learning_rate):g}) "
      "for both")

# %% [markdown]
# Note what the initialisation does here: the DCGAN initialisation $\mathcal N(0, 0.02)$ has twice the
# spread of the box $c = 0.01$, so most weights sit at $\pm c$ before the first update (the WGAN
# authors' code makes the same pair of choices), and the batch-norm scales, initialised to 1, all
# start at $c$. The question for training is whether the weights leave the ends of the box.

# %% [markdown]
# ## Callbacks
#
# The fixed-noise GIF, the loss plot with the critic's Wasserstein estimate
# $\mathbb E[f(x)] - \mathbb E[f(G(z))]$ (the metric `wasserstein`), and a small
# `keras.callbacks.LambdaCallback` of our own that records, after every epoch, the share of critic
# weights sitting exactly at $\pm c$.

# %%
at_clip = [fraction_at_clip(weights_at_start)]
callbacks = [
    FixedNoiseGIF(RUN, num_images=36, seed=SEED),
    LossPlot(RUN, keys=("d_loss", "g_loss", "wasserstein"), every_n_steps=50),
    keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: at_clip.append(fraction_at_clip(critic_weights(model)))),
]

# %% [markdown]
# ## Train

# %%
start = time.perf_counter()
history = model.fit(dataset, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=callbacks, verbose=0)
seconds = time.perf_counter() - start
print(f"{EPOCHS * STEPS_PER_EPOCH} generator steps ({5 * EPOCHS * STEPS_PER_EPOCH} critic updates) in {seconds:.0f} s")
print("Wasserstein estimate per epoch:", np.round(history.history["wasserstein"], 4))

# %% [markdown]
# **Size of the committed run:** 16×16 digits, width 32 (critic filters 32-64, generator 64-32),
# latent size 100, batch 64, 1,500 generator steps with 5 critic updates each (10 epochs of 150 steps,
# 7,500 critic updates), 174 s of training on the project's 2-core CPU shared with other jobs (printed
# above).

# %% [markdown]
# ## Results
#
# ### Samples and the Wasserstein estimate

# %%
display(Image(filename=f"{RUN}/training.gif"))

# %%
display(Image(filename=f"{RUN}/losses.png"))

# %%
classifier = keras_gans.metrics.train_digits_classifier(IMAGE_SIZE, epochs=2 if QUICK else 15)
(train_digits, _), _ = keras_gans.metrics.digits_split(IMAGE_SIZE)
images = model.generate(np.random.default_rng(SEED).standard_normal((200 if QUICK else 1000, model.latent_dim))
                        .astype("float32"))
coverage = keras_gans.metrics.class_coverage(images, classifier)
frechet = keras_gans.metrics.frechet_distance_digits(train_digits, images, classifier)
print(f"{len(images)} samples: classes covered {coverage['classes_covered']}/10, KL to uniform "
      f"{coverage['kl_to_uniform']:.3f}, Frechet distance {frechet:.2f} (real floor {classifier.real_floor:.2f})")

# %% [markdown]
# The Wasserstein estimate behaves as the WGAN paper promises: it rises while the critic learns to tell
# the first blurred samples from digits (0.0445 in the second epoch), then falls as the generator
# improves (0.0041 in the last), a curve that tracks progress where notebook 01's losses did not. Its
# scale means little (the critic estimates $K \cdot W_1$ for an unknown $K$ set by $c$); its trend does.
#
# The samples, though, are still blurred strokes after 1,500 steps: all ten classes are there, but the
# Fréchet distance is 75.86 (real floor 2.05), where notebook 03's DCGAN reached 12.46 in as many
# generator steps. A learning rate of $5 \times 10^{-5}$ and a clipped critic make WGAN slow.

# %% [markdown]
# ### Where the clipped weights end up
#
# The histogram of all critic weights at the start (after the construction clip) and after training,
# as in Gulrajani et al.'s Figure 1b, with the share at exactly $\pm c$ per epoch beside it, and the
# same share layer by layer.

# %%
weights_after = critic_weights(model)
fig, (ax_h, ax_t) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [2, 1]})
bins = np.linspace(-CLIP * 1.05, CLIP * 1.05, 43)
ax_h.hist(weights_at_start, bins=bins, alpha=0.5, label="start (after the construction clip)")
ax_h.hist(weights_after, bins=bins, alpha=0.6, label=f"after {EPOCHS * STEPS_PER_EPOCH} generator steps")
ax_h.set(yscale="log", xlabel="critic weight", ylabel="count (log scale)",
         title=f"all {weights_after.size:,d} critic weights, c = {CLIP}")
ax_h.legend(fontsize=8)
ax_t.plot(range(len(at_clip)), at_clip, marker="o")
ax_t.set(xlabel="epoch", ylabel="share at exactly +-c", ylim=(0, 1), title="weights at the ends of the box")
ax_t.grid(alpha=0.3)
plt.tight_layout()
plt.show()
print(f"share of critic weights at exactly +-c: start {at_clip[0]:.1%}, end {at_clip[-1]:.1%}")
outer_start, outer_end = (np.mean(np.abs(w) >= 0.9 * CLIP) for w in (weights_at_start, weights_after))
print(f"share in the outer tenth of the box, |w| >= 0.9 c: start {outer_start:.1%}, end {outer_end:.1%} "
      "(a uniform spread over [-c, c] would put 10% there)")
for variable in model.critic.trainable_variables:
    values = variable.numpy()
    print(f"  {variable.path:36s} {values.size:>6d} weights, {fraction_at_clip(values):6.1%} at +-c")

# %% [markdown]
# After training, 30.1% of the critic's weights sit exactly at $\pm c$ and 56.7% lie in the outer tenth
# of the box, where a spread-out distribution would put about 10%: the two spikes of Gulrajani et al.'s
# Figure 1b. Looking at the start as well keeps the reading honest: here the initialisation had already
# put 61.5% at $\pm c$, and training released part of them, mostly in the large hidden convolution
# (28.8% left at $\pm c$), while the score layer kept 61.0% there and all 64 batch-norm scales never left
# the boundary. In this run clipping did not so much push weights to the ends as hold them there: every
# weight that "wants" to be larger than $c$ is stopped at $c$, so the critic is built mostly from
# weights of size exactly $c$. Gulrajani et al. argue that this biases the critic towards overly simple
# functions. Notebook 05 trains a critic with a gradient penalty instead, and shows its weights.

# %% [markdown]
# ## Takeaways
#
# - When two distributions have disjoint supports, the JS divergence is constant at $\log 2$ and gives
#   no gradient; the Wasserstein-1 distance still measures how far apart they are.
# - The Kantorovich-Rubinstein dual turns $W_1$ into $\sup_{\|f\|_L \le 1} \mathbb E_{P_r}[f] - \mathbb E_{P_g}[f]$:
#   a critic network with a linear output can estimate it if it is kept Lipschitz.
# - WGAN keeps the critic Lipschitz by clipping every weight to $[-c, c]$
#   (`keras_gans.WGAN(..., clip_value=0.01)`, a `ClipConstraint` on each critic variable), with 5 critic
#   updates per generator update and RMSprop(5e-5).
# - Clipping is crude: the weights crowd at $\pm c$, the critic's capacity and gradients depend on
#   $c$, and training is slow. Notebook 05 replaces the clip by a gradient penalty.

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
# # 06 · SNGAN: spectral normalisation and the hinge loss
#
# Weight clipping and the gradient penalty both try to keep the critic 1-Lipschitz from the
# outside. Spectral normalisation does it from the inside: every layer is divided by its largest
# singular value, so no layer can stretch its input by more than a factor of 1. In this notebook
# you will find that largest singular value with the power iteration (by hand, in numpy), watch
# `keras_gans.layers.ReparametrizedSpectralNormalization` hold every kernel of a `keras_gans.SNGAN`
# critic at 1 while it trains, plot the hinge loss it trains with, and train SNGAN on handwritten digits.

# %% [markdown]
# ## Introduction
#
# **Why bound the critic at all?** A critic that may grow without limit can always separate real
# from generated samples by a wider margin: its scores blow up and its gradients stop telling the
# generator anything useful. The Wasserstein GAN of notebook 04 asks for a 1-Lipschitz critic,
# $|D(x) - D(y)| \le \|x - y\|$, and enforces it by clipping weights; notebook 05 penalises
# gradient norms away from 1 on random points. Both act on symptoms. Miyato et al. act on the
# cause: the layers themselves.
#
# **A linear layer's Lipschitz constant is its largest singular value.** For $h \mapsto Wh$,
#
# $$\sigma(W) = \max_{h \ne 0} \frac{\|W h\|_2}{\|h\|_2},$$
#
# the spectral norm of $W$. LeakyReLU never stretches distances (its slopes are 0.2 and 1), and
# Lipschitz constants multiply under composition, so a critic
# $D = W_L \circ a \circ W_{L-1} \circ \dots \circ a \circ W_1$ obeys
#
# $$\|D\|_{\mathrm{Lip}} \le \prod_{l=1}^{L} \sigma(W_l).$$
#
# **Spectral normalisation** divides every kernel by its spectral norm before using it,
#
# $$\bar W_{\mathrm{SN}} = \frac{W}{\sigma(W)}, \qquad \sigma(\bar W_{\mathrm{SN}}) = 1,$$
#
# so the product, and with it the critic's Lipschitz constant, is at most 1 (Miyato, Kataoka,
# Koyama, Yoshida, *Spectral Normalization for Generative Adversarial Networks*, ICLR 2018,
# arXiv:1802.05957, Eq. 8). A convolution's kernel $(k_h, k_w, c_{in}, c_{out})$ is treated as the
# matrix $(k_h k_w c_{in}) \times c_{out}$, as in the paper; that matrix's norm is a proxy for, not
# exactly, the norm of the convolution as an operator on images.
#
# **Computing $\sigma(W)$ cheaply: the power iteration.** A full SVD at every training step
# would be expensive. Starting from a random vector $\tilde u$, alternate
#
# $$\tilde v \leftarrow \frac{W^\top \tilde u}{\|W^\top \tilde u\|_2}, \qquad
#   \tilde u \leftarrow \frac{W \tilde v}{\|W \tilde v\|_2}, \qquad
#   \sigma(W) \approx \tilde u^\top W \tilde v .$$
#
# One round multiplies $\tilde u$ by $W W^\top$ (and rescales it), so the part of $\tilde u$ off
# the top singular vector shrinks by $(\sigma_2 / \sigma_1)^2$ per round, the squared ratio of the
# two largest singular values. The paper's trick is to keep $\tilde u$ from one training step to
# the next: the weights move a little per step, so **one** round per step keeps the estimate
# tracking the true value (Miyato et al. 2018, Algorithm 1).
#
# **The hinge loss.** `keras_gans.SNGAN` trains with the hinge loss (Lim & Ye, *Geometric GAN*,
# 2017, arXiv:1705.02894), which Miyato et al. use for their ResNet experiments:
#
# $$L_D = \mathbb{E}_{x}\big[\max(0,\, 1 - D(x))\big] + \mathbb{E}_{z}\big[\max(0,\, 1 + D(G(z)))\big],
#   \qquad L_G = -\mathbb{E}_{z}\big[D(G(z))\big].$$
#
# The discriminator is satisfied once real samples score above $+1$ and generated ones below
# $-1$; beyond that margin it gets no gradient, so it has no reason to push its scores further.
# The generator simply raises the scores of its samples, as in WGAN.

# %% [markdown]
# ### The power iteration, by hand
#
# Before handing the job to Keras, watch the iteration converge on a small random matrix, and
# compare with numpy's exact SVD. The second experiment imitates training: the matrix drifts a
# little at every step and we run only **one** round per step, keeping $\tilde u$.

# %%
import numpy as np

rng = np.random.default_rng(0)


def power_iteration_round(W, u):
    """One round: v = W^T u / |W^T u|, u = W v / |W v|; returns (u, v, sigma estimate u^T W v)."""
    v = W.T @ u
    v /= np.linalg.norm(v)
    u = W @ v
    u /= np.linalg.norm(u)
    return u, v, u @ W @ v


def random_matrix(rows, cols, singular_values):
    """rows x cols matrix with the given singular values and random singular vectors."""
    left, _ = np.linalg.qr(rng.standard_normal((rows, cols)))
    right, _ = np.linalg.qr(rng.standard_normal((cols, cols)))
    return left @ np.diag(singular_values) @ right.T


matrices = {
    "sigma_2 / sigma_1 = 0.85": random_matrix(64, 32, 2.0 * 0.85 ** np.arange(32)),
    "Gaussian entries": rng.standard_normal((64, 32)),
}
errors = {}
for name, W in matrices.items():
    exact = np.linalg.svd(W, compute_uv=False)
    u, errors[name] = rng.standard_normal(64), []
    for _ in range(40):
        u, v, sigma_estimate = power_iteration_round(W, u)
        errors[name].append(abs(sigma_estimate - exact[0]) / exact[0])
    print(f"{name:>24}: sigma_1 = {exact[0]:.4f}, sigma_2 / sigma_1 = {exact[1] / exact[0]:.3f}; relative "
          f"error after 1, 10, 40 rounds: {errors[name][0]:.1e}, {errors[name][9]:.1e}, {errors[name][39]:.1e}")

# A matrix that drifts like a weight under training, one round per step, u kept between steps.
W_drift, u = matrices["Gaussian entries"].copy(), rng.standard_normal(64)
tracking = []
for step in range(200):
    W_drift += 0.01 * rng.standard_normal(W_drift.shape)
    u, v, sigma_estimate = power_iteration_round(W_drift, u)
    tracking.append((sigma_estimate, np.linalg.svd(W_drift, compute_uv=False)[0]))
tracking = np.array(tracking)
print(f"drifting matrix, 1 round per step: estimate {tracking[-1, 0]:.4f}, exact {tracking[-1, 1]:.4f} "
      f"at step 200")

# %%
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
for name, curve in errors.items():
    left.semilogy(np.arange(1, 41), curve, "o-", ms=3, label=name)
left.set(xlabel="rounds of the power iteration", ylabel="relative error of sigma",
         title="two fixed 64 x 32 matrices")
left.legend(fontsize=8)
right.plot(tracking[:, 1], lw=3, alpha=0.4, label="exact (SVD)")
right.plot(tracking[:, 0], lw=1, label="1 round per step, u kept")
right.set(xlabel="step", ylabel="sigma(W)", title="a matrix drifting under 'training'")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Left: the error falls by a roughly constant factor per round, and the larger the gap
# between $\sigma_1$ and $\sigma_2$, the faster; a Gaussian matrix has a small gap and converges
# slowly. Right: one round per step is enough once the estimate has caught up, because
# $\tilde u$ carries the work of all earlier steps. This is what
# `keras_gans.layers.ReparametrizedSpectralNormalization(layer, power_iterations=1)` does, and
# what every convolution and dense layer of an SNGAN critic is wrapped in.

# %% [markdown]
# ## Setup
#
# `QUICK=1` (the test suite) shrinks widths and steps so the notebook runs in seconds; the
# committed run uses the full sizes set here.

# %%
# %matplotlib inline
import os
import shutil
import time

import keras
from IPython.display import Image, display

import keras_gans
from keras_gans import data, losses
from keras_gans.callbacks import FixedNoiseGIF, LossPlot
from keras_gans.images import image_grid

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
IMAGE_SIZE = 16
BATCH_SIZE = 64
LATENT_DIM = 32 if QUICK else 128  # SNGAN's z of 128
WIDTH = 8 if QUICK else 32  # filters of the critic's first convolution (the paper's CNN: 64)
EPOCHS = 2 if QUICK else 15
STEPS_PER_EPOCH = 15 if QUICK else 100  # generator steps per epoch (one critic step each)
RUN_DIR = os.path.join("runs", "06_sngan")
# Start from an empty folder: FixedNoiseGIF would otherwise continue the frames of an earlier run.
shutil.rmtree(RUN_DIR, ignore_errors=True)
keras.utils.set_random_seed(SEED)
print(f"QUICK={QUICK}: {IMAGE_SIZE}x{IMAGE_SIZE} digits, width {WIDTH}, z of {LATENT_DIM}, "
      f"{EPOCHS * STEPS_PER_EPOCH} generator steps of batch {BATCH_SIZE}")

# %% [markdown]
# ## Data
#
# scikit-learn's 1,797 real handwritten digits, embedded in the package (no download), scaled to
# $[-1, 1]$ and upsampled to 16×16. The dataset repeats so that `steps_per_epoch` sets the
# length of an epoch.

# %%
dataset = data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED)
real_batch = next(iter(dataset)).numpy()
train_data = dataset.repeat()
print(f"{int(dataset.cardinality())} batches of {tuple(real_batch.shape)}, "
      f"values in [{real_batch.min():.1f}, {real_batch.max():.1f}]")
plt.figure(figsize=(3, 3))
plt.imshow(image_grid(real_batch[:36])[..., 0], cmap="gray")
plt.axis("off")
plt.title("real digits")
plt.show()

# %% [markdown]
# ## Networks
#
# `SNGAN.default_networks` builds a DCGAN generator and a critic of strided convolutions with
# LeakyReLU 0.2, no batch norm, and every `Conv2D` and `Dense` wrapped in
# `keras_gans.layers.ReparametrizedSpectralNormalization`. The wrapper keeps its $\tilde u$ in a
# non-trainable weight (`vector_u`), runs one power-iteration round on every call in training
# mode, and computes with $W / \sigma(W)$ as a function of the trainable $W$, so the gradient
# reaches $W$ through $\sigma$ as well, as in the paper. (Keras' own
# `keras.layers.SpectralNormalization`, which it subclasses, writes $W / \sigma$ back into the
# kernel before computing and lets the gradient skip $\sigma$; with five critic updates per
# generator update that cost the projection cGAN of notebook 02 half of its label accuracy.)
#
# One more detail: $W / \sigma(W)$ does not change when $W$ is scaled, so its gradient is
# orthogonal to $W$, and Adam's steps of roughly fixed size make $\|W\|$ grow; the same step then
# turns $W$ by a smaller angle, a learning rate that decays by itself. After each optimizer step
# the wrapper therefore divides the trainable $W$ by its $\sigma$ estimate (`rescale_kernel=True`,
# a Keras constraint on the kernel), which changes neither $W / \sigma(W)$ nor the critic's output.
# On the toy rings of notebook 08 that took SNGAN from 2 to 8 modes on the worst of three seeds.
#
# The helper below only *measures*: for each wrapped layer it reshapes a kernel to the
# $(k_h k_w c_{in}) \times c_{out}$ matrix and asks numpy's SVD for the exact largest singular
# value: of the kernel the layer computes with, $W / \sigma(W)$ (`normalized_weights()`), or of
# the trainable $W$. Before training, the kernels are fresh $\mathcal N(0, 0.02^2)$ draws and
# nothing has normalised them yet.

# %%
generator, critic = keras_gans.SNGAN.default_networks(IMAGE_SIZE, 1, latent_dim=LATENT_DIM, width=WIDTH)
normalised = [layer for layer in critic.layers if isinstance(layer, keras.layers.SpectralNormalization)]


def largest_singular_values(layers, effective=True):
    """Exact largest singular value of each layer's kernel, reshaped to (k_h k_w c_in, c_out).

    effective=True: the kernel the layer computes with, W / sigma(W) from its power iteration;
    False: the trainable W.
    """
    values = []
    for layer in layers:
        kernel = layer.normalized_weights()[1] if effective else layer.layer.kernel
        kernel = keras.ops.convert_to_numpy(kernel)
        values.append(np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0])
    return np.array(values)


sigma_before = largest_singular_values(normalised, effective=False)
for layer, sigma in zip(normalised, sigma_before):
    print(f"{layer.name:>26}  wraps {type(layer.layer).__name__:<6} kernel {str(tuple(layer.layer.kernel.shape)):<17}"
          f" sigma = {sigma:.3f}")
print(f"generator: {generator.count_params():,} parameters; critic: {critic.count_params():,}")

# %% [markdown]
# ## Model
#
# `keras_gans.SNGAN` pairs that critic with the hinge loss of `keras_gans.losses`. First, the
# loss itself, computed with the package's functions for one score $v$ at a time. Each
# discriminator term is read off at the point where the other term is zero (a fake score of
# $-1$, a real score of $+1$: the margins).

# %%
scores = np.linspace(-3, 3, 121).astype("float32")
real_term = [float(losses.hinge_discriminator_loss([[v]], [[-1.0]])) for v in scores]  # fake at -1 adds 0
fake_term = [float(losses.hinge_discriminator_loss([[1.0]], [[v]])) for v in scores]  # real at +1 adds 0
generator_term = [float(losses.hinge_generator_loss([[v]])) for v in scores]

fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(scores, real_term, label=r"D on a real sample: $\max(0, 1 - v)$")
ax.plot(scores, fake_term, label=r"D on a generated sample: $\max(0, 1 + v)$")
ax.plot(scores, generator_term, "--", label=r"G on its sample: $-v$")
ax.axvline(-1, color="grey", lw=0.5)
ax.axvline(1, color="grey", lw=0.5)
ax.set(xlabel="critic score v", ylabel="loss", title="hinge loss (keras_gans.losses)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
model = keras_gans.SNGAN(generator, critic, seed=SEED)  # critic_steps=1, the paper's standard CNN
model.compile()  # Adam(2e-4, beta_1=0, beta_2=0.9) for both networks
print(f"critic steps per generator step: {model.critic_steps}; metrics: {model.metric_names}")
print(f"optimizers: D {type(model.d_optimizer).__name__}(lr={float(model.d_optimizer.learning_rate):g}, "
      f"beta_1={model.d_optimizer.beta_1}, beta_2={model.d_optimizer.beta_2}), G the same")

# %% [markdown]
# ## Callbacks
#
# - `FixedNoiseGIF` renders the same 64 latents after every epoch, so you see the same digits
#   take shape.
# - `LossPlot` writes the D and G losses and the mean critic scores on real and generated
#   images (`d_real`, `d_fake`) per generator step.
# - A `keras.callbacks.LambdaCallback` of our own records, every few steps, the exact largest
#   singular value of every critic kernel (the helper above): the measurement this notebook is
#   about.

# %%
sigma_trace = {"step": [0], "sigma": [sigma_before]}
record_every = max(1, STEPS_PER_EPOCH // 5)


def record_sigmas(batch, logs=None):
    step = int(model.g_optimizer.iterations)
    if step % record_every == 0:
        sigma_trace["step"].append(step)
        sigma_trace["sigma"].append(largest_singular_values(normalised))


callbacks = [
    FixedNoiseGIF(RUN_DIR, every_n_epochs=1 if QUICK else 3, num_images=64, seed=SEED),
    LossPlot(RUN_DIR, keys=model.metric_names),
    keras.callbacks.LambdaCallback(on_train_batch_end=record_sigmas),
]

# %% [markdown]
# ## Train
#
# One Keras step is one generator update, here after one critic update on a fresh real batch.

# %%
start = time.perf_counter()
history = model.fit(train_data, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=callbacks, verbose=0)
train_seconds = time.perf_counter() - start
last = {key: round(values[-1], 3) for key, values in history.history.items()}
print(f"{int(model.g_optimizer.iterations)} generator steps in {train_seconds:.0f} s "
      f"({1000 * train_seconds / (EPOCHS * STEPS_PER_EPOCH):.0f} ms per step, graph tracing included)")
print("last epoch's means:", last)

# %% [markdown]
# **Size of the committed run:** 16×16 digits, critic width 32 (32 and 64 filters, then the
# score), generator from $z \in \mathbb R^{128}$, batch 64, 15 epochs of 100 generator steps
# (1,500 steps, one critic update each), on this 2-core CPU while other jobs shared it; the line
# printed under Train gives the training time and the time per step.

# %% [markdown]
# ## Results
#
# ### Samples
#
# The same 64 latents every third epoch (300 generator steps); the first frame is the untrained
# generator. The early frames show white blobs on black that take digit shapes as training goes
# on; in the last frame a good share of the samples read as digits (5s, 6s and 0s are easy to
# spot), rougher and blurrier than the real ones. Notebook 09 shows how to put a number on "how good".

# %%
display(Image(filename=os.path.join(RUN_DIR, "training.gif")))

# %%
display(Image(filename=os.path.join(RUN_DIR, "losses.png")))

# %% [markdown]
# Read the losses with the hinge's margins in mind. While every score lies between $-1$ and $+1$,
# both hinge terms are active and
#
# $$L_D = \big(1 - \mathbb E[D(x)]\big) + \big(1 + \mathbb E[D(G(z))]\big) = 2 - \big(\mathbb E[D(x)] - \mathbb E[D(G(z))]\big),$$
#
# so the D loss is 2 minus the critic's margin between real and generated digits, a
# Wasserstein-like estimate. In this run the critic separates the two clearly for the first few
# hundred steps (`d_real` near 1, D loss well below 2); after that the generator has caught up
# and, with every layer's norm held at 1, the critic keeps only a small margin (D loss close to
# 2, `d_real` just above `d_fake`, the last epoch's means printed under Train). A critic that
# cannot inflate its scores keeps handing the generator a gradient instead of saturating.
#
# ### Every kernel's largest singular value, before and during training

# %%
trace = np.array(sigma_trace["sigma"])
sigma_after = largest_singular_values(normalised)
names = [f"{layer.name}\n{tuple(layer.layer.kernel.shape)}" for layer in normalised]

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
positions = np.arange(len(normalised))
left.bar(positions - 0.2, sigma_before, 0.4, label="at initialisation")
left.bar(positions + 0.2, sigma_after, 0.4, label="after training")
left.axhline(1.0, color="k", lw=0.8, ls="--")
left.set_xticks(positions, names, fontsize=7)
left.set(ylabel="largest singular value (numpy SVD)", title="each critic kernel")
left.legend(fontsize=8)
for i, layer in enumerate(normalised):
    right.plot(sigma_trace["step"], trace[:, i], marker=".", label=layer.name)
right.axhline(1.0, color="k", lw=0.8, ls="--")
right.set(xlabel="generator step", ylabel="sigma", title="during training", ylim=(0, 1.3))
right.legend(fontsize=7)
fig.tight_layout()
plt.show()
for layer, before, after in zip(normalised, sigma_before, sigma_after):
    print(f"{layer.name:>26}: sigma {before:.3f} at initialisation -> {after:.4f} after training")
print(f"after training, |sigma - 1| <= {np.max(np.abs(sigma_after - 1)):.4f} for every kernel")

# %% [markdown]
# At initialisation the kernels' norms depend only on their shapes and the $\mathcal N(0, 0.02^2)$
# draw (all below 1 here). From the first training step on, each layer computes with its kernel
# divided by the power-iteration estimate, and the largest singular values of those kernels stay
# near 1 while the optimizer keeps moving the trainable weights (the lines printed above give each
# one and the largest distance from 1). The power iteration trails the moving weights by one round
# a step, and its estimate of $\sigma$ approaches the true value from below, so what error remains
# lies above 1; it is largest for a convolution whose singular values lie close together (the slow
# case on the left of the power-iteration figure).
#
# ### Is the whole critic 1-Lipschitz?
#
# The product bound says $\|\nabla_x D(x)\|_2 \le \prod_l \sigma(W_l)$ everywhere, about 1 here.
# Measure the gradient norm on real and generated digits:

# %%
import tensorflow as tf

z = np.random.default_rng(SEED).standard_normal((len(real_batch), LATENT_DIM)).astype("float32")
probe = {"real": real_batch, "generated": model.generate(z)}
print(f"the product bound: prod sigma(W_l) = {np.prod(largest_singular_values(normalised)):.4f}")
for name, images in probe.items():
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores_x = critic(x, training=False)  # inference mode: no power-iteration update
    norms = tf.norm(tf.reshape(tape.gradient(scores_x, x), (len(images), -1)), axis=1).numpy()
    print(f"{name:>9} digits: ||grad_x D(x)|| median {np.median(norms):.3f}, max {norms.max():.3f}")

# %% [markdown]
# Compare the printed gradient norms with the printed bound: in the committed run they stay below
# it, and below 1, on real and generated digits alike. The bound multiplies every layer's worst
# case, which no single input meets in all layers at once. That slack is
# the price of spectral normalisation; WGAN-GP instead pushes gradient norms *to* 1 on its
# interpolates. In exchange SNGAN needs one critic step per generator step, no extra backward
# pass for a penalty, and one matrix-vector product per layer.

# %% [markdown]
# ## Takeaways
#
# - A layer's Lipschitz constant is its largest singular value; a network's is at most the
#   product of its layers'. Dividing each kernel by $\sigma(W)$ bounds the critic at 1.
# - The power iteration finds $\sigma(W)$ with two matrix-vector products per round; keeping
#   $\tilde u$ between steps makes one round per step enough.
# - `keras_gans.SNGAN` wraps every critic layer in
#   `keras_gans.layers.ReparametrizedSpectralNormalization`; measured with numpy's SVD, the largest
#   singular value of every kernel the critic computes with went to about 1 and stayed there in
#   training.
# - The hinge loss stops pushing once real scores pass $+1$ and fake ones pass $-1$; with the
#   Lipschitz bound the critic cannot win by inflating its scores.
# - SNGAN is cheap: one critic step per generator step and no gradient penalty. Compare its
#   samples and cost with WGAN-GP (notebook 05) and on the toy modes of notebook 08.

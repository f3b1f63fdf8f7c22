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
# # 07 · The loss zoo: LSGAN, RaGAN and f-GAN side by side
#
# Every GAN in this package has the same two networks and the same training loop; what sets the
# variants apart is a few lines of loss. In this notebook you will plot those losses straight
# from `keras_gans.losses`, see which gradient each one hands the generator, and then train eleven
# variants — the original GAN, two LSGAN codings, two relativistic GANs and six f-GAN divergences —
# on the same ring of eight Gaussians with the same networks, one row of scatter plots each.

# %% [markdown]
# ## Introduction
#
# The discriminator ends in one unbounded number per sample, a raw score $v = D(x)$. A loss turns
# scores into a training signal. Four families:
#
# **The original GAN** (Goodfellow et al., *Generative Adversarial Nets*, 2014, arXiv:1406.2661)
# reads $v$ as a logit, $\sigma(v)$ = probability of "real", and trains by cross-entropy:
#
# $$L_D = -\mathbb E_x[\log \sigma(D(x))] - \mathbb E_z[\log(1 - \sigma(D(G(z))))], \qquad
#   L_G^{\text{NS}} = -\mathbb E_z[\log \sigma(D(G(z)))].$$
#
# With the best discriminator, the game minimises the Jensen-Shannon divergence; the generator
# uses the *non-saturating* loss $L_G^{\text{NS}}$ instead of the minimax $\mathbb E_z[\log(1-\sigma(D(G(z))))]$.
#
# **LSGAN** (Mao et al., *Least Squares Generative Adversarial Networks*, ICCV 2017,
# arXiv:1611.04076) regresses scores onto targets: $b$ for real, $a$ for fake, and the generator
# wants $c$:
#
# $$L_D = \tfrac12 \mathbb E_x[(D(x) - b)^2] + \tfrac12 \mathbb E_z[(D(G(z)) - a)^2], \qquad
#   L_G = \tfrac12 \mathbb E_z[(D(G(z)) - c)^2].$$
#
# The 0-1-1 coding ($a=0, b=c=1$) is the common one; with $b - c = 1$ and $b - a = 2$ (the -1-1-0
# coding) the paper shows the game minimises a Pearson $\chi^2$ divergence. Unlike the sigmoid,
# the square keeps pulling samples that are already on the "real" side but far from the data.
#
# **RaGAN** (Jolicoeur-Martineau, *The relativistic discriminator*, ICLR 2019, arXiv:1807.00734)
# asks not "is $x$ real?" but "is $x$ more real than the average fake?". With $C$ the raw score,
#
# $$L_D = -\mathbb E_x\big[\log \sigma\big(C(x) - \mathbb E_z C(G(z))\big)\big]
#         -\mathbb E_z\big[\log\big(1 - \sigma\big(C(G(z)) - \mathbb E_x C(x)\big)\big)\big],$$
#
# and the generator's loss is the same with real and fake swapped, so it also gains by making the
# *real* samples look less real. The least-squares version (RaLSGAN) replaces the log-sigmoid by
# squares around $\pm 1$.
#
# **f-GAN** (Nowozin, Cseke, Tomioka, *f-GAN*, NeurIPS 2016, arXiv:1606.00709) picks the
# divergence first. Any convex $f$ with $f(1) = 0$ gives a divergence
# $D_f(P \,\|\, Q) = \int q(x)\, f\!\big(p(x)/q(x)\big)\, dx$, and its convex conjugate $f^*$ gives a
# lower bound that a network $T$ can maximise:
#
# $$D_f(P \,\|\, Q) \;\ge\; \sup_T \; \mathbb E_{x \sim P}[T(x)] - \mathbb E_{x \sim Q}[f^*(T(x))].$$
#
# The discriminator outputs $T = g_f(v)$ through an activation that keeps $T$ inside the domain of
# $f^*$; the generator ($Q$) maximises $\mathbb E_z[g_f(D(G(z)))]$. Six choices of $f$:
#
# | divergence | $f(u)$ | what it punishes most |
# | --- | --- | --- |
# | KL $(P \,\|\, Q)$ | $u \log u$ | $Q$ missing mass where $P$ has it (mode *covering*) |
# | reverse KL $(Q \,\|\, P)$ | $-\log u$ | $Q$ putting mass where $P$ has none (mode *seeking*) |
# | Pearson $\chi^2$ | $(u - 1)^2$ | large density ratios |
# | Neyman $\chi^2$ | $(1 - u)^2 / u$ | small density ratios |
# | squared Hellinger | $(\sqrt u - 1)^2$ | both, gently (bounded) |
# | Jensen-Shannon | $-(u + 1)\log\frac{1 + u}{2} + u \log u$ | both, bounded (the GAN's) |
#
# Those are statements about the *optimal* discriminator. In practice each is trained by
# alternating gradient steps with a finite network, and the loss's *shape*, the gradient it gives
# at the scores the networks actually produce, matters at least as much. That is what the plots
# and the experiment below show.

# %% [markdown]
# ## Setup

# %%
# %matplotlib inline
import os
import time

import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_gans
from keras_gans import losses
from keras_gans.data import toys
from keras_gans.metrics import mode_metrics
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
BATCH_SIZE = 256
LATENT_DIM = 8
HIDDEN = (32, 32) if QUICK else (128, 128, 128)
STEPS = 16 if QUICK else 2000  # generator steps per variant (one discriminator step each)
SNAPSHOTS = [STEPS // 8, STEPS // 4, STEPS // 2, STEPS]
# The same optimizer for every variant: the papers' Adam(beta_1=0.5), at 1e-3 rather than 2e-4
# so that a 2-D toy moves within a couple of thousand steps.
LEARNING_RATE = 1e-3
RUN_DIR = os.path.join("runs", "07_loss_zoo")
os.makedirs(RUN_DIR, exist_ok=True)
print(f"QUICK={QUICK}: MLP {HIDDEN}, z of {LATENT_DIM}, {STEPS} steps of batch {BATCH_SIZE}, snapshots {SNAPSHOTS}")

# %% [markdown]
# ## Data
#
# PacGAN's ring (Lin et al. 2018, arXiv:1712.04086): eight Gaussians of standard deviation 0.01 on
# the unit circle. Modes this narrow are easy to count and easy to miss: a sample counts as
# *high quality* only within 3 standard deviations (0.03) of a centre.

# %%
ring = toys.ring(BATCH_SIZE * 250, BATCH_SIZE, seed=SEED).repeat()
real_points = toys.sample_ring(1000, seed=SEED + 1)
centres = toys.ring_modes()
fig, ax = plt.subplots(figsize=(3.2, 3.2))
ax.scatter(real_points[:, 0], real_points[:, 1], s=2, c="tab:orange")
ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), aspect="equal", title="1,000 points of the ring")
plt.show()
print(f"{len(centres)} modes, std {toys.RING_STD}; a batch: {ring.element_spec}")

# %% [markdown]
# ## Networks
#
# The same fully connected pair for every variant, rebuilt from the same seed so that every run
# starts from identical weights: a ReLU generator $z \in \mathbb R^8 \to 2$ (linear output: the
# points are not images in $[-1, 1]$), and a LeakyReLU discriminator $2 \to 1$ with a linear score.


# %%
def networks():
    keras.utils.set_random_seed(SEED)
    generator = build_mlp_generator((2,), latent_dim=LATENT_DIM, hidden=HIDDEN, output_activation=None)
    discriminator = build_mlp_discriminator((2,), hidden=HIDDEN)
    return generator, discriminator


generator, discriminator = networks()
print(f"generator {generator.count_params():,} parameters, discriminator {discriminator.count_params():,}")

# %% [markdown]
# ## Model
#
# ### The losses, plotted from `keras_gans.losses`
#
# First, what the generator feels. Each curve is the package's generator loss for a single
# generated sample whose raw score is $v$; its slope is the push the generator gets. The f-GAN
# activation $g_f$ and conjugate $f^*$ are public too, so the discriminator's cost on a fake,
# $f^*(g_f(v))$, can be drawn the same way. For RaGAN only the difference
# $\Delta = C(x) - C(G(z))$ between a real and a fake score matters.

# %%
v = np.linspace(-4, 4, 81).astype("float32")
per_sample = lambda loss: np.array([float(loss([[x]])) for x in v])  # noqa: E731

fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
ax = axes[0, 0]
ax.plot(v, per_sample(losses.minimax_generator_loss), label=r"GAN minimax $\log(1-\sigma(v))$")
ax.plot(v, per_sample(losses.non_saturating_generator_loss), label=r"GAN non-saturating $-\log\sigma(v)$")
ax.plot(v, per_sample(losses.least_squares_generator_loss), label=r"LSGAN 0-1-1: $\frac{1}{2}(v-1)^2$")
ax.plot(v, per_sample(lambda s: losses.least_squares_generator_loss(s, c=0.0)), label=r"LSGAN -1-1-0: $\frac{1}{2} v^2$")
ax.set(title="generator loss for one sample scored v", xlabel="v = D(G(z))", ylim=(-3, 6))
ax.legend(fontsize=7)

ax = axes[0, 1]
for divergence in losses.F_DIVERGENCES:
    if divergence != "gan":  # the f-GAN "gan" divergence is exactly the non-saturating GAN
        ax.plot(v, per_sample(lambda s: losses.f_gan_generator_loss(s, divergence)), label=divergence)
ax.set(title=r"f-GAN generator loss $-g_f(v)$", xlabel="v = D(G(z))", ylim=(-3, 6))
ax.legend(fontsize=7)

ax = axes[1, 0]
for divergence in losses.F_DIVERGENCES:
    if divergence != "gan":
        cost = losses.f_gan_conjugate(losses.f_gan_activation(v, divergence), divergence)
        ax.plot(v, np.asarray(cost), label=divergence)
ax.set(title=r"f-GAN discriminator's cost on a fake $f^*(g_f(v))$", xlabel="v = D(G(z))", ylim=(-2, 10))
ax.legend(fontsize=7)

ax = axes[1, 1]
delta = v
for kind, style in (("standard", "-"), ("least_squares", "--")):
    d_loss = [float(losses.relativistic_average_discriminator_loss([[x]], [[0.0]], kind=kind)) for x in delta]
    g_loss = [float(losses.relativistic_average_generator_loss([[x]], [[0.0]], kind=kind)) for x in delta]
    ax.plot(delta, d_loss, style, c="tab:blue", label=f"RaGAN {kind}: D loss")
    ax.plot(delta, g_loss, style, c="tab:red", label=f"RaGAN {kind}: G loss")
ax.set(title="relativistic losses for one real and one fake", xlabel=r"$\Delta = C(x) - C(G(z))$", ylim=(-0.5, 12))
ax.legend(fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# What to read off the curves:
#
# - **Top left.** The minimax loss is flat where the discriminator confidently rejects a sample
#   ($v \ll 0$): no gradient exactly when the generator needs one most. The non-saturating loss
#   is steep there. LSGAN's parabolas keep a gradient everywhere, also for $v$ beyond the target,
#   pulling over-confident samples back.
# - **Top right.** The generator only sees $g_f$, so the curves coincide in pairs: KL and
#   Pearson ($g_f(v) = v$, a constant push), Neyman and squared Hellinger ($1 - e^{-v}$, an
#   exponential push at very negative scores, like reverse KL's $-e^{-v}$), and Jensen-Shannon,
#   which is the non-saturating GAN loss shifted by $\log 2$.
# - **Bottom left.** On the discriminator's side the conjugate grows exponentially for KL and
#   squared Hellinger and quadratically for Pearson: a few generated samples that the
#   discriminator scores high can dominate its loss.
# - **Bottom right.** Relativistic losses depend only on $\Delta$. The generator's loss is the
#   mirror image of the discriminator's: it wins by closing the gap from either side.
#
# One consequence is worth checking numerically: the f-GAN Jensen-Shannon losses differ from the
# GAN's cross-entropy losses by constants only ($\log 2$ for the generator, $2 \log 2$ for the
# discriminator), so the two give exactly the same gradients.

# %%
scores_real, scores_fake = np.random.default_rng(SEED).normal(0, 2, (2, 256, 1)).astype("float32")
g_gap = per_sample(losses.non_saturating_generator_loss) - per_sample(
    lambda s: losses.f_gan_generator_loss(s, "jensen_shannon"))
d_gap = float(losses.minimax_discriminator_loss(scores_real, scores_fake)) - float(
    losses.f_gan_discriminator_loss(scores_real, scores_fake, "jensen_shannon"))
print(f"GAN minus f-GAN jensen_shannon: generator loss {g_gap.min():.6f} to {g_gap.max():.6f} (log 2 = {np.log(2):.6f}), "
      f"discriminator loss {d_gap:.6f} (2 log 2 = {2 * np.log(2):.6f})")

# %% [markdown]
# ### The variants
#
# One constructor call each, all with the package's defaults apart from the coding, kind or
# divergence being compared.

# %%
VARIANTS = {
    "GAN (non-saturating)": lambda g, d: keras_gans.GAN(g, d, seed=SEED),
    "LSGAN 0-1-1": lambda g, d: keras_gans.LSGAN(g, d, seed=SEED),
    "LSGAN -1-1-0": lambda g, d: keras_gans.LSGAN(g, d, a=-1.0, b=1.0, c=0.0, seed=SEED),
    "RaSGAN": lambda g, d: keras_gans.RaGAN(g, d, kind="standard", seed=SEED),
    "RaLSGAN": lambda g, d: keras_gans.RaGAN(g, d, kind="least_squares", seed=SEED),
}
for divergence in ("kl", "reverse_kl", "pearson", "neyman", "squared_hellinger", "jensen_shannon"):
    VARIANTS[f"f-GAN {divergence}"] = lambda g, d, divergence=divergence: keras_gans.FGAN(
        g, d, divergence=divergence, seed=SEED)
if QUICK:  # one variant per family: QUICK checks that the notebook runs, not the comparison
    VARIANTS = {name: VARIANTS[name] for name in ("GAN (non-saturating)", "LSGAN 0-1-1", "RaSGAN", "f-GAN kl")}
print(len(VARIANTS), "variants:", ", ".join(VARIANTS))

# %% [markdown]
# ## Callbacks
#
# To see *how* each variant gets where it ends, a `keras.callbacks.LambdaCallback` draws 1,000
# points from the same fixed latents at each snapshot step.

# %%
fixed_z = np.random.default_rng(SEED).standard_normal((1000, LATENT_DIM)).astype("float32")


def snapshot_callback(model, snapshots):
    def on_train_batch_end(batch, logs=None):
        step = int(model.g_optimizer.iterations)
        if step in SNAPSHOTS and step not in snapshots:
            snapshots[step] = model.generate(fixed_z)

    return keras.callbacks.LambdaCallback(on_train_batch_end=on_train_batch_end)


# %% [markdown]
# ## Train
#
# Each variant: fresh networks from the same seed, Adam(1e-3, $\beta_1 = 0.5$) for both players,
# one discriminator step per generator step, batches of 256, then 2,500 samples scored with
# PacGAN's metrics (`keras_gans.metrics.mode_metrics`).

# %%
results, snapshots, seconds = {}, {}, {}
eval_z = np.random.default_rng(SEED + 2).standard_normal((2500, LATENT_DIM)).astype("float32")
start_all = time.perf_counter()
for name, make in VARIANTS.items():
    model = make(*networks())
    model.compile(d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
    snapshots[name] = {}
    start = time.perf_counter()
    model.fit(ring, epochs=1, steps_per_epoch=STEPS, verbose=0, callbacks=[snapshot_callback(model, snapshots[name])])
    seconds[name] = time.perf_counter() - start
    samples = model.generate(eval_z)
    results[name] = mode_metrics(samples, centres, toys.RING_STD)
    finite = np.all(np.isfinite(samples), axis=1)
    results[name]["non_finite"] = float(np.mean(~finite))  # a diverged generator outputs NaN
    results[name]["median_radius"] = float(np.median(np.linalg.norm(samples[finite], axis=1))) if finite.any() else np.nan
    print(f"{name:>22}: {results[name]['modes_captured']}/8 modes, high quality "
          f"{results[name]['high_quality']:.1%}, reverse KL {results[name]['reverse_kl']:.3f} ({seconds[name]:.0f} s)")
total_seconds = time.perf_counter() - start_all
print(f"all {len(VARIANTS)} variants: {total_seconds:.0f} s")

# %% [markdown]
# **Size of the committed run:** MLPs of 3 × 128 units, $z \in \mathbb R^8$, batch 256, 2,000
# generator steps per variant, one seed; the eleven variants trained in 240 s (printed above) and
# the whole notebook ran in 255 s on this 2-core CPU while other jobs shared it.

# %% [markdown]
# ## Results
#
# One row per variant, one column per snapshot: generated points in blue, the real ring in
# orange. Each title gives the modes captured and the high-quality fraction of the 1,000 plotted
# points at that step; an empty panel means every point lies outside the window.

# %%
columns = len(SNAPSHOTS)
fig, axes = plt.subplots(len(VARIANTS), columns, figsize=(1.9 * columns, 1.9 * len(VARIANTS)), squeeze=False)
for i, name in enumerate(VARIANTS):
    for j, step in enumerate(SNAPSHOTS):
        ax, points = axes[i, j], snapshots[name][step]
        ax.scatter(real_points[:, 0], real_points[:, 1], s=1, c="tab:orange")
        ax.scatter(points[:, 0], points[:, 1], s=1, c="tab:blue", alpha=0.4)
        score = mode_metrics(points, centres, toys.RING_STD)
        ax.set(xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), xticks=[], yticks=[], aspect="equal")
        ax.set_title(f"step {step}: {score['modes_captured']}/8, {score['high_quality']:.0%}", fontsize=7)
        if j == 0:
            ax.set_ylabel(name, fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(RUN_DIR, "loss_zoo.png"), dpi=72)
plt.show()

# %%
print(f"{'variant':>23} | modes | high quality | reverse KL | median |x| | NaN samples")
for name, result in results.items():
    print(f"{name:>23} | {result['modes_captured']:>3}/8 | {result['high_quality']:>12.1%} | "
          f"{result['reverse_kl']:>10.3f} | {result['median_radius']:>10.2f} | {result['non_finite']:>11.0%}")

# %% [markdown]
# What this run shows (one seed, 2,000 steps, the numbers in the table):
#
# - **LSGAN 0-1-1 wins clearly**: all 8 modes, 88.6% of its samples within $3\sigma$ of a centre,
#   reverse KL 0.007. It is also the only variant that never collapses: a diffuse cloud at step
#   250, a ring by step 500, clusters on the modes by step 1,000, tight ones by step 2,000. The
#   squared loss keeps pulling samples that already pass for real towards the data.
# - **Every other variant starts with the collapse-and-chase**: for the first 500 to 1,000 steps
#   its samples form one blob that hops from place to place. Five of them then stretch along the
#   ring: the Jensen-Shannon f-GAN (8/8 modes, 49.9% high quality, clusters forming by step
#   2,000), RaLSGAN (8/8, 14.9%), LSGAN -1-1-0 (7/8, 4.7%), the GAN (3/8, 0.7%) and squared
#   Hellinger (3/8, 1.4%), the last three as rings or arcs that pass near the modes without
#   settling on them. RaSGAN and the Pearson and Neyman f-GANs are still single blobs at step
#   2,000, and the KL f-GAN has shrunk to a point near the centre (median radius 0.32).
# - **The GAN and the Jensen-Shannon f-GAN have exactly the same gradients** (checked above), yet
#   one ends with 3 modes at 0.7% and the other with 8 at 49.9%. The only difference is float
#   rounding (the GAN scores real and fake samples in one discriminator call, the f-GAN in two),
#   and training amplified it into a different trajectory. That is how chaotic this game is.
# - **The reverse-KL f-GAN diverged**: every one of its samples is NaN at the end, and its last
#   panel is empty. Its discriminator's cost on a fake, $f^*(g_f(v)) = v - 1$, rewards pushing fake
#   scores down without limit, while its generator's loss $e^{-v}$ grows exponentially as they
#   fall; such a run ends in an overflow, which is the likely cause here. In real training,
#   `keras_gans.callbacks.NaNGuard` stops it at the first NaN or infinite metric, before any other
#   callback saves the broken weights. Keras' `keras.callbacks.TerminateOnNaN` would not: it watches
#   `logs["loss"]`, and a GAN reports `d_loss` and `g_loss` but no `loss`.

# %% [markdown]
# ## Takeaways
#
# - A GAN variant is a choice of loss on the same raw score; `keras_gans.losses` holds each as a
#   pure function, so you can plot the gradient it gives before training anything.
# - Saturation matters: a loss that is flat where the discriminator rejects the samples (minimax)
#   starves the generator; the non-saturating, least-squares and f-GAN generator losses do not.
# - f-GAN turns "which divergence?" into a choice of activation and conjugate, and their shapes
#   decide the gradients: the Jensen-Shannon f-GAN and the GAN share theirs exactly.
# - On a ring of narrow modes, every variant but LSGAN 0-1-1 went through the collapse-and-chase
#   first; after 2,000 steps only LSGAN 0-1-1 had most of its samples on the modes, and the
#   reverse-KL f-GAN diverged to NaN. Mode collapse is the subject of notebook 08.
# - One seed is an anecdote: two variants with identical gradients ended far apart here. Rerun
#   with other `SEED`s before ranking the variants.

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
# # 08 · Mode collapse: the toy suite
#
# A generator can fool its discriminator with a single convincing sample repeated forever. In
# this notebook you will watch that happen on PacGAN's two toy sets, a ring of 8 and a grid of 25
# Gaussians; count the modes a generator covers with `keras_gans.metrics.mode_metrics`; see
# WGAN-GP cover the modes that a plain GAN, trained with the very same networks, optimizers and
# schedule, collapses onto one of; and look inside the critics with
# `keras_gans.plots.critic_surface` to compare weight clipping, the gradient penalty and spectral
# normalisation.

# %% [markdown]
# ## Introduction
#
# **What collapse looks like.** The generator is trained against the *current* discriminator.
# If it could, it would move all its samples to the single point the discriminator finds most
# real. The discriminator then learns that this point is fake, the generator jumps to another
# one, and the two chase each other around the data without the generator ever covering all of it
# at once (Goodfellow, *NIPS 2016 Tutorial: Generative Adversarial Networks*, arXiv:1701.00160,
# Sec. 5.1.1; the ring of Gaussians is from Metz et al., *Unrolled Generative Adversarial
# Networks*, ICLR 2017, arXiv:1611.02163). The standard GAN's sigmoid discriminator makes it
# worse: once it is confident, its output is flat far from its decision boundary and says nothing
# about where the uncovered modes are.
#
# **Why a Wasserstein critic helps.** WGAN's critic estimates
#
# $$W_1(P_r, P_g) = \sup_{\|f\|_{\mathrm{Lip}} \le 1} \; \mathbb E_{x \sim P_r}[f(x)] - \mathbb E_{x \sim P_g}[f(x)]$$
#
# (Arjovsky, Chintala, Bottou, *Wasserstein GAN*, ICML 2017, arXiv:1701.07875). While some mode
# of $P_r$ has no generated mass, moving mass there lowers $W_1$, and the optimal $f$ rises towards
# that mode with slope up to 1: the generator keeps getting pulled towards what it misses. That
# holds only if the critic really is (close to) 1-Lipschitz, and there are three ways to make it so:
#
# - **weight clipping** (Arjovsky et al. 2017): every weight in $[-c, c]$ (`keras_gans.WGAN`);
# - **gradient penalty** (Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville, *Improved Training of
#   Wasserstein GANs*, NeurIPS 2017, arXiv:1704.00028): add
#   $\lambda\, \mathbb E_{\hat x}\big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]$ on random points $\hat x$
#   between real and generated samples (`keras_gans.WGANGP`);
# - **spectral normalisation** (Miyato et al. 2018, arXiv:1802.05957; notebook 06): every layer
#   divided by its largest singular value, trained with the hinge loss (`keras_gans.SNGAN`).
#
# Gulrajani et al. (Fig. 1) showed that clipping pushes the critic towards overly simple
# functions; we will draw the same picture.
#
# **Counting modes** (Lin, Khetan, Fanti, Oh, *PacGAN: The power of two samples in generative
# adversarial networks*, NeurIPS 2018, arXiv:1712.04086). With mode centres $\mu_1, \dots, \mu_K$
# and a common standard deviation $\sigma$: each sample goes to its nearest centre; it is **high
# quality** when $\|x - \mu_k\| < 3\sigma$; a mode is **captured** when at least one high-quality
# sample lands on it; and with $p_k$ the share of the high-quality samples on mode $k$,
#
# $$\mathrm{reverse\ KL} = \mathrm{KL}(p \,\|\, u) = \sum_k p_k \log(K p_k),$$
#
# 0 when they are spread evenly over all $K$ modes and $\log K$ when they all sit on one.

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
from keras_gans.data import toys
from keras_gans.metrics import mode_metrics
from keras_gans.networks import build_mlp_discriminator, build_mlp_generator
from keras_gans.plots import critic_surface

QUICK = os.environ.get("QUICK") == "1"
SEED = 1
BATCH_SIZE = 256
CRITIC_STEPS = 1 if QUICK else 5  # the toy guard's 5
LATENT_DIM = 8
HIDDEN = (32, 32) if QUICK else (128, 128, 128)
STEPS = 12 if QUICK else 1500  # generator steps (each after CRITIC_STEPS discriminator updates)
POINTS = BATCH_SIZE * CRITIC_STEPS * (12 if QUICK else 250)  # toy points drawn per set, reshuffled each epoch
SNAPSHOTS = [STEPS // 6, STEPS // 3, 2 * STEPS // 3, STEPS]
NUM_SAMPLES = 2500  # PacGAN's evaluation sample
RUN_DIR = os.path.join("runs", "08_mode_collapse")
shutil.rmtree(RUN_DIR, ignore_errors=True)
print(f"QUICK={QUICK}: MLP {HIDDEN}, z of {LATENT_DIM}, {STEPS} generator steps x {CRITIC_STEPS} critic steps, "
      f"batch {BATCH_SIZE}")

# %% [markdown]
# ## Data
#
# PacGAN's two sets: the **ring**, 8 Gaussians of standard deviation 0.01 on the unit circle, and
# the **grid**, 25 Gaussians of standard deviation 0.05 at $\{-4, -2, 0, 2, 4\}^2$. The circles
# drawn below have radius $3\sigma$: a generated point inside one is high quality.

# %%
SETS = {
    "ring of 8": dict(dataset=toys.ring, sample=toys.sample_ring, modes=toys.ring_modes(), std=toys.RING_STD),
    "grid of 25": dict(dataset=toys.grid, sample=toys.sample_grid, modes=toys.grid_modes(), std=toys.GRID_STD),
}
fig, axes = plt.subplots(1, 2, figsize=(7, 3.5))
for ax, (name, toy) in zip(axes, SETS.items()):
    points = toy["sample"](1000, seed=SEED)
    ax.scatter(points[:, 0], points[:, 1], s=2, c="tab:orange")
    for centre in toy["modes"]:
        ax.add_patch(plt.Circle(centre, 3 * toy["std"], fill=False, lw=0.5))
    ax.set(title=f"{name}: {len(toy['modes'])} modes, std {toy['std']}", aspect="equal")
fig.tight_layout()
plt.show()
if QUICK:  # QUICK checks that the notebook runs: one toy set is enough
    SETS = {"ring of 8": SETS["ring of 8"]}

# %% [markdown]
# ## Networks
#
# One fully connected pair for every model, rebuilt from the same seed: a ReLU generator
# $z \in \mathbb R^8 \to \mathbb R^2$ with a linear output, and a LeakyReLU critic
# $\mathbb R^2 \to \mathbb R$ (with `spectral_norm=True` for SNGAN, which wraps every dense layer
# in `keras_gans.layers.ReparametrizedSpectralNormalization`).


# %%
def networks(spectral_norm=False):
    keras.utils.set_random_seed(SEED)
    generator = build_mlp_generator((2,), latent_dim=LATENT_DIM, hidden=HIDDEN, output_activation=None)
    critic = build_mlp_discriminator((2,), hidden=HIDDEN, spectral_norm=spectral_norm)
    return generator, critic


generator, critic = networks()
print(f"generator {generator.count_params():,} parameters, critic {critic.count_params():,}")

# %% [markdown]
# ## Model
#
# Four models that differ **only** in the discriminator's loss and how it is kept in check. All
# get the settings that the package's toy guard (`tests/test_toy_guard.py`) found to make WGAN-GP
# cover the ring within 1,500 steps: 5 critic updates per generator update, the critic's Adam at
# 2e-3 and the generator's at 1e-4, $\beta = (0, 0.9)$, $z$ of 8, MLPs of 3 × 128. (With the WGAN-GP
# paper's Adam(1e-4) for both networks the guard's authors found that tens of thousands of steps
# are needed here; a critic that lags the generator let it collapse.)

# %%
MODELS = {
    "GAN": lambda: keras_gans.GAN(*networks(), critic_steps=CRITIC_STEPS, seed=SEED),
    "WGAN-GP": lambda: keras_gans.WGANGP(*networks(), critic_steps=CRITIC_STEPS, gradient_penalty_weight=10.0,
                                         seed=SEED),
    "WGAN (clipping)": lambda: keras_gans.WGAN(*networks(), critic_steps=CRITIC_STEPS, clip_value=0.01, seed=SEED),
    "SNGAN": lambda: keras_gans.SNGAN(*networks(spectral_norm=True), critic_steps=CRITIC_STEPS, seed=SEED),
}


def build(kind):
    model = MODELS[kind]()
    model.compile(d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0, beta_2=0.9),
                  g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
    return model


# %% [markdown]
# ## Callbacks
#
# A `keras.callbacks.LambdaCallback` keeps 1,000 generated points (from fixed latents) at each
# snapshot step, to see *how* each model moves.

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
# Every model on both sets. Each generator step consumes 5 fresh batches of 256 points (one per
# critic update); the points are drawn once and reshuffled every epoch. After training, 2,500
# samples are scored with PacGAN's metrics.

# %%
trained, snapshots, results = {}, {}, {}
eval_z = np.random.default_rng(SEED + 1).standard_normal((NUM_SAMPLES, LATENT_DIM)).astype("float32")
start_all = time.perf_counter()
for set_name, toy in SETS.items():
    dataset = toy["dataset"](POINTS, BATCH_SIZE, seed=SEED).repeat()
    for kind in MODELS:
        model, key = build(kind), (kind, set_name)
        snapshots[key] = {}
        start = time.perf_counter()
        model.fit(dataset, epochs=1, steps_per_epoch=STEPS, verbose=0,
                  callbacks=[snapshot_callback(model, snapshots[key])])
        trained[key] = model
        results[key] = mode_metrics(model.generate(eval_z), toy["modes"], toy["std"])
        print(f"{kind:>15} on the {set_name}: {results[key]['modes_captured']:>2}/{len(toy['modes'])} modes, "
              f"high quality {results[key]['high_quality']:6.1%}, reverse KL {results[key]['reverse_kl']:.3f} "
              f"({time.perf_counter() - start:.0f} s)")
print(f"{len(trained)} models in {time.perf_counter() - start_all:.0f} s")

# %% [markdown]
# **Size of the committed run:** MLPs of 3 × 128 units, $z \in \mathbb R^8$, batch 256, 1,500
# generator steps per model, each after 5 critic updates (7,500 critic updates), eight models (four
# per toy set), one seed. Training took 589 s in all (printed above) on this 2-core CPU while
# other jobs kept both cores busy (load average about 6); the whole notebook took 617 s.

# %% [markdown]
# ## Results
#
# ### Collapse, and its cure, over time
#
# The plain GAN and WGAN-GP on both sets: same networks, same optimizers, same 5 critic updates
# per generator update. Generated points in blue, real in orange; each title gives the modes
# captured and the high-quality share of the 1,000 plotted points at that step.

# %%
rows = [(kind, set_name) for set_name in SETS for kind in ("GAN", "WGAN-GP")]
fig, axes = plt.subplots(len(rows), len(SNAPSHOTS), figsize=(2.3 * len(SNAPSHOTS), 2.3 * len(rows)), squeeze=False)
for i, (kind, set_name) in enumerate(rows):
    toy = SETS[set_name]
    real = toy["sample"](1000, seed=SEED)
    limit = 1.5 if set_name.startswith("ring") else 5.5
    for j, step in enumerate(SNAPSHOTS):
        ax, points = axes[i, j], snapshots[(kind, set_name)][step]
        ax.scatter(real[:, 0], real[:, 1], s=1, c="tab:orange")
        ax.scatter(points[:, 0], points[:, 1], s=1, c="tab:blue", alpha=0.4)
        score = mode_metrics(points, toy["modes"], toy["std"])
        ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xticks=[], yticks=[], aspect="equal")
        ax.set_title(f"step {step}: {score['modes_captured']}/{len(toy['modes'])}, {score['high_quality']:.0%}",
                     fontsize=8)
        if j == 0:
            ax.set_ylabel(f"{kind}\n{set_name}", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# The plain GAN collapses at once and stays collapsed. On the ring, by step 250 its points form one
# elongated blob next to a single mode, and from step 1,000 on they are packed onto that mode;
# on the grid it goes straight for a single mode. By its discriminator's standard it is doing
# well: a large share of its samples are high quality (the table below prints it), the best
# precision of any model here. That is the trap: they all sit on one mode or a few.
#
# WGAN-GP, trained with the same networks, optimizers and schedule, spreads its samples over the
# whole region and, at step 1,500, touches most of the ring's and the grid's modes (2,500 samples,
# the table below). Its points are still a diffuse cloud, though: only a few percent of them lie
# within $3\sigma$ of a centre. The penalised critic has taught the
# generator *where* the data is before *how narrow* the modes are; the toy guard asks for at least
# 6 ring modes at this budget, not for precision.
#
# ### The scores of all four models

# %%
print(f"{'model':>15} | {'set':<10} | modes | high quality | reverse KL")
for (kind, set_name), result in results.items():
    print(f"{kind:>15} | {set_name:<10} | {result['modes_captured']:>2}/{len(SETS[set_name]['modes']):<2} | "
          f"{result['high_quality']:>12.1%} | {result['reverse_kl']:>10.3f}")

# %% [markdown]
# Read the table above: the three Lipschitz-constrained critics (clipping, the penalty, spectral
# normalisation, the last with the raw-kernel rescale of `ReparametrizedSpectralNormalization`)
# cover most modes in this run, each with few high-quality samples at this budget. The
# cross-entropy GAN is the one that collapsed, and the reverse KL says so: its maximum is
# $\log 8 = 2.079$ (ring) and $\log 25 = 3.219$ (grid), reached when every sample sits on one mode.
# This is one seed at one budget: the differences among the three constrained critics are the
# kind another seed can reorder. Packing (PacGAN, `pack=m`) is the method that covers both sets
# with concentrated samples given enough steps: BENCHMARKS.md, "Issue 19", has PacGAN2 at 25/25
# grid modes, 90% high quality and reverse KL 0.018 after 100,000 steps.
#
# ### Inside the critics
#
# `keras_gans.plots.critic_surface` evaluates each trained critic over the plane (light = high
# score = "real") and overlays real and generated points: one row per way of constraining the
# critic, one column per toy set, each panel on its own colour scale. The GAN's discriminator
# (a logit, no Lipschitz constraint) is the last row for comparison.

# %%
surface_path = os.path.join(RUN_DIR, "critic_surfaces.png")
rows = {"weight clipping": "WGAN (clipping)", "gradient penalty": "WGAN-GP", "spectral norm": "SNGAN",
        "none (GAN)": "GAN"}
critic_surface({label: [trained[(kind, set_name)] for set_name in SETS] for label, kind in rows.items()},
               {set_name: toy["sample"](1000, seed=SEED) for set_name, toy in SETS.items()},
               surface_path, resolution=32 if QUICK else 128, panel_size=3.2, dpi=80)
display(Image(filename=surface_path))

# %% [markdown]
# How to read it: the generator follows the critic's gradient uphill, towards lighter regions.
#
# - **Weight clipping.** Both surfaces are close to planes with a few kinks: a tilted sheet on the
#   ring, a ramp rising towards the upper right on the grid. With every weight in
#   $[-0.01, 0.01]$ the critic can hardly bend, so it ignores most of the data's structure, the
#   effect Gulrajani et al. show in their Fig. 1.
# - **Gradient penalty.** On the ring, a bowl: low in the centre, rising towards the circle of
#   modes, its contour lines following the ring's shape, so the generator's cloud is pushed outwards
#   onto the circle. On the grid, at this point of training, a less regular surface with a light
#   diagonal band through the middle.
# - **Spectral norm.** On the ring a deeper bowl than the penalty's, rising to a rim on the circle
#   of modes where most generated points already sit; on the grid, dark pockets between the rows
#   and columns of modes, so the generated points gather along the grid's lines.
# - **No constraint (GAN).** The discriminator's logit is lowest exactly where the collapsed
#   generator sits and higher everywhere else, including empty space far from any data. Its
#   gradient only says "leave this spot", not "go to the modes you miss": the next step of the
#   chase, not a cure.

# %% [markdown]
# ## Takeaways
#
# - Mode collapse is the generator's best response to a fixed discriminator: put everything on
#   the one point it likes. PacGAN's metrics make it countable: modes captured, the high-quality
#   share, and the reverse KL of the mode histogram.
# - With the same networks, optimizers and schedule, the Wasserstein critic with a gradient
#   penalty kept pulling the generator towards the modes it missed where the cross-entropy
#   discriminator let it sit on one.
# - Covering modes and hitting them precisely are different things: read the high-quality share
#   next to the modes captured.
# - How the critic is kept Lipschitz shapes what it can express: compare the clipped critic's
#   surface with the penalised and spectrally normalised ones.
# - These are single runs of a chaotic game; rerun with other seeds (`benchmarks/toys.py` does it
#   for every variant) before drawing conclusions about a variant.

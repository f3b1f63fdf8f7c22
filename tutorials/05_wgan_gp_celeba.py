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
# # 05 · The WGAN-GP lab: faces at 64×64, end to end
#
# The full lab of the course: WGAN-GP (Gulrajani et al. 2017) on CelebA faces at 64×64, with everything
# a real training run needs: an 8×8 fixed-noise GIF, the D and G losses in one image, the samples the
# critic likes best, a written report, a saved model and an exported generator that runs on TensorFlow
# alone. The notebook runs on CelebA when it is on disk and otherwise on a stated stand-in (the digits);
# it ends with how long the real 64×64 run takes, measured on a CPU and estimated, with the
# arithmetic shown, for a GPU.

# %% [markdown]
# ## Introduction
#
# Notebook 04 kept the WGAN critic Lipschitz by clipping its weights, and saw the weights crowd at the
# ends of the box. Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville (2017, *Improved Training of
# Wasserstein GANs*, arXiv:1704.00028) constrain the critic's **gradient** instead.
#
# A differentiable function is 1-Lipschitz exactly when its gradient has norm at most 1 everywhere,
# and the optimal critic of the Kantorovich-Rubinstein dual has gradient norm 1 on the straight lines
# between the real and generated points that the optimal transport plan pairs up (their Proposition 1).
# Since that plan is unknown, they sample points on lines between random real and generated images and
# penalise the critic wherever its gradient norm there differs from 1 (their Eq. 3):
#
# $$L = \underbrace{\mathbb E_{\tilde x \sim P_g}\big[D(\tilde x)\big] - \mathbb E_{x \sim P_r}\big[D(x)\big]}_{\text{the WGAN critic loss}}
#   + \lambda\, \mathbb E_{\hat x \sim P_{\hat x}}\Big[\big(\|\nabla_{\hat x} D(\hat x)\|_2 - 1\big)^2\Big],
# \qquad \hat x = \epsilon x + (1 - \epsilon)\tilde x,\quad \epsilon \sim U[0, 1],$$
#
# one $\epsilon$ per pair of a real image $x$ and a generated image $\tilde x$, with $\lambda = 10$,
# $n_\text{critic} = 5$ critic updates per generator update and Adam($\alpha = 10^{-4}$, $\beta_1 = 0$,
# $\beta_2 = 0.9$) (their Algorithm 1). The generator still minimises $-\mathbb E[D(G(z))]$. Because the
# penalty is per sample, the critic must not use batch normalisation, which makes each score depend on
# the whole batch; the paper suggests layer normalisation instead.
#
# Two details of `keras_gans.losses.gradient_penalty`:
#
# - it writes the interpolate as $\hat x = x + \alpha(\tilde x - x)$ with $\alpha \sim U[0, 1]$, the same
#   points as the paper's with $\epsilon = 1 - \alpha$;
# - it computes the norm as $\sqrt{\sum_i g_i^2 + \varepsilon}$ with $\varepsilon = 10^{-10}$ under the
#   square root. The derivative of $\sqrt{u}$ is infinite at $u = 0$, so a critic whose gradient vanishes
#   at some $\hat x$ (dead units, an all-zero layer) would turn the update into NaN; the $\varepsilon$
#   moves a unit norm by only $5 \times 10^{-11}$.

# %% [markdown]
# ## Setup
#
# As in notebook 03: CelebA is used when it is already here (`CELEBA_SOURCE` = a path to
# `img_align_celeba.zip` or its unpacked folder, or `tfds` for a prepared `tensorflow_datasets`
# `celeb_a`); nothing is ever downloaded. Otherwise the digits stand in, at 16×16.

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
from keras_gans.callbacks import BestSamples, FixedNoiseGIF, LossPlot, NaNGuard, StepTimer
from keras_gans.images import image_grid
from keras_gans.report import write_report

# TensorFlow's INFO and deprecation lines ("Assets written to ...", "From .../flops_registry.py")
# name scratch and install paths and say nothing about the run; errors still show.
tf.get_logger().setLevel("ERROR")
SEED = 0
keras.utils.set_random_seed(SEED)
RUN = "runs/05_wgan_gp_celeba"
shutil.rmtree(RUN, ignore_errors=True)  # a fresh folder: no model or export of an earlier execution mixed in
os.makedirs(RUN)


# celeba_available never downloads: "tfds" only when celeb_a is already prepared, a path only if it exists.
SOURCE = keras_gans.data.celeba_available(os.environ.get("CELEBA_SOURCE"))
DATASET = "celeba" if SOURCE else "digits"
CRITIC_STEPS, GP_WEIGHT, BATCH_SIZE = 5, 10.0, 64
if DATASET == "celeba":
    IMAGE_SIZE, CHANNELS, WIDTH = (16, 3, 8) if QUICK else (64, 3, 64)
    EPOCHS, STEPS_PER_EPOCH = (2, 2) if QUICK else (10, 500)
else:
    IMAGE_SIZE, CHANNELS, WIDTH = (8, 1, 4) if QUICK else (16, 1, 32)
    EPOCHS, STEPS_PER_EPOCH = (2, 2) if QUICK else (10, 80)
print(f"QUICK={QUICK}. Data: {'CelebA from ' + SOURCE if SOURCE else 'digits (stand-in: no CelebA on this machine)'}")
print(f"Training size: {IMAGE_SIZE}x{IMAGE_SIZE}x{CHANNELS}, width {WIDTH}, batch {BATCH_SIZE}, "
      f"{EPOCHS * STEPS_PER_EPOCH} generator steps x {CRITIC_STEPS} critic updates")


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
# ### The penalty on a critic whose gradient we know
#
# Before training anything, check `gradient_penalty` on the linear critic $D(x) = \langle a, x\rangle$:
# its gradient is $a$ everywhere, so the penalty must be $(\|a\|_2 - 1)^2$ whatever the images and
# $\alpha$.

# %%
pixels = (IMAGE_SIZE, IMAGE_SIZE, CHANNELS)
direction = tf.random.normal((1, *pixels), seed=SEED)
real = tf.random.uniform((8, *pixels), -1, 1, seed=SEED)
fake = tf.random.uniform((8, *pixels), -1, 1, seed=SEED + 1)
alpha = tf.random.uniform((8, 1, 1, 1), seed=SEED)


def linear_critic(a):
    """D(x) = <a, x>, one score per image, called like a Keras critic."""
    return lambda x, training=False: tf.reduce_sum(a * x, axis=[1, 2, 3])[:, None]


for scale in (0.5, 1.0, 2.0):
    a = scale * direction
    norm = float(tf.norm(a))
    gp = float(keras_gans.losses.gradient_penalty(linear_critic(a), real, fake, alpha))
    print(f"||a|| = {norm:7.3f}: gradient_penalty = {gp:10.4f}, (||a|| - 1)^2 = {(norm - 1) ** 2:10.4f}")

# %% [markdown]
# ## Data

# %%
if DATASET == "celeba":
    dataset = keras_gans.data.celeba(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, source=SOURCE, seed=SEED)
    data_description = f"CelebA aligned faces from {SOURCE}, centred 140x140 crop, resized to {IMAGE_SIZE}x{IMAGE_SIZE}"
else:
    dataset = keras_gans.data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, channels=CHANNELS, seed=SEED)
    data_description = (f"stand-in for CelebA: scikit-learn's 1,797 handwritten digits, upsampled to "
                        f"{IMAGE_SIZE}x{IMAGE_SIZE}")
batches_per_pass = int(dataset.cardinality())
print(data_description)
print(dataset.element_spec, "- batches per pass:", batches_per_pass)
show_grid(next(iter(dataset)).numpy()[:64], title=f"real {DATASET}")
plt.show()
dataset = dataset.repeat()

# %% [markdown]
# ## Networks
#
# `WGANGP.default_networks` gives the DCGAN generator (notebook 03) and a critic with **layer
# normalisation** instead of batch norm (`build_critic(..., normalization="layer")`), a linear score and
# latent size 128. At 64×64 and width 64 the critic's convolutions have 64-128-256-512 filters.

# %%
keras.utils.set_random_seed(SEED)
generator, critic = keras_gans.WGANGP.default_networks(IMAGE_SIZE, CHANNELS, width=WIDTH)
critic.summary()
print("normalisation layers in the critic:",
      sorted({type(layer).__name__ for layer in critic.layers if "Normalization" in type(layer).__name__}))

# %% [markdown]
# ## Model
#
# `keras_gans.WGANGP`'s `train_step` runs Algorithm 1: `critic_steps` critic updates, each on its own
# real batch (`fit` hands each step `critic_steps` batches), with a fresh $\alpha$ per sample for the
# penalty, then one generator update. `compile()` sets Adam(1e-4, $\beta_1 = 0$, $\beta_2 = 0.9$) for both.

# %%
model = keras_gans.WGANGP(generator, critic, critic_steps=CRITIC_STEPS, gradient_penalty_weight=GP_WEIGHT, seed=SEED)
model.compile()
print(f"critic_steps={model.critic_steps}, lambda={model.gradient_penalty_weight}, latent_dim={model.latent_dim}; "
      f"optimizers: Adam(lr={float(model.d_optimizer.learning_rate):g}, beta_1={model.d_optimizer.beta_1}, "
      f"beta_2={model.d_optimizer.beta_2})")

# %% [markdown]
# ## Callbacks
#
# Everything the lab writes comes from `keras_gans.callbacks`:
#
# - `FixedNoiseGIF`: 64 latents drawn once, rendered as an 8×8 grid after every epoch into `frames/`
#   and `training.gif`;
# - `LossPlot`: D loss, G loss, the penalty `gp` and the Wasserstein estimate per generator step, in
#   `losses.csv` and one image `losses.png`;
# - `BestSamples`: at the end, the 64 of 512 samples the critic scores highest, `best_samples.png`;
# - `StepTimer`: the wall time of every step, for the report;
# - `NaNGuard`: stops training at the first step whose `d_loss`, `g_loss`, `gp` or Wasserstein
#   estimate is NaN or infinite, before any other callback draws or saves that step. Keras'
#   `TerminateOnNaN` would never fire here: it watches `logs["loss"]`, and a GAN's `train_step`
#   reports no `loss` key. `NaNGuard` goes right after the timer, so no later callback sees a bad step.

# %%
timer = StepTimer()
best = BestSamples(f"{RUN}/best_samples.png", pool_size=512, num_keep=64, seed=SEED)
callbacks = [
    timer,
    NaNGuard(),
    FixedNoiseGIF(RUN, num_images=64, seed=SEED),
    LossPlot(RUN, keys=model.metric_names, every_n_steps=50),
    best,
]

# %% [markdown]
# ## Train

# %%
start = time.perf_counter()
history = model.fit(dataset, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=callbacks, verbose=0)
wall = time.perf_counter() - start
steps = int(model.g_optimizer.iterations)
print(f"{steps} generator steps ({steps * CRITIC_STEPS} critic updates) on {DATASET} in {wall:.0f} s; "
      f"median {1000 * timer.seconds_per_step:.0f} ms per step after the first "
      f"({timer.first_step_seconds:.1f} s, graph tracing included)")
model.save(f"{RUN}/model.keras")

# %% [markdown]
# **What ran, and its size.** There was no CelebA on the machine that made the committed run, so the
# stand-in trained: 16×16 grayscale digits, width 32, latent size 128, batch 64, 800 generator steps of
# 5 critic updates each (10 epochs of 80 steps, 4,000 critic updates), on the project's 2-core CPU
# shared with other jobs; the line printed above gives its wall time and median time per step. With
# CelebA present the same cells train the 64×64 networks for 5,000 steps (10 epochs of 500, about ten
# passes over the 162,770 training faces): a GPU job, as the last section works out.

# %% [markdown]
# ## Results
#
# ### The 8×8 fixed-noise GIF

# %%
display(Image(filename=f"{RUN}/training.gif"))

# %% [markdown]
# ### D and G losses in one image
#
# Top: the critic's loss (Wasserstein term plus $\lambda \cdot$ penalty) and the generator's loss.
# Bottom: the penalty without its weight and the Wasserstein estimate
# $\mathbb E[D(x)] - \mathbb E[D(G(z))]$. The estimate is the curve to read: it should fall and level
# off as the samples improve (it is comparable only within one run): typically it rises early, while
# the critic learns to spot the untrained generator's grey noise, then falls and levels off. The
# report below prints its first- and last-epoch values, and those of the penalty, which should stay
# small: the critic's gradient norm then stays close to 1 on the interpolates.

# %%
display(Image(filename=f"{RUN}/losses.png"))

# %% [markdown]
# ### The samples the critic likes best
#
# 64 of a pool of 512 samples, best first. This is cheap curation, not a quality metric: a critic's
# favourites can be less varied than the pool.

# %%
display(Image(filename=f"{RUN}/best_samples.png"))
print(f"critic scores of the kept samples: {best.scores.max():.3f} down to {best.scores.min():.3f}")
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
# ### No pile-up at the ends of a box
#
# The counterpart of notebook 04's histogram: the penalised critic's weights have no box to crowd into.
# After training they spread smoothly, far beyond notebook 04's $c = 0.01$, with no spike anywhere.

# %%
weights = np.concatenate([np.ravel(v.numpy()) for v in model.critic.trainable_variables if "kernel" in v.path])
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(weights, bins=80)
ax.set(yscale="log", xlabel="critic kernel weight", ylabel="count (log scale)",
       title=f"WGAN-GP critic kernels after {steps} steps")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### The report
#
# `keras_gans.report.write_report` writes the same `report.md` as `keras-gans train`: configuration,
# data, timing, first- and last-epoch figures with a reading guide, and the pictures.

# %%
report = write_report(
    f"{RUN}/report.md",
    title=f"WGAN-GP on {DATASET}",
    config={"variant": "wgan-gp", "dataset": DATASET, "image-size": IMAGE_SIZE, "channels": CHANNELS,
            "width": WIDTH, "latent-dim": model.latent_dim, "batch-size": BATCH_SIZE,
            "critic-steps": CRITIC_STEPS, "gp-weight": GP_WEIGHT, "epochs": EPOCHS,
            "steps-per-epoch": STEPS_PER_EPOCH, "optimizers": "Adam(1e-4, beta_1=0, beta_2=0.9) for both",
            "seed": SEED},
    data={"source": data_description, "image shape": (IMAGE_SIZE, IMAGE_SIZE, CHANNELS),
          "generator steps": f"{steps} ({CRITIC_STEPS} critic steps each, {steps * CRITIC_STEPS} critic updates)"},
    timing={"wall_seconds": wall, "seconds_per_step": timer.seconds_per_step,
            "first_step_seconds": timer.first_step_seconds, "critic_steps": CRITIC_STEPS, "batch_size": BATCH_SIZE,
            "steps": steps},
    history=history.history,
    artifacts={"Training (fixed noise, one frame per epoch)": "training.gif",
               "D and G losses per generator step": "losses.png",
               "Best samples (highest critic score of the pool)": "best_samples.png",
               "Per-step losses": "losses.csv", "Keras model (both optimizers)": "model.keras",
               "Generator SavedModel": "generator/"},
    best_scores=best.scores,
)
with open(report, encoding="utf-8") as f:
    print(f.read().split("## Pictures")[0])  # the pictures are shown above

# %% [markdown]
# ### Export the generator
#
# `keras_gans.export_generator` writes a SavedModel with one `serve` signature, latents in and images
# out, that needs neither Keras nor keras_gans to run (notebook 10 shows it in a bare process). Loaded
# back with `tf.saved_model.load`, it gives the images the model gives.

# %%
path = keras_gans.export_generator(model, f"{RUN}/generator")
served = tf.saved_model.load(path)
z = np.random.default_rng(SEED).standard_normal((16, model.latent_dim)).astype("float32")
exported_images = served.serve(tf.constant(z))["images"].numpy()
print(f"exported to {path}: {sorted(os.listdir(path))}")
print(f"largest difference to model.generate: {np.abs(exported_images - model.generate(z)).max():.2e}")
show_grid(exported_images, title="from the SavedModel")
plt.show()

# %% [markdown]
# ### How long does the real lab take?
#
# On CelebA at 64×64 with width 64 and batch 64, **the project measured about 28 s per generator step
# (5 critic updates) on this 2-core CPU** (quoted in the README). One epoch of the 162,770 training
# faces is $162{,}770 / (5 \times 64) = 508$ generator steps, so a CPU needs about 4 hours per epoch:
# the lab needs a GPU. **No GPU timing has been measured by the project yet.** What follows is an
# estimate, with its arithmetic, not a measurement.
#
# 1. Count the forward floating-point operations of the 64×64 networks per image from their layers:
#    $2 \cdot H_\text{out} W_\text{out} k^2 C_\text{in} C_\text{out}$ for a convolution,
#    $2 \cdot H_\text{in} W_\text{in} k^2 C_\text{in} C_\text{out}$ for a transposed convolution,
#    $2 \cdot n_\text{in} n_\text{out}$ for a dense layer (other layers are negligible).
# 2. Multiply by what one generator step runs, with a backward pass costing about twice its forward
#    pass. Each critic update: $G$ forward ($F_G$); $D$ on real and fake, forward and backward
#    ($2 \times 3 F_D$); the penalty: $D$ forward on $\hat x$ and the gradient with respect to $\hat x$
#    ($2 F_D$), then the gradient of that gradient with respect to the weights (about twice that,
#    $4 F_D$): $F_G + 12 F_D$. The generator update: $G$ and $D$ forward, backward through $D$ to its
#    input and through $G$: about $3 F_G + 2 F_D$. Per step: $5(F_G + 12 F_D) + 3F_G + 2F_D = 8 F_G + 62 F_D$
#    per image, times the batch of 64.
# 3. Divide by an *assumed* achieved throughput.

# %%
def forward_flops(model):
    """Floating-point operations of one image through the Dense and convolution layers."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense":
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif kind == "Conv2D":
            h, w = layer.output.shape[1:3]
            kh, kw, c_in, c_out = layer.kernel.shape
            total += 2 * h * w * kh * kw * c_in * c_out
        elif kind == "Conv2DTranspose":
            h, w = layer.input.shape[1:3]
            kh, kw, c_out, c_in = layer.kernel.shape  # a transposed kernel is (kh, kw, out, in)
            total += 2 * h * w * kh * kw * c_in * c_out
    return total


def step_flops(generator, critic, batch=64):
    f_g, f_d = forward_flops(generator), forward_flops(critic)
    return f_g, f_d, batch * (8 * f_g + 62 * f_d)


g64, c64 = keras_gans.WGANGP.default_networks(64, 3)  # the lab's networks (width 64, z of 128)
f_g, f_d, flops_64 = step_flops(g64, c64)
print(f"64x64 forward, per image: G {f_g / 1e6:.0f} MFLOP, critic {f_d / 1e6:.0f} MFLOP")
print(f"one WGAN-GP generator step (batch 64, 5 critic updates): {flops_64 / 1e9:.0f} GFLOP")
print(f"implied CPU throughput at the project's 28 s per step: {flops_64 / 28 / 1e9:.0f} GFLOP/s")
this_g, this_c = model.generator, model.critic
_, _, flops_here = step_flops(this_g, this_c, BATCH_SIZE)
print(f"this run ({IMAGE_SIZE}x{IMAGE_SIZE}, width {WIDTH}): {flops_here / 1e9:.2f} GFLOP per step in "
      f"{timer.seconds_per_step * 1000:.0f} ms: {flops_here / timer.seconds_per_step / 1e9:.0f} GFLOP/s")

# %% [markdown]
# The count can be checked against TensorFlow's own: trace the model's `train_step` for one step's
# input (5 batches of 64 faces) without running it and let `tf.compat.v1.profiler` add up the
# floating-point operations of every op in the graph, the double backward pass of the penalty
# included. (Skipped under `QUICK`: tracing the 64×64 graph takes several seconds.)

# %%
if not QUICK:
    lab = keras_gans.WGANGP(g64, c64, seed=SEED)
    lab.compile()
    graph = tf.function(lab.train_step).get_concrete_function(tf.TensorSpec((5 * 64, 64, 64, 3), tf.float32)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profiled = tf.compat.v1.profiler.profile(graph, options=options).total_float_ops
    print(f"TensorFlow's count for the traced step: {profiled / 1e9:.0f} GFLOP "
          f"(layer count above: {flops_64 / 1e9:.0f} GFLOP, ratio {profiled / flops_64:.2f})")

# %% [markdown]
# Now the estimate. The assumption is stated once, here: **an H100 running these small convolutions
# at batch 64 achieves 20 TFLOP/s**, about 30% of its 67 TFLOP/s FP32 peak (SXM); TensorFlow's default
# TF32 tensor-core math could do better, and per-kernel launch overheads at this small size could do
# worse. Change `ASSUMED_TFLOPS` to your own card's figure.

# %%
ASSUMED_TFLOPS = 20.0  # an assumption, not a measurement
CELEBA_TRAIN_IMAGES = 162_770
steps_per_epoch = CELEBA_TRAIN_IMAGES // (5 * 64)
gpu_step = flops_64 / (ASSUMED_TFLOPS * 1e12)
print(f"CelebA 64x64 epoch: {steps_per_epoch} generator steps")
print(f"CPU, measured by the project: 28 s/step -> {28 * steps_per_epoch / 3600:.1f} h per epoch")
print(f"GPU, ESTIMATE at {ASSUMED_TFLOPS:g} TFLOP/s: {gpu_step * 1000:.0f} ms/step -> "
      f"{gpu_step * steps_per_epoch / 60:.1f} min per epoch, {10 * gpu_step * steps_per_epoch / 60:.0f} min "
      f"for the README's 10 epochs")
print(f"the input pipeline must then decode {5 * 64 / gpu_step:,.0f} JPEG faces per second")

# %% [markdown]
# Reading the numbers printed above. The layer count and TensorFlow's count of the traced graph agree
# to within about a tenth (the elementwise ops the layer count leaves out make up most of the
# difference): about a teraFLOP per 64×64 generator step. Compare the CPU throughput implied by the
# project's measured 28 s per step with the one this notebook's own small run achieved (the line
# "this run ..."): when they are of the same order, the measured 28 s and the FLOP count agree.
#
# The GPU lines are an **estimate**, valid only *if* the card sustains the assumed 20 TFLOP/s. Two
# cautions. At this size per-kernel launch and Python overheads can dominate a step, so a real step may
# take several times longer. And the input pipeline must then decode the JPEG faces per second printed
# last, several times what the project measured for its pipeline on this machine's 2 cores
# (`BENCHMARKS.md`): on a GPU machine give `tf.data` enough CPU cores, or cache the resized faces
# (`keras_gans.data.celeba(..., cache=...)`). Measure before you plan: time a few hundred steps with
# `StepTimer`, as this notebook did.

# %% [markdown]
# ## Takeaways
#
# - WGAN-GP keeps the critic near 1-Lipschitz with a penalty $\lambda\,\mathbb E[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2]$
#   on random interpolates $\hat x = \epsilon x + (1 - \epsilon)\tilde x$ between real and generated
#   images, instead of clipping weights: $\lambda = 10$, 5 critic steps, Adam(1e-4, 0, 0.9), no batch
#   norm in the critic.
# - `keras_gans.losses.gradient_penalty` puts a tiny $\varepsilon$ under the square root of the norm so a
#   vanishing gradient cannot make the update NaN; a linear critic checks it exactly.
# - A training run is more than `fit`: `FixedNoiseGIF`, `LossPlot`, `BestSamples` and `StepTimer` record
#   it, `NaNGuard` stops it cleanly if it diverges, `write_report` summarises it, `model.save` keeps it resumable, `export_generator` ships it.
# - Read the Wasserstein estimate, not the raw losses, and judge the samples with your eyes and a metric.
# - Budget before you train: 64×64 WGAN-GP costs about a teraFLOP per generator step, 28 s on a 2-core
#   CPU; on a GPU, estimate it from the FLOP count and a stated throughput until someone measures it.

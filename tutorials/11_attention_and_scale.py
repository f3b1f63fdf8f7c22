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
# # 11 · Attention and scale: SAGAN and BigGAN
#
# Convolutions mix only neighbouring pixels; a GAN built from them draws textures well and
# long-range structure badly. In this notebook you will train BigGAN (`keras_gans.BigGAN`), which
# carries SAGAN's self-attention block, on the embedded handwritten digits; draw where the
# generator's attention looks when it paints a digit; and trade variety for fidelity with BigGAN's
# truncation trick, as a picture grid and as numbers.

# %% [markdown]
# ## Introduction
#
# **Self-attention** (Zhang, Goodfellow, Metaxas, Odena, *Self-Attention Generative Adversarial
# Networks*, ICML 2019, arXiv:1805.08318). With $x_i$ the features at position $i$ of a feature map
# and three 1×1 convolutions $f$ (queries), $g$ (keys), $h$ (values), position $j$ attends to
# position $i$ with
#
# $$\beta_{j,i} = \frac{\exp\big(f(x_j)^\top g(x_i)\big)}{\sum_{i'} \exp\big(f(x_j)^\top g(x_{i'})\big)}, \qquad
#   o_j = v\Big(\sum_i \beta_{j,i}\, h(x_i)\Big), \qquad y_j = \gamma\, o_j + x_j .$$
#
# Each row $\beta_{j,\cdot}$ is a distribution over all positions, so one layer can copy from
# anywhere in the image. $\gamma$ starts at 0: the block starts as the identity and training decides
# how much to use it (`keras_gans.layers.SelfAttention`, whose `attention(x)` returns $\beta$).
# SAGAN puts one such block in each network, spectrally normalises both networks, and trains with
# the hinge loss and the two time-scale update rule (D at 4e-4, G at 1e-4, one D step per G step):
# `keras_gans.SAGAN`.
#
# **BigGAN** (Brock, Donahue, Simonyan, *Large Scale GAN Training for High Fidelity Natural Image
# Synthesis*, ICLR 2019, arXiv:1809.11096) scales SAGAN up and adds:
#
# - a **hierarchical latent**: $z$ is split into chunks, one for the input layer and one per
#   residual block; each block's conditional batch norm gets its gain and bias from
#   [its chunk, a *shared* class embedding] (`keras_gans.layers.ConditionalBatchNormalization`);
# - **orthogonal regularisation** $R_\beta(W) = \beta\,\|W^\top W \odot (\mathbf 1 - I)\|_F^2$ on the
#   generator's weights, $\beta = 10^{-4}$ (`keras_gans.losses.orthogonal_regularization`);
# - an **exponential moving average** of the generator's weights, which is what samples;
# - the **truncation trick**: sample $z$ from $N(0, 1)$ conditioned on $|z_k| \le t$ (values
#   beyond $t$ are redrawn). Small $t$ keeps the generator in the middle of its latent space, where
#   it is best trained: samples get cleaner and less varied.

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
from keras_gans.callbacks import NaNGuard, StepTimer
from keras_gans.data import digits
from keras_gans.metrics import evaluate_digits, train_digits_classifier

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
IMAGE_SIZE = 16
WIDTH = 4 if QUICK else 32
STEPS = 6 if QUICK else 1500  # generator steps, each after one discriminator step
NUM_SAMPLES = 200 if QUICK else 1000  # samples scored per truncation
TRUNCATIONS = [None, 2.0, 1.0, 0.5, 0.25]
keras.utils.set_random_seed(SEED)
print(f"QUICK={QUICK}: {IMAGE_SIZE} px, width {WIDTH}, {STEPS} generator steps")

# %% [markdown]
# ## Data
#
# scikit-learn's 1,797 8×8 digits, upsampled to 16×16 and scaled to [-1, 1], with their labels
# (BigGAN is class-conditional).

# %%
data = digits(image_size=IMAGE_SIZE, batch_size=64, with_labels=True, seed=SEED)
images, labels = next(iter(data))
fig, axes = plt.subplots(1, 10, figsize=(10, 1.2))
for ax, image, label in zip(axes, images[:10], labels[:10]):
    ax.imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
    ax.set(xticks=[], yticks=[], title=int(label))
plt.show()

# %% [markdown]
# ## Networks
#
# `BigGAN.default_networks` builds the residual generator and projection discriminator of
# `keras_gans.networks.build_residual_generator` / `build_residual_discriminator`. At 16 px the
# generator has two upsampling blocks (4 → 8 → 16), so $z$ is cut into three chunks; the
# self-attention block sits on the 8×8 maps, between the two blocks, in both networks.

# %%
generator, discriminator = keras_gans.BigGAN.default_networks(IMAGE_SIZE, 1, width=WIDTH, num_classes=10)
chunks = generator.get_layer("latent_chunks")
print(f"z of {generator.inputs[0].shape[-1]} in chunks of {chunks.sizes(generator.inputs[0].shape[-1])}")
for network in (generator, discriminator):
    attention = network.get_layer("attention")
    print(f"{network.name}: {network.count_params():,} parameters, attention on {attention.output.shape[1:3]} maps")

# %% [markdown]
# ## Model
#
# BigGAN's defaults are the paper's, for batch 2,048 and ~200,000 steps: D Adam(2e-4, 0, 0.999),
# G Adam(5e-5, 0, 0.999), 2 D steps per G step, an average with decay 0.9999 from update 20,000.
# At 1,500 steps they leave the generator blurry (label accuracy 0.41 on these digits, BENCHMARKS.md).
# This run takes a short-run setting instead, the one `benchmarks/digits.py` uses for BigGAN:
# SAGAN's optimizers and one D step per G step (the rates and D steps of BigGAN-PyTorch's own
# ImageNet scripts), and an average whose window (1 / (1 - decay) updates) and start are the
# paper's shares of its run: 10,000 and 20,000 of 200,000 updates, here 75 and 150 of 1,500.
# Orthogonal regularisation stays at the paper's 1e-4.

# %%
ema_window = max(1, round(STEPS / 20))
model = keras_gans.BigGAN(generator, discriminator, num_classes=10, seed=SEED, critic_steps=1,
                          ema_decay=1.0 - 1.0 / ema_window, ema_start=STEPS // 10)
model.compile(d_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
              g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

# %% [markdown]
# ## Callbacks
#
# `NaNGuard` stops training at a non-finite loss; `StepTimer` times the steps.

# %%
timer = StepTimer()
callbacks = [NaNGuard(), timer]

# %% [markdown]
# ## Train

# %%
start = time.perf_counter()
history = model.fit(data.repeat(), epochs=1, steps_per_epoch=STEPS, verbose=0, callbacks=callbacks)
seconds = time.perf_counter() - start
print(f"{STEPS} steps in {seconds:.0f} s; last d_loss {history.history['d_loss'][-1]:.3f}, "
      f"g_loss {history.history['g_loss'][-1]:.3f}, orthogonal penalty {history.history['orthogonal'][-1]:.4f}")
print(f"gamma of the generator's attention: {float(model.ema_generator.get_layer('attention').gamma):.3f}")

# %% [markdown]
# **Size of the committed run:** width 32, batch 64, 1,500 generator steps (1,500 discriminator
# steps) on a 2-core CPU shared with other jobs: the time printed above is that of a crowded
# machine.

# %% [markdown]
# ## Results
#
# ### Samples, one row per class

# %%
z = model.draw_inputs(80, seed=SEED)
class_rows = np.repeat(np.arange(10), 8)
samples = model.generate(z, class_rows)
fig, axes = plt.subplots(10, 8, figsize=(6, 7.5))
for ax, image in zip(axes.ravel(), samples):
    ax.imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
    ax.set(xticks=[], yticks=[])
plt.show()

# %% [markdown]
# ### Where the generator's attention looks
#
# The attention block of the (averaged) generator sees 8×8 maps; `SelfAttention.attention`
# returns $\beta$, one row per attending position. For a few positions $j$ (the red dots) we draw
# $\beta_{j,\cdot}$, upsampled to the image, over the generated digit: a distribution over the
# whole map, so position $j$ can copy from anywhere, near or far, which a 3×3 convolution cannot do
# in one layer. How much the output uses it is $\gamma$ (printed after training).

# %%
sampler = model.ema_generator
layer = sampler.get_layer("attention")
features = keras.Model(sampler.inputs, layer.input)([z[:4], np.array([0, 2, 3, 8], "int32")])
beta = np.asarray(layer.attention(features))  # (4, 64, 64)
digits_shown = model.generate(z[:4], [0, 2, 3, 8])
queries = [(2, 3), (4, 4), (6, 2)]  # (row, column) on the 8x8 map
fig, axes = plt.subplots(4, len(queries) + 1, figsize=(2 * (len(queries) + 1), 8))
for n in range(4):
    axes[n, 0].imshow(digits_shown[n, ..., 0], cmap="gray", vmin=-1, vmax=1)
    axes[n, 0].set(xticks=[], yticks=[], title="sample")
    for k, (row, column) in enumerate(queries):
        heat = beta[n, row * 8 + column].reshape(8, 8)
        ax = axes[n, k + 1]
        ax.imshow(digits_shown[n, ..., 0], cmap="gray", vmin=-1, vmax=1)
        ax.imshow(np.kron(heat, np.ones((2, 2))), cmap="magma", alpha=0.6)
        ax.scatter([2 * column + 0.5], [2 * row + 0.5], c="red", s=25)
        ax.set(xticks=[], yticks=[], title=f"query ({row}, {column})")
fig.tight_layout()
plt.show()

# %% [markdown]
# In this short run the rows are broad and often weigh the background and the borders as much as
# the strokes, and $\gamma$ is still small: the generator has barely started to use its attention.
# SAGAN's paper shows structured maps after hundreds of thousands of steps on ImageNet; these maps
# show the mechanism, not a trained attention.

# %% [markdown]
# ### The truncation trade-off
#
# One row per threshold $t$, the same eight latents and the class 4 in every row; `None` is no
# truncation. The smaller $t$, the closer each latent is pulled to the origin.

# %%
fig, axes = plt.subplots(len(TRUNCATIONS), 8, figsize=(6, 0.8 * len(TRUNCATIONS) + 0.4))
for i, t in enumerate(TRUNCATIONS):
    row = model.generate(8, [4] * 8, truncation=t, seed=SEED + 1)
    for j, image in enumerate(row):
        axes[i, j].imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
        axes[i, j].set(xticks=[], yticks=[])
    axes[i, 0].set_ylabel("none" if t is None else f"t={t}", fontsize=8)
plt.show()

# %% [markdown]
# The same as numbers: the digits classifier's accuracy on the requested labels (fidelity) and the
# Fréchet distance in its feature space to the real digits (which also counts variety), for
# `NUM_SAMPLES` samples per threshold.


# %%
class Truncated:
    """The model, sampling with truncation t (what evaluate_digits calls is `generate`)."""

    def __init__(self, model, t):
        self.model, self.t = model, t

    def __getattr__(self, name):
        return getattr(self.model, name)

    def generate(self, z, labels=None):
        return self.model.generate(z, labels, truncation=self.t, seed=SEED)


classifier = train_digits_classifier(image_size=IMAGE_SIZE)
print(f"real-vs-real Frechet floor {classifier.real_floor:.2f}")
print("| truncation | label accuracy | Frechet distance | classes covered |")
for t in TRUNCATIONS:
    result = evaluate_digits(model if t is None else Truncated(model, t), num_samples=NUM_SAMPLES, seed=SEED)
    print(f"| {'none' if t is None else t} | {result['label_accuracy']:.3f} | {result['frechet_distance']:.2f} | "
          f"{result['classes_covered']}/10 |")

# %% [markdown]
# Both sides of the trade-off: as $t$ falls the label accuracy (fidelity) rises and the Fréchet
# distance (which also counts variety) grows, and the grid's rows converge to one typical digit.
# The benchmark run of the same settings (BENCHMARKS.md, "SAGAN and BigGAN") measured 0.991
# label accuracy and Fréchet 3.80 without truncation, 0.996 and 4.67 at $t = 2$, and 1.000 from
# $t = 1$ with Fréchet 10.97, 22.00 and 32.37 at $t$ = 1, 0.5 and 0.25. With the paper's settings at
# this length only the variety side showed (accuracy 0.40-0.44 at every $t$): a generator that is
# not yet good near the origin of its latent space gains nothing from being kept there.

# %% [markdown]
# ## Takeaways
#
# - `SelfAttention` lets every position draw on every other; it starts as the identity
#   ($\gamma = 0$) and the network learns how much to use it. Its `attention` maps show where.
# - `SAGAN` is the projection cGAN with residual, self-attending, spectrally normalised networks,
#   class-conditional batch norm and the two time-scale rule. `BigGAN` adds the hierarchical latent
#   with a shared embedding, orthogonal regularisation, the averaged generator (what `generate` and
#   `export_generator` use) and truncation.
# - Truncation is a dial, not a free lunch: lower $t$ gives cleaner, more typical samples and less
#   variety. Where the balance lies depends on the model; the table above measures it for this one.
#   An exported BigGAN takes the threshold as an input (`serve(z, labels, truncation)`).

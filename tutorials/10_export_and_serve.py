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
# # 10 · Export and serve a generator
#
# Training needs two networks, two optimizers and this package; using a GAN needs only the
# generator. In this notebook you will train a small DCGAN on digits, export its generator as a
# TensorFlow SavedModel with `keras_gans.export_generator`, prove that a fresh Python process with
# nothing but TensorFlow can load it and draw samples, walk through its latent space with linear
# and spherical interpolation, and sample from the command line with `keras-gans sample`.

# %% [markdown]
# ## Introduction
#
# **Two ways to save a GAN.** `model.save("model.keras")` stores everything needed to *resume
# training*: both networks, both optimizers' states, the variant's configuration. Loading it
# needs Keras and `keras_gans` (the model class must be importable). `export_generator` stores
# only what is needed to *generate*: the generator's graph and weights as a SavedModel with one
# function, `serve`,
#
# $$\texttt{serve}: \; z \in \mathbb R^{N \times d} \;\longmapsto\; \{\texttt{"images"}: G(z) \in [-1, 1]^{N \times H \times W \times C}\},$$
#
# computed in inference mode (batch norm uses its moving averages, not the batch's statistics).
# A SavedModel runs wherever TensorFlow does: another Python process, TF Serving, or converted
# for TF Lite or TensorFlow.js.
#
# **Walking the latent space.** A generator maps nearby latents to similar images, so a path
# from $z_0$ to $z_1$ should morph one sample into another. The obvious path is linear,
#
# $$\mathrm{lerp}(z_0, z_1; t) = (1 - t)\, z_0 + t\, z_1 .$$
#
# But $z \sim \mathcal N(0, I_d)$ in $d$ dimensions almost never lies near the origin: its norm
# concentrates around $\sqrt d$. Two independent latents are nearly orthogonal, so the midpoint of
# the line has norm about $\sqrt{d/2}$, a region the generator never saw in training. White
# (*Sampling Generative Networks*, 2016, arXiv:1609.04468) recommends the spherical path of
# Shoemake (1985), along the great circle, with $\cos\Omega = \frac{z_0^\top z_1}{\|z_0\|\,\|z_1\|}$:
#
# $$\mathrm{slerp}(z_0, z_1; t) = \frac{\sin((1 - t)\,\Omega)}{\sin\Omega}\, z_0 + \frac{\sin(t\,\Omega)}{\sin\Omega}\, z_1 .$$
#
# We will look at both paths and then measure what the generator draws along them.

# %% [markdown]
# ## Setup

# %%
# %matplotlib inline
import os
import shutil
import subprocess
import sys
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display

import keras_gans
from keras_gans import data
from keras_gans.callbacks import StepTimer
from keras_gans.images import image_grid

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
IMAGE_SIZE = 16
BATCH_SIZE = 64
LATENT_DIM = 100  # DCGAN's z of 100
WIDTH = 8 if QUICK else 32
EPOCHS = 1 if QUICK else 12
STEPS_PER_EPOCH = 10 if QUICK else 100
RUN_DIR = os.path.join("runs", "10_export_and_serve")
# Under Jupyter, TensorFlow logs at INFO level: the export would print the temporary folder it writes.
tf.get_logger().setLevel("WARNING")
shutil.rmtree(RUN_DIR, ignore_errors=True)
os.makedirs(RUN_DIR)
keras.utils.set_random_seed(SEED)
print(f"QUICK={QUICK}: DCGAN width {WIDTH}, z of {LATENT_DIM}, {EPOCHS * STEPS_PER_EPOCH} steps; files in {RUN_DIR}")

# %% [markdown]
# ## Data
#
# The embedded handwritten digits at 16×16, repeated so that `steps_per_epoch` sets an epoch's length.

# %%
train_data = data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED).repeat()
print(train_data.element_spec)

# %% [markdown]
# ## Networks
#
# The DCGAN pair (Radford et al. 2016). The generator has batch norm, which is why the export's
# inference mode matters.

# %%
generator, discriminator = keras_gans.DCGAN.default_networks(IMAGE_SIZE, 1, latent_dim=LATENT_DIM, width=WIDTH)
print(f"generator: {generator.count_params():,} parameters, input {generator.inputs[0].shape}, "
      f"output {generator.outputs[0].shape}")

# %% [markdown]
# ## Model
#
# `keras_gans.DCGAN` with the paper's Adam(2e-4, $\beta_1 = 0.5$) for both networks.

# %%
model = keras_gans.DCGAN(generator, discriminator, seed=SEED)
model.compile()  # Adam(2e-4, beta_1=0.5) for both

# %% [markdown]
# ## Callbacks
#
# `keras.callbacks.ModelCheckpoint` writes the full training state (`model.keras`) after every
# epoch, the file to resume from; `StepTimer` records the time per generator step.

# %%
checkpoint_path = os.path.join(RUN_DIR, "model.keras")
timer = StepTimer()
callbacks = [keras.callbacks.ModelCheckpoint(checkpoint_path), timer]

# %% [markdown]
# ## Train
#
# A short run: enough for digit-like samples, which is all an export needs.

# %%
start = time.perf_counter()
model.fit(train_data, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=callbacks, verbose=0)
print(f"{EPOCHS * STEPS_PER_EPOCH} generator steps in {time.perf_counter() - start:.0f} s "
      f"(median {1000 * timer.seconds_per_step:.0f} ms per step)")

# %% [markdown]
# **Size of the committed run:** DCGAN at 16×16, width 32, $z \in \mathbb R^{100}$, batch 64, 12
# epochs of 100 generator steps (1,200 steps) in 43 s (33 ms per step); the whole notebook, its two
# subprocesses included, took 68 s on this 2-core CPU while other jobs shared it.

# %% [markdown]
# ## Results
#
# ### Export

# %%
export_path = os.path.join(RUN_DIR, "generator")
start = time.perf_counter()
keras_gans.export_generator(model, export_path)
print(f"exported in {time.perf_counter() - start:.1f} s")


def folder_size(path):
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)


for root, _, names in sorted(os.walk(export_path)):
    for name in sorted(names):
        file = os.path.join(root, name)
        print(f"  {os.path.relpath(file, RUN_DIR):<52} {os.path.getsize(file) / 1024:8.1f} KB")
print(f"SavedModel {folder_size(export_path) / 1024:.0f} KB; model.keras (both networks and optimizers) "
      f"{os.path.getsize(checkpoint_path) / 1024:.0f} KB")
with open(os.path.join(export_path, "keras_gans_export.json")) as f:
    print(f.read())

# %% [markdown]
# `saved_model.pb` is the graph, `variables/` the generator's weights (the discriminator and the
# optimizers are not there: 1.1 MB against the checkpoint's 2.1 MB), and `keras_gans_export.json`
# a note for `keras-gans sample`: the latent size, the number of classes (null: unconditional)
# and the image shape.
#
# ### Load it back, in this process
#
# `tf.saved_model.load` returns an object whose `serve` is the exported function. Keep a
# reference to the loaded object while you call it (its variables live there). Its output
# should match the in-memory generator's `model.generate` up to float rounding.

# %%
loaded = tf.saved_model.load(export_path)
print("signature:", loaded.signatures["serve"].structured_input_signature[1])
z = np.random.default_rng(SEED).standard_normal((64, LATENT_DIM)).astype("float32")
served = loaded.serve(tf.constant(z))["images"].numpy()
print(f"served {served.shape}, in [{served.min():.2f}, {served.max():.2f}]; "
      f"max |served - model.generate| = {np.abs(served - model.generate(z)).max():.2e}")

# %% [markdown]
# ### Load it in a fresh process that imports only TensorFlow
#
# The real test of "needs nothing but TensorFlow": a new Python interpreter runs a script that
# imports `tensorflow` and `numpy`, never `keras_gans`, loads the SavedModel, samples from the same
# latents and saves the images. It reports whether `keras_gans` was imported, and whether any Keras
# module was (TensorFlow 2.21 loads parts of Keras, its own dependency, when it is imported; the
# SavedModel's graph itself calls no Python code of either).

# %%
script = os.path.join(RUN_DIR, "serve_only_tensorflow.py")
with open(script, "w") as f:
    f.write('''import sys
import numpy as np
import tensorflow as tf

path, z_file, out_file = sys.argv[1:4]
loaded = tf.saved_model.load(path)
images = loaded.serve(tf.constant(np.load(z_file)))["images"].numpy()
np.save(out_file, images)
print(f"TensorFlow {tf.__version__} served {images.shape}; keras_gans imported: {'keras_gans' in sys.modules}; "
      f"Keras modules loaded by TensorFlow itself: {any(m.startswith('keras') for m in sys.modules)}")
''')
np.save(os.path.join(RUN_DIR, "z.npy"), z)
start = time.perf_counter()
result = subprocess.run(
    [sys.executable, script, export_path, os.path.join(RUN_DIR, "z.npy"), os.path.join(RUN_DIR, "served.npy")],
    capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=True)
print(result.stdout.strip(), f"({time.perf_counter() - start:.1f} s, TensorFlow's import included)")
from_subprocess = np.load(os.path.join(RUN_DIR, "served.npy"))
print(f"max |subprocess - this process| = {np.abs(from_subprocess - served).max():.2e}")

plt.figure(figsize=(4, 4))
plt.imshow(image_grid(from_subprocess)[..., 0], cmap="gray")
plt.title("64 samples served by a TensorFlow-only process", fontsize=9)
plt.axis("off")
plt.show()

# %% [markdown]
# ### Interpolating in latent space
#
# Pick two latents and walk from one to the other along the line and along the great circle,
# letting the exported model draw every point: three pairs, nine steps each.


# %%
def lerp(z0, z1, t):
    return (1.0 - t) * z0 + t * z1


def slerp(z0, z1, t):
    omega = np.arccos(np.clip(np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1.0, 1.0))
    return (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


PATHS = {"linear": lerp, "spherical": slerp}
steps = np.linspace(0.0, 1.0, 9)


def walk(path, z0, z1):
    """The exported generator's images along a path from z0 to z1, one per step."""
    latents = np.stack([path(z0, z1, t) for t in steps]).astype("float32")
    return loaded.serve(tf.constant(latents))["images"].numpy()


pairs = np.random.default_rng(SEED + 3).standard_normal((3, 2, LATENT_DIM)).astype("float32")
fig, axes = plt.subplots(2 * len(pairs), 1, figsize=(9, 1.35 * 2 * len(pairs)))
for i, (a, b) in enumerate(pairs):
    for j, (name, path) in enumerate(PATHS.items()):
        ax = axes[2 * i + j]
        ax.imshow(image_grid(walk(path, a, b), rows=1)[..., 0], cmap="gray")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(f"pair {i + 1}\n{name}", fontsize=8, rotation=0, ha="right", va="center")
fig.suptitle("t = 0, 1/8, ..., 1 from left to right", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# Side by side the two paths look alike. Measure instead: over many random pairs, the latent's
# norm along each path, and two statistics of the images drawn there, the share of "ink"
# (pixels above 0, i.e. brighter than mid-grey) and the contrast (the standard deviation of an
# image's pixels).

# %%
many = np.random.default_rng(SEED + 4).standard_normal((64 if QUICK else 256, 2, LATENT_DIM)).astype("float32")
stats = {}
for name, path in PATHS.items():
    norms = np.array([[np.linalg.norm(path(a, b, t)) for t in steps] for a, b in many])
    images = np.stack([walk(path, a, b) for a, b in many]).reshape(len(many), len(steps), -1)
    stats[name] = {"norm": norms.mean(0), "ink": (images > 0).mean(-1).mean(0), "contrast": images.std(-1).mean(0)}

fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
for ax, key, label in zip(axes, ("norm", "ink", "contrast"), (r"$\|z_t\|$", "share of pixels > 0", "pixel std")):
    for name in PATHS:
        ax.plot(steps, stats[name][key], "o-", ms=3, label=name)
    ax.set(xlabel="t", ylabel=label, title=f"{key}, mean over {len(many)} pairs")
    ax.legend(fontsize=8)
axes[0].axhline(np.sqrt(LATENT_DIM), color="k", ls=":", lw=1)
fig.tight_layout()
plt.show()
for name in PATHS:
    print(f"{name:>9}: at t = 0 / 0.5 / 1, norm {stats[name]['norm'][0]:.2f} / {stats[name]['norm'][4]:.2f} / "
          f"{stats[name]['norm'][-1]:.2f}, ink {stats[name]['ink'][0]:.1%} / {stats[name]['ink'][4]:.1%} / "
          f"{stats[name]['ink'][-1]:.1%}, contrast {stats[name]['contrast'][0]:.3f} / {stats[name]['contrast'][4]:.3f} / "
          f"{stats[name]['contrast'][-1]:.3f}")
print(f"sqrt(d) = {np.sqrt(LATENT_DIM):.2f}")

# %% [markdown]
# Both paths morph one digit into another smoothly (pair 1 turns a 3 into a 0), and in the strips
# the two are hard to tell apart. The averages over 256 pairs are not: along the straight line the
# latent's norm dips from about 10 ($= \sqrt d$) to 7.00 at the midpoint, and the images follow,
# ink falling from 31.0% to 26.7% and contrast from 0.632 to 0.579: fainter, more "average" digits
# drawn from latents of a size the generator never saw in training. Along the great circle the
# norm stays at 9.98 and ink and contrast stay level (30.6% and 0.631 at the midpoint). For walks
# through a Gaussian latent space, use the spherical path.
#
# ### From the command line
#
# The same SavedModel drives `keras-gans sample`, which loads it with TensorFlow and writes a
# grid. The cell runs the console script that `pip install` put next to this Python interpreter.

# %%
cli = shutil.which("keras-gans") or os.path.join(os.path.dirname(sys.executable), "keras-gans")
grid_path = os.path.join(RUN_DIR, "cli_grid.png")
command = [cli, "sample", export_path, "--n", "36", "--seed", "1", "--out", grid_path]
print("$ keras-gans", " ".join(command[1:]))
start = time.perf_counter()
result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                        check=True)
print(result.stdout.strip(), f"({time.perf_counter() - start:.1f} s)")
display(Image(filename=grid_path))

# %% [markdown]
# ## Takeaways
#
# - `model.save` keeps the training state and needs `keras_gans` to load; `export_generator`
#   keeps only the generator, as a SavedModel with a `serve` signature $z \mapsto$ images, that
#   needs nothing but TensorFlow.
# - The export runs the generator in inference mode: batch norm uses its moving averages, so a
#   sample does not depend on the rest of its batch.
# - Gaussian latents live near the sphere of radius $\sqrt d$; a straight line between two of
#   them cuts inside it, a spherical path stays on it.
# - `keras-gans sample runs/…/generator --n 64 --out grid.png` turns any exported generator into
#   a picture from the shell.

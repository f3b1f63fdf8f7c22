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
# # 09 · Evaluating GANs: FID, KID and how not to fool yourself
#
# A GAN's losses do not tell you how good its samples are, and eyeballing a grid does not scale.
# In this notebook you will learn what the Fréchet Inception Distance and the Kernel Inception
# Distance measure, compute both with `keras_gans.metrics` on a generator trained here, and run
# into their three classic pitfalls yourself: FID depends on the number of samples, on how the
# images are resized, and on exactly which feature network is used.

# %% [markdown]
# ## Introduction
#
# Both metrics compare two *sets* of images through the features a pretrained network computes
# for them: for FID and KID, the 2,048 pooled activations of Inception-v3 (Szegedy et al. 2016).
# Features, not pixels, because a feature space places images that look alike close together.
#
# **FID** (Heusel, Ramsauer, Unterthiner, Nessler, Hochreiter, *GANs Trained by a Two Time-Scale
# Update Rule Converge to a Local Nash Equilibrium*, NeurIPS 2017, arXiv:1706.08500) fits a
# Gaussian to each set of features, $\mathcal N(\mu_r, \Sigma_r)$ for the real images and
# $\mathcal N(\mu_g, \Sigma_g)$ for the generated ones, and reports the squared Fréchet
# (2-Wasserstein) distance between them:
#
# $$\mathrm{FID} = \|\mu_r - \mu_g\|_2^2 + \operatorname{Tr}\!\big(\Sigma_r + \Sigma_g - 2\,(\Sigma_r \Sigma_g)^{1/2}\big).$$
#
# The first term catches a shift in the average image, the second a difference in spread:
# too little variety (mode collapse) shrinks $\Sigma_g$. Lower is better, 0 for identical statistics.
#
# **KID** (Bińkowski, Sutherland, Arbel, Gretton, *Demystifying MMD GANs*, ICLR 2018,
# arXiv:1801.01401) makes no Gaussian assumption. It is the squared maximum mean discrepancy
# between the two feature distributions with the cubic kernel $k(a, b) = (a^\top b / d + 1)^3$,
# estimated without bias from $m$ real features $x_i$ and $n$ generated ones $y_j$:
#
# $$\widehat{\mathrm{MMD}}^2_u = \frac{1}{m(m-1)}\sum_{i \ne i'} k(x_i, x_{i'}) + \frac{1}{n(n-1)}\sum_{j \ne j'} k(y_j, y_{j'}) - \frac{2}{mn}\sum_{i, j} k(x_i, y_j).$$
#
# Leaving out the $i = i'$ terms makes its expectation exactly $\mathrm{MMD}^2$, whatever $m$ and
# $n$; the price is that one estimate can dip below 0. It is averaged over random subsets.
#
# **Three pitfalls**, each shown below:
#
# 1. *Sample size.* The FID estimator is biased: with fewer images, $\hat\Sigma$ is noisier and the
#    trace term larger, so the same generator gets a worse FID from 1,000 samples than from
#    50,000 (Bińkowski et al. 2018; Chong & Forsyth, *Effectively Unbiased FID and Inception
#    Score and Where to Find Them*, CVPR 2020, arXiv:1911.07023). KID's expectation does not move.
# 2. *Resizing.* Inception sees 299×299 images, so every image is resized first, and the resize
#    filter changes the features: Parmar, Zhang & Zhu (*On Aliased Resizing and Surprising
#    Subtleties in GAN Evaluation*, CVPR 2022, arXiv:2104.11222) measured FID moving by several
#    points between library resizers.
# 3. *Weights.* Published FIDs use the 2015 TensorFlow Inception graph (`inception-2015-12-05`).
#    `keras.applications.InceptionV3`'s ImageNet weights are a different network, so its FIDs
#    are not comparable with papers' tables: compare models with each other under one extractor.
#
# The Inception weights cannot be downloaded on this machine, and Inception on 8×8 digits
# upsampled would mean little anyway. `keras_gans.metrics` takes any **extractor**, a callable
# from images to feature vectors, so this notebook uses the 64 features of a small classifier
# trained on the real digits (`keras_gans.metrics.digits`); the formulas, the code and the
# pitfalls are the same. The Inception path is shown at the end.

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
import tensorflow as tf

import keras_gans
from keras_gans import data, metrics
from keras_gans.callbacks import ImageQuality
from keras_gans.images import image_grid

QUICK = os.environ.get("QUICK") == "1"
SEED = 0
IMAGE_SIZE = 16
BATCH_SIZE = 64
CLASSIFIER_EPOCHS = 2 if QUICK else 15  # keras_gans' default is 15
WIDTH = 8 if QUICK else 32
EPOCHS = 2 if QUICK else 8
STEPS_PER_EPOCH = 10 if QUICK else 100
EVAL_SAMPLES = 200 if QUICK else 800  # generated images per evaluation
SAMPLE_SIZES = [25, 50, 100, 200] if QUICK else [25, 50, 100, 200, 400, 800]
REPEATS = 2 if QUICK else 10  # random draws per sample size
RUN_DIR = os.path.join("runs", "09_evaluation")
shutil.rmtree(RUN_DIR, ignore_errors=True)
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
print(f"QUICK={QUICK}: classifier {CLASSIFIER_EPOCHS} epochs; DCGAN width {WIDTH}, {EPOCHS * STEPS_PER_EPOCH} steps; "
      f"{EVAL_SAMPLES} samples per evaluation; sample sizes {SAMPLE_SIZES} x {REPEATS}")

# %% [markdown]
# ## Data
#
# The 1,797 real digits at 16×16, in the fixed split of `keras_gans.metrics.digits_split`: 1,437
# to train the classifier (and to be the "real" reference), 360 held out.

# %%
(train_images, train_labels), (test_images, test_labels) = metrics.digits_split(image_size=IMAGE_SIZE)
all_real = np.concatenate([train_images, test_images])
print(f"train {train_images.shape}, held out {test_images.shape}, values in [{all_real.min():.0f}, {all_real.max():.0f}]")

# %% [markdown]
# ## Networks
#
# ### The feature extractor
#
# `train_digits_classifier` trains (once per process) a small CNN to tell the ten digits apart;
# `classifier.features` maps images in $[-1, 1]$ to its 64 penultimate ReLU activations. That
# callable is all `metrics.fid`, `metrics.kid` and the `ImageQuality` callback need.

# %%
start = time.perf_counter()
classifier = metrics.train_digits_classifier(image_size=IMAGE_SIZE, epochs=CLASSIFIER_EPOCHS)
extractor = classifier.features
print(f"trained in {time.perf_counter() - start:.0f} s; held-out accuracy {classifier.test_accuracy:.3f}; "
      f"features {extractor(test_images[:3]).shape}")

# %% [markdown]
# ### The generator to evaluate
#
# A DCGAN (Radford et al. 2016) on the digits: batch norm in both networks, Adam(2e-4, 0.5).
# Any `keras_gans` model would do; this one trains quickly.

# %%
generator, discriminator = keras_gans.DCGAN.default_networks(IMAGE_SIZE, 1, latent_dim=64, width=WIDTH)
print(f"generator {generator.count_params():,} parameters, discriminator {discriminator.count_params():,}")

# %% [markdown]
# ## Model
#
# `keras_gans.DCGAN` with the paper's optimizers: `compile()` without arguments gives both
# networks Adam(2e-4, $\beta_1 = 0.5$).

# %%
model = keras_gans.DCGAN(generator, discriminator, seed=SEED)
model.compile()

# %% [markdown]
# ## Callbacks
#
# `ImageQuality` computes FID and KID against the real digits at the end of every epoch, from the
# same fixed latents each time, and adds `fid`, `kid` and `kid_std` to the training history. Here
# the injected extractor replaces Inception.

# %%
quality = ImageQuality(train_images, every_n_epochs=1, num_samples=EVAL_SAMPLES, extractor=extractor,
                       kid_subsets=50, kid_subset_size=EVAL_SAMPLES // 2, seed=SEED, verbose=0)

# %% [markdown]
# ## Train
#
# `fit` as usual; the callback adds its scores after every epoch, and its `history` keeps them.

# %%
train_data = data.digits(image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, seed=SEED).repeat()
start = time.perf_counter()
history = model.fit(train_data, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH, callbacks=[quality], verbose=0)
print(f"{EPOCHS * STEPS_PER_EPOCH} generator steps with {EPOCHS} evaluations in {time.perf_counter() - start:.0f} s")
for epoch, fid_value, kid_value, kid_std in zip(quality.history["epoch"], quality.history["fid"],
                                                quality.history["kid"], quality.history["kid_std"]):
    print(f"epoch {epoch}: FID {fid_value:7.2f}   KID {kid_value:.4f} +- {kid_std:.4f}")

# %% [markdown]
# **Size of the committed run:** the classifier trained 15 epochs on 1,437 digits; a DCGAN
# at 16×16 with width 32 and $z \in \mathbb R^{64}$, batch 64, 8 epochs of 100 generator steps,
# each epoch scored on 800 generated images, on this 2-core CPU shared with other jobs; the lines
# printed above give how long each took.

# %% [markdown]
# ## Results
#
# ### FID and KID during training

# %%
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(12, 3.3), gridspec_kw={"width_ratios": [1, 1, 0.8]})
left.plot(quality.history["epoch"], quality.history["fid"], "o-")
left.set(xlabel="epoch", ylabel="FID (classifier features)", title="FID against the real digits")
middle.errorbar(quality.history["epoch"], quality.history["kid"], yerr=quality.history["kid_std"], fmt="o-", capsize=3)
middle.set(xlabel="epoch", ylabel="KID", title="KID (mean +- std over subsets)")
z = np.random.default_rng(SEED).standard_normal((36, model.latent_dim)).astype("float32")
right.imshow(image_grid(model.generate(z))[..., 0], cmap="gray")
right.set(title=f"samples after epoch {EPOCHS}")
right.axis("off")
fig.tight_layout()
plt.show()
print(f"for scale, the classifier's real floor (360 held-out vs 1,437 training digits): FID {classifier.real_floor:.2f}")

# %% [markdown]
# Both scores fall steeply after the first epoch and keep improving: FID from 113.2 to 13.5 and
# KID from 47.7 to 3.0 over 8 epochs (800 generated images each time, always from the same
# latents, against 800 real training digits). For scale, held-out real digits score 2.05 against
# the training digits (360 against 1,437 images, so only roughly comparable: see pitfall 1). The
# DCGAN is still far from real data in this feature space, which the rough samples on the right
# confirm. (KID's values are large because the classifier's ReLU
# features are not normalised; only comparisons under one extractor mean anything.)
#
# ### Pitfall 1: FID depends on the number of samples, KID does not
#
# Take two disjoint random halves of the *real* digits, so both sets come from one distribution
# and the true distance is 0. Compute FID and KID between $n$ images of each, for growing $n$,
# several random draws per $n$. Then do the same for the generator against real digits.

# %%
real_features = extractor(all_real)
fake_features = extractor(model.generate(np.random.default_rng(SEED + 1).standard_normal(
    (max(SAMPLE_SIZES), model.latent_dim)).astype("float32")))


def fid_of(a, b):
    sa, sb = metrics.FeatureStatistics().update(a), metrics.FeatureStatistics().update(b)
    return metrics.frechet_distance(sa.mean, sa.covariance, sb.mean, sb.covariance)


curves = {key: {"fid": [], "kid": []} for key in ("real vs real", "generated vs real")}
for n in SAMPLE_SIZES:
    draws = {key: {"fid": [], "kid": []} for key in curves}
    for _ in range(REPEATS):
        order = rng.permutation(len(all_real))
        half_a, half_b = real_features[order[:n]], real_features[order[len(order) // 2:][:n]]
        fakes = fake_features[rng.permutation(len(fake_features))[:n]]
        for key, (x, y) in {"real vs real": (half_a, half_b), "generated vs real": (half_a, fakes)}.items():
            draws[key]["fid"].append(fid_of(x, y))
            draws[key]["kid"].append(metrics.kid_from_features(x, y, num_subsets=1, subset_size=n)[0])
    for key in curves:
        for metric in ("fid", "kid"):
            curves[key][metric].append((np.mean(draws[key][metric]), np.std(draws[key][metric])))

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for ax, metric in zip(axes, ("fid", "kid")):
    for key, style in (("real vs real", "o-"), ("generated vs real", "s--")):
        mean, std = np.array(curves[key][metric]).T
        ax.errorbar(SAMPLE_SIZES, mean, yerr=std, fmt=style, capsize=3, label=key)
    ax.axhline(0, color="k", lw=0.5)
    ax.set(xscale="log", xlabel="images per set (n)", ylabel=metric.upper(), title=f"{metric.upper()} vs sample size")
    ax.set_xticks(SAMPLE_SIZES, [str(n) for n in SAMPLE_SIZES])
    ax.minorticks_off()
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
print(f"mean +- std over {REPEATS} draws" + "".join(f"{f'n={n}':>15}" for n in SAMPLE_SIZES))
for key in curves:
    for metric in ("fid", "kid"):
        cells = "".join(f"{f'{mean:.2f} +- {std:.2f}':>15}" for mean, std in curves[key][metric])
        print(f"{key + ' ' + metric.upper():>24}" + cells)

# %% [markdown]
# Between two halves of the same real digits the true distance is 0, yet the FID estimate is 90.0
# from 25 images per set, 10.6 from 200 and still 2.9 from 800: the bias shrinks as $n$ grows but
# is never 0. At 25 images, real-vs-real (90.0 ± 15.9) and generated-vs-real (94.7 ± 20.3) cannot be
# told apart, and the same generator's FID falls from 94.7 to 15.1 between $n = 25$ and $n = 800$
# without any change to the generator. KID behaves as promised: real-vs-real averages about 0 at
# every $n$, within one standard deviation (single draws go negative); generated-vs-real stays
# between 2.5 and 4.8, each time within one standard deviation of its $n = 800$ value of 3.6; only
# the spread shrinks as $n$ grows. Compare FIDs only at the same $n$ (and report it); KIDs can be
# compared across $n$, with their error bars.
#
# ### Pitfall 2: the resize filter is part of the metric
#
# A feature network has a fixed input size, so images of any other size are resized first. Here
# the extractor reads 16×16 images, and suppose the images to score come at 8×8, the digits'
# native resolution (a generator of small images, say). Take the *real* 8×8 digits, upsample them
# to 16×16 with six filters that `tf.image.resize` offers, and score each version against the
# reference 16×16 digits, which `keras_gans.data.digits` makes with bilinear interpolation. The
# images are the same; only the filter differs. (For Inception the package's
# `metrics.preprocess_images` always resizes to 299 with bilinear interpolation and no
# antialiasing, so that every FID it computes uses the same filter.)

# %%
small = next(iter(data.digits(image_size=8, batch_size=len(all_real), shuffle=False)))  # the native 8x8
reference = next(iter(data.digits(image_size=IMAGE_SIZE, batch_size=len(all_real), shuffle=False))).numpy()
reference_features = extractor(reference)
methods = ("bilinear", "gaussian", "mitchellcubic", "bicubic", "lanczos3", "nearest")
resized, resize_fid = {}, {}
for method in methods:
    resized[method] = tf.clip_by_value(tf.image.resize(small, (IMAGE_SIZE, IMAGE_SIZE), method=method), -1, 1).numpy()
    resize_fid[method] = fid_of(reference_features, extractor(resized[method]))
    print(f"8x8 -> 16x16 by {method:>13}: FID {resize_fid[method]:6.2f} against the same digits resized bilinearly")
print(f"for scale: held-out vs training real digits (the classifier's real floor) {classifier.real_floor:.2f}; "
      f"the DCGAN above ({EVAL_SAMPLES} samples) {quality.history['fid'][-1]:.2f}")

fig, axes = plt.subplots(1, len(methods), figsize=(2.1 * len(methods), 2.5))
for ax, method in zip(axes, methods):
    ax.imshow(image_grid(resized[method][:9])[..., 0], cmap="gray")
    ax.set_title(f"{method}\nFID {resize_fid[method]:.2f}", fontsize=8)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# The same 1,797 real digits score anywhere from 0 (bilinear, the reference's own filter; the
# "-0.00" is float rounding of an exact 0) to 16.7 (nearest neighbour, blocky) depending only on
# the upsampling filter. Bicubic (7.1) and Lanczos (11.4) sharpen edges and overshoot; the smoother
# Gaussian and Mitchell filters stay near 1. Nearest neighbour costs more FID than our DCGAN
# scored against the real digits (13.5, from 800 samples), and eight times the real floor: a
# change of resizer can swamp the difference between two models.
#
# ### Pitfall 3: which Inception?
#
# The real thing, for images that are not tiny digits, is Inception-v3 on 299×299 inputs:
# `metrics.inception_features()` builds it from `keras.applications.InceptionV3` with ImageNet
# weights, fetched into the Keras cache (`~/.keras/models`) on first use. Those weights are Keras'
# own, not the 2015 TensorFlow graph behind the FIDs printed in papers, so a FID computed here is
# comparable with other FIDs computed here, never with a paper's table. On a machine without
# network access, pass a local weights file (`inception_features(weights="path.h5")`, or
# `keras-gans evaluate --inception-weights`).
#
# The next cell runs the Inception path only when the weights are already in the cache; it never
# triggers a download.

# %%
keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
weights_file = os.path.join(keras_home, "models", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
if os.path.exists(weights_file):
    inception = metrics.inception_features(weights=weights_file)
    n = 50 if QUICK else 200
    fake = model.generate(np.random.default_rng(SEED).standard_normal((n, model.latent_dim)).astype("float32"))
    start = time.perf_counter()
    print(f"Inception FID ({n} images each): {metrics.fid(train_images[:n], fake, extractor=inception):.2f} "
          f"({time.perf_counter() - start:.0f} s)")
else:
    # The path as the reader's machine spells it, not this one's.
    shown = os.path.join("$KERAS_HOME" if "KERAS_HOME" in os.environ else "~/.keras", "models",
                         os.path.basename(weights_file))
    print(f"Inception weights not in the Keras cache ({shown}): the Inception FID was skipped, "
          "and every figure in this notebook uses the digits classifier's features.")

# %% [markdown]
# ## Takeaways
#
# - FID compares the mean and covariance of two sets of features; KID compares the whole
#   distributions with a polynomial kernel and an unbiased estimator. Both need a feature
#   extractor, and `keras_gans.metrics` accepts any callable.
# - FID is biased upward at small $n$, even between two halves of the same data: only compare FIDs
#   computed from the same number of images (and report it). KID's expectation does not depend on
#   $n$; its spread does.
# - The resize filter is part of the metric: the same images resized differently get different
#   scores. Fix one pipeline (the package's is bilinear, no antialiasing, to 299) and keep it.
# - Keras' ImageNet Inception weights are not the graph behind published FIDs: compare models
#   under one extractor, not with numbers from papers.
# - A score is a measurement with error bars: repeat it over draws or seeds before you trust a
#   difference.

"""ImageQuality: FID and KID of the generator against real images, every few epochs."""

import math
import time
import warnings

import keras
import numpy as np

from keras_gans._validation import boolean, positive_int
from keras_gans.metrics.fid import FeatureStatistics, feature_batches, frechet_distance_from_features, resolve_extractor
from keras_gans.metrics.kid import kid_from_features


class ImageQuality(keras.callbacks.Callback):
    """Computes FID (and KID) of `num_samples` generated images every `every_n_epochs` epochs.

    The real images' features are computed once, at the first train begin, and
    kept (their mean and covariance for FID, the features themselves for KID).
    At the end of each epoch whose 1-based number is a multiple of
    `every_n_epochs`, the model generates `num_samples` images through
    `model.generate(z, labels)` from the same latents every time (drawn from
    `seed`; labels uniform in [0, num_classes) for a conditional model), so that
    changes between epochs come from the generator, not from the draw; their
    features give `logs["fid"]`, `logs["kid"]` and `logs["kid_std"]`, which
    `History`, `CSVLogger` and `TensorBoard` record when they come after this
    callback in the list (`fit`'s own `History` always does). Like Keras'
    `validation_freq`, the keys appear only on evaluated epochs; `self.history`
    keeps them with their epoch numbers.

    FID from 1000 images is biased upward against FID from 50,000 (the usual for
    papers), and differs with the extractor (see
    `keras_gans.metrics.inception_features`): watch its trend across epochs, or
    compare runs evaluated alike. KID is unbiased in the sample count, hence
    its default here.

    Cost per evaluation: `num_samples` generated images through the extractor
    (Inception: about 6 GFLOPs an image), then FID's matrix square root of a
    2048 x 2048 matrix, tens of seconds on a CPU of two cores; choose
    `every_n_epochs` to match. With `num_samples` equal to the KID subset size
    (1000 by default) every KID subset is the whole set: KID is computed once
    and `kid_std` is 0; a smaller `kid_subset_size` shows the spread.

    A generator gone to NaN gives NaN values and a warning rather than stopping
    training (`keras.callbacks.TerminateOnNaN` stops on NaN losses).

    Attributes:
        history: dict of lists: "epoch" (1-based), "fid", and with `kid` "kid"
            and "kid_std"; kept across fits.

    Args:
        real_data: real images: an array (N, H, W, C) in [-1, 1], an `(images,
            labels)` tuple, or a batched `tf.data.Dataset` of images or `(images,
            labels)` (e.g. the training dataset); its first `num_samples` images are used.
        every_n_epochs: evaluate at the end of every this many epochs.
        num_samples: images generated per evaluation, and real images used at most.
        extractor: callable images -> (n, dim) features; the Inception extractor
            of `keras_gans.metrics.inception_features()` (ImageNet weights,
            downloaded on first use) when None.
        kid: also compute KID (mean and std over subsets).
        seed: seed of the fixed latents and labels, and of KID's subsets.
        batch_size: images generated and featurised at a time.
        kid_subsets: number of KID subsets (100 in the reference).
        kid_subset_size: vectors per KID subset; None takes 1000 (the reference)
            or the number of real or generated images if fewer.
        verbose: 1 shows a progress bar during feature extraction and one line
            per evaluation; 0 is silent.

    Example:
    >>> import numpy as np
    >>> from keras_gans.models import WGANGP
    >>> model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=1)
    >>> model.compile()
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> project = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
    >>> quality = ImageQuality(images, num_samples=8, verbose=0, kid_subsets=5,
    ...                        extractor=lambda x: x.reshape(len(x), -1) @ project)
    >>> history = model.fit(images, batch_size=4, epochs=2, verbose=0, callbacks=[quality])
    >>> quality.history["epoch"], len(history.history["fid"]), "kid" in history.history
    ([1, 2], 2, True)

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium" (FID); Binkowski et al. 2018, "Demystifying
        MMD GANs" (KID).
    """

    def __init__(
        self,
        real_data,
        every_n_epochs=1,
        num_samples=1000,
        extractor=None,
        kid=True,
        seed=0,
        batch_size=50,
        kid_subsets=100,
        kid_subset_size=None,
        verbose=1,
    ):
        super().__init__()
        self.real_data = real_data
        self.every_n_epochs = positive_int("every_n_epochs", every_n_epochs)
        # A covariance needs 2 images.
        self.num_samples = positive_int("num_samples", num_samples, minimum=2)
        if extractor is not None and not callable(extractor):
            raise TypeError(f"extractor must be a callable from images to features, got {type(extractor).__name__}")
        self.extractor = extractor
        self.kid = boolean("kid", kid)
        self.seed = seed
        self.batch_size = positive_int("batch_size", batch_size)
        self.kid_subsets = positive_int("kid_subsets", kid_subsets)
        self.kid_subset_size = positive_int("kid_subset_size", kid_subset_size, allow_none=True)
        if self.kid_subset_size is not None and not 2 <= self.kid_subset_size <= self.num_samples:
            raise ValueError(
                f"kid_subset_size must be in [2, num_samples={self.num_samples}], got {self.kid_subset_size}"
            )
        self.verbose = verbose
        self.history = {"epoch": [], "fid": [], **({"kid": [], "kid_std": []} if self.kid else {})}
        # Set at the first train begin and kept across fits: the real data does not change.
        self.real_statistics = None
        self.real_features = None

    def on_train_begin(self, logs=None):
        model = self.model
        if not (hasattr(model, "generate") and hasattr(model, "latent_dim")):
            raise TypeError(f"ImageQuality needs a GAN with generate() and latent_dim, got {type(model).__name__}")
        if self.real_statistics is not None:
            return
        # Built here, not in __init__: the default extractor loads (or downloads) Inception.
        self.extractor = resolve_extractor(self.extractor)
        features = self._features(self.real_data, "real images")
        if len(features) < 2:
            raise ValueError(f"real_data gave {len(features)} images; FID needs at least 2")
        if self.kid_subset_size is not None and self.kid_subset_size > len(features):
            raise ValueError(
                f"kid_subset_size={self.kid_subset_size} is more than the {len(features)} real images of real_data"
            )
        self.real_statistics = FeatureStatistics().update(features)
        self.real_features = features if self.kid else None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        start = time.perf_counter()
        fake = self._features(self.model, "generated images")
        values = self._scores(fake)
        if logs is not None:
            logs.update(values)
        self.history["epoch"].append(epoch + 1)
        for key, value in values.items():
            self.history[key].append(value)
        if self.verbose:
            text = ", ".join(f"{key} {value:.4g}" for key, value in values.items())
            # A leading newline, as ModelCheckpoint does: fit's progress bar has not ended its line yet.
            print(f"\nEpoch {epoch + 1}: {text} ({time.perf_counter() - start:.1f} s)", flush=True)

    def _scores(self, fake):
        """{"fid": ..., "kid": ..., "kid_std": ...} for the generated features `fake`."""
        keys = ("fid", "kid", "kid_std") if self.kid else ("fid",)
        if not np.all(np.isfinite(fake)):
            warnings.warn("ImageQuality: the generated images give NaN or inf features; FID and KID are NaN")
            return dict.fromkeys(keys, math.nan)
        values = {"fid": frechet_distance_from_features(self.real_statistics, fake)}
        if self.kid:
            # The same seed every epoch: the same subsets, so the epochs differ by the generator only.
            mean, std = kid_from_features(self.real_features, fake, self.kid_subsets, self.kid_subset_size, self.seed)
            values.update(kid=mean, kid_std=std)
        return values

    def _features(self, source, what):
        """Features of `num_samples` images (at most) of `source`, float32, with a progress bar when verbose."""
        progress = None
        if self.verbose:
            print(f"\nImageQuality: features of {what}", flush=True)
            progress = keras.utils.Progbar(self.num_samples, unit_name="image")
        batches, count = [], 0
        for batch in feature_batches(source, self.extractor, self.batch_size, self.num_samples, seed=self.seed):
            batches.append(np.asarray(batch, np.float32))
            count += len(batch)
            if progress is not None:
                progress.update(count)  # ends the bar's line on reaching num_samples
        if progress is not None and count < self.num_samples:
            # real_data held fewer images: end the line here.
            progress.update(count, finalize=True)
        return np.concatenate(batches) if batches else np.zeros((0, 0), np.float32)

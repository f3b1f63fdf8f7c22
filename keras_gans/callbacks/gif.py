"""FixedNoiseGIF: the same latents (or real inputs, for translation) rendered as training goes on, as
PNG frames and a GIF."""

import os
import re

import keras
import numpy as np
from PIL import Image

from keras_gans.callbacks._progress import TrainingClock, continues_run, generator_step
from keras_gans._validation import boolean, number, positive_int, writable_path
from keras_gans.images import DISPLAY_TILE, add_caption, atomic_write, grid_shape, image_grid, save_image

# Frame names carry both coordinates, zero-padded so that a plain listing sorts in
# training order; the epoch also lets a later run find where this one stopped.
_FRAME_NAME = "epoch_{epoch:04d}_step_{step:07d}.png"
_FRAME_PATTERN = re.compile(r"^epoch_(\d+)_step_(\d+)\.png$")


class FixedNoiseGIF(keras.callbacks.Callback):
    """Renders a fixed set of latents every few epochs (or steps) into frames and a GIF.

    `num_images` latents z ~ N(0, I) are drawn once (seeded) and saved to
    `out_dir/fixed_noise.npy`; a resumed run in the same folder loads them, so the
    same faces keep evolving across resumed runs. Each frame is a near-square grid
    of `model.generate(noise)` (inference mode) under a caption "epoch 3" (or
    "epoch 3 · step 120" when counting steps), written to `out_dir/frames/` as
    `epoch_0003_step_0000120.png`. Frames are taken before training (epoch 0), every
    `every_n_epochs` epochs or `every_n_steps` generator steps, and at train end
    if the last one is stale. After every frame the GIF of all frames in the folder
    (sorted, looping forever) is rewritten atomically, so it stays valid if
    training stops early. Each rewrite costs time linear in the number of frames
    (about 10 ms a frame for an 8 x 8 grid of 64 px images), and the frames are
    kept in memory palettised (about 0.3 MB each at that size): for long runs
    prefer `every_n_epochs` or a large `every_n_steps`.

    A folder that already holds frames: the fit continues them or starts anew exactly
    as `LossPlot` decides for its CSV (`append`). Resumed runs (`fit(initial_epoch=k)`,
    or `keras.callbacks.BackupAndRestore`, which restores epoch k) number frames by
    Keras' epoch index, and frames the interrupted run took after epoch k (during
    training that is now redone) are deleted, so the GIF has each position once. A
    second `fit` of the same model (same callback, or a model whose generator step is
    where the frames stop; Keras restarts at epoch 0) continues after the last frame.
    Any other fit, such as a new model, starts anew: the earlier frames are removed,
    the latents drawn again from `seed`, and a line says so. When a run continues,
    its start frame shows the same model state as the earlier run's frame at that
    position and replaces it.

    Identical consecutive frames are merged into one longer frame by the GIF
    encoder; the captions normally make every frame distinct.

    Image-to-image models (CycleGAN, StarGAN) are given fixed real `inputs` instead of
    latents: each frame has one row per input, the input first and then its translations,
    the columns of `model.translation_columns(inputs, input_labels)` (one per target
    domain for StarGAN; the translation and the round trip for CycleGAN, whose
    `input_labels` say each input's domain, 0 for A and 1 for B). The caption names the
    columns.

    Args:
        out_dir: folder for `fixed_noise.npy`, `frames/` and the GIF; created.
        every_n_epochs: take a frame every this many epochs.
        every_n_steps: if set, take a frame every this many generator steps
            instead, and `every_n_epochs` is ignored.
        num_images: number of fixed latents, laid out near-square (64 -> 8 x 8).
        seed: seed of the latent draw (numpy), used only when no saved noise exists.
        gif_name: file name of the GIF inside `out_dir`.
        fps: GIF frames per second.
        labels: optional int array of `num_images` class labels for conditional
            models, passed as `model.generate(noise, labels=labels)`; e.g.
            `np.repeat(np.arange(8), 8)` gives one class per row of an 8 x 8 grid.
        class_names: optional names of the classes, indexed by label. When `labels`
            give each row of the grid one class, the caption names the rows in order
            ("epoch 3 · rows: 0, 1, 2, ..."; text wider than the frame is cut off).
        append: whether to continue the frames in `out_dir`: None (default) decides as
            described above (`keras_gans.callbacks.LossPlot` does the same), True
            always continues them, False always starts anew.
        inputs: fixed real images (N, H, W, C) in [-1, 1] for an image-to-image model, in
            place of latents (`num_images`, `seed` and `labels` are then unused).
        input_labels: the inputs' own labels, for a conditional translator whose targets
            depend on them (StarGAN's attribute vectors), or their domains (CycleGAN: 0 for
            A, 1 for B; None: all A).

    Example:
    >>> import os, tempfile, numpy as np
    >>> from keras_gans.models import WGANGP
    >>> model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=1)
    >>> model.compile()
    >>> gif = FixedNoiseGIF(tempfile.mkdtemp(), num_images=4)
    >>> images = np.random.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    >>> _ = model.fit(images, batch_size=4, epochs=2, verbose=0, callbacks=[gif])
    >>> sorted(os.listdir(gif.frames_dir))  # epochs 0, 1, 2; 2 steps an epoch
    ['epoch_0000_step_0000000.png', 'epoch_0001_step_0000002.png', 'epoch_0002_step_0000004.png']
    >>> sorted(os.listdir(gif.out_dir))
    ['fixed_noise.npy', 'frames', 'training.gif']
    """

    def __init__(
        self,
        out_dir,
        every_n_epochs=1,
        every_n_steps=None,
        num_images=64,
        seed=0,
        gif_name="training.gif",
        fps=4,
        labels=None,
        class_names=None,
        append=None,
        inputs=None,
        input_labels=None,
    ):
        super().__init__()
        self.inputs = None if inputs is None else _check_inputs(inputs)
        self.input_labels = None if input_labels is None else np.asarray(input_labels)
        if self.inputs is not None:
            num_images = len(self.inputs)
            if self.input_labels is not None and len(self.input_labels) != num_images:
                raise ValueError(f"input_labels must have one label per input ({num_images}), got {len(self.input_labels)}")
        self.every_n_epochs = positive_int("every_n_epochs", every_n_epochs)
        self.every_n_steps = positive_int("every_n_steps", every_n_steps, allow_none=True)
        self.num_images = positive_int("num_images", num_images)
        if not str(gif_name).lower().endswith(".gif"):
            raise ValueError(f"gif_name must end in .gif, got {gif_name!r}")
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != (self.num_images,) or not np.issubdtype(labels.dtype, np.integer):
                raise ValueError(
                    f"labels must be {self.num_images} ints (one per image, num_images="
                    f"{self.num_images}), got dtype {labels.dtype} with shape {labels.shape}"
                )
        self.seed = seed
        self.fps = number("fps", fps, low=0, low_open=True)
        self.labels = labels
        self.out_dir = writable_path("out_dir", out_dir, "folder")
        self.frames_dir = os.path.join(self.out_dir, "frames")
        self.noise_path = os.path.join(self.out_dir, "fixed_noise.npy")
        self.gif_path = os.path.join(self.out_dir, gif_name)
        self.noise = None
        self.clock = TrainingClock()
        self._started = False
        self._last_frame_step = None
        # Palettised frames by file name, so a GIF rewrite neither re-reads nor
        # re-quantises them.
        self._frame_cache = {}
        self.append = None if append is None else boolean("append", append)
        self.row_names = _row_names(labels, class_names, self.num_images)
        self._ran_before = False

    # ------------------------------------------------------------------ hooks

    def on_train_begin(self, logs=None):
        os.makedirs(self.frames_dir, exist_ok=True)
        self._started = False
        self._last_frame_step = None

    def on_epoch_begin(self, epoch, logs=None):
        if not self._started:
            # The start frame waits for the first epoch because only here does Keras
            # reveal the initial epoch of a resumed fit.
            self._started = True
            last_epoch, last_step = self._last_position()
            model_step = generator_step(self.model)
            continuing = continues_run(self.append, epoch, self._ran_before, model_step, last_step)
            if not continuing:
                self._remove_frames()
                last_epoch, last_step = 0, 0
            if self.inputs is None:
                self.noise = self._load_or_create_noise(self.model.latent_dim, reuse=continuing)
            else:
                self.noise = self.inputs
            if self.clock.start(epoch, (self.params or {}).get("steps"), last_epoch, last_step, model_step):
                self._drop_frames_after_position()
            self._ran_before = True
            self._write_frame(self.clock.epoch)
        self.clock.begin_epoch(epoch)

    def on_train_batch_end(self, batch, logs=None):
        before = self.clock.step
        self.clock.end_batch(batch)
        n = self.every_n_steps
        # Crossing a multiple of n (not equality) so steps_per_execution > 1,
        # which advances several steps per call, still triggers.
        if n is not None and self.clock.step // n > before // n:
            self._write_frame(self.clock.epoch)

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_steps is None and self.clock.epoch % self.every_n_epochs == 0:
            self._write_frame(self.clock.epoch)

    def on_train_end(self, logs=None):
        if self._started and self._last_frame_step != self.clock.step:
            self._write_frame(self.clock.epoch)
        self._write_gif()

    # ---------------------------------------------------------------- helpers

    def _load_or_create_noise(self, latent_dim, reuse):
        if reuse and os.path.exists(self.noise_path):
            noise = np.load(self.noise_path)
            if noise.ndim != 2 or noise.shape[1] != latent_dim:
                raise ValueError(
                    f"{self.noise_path} holds latents of shape {noise.shape}, but the model "
                    f"has latent_dim={latent_dim}; use another out_dir or delete the file"
                )
            if noise.shape[0] != self.num_images:
                raise ValueError(
                    f"{self.noise_path} holds {noise.shape[0]} latents, but num_images="
                    f"{self.num_images}; use another out_dir or delete the file"
                )
            return noise.astype(np.float32)
        # The generator's inputs as the model draws them (z ~ N(0, I), numpy's default_rng(seed)).
        noise = self.model.draw_inputs(self.num_images, self.seed)
        with atomic_write(self.noise_path) as tmp:
            with open(tmp, "wb") as f:
                np.save(f, noise)
        return noise

    def _frame_files(self):
        """[(epoch, step, file name)] of the frames on disk, in training order."""
        found = []
        for name in os.listdir(self.frames_dir):
            match = _FRAME_PATTERN.match(name)
            if match:
                found.append((int(match.group(1)), int(match.group(2)), name))
        return sorted(found)

    def _remove_frames(self):
        """Starts anew: deletes the frames and the GIF of an earlier run, saying so."""
        names = [name for _, _, name in self._frame_files()]
        for name in names:
            os.remove(os.path.join(self.frames_dir, name))
        self._frame_cache = {}
        if os.path.exists(self.gif_path):
            os.remove(self.gif_path)
        if names:
            print(f"FixedNoiseGIF: a new run in {self.out_dir} (this fit does not continue the earlier one): "
                  f"removed its {len(names)} frame(s) and {os.path.basename(self.gif_path)}; pass append=True "
                  "to continue them")

    def _drop_frames_after_position(self):
        """Deletes frames an interrupted run took after the checkpoint this fit resumes.

        That stretch of training is redone, so its frames would appear twice (or show a
        future the resumed run does not take).
        """
        dropped = [name for epoch, step, name in self._frame_files() if self.clock.is_after(epoch, step)]
        for name in dropped:
            os.remove(os.path.join(self.frames_dir, name))
            self._frame_cache.pop(name, None)
        if dropped:
            print(f"FixedNoiseGIF: resuming at epoch {self.clock.epoch}, step {self.clock.step}; removed "
                  f"{len(dropped)} later frame(s) of the interrupted run: {', '.join(dropped)}")

    def _last_position(self):
        frames = self._frame_files()
        return frames[-1][:2] if frames else (0, 0)

    def _render(self, caption):
        if self.inputs is not None:
            return self._render_translations(caption)
        if self.labels is None:
            images = self.model.generate(self.noise)
        else:
            images = self.model.generate(self.noise, labels=self.labels)
        images = keras.ops.convert_to_numpy(images)
        return add_caption(image_grid(images, min_tile=self._tile_side()), caption)

    def _tile_side(self):
        # The side the model's full-size images are shown at (DISPLAY_TILE or more, a whole
        # multiple of theirs), so that a staged model's smaller first-stage images (StackGAN's
        # Stage-I, a quarter of the side) make frames of the same size in one GIF.
        side = (getattr(self.model, "data_shape", None) or (None,))[0]
        return DISPLAY_TILE if not side else side * -(-DISPLAY_TILE // side)

    def _render_translations(self, caption):
        """Rows of [input, its translations], the columns the model names (`translation_columns`)."""
        translations = self.model.translation_columns(self.inputs, self.input_labels)
        columns = [self.inputs] + [keras.ops.convert_to_numpy(images) for _, images in translations]
        grid = np.stack(columns, axis=1).reshape((-1, *self.inputs.shape[1:]))
        names = ["input"] + [name for name, _ in translations]
        caption += f" · columns: {', '.join(names)}"
        return add_caption(image_grid(grid, rows=len(self.inputs), cols=len(columns), min_tile=DISPLAY_TILE), caption)

    def _write_frame(self, epoch):
        step = self.clock.step
        caption = f"epoch {epoch}" if self.every_n_steps is None else f"epoch {epoch} · step {step}"
        if self.row_names:
            caption += f" · rows: {', '.join(self.row_names)}"
        name = _FRAME_NAME.format(epoch=epoch, step=step)
        frame = self._render(caption)
        save_image(os.path.join(self.frames_dir, name), frame)
        self._frame_cache[name] = _palettized(Image.fromarray(frame[..., 0] if frame.shape[-1] == 1 else frame))
        self._last_frame_step = step
        self._write_gif()

    def _gif_frame(self, name):
        if name not in self._frame_cache:
            with Image.open(os.path.join(self.frames_dir, name)) as image:
                self._frame_cache[name] = _palettized(image)
        return self._frame_cache[name]

    def _write_gif(self):
        if not os.path.isdir(self.frames_dir):
            return
        frames = [self._gif_frame(name) for _, _, name in self._frame_files()]
        if not frames:
            return
        # Frames of another size or colour mode (an earlier run at another
        # resolution) cannot share a GIF; keep those matching the newest frame.
        frames = [f for f in frames if (f.size, f.mode) == (frames[-1].size, frames[-1].mode)]
        first, *rest = frames
        # Pillow directly rather than imageio: imageio takes arrays and would
        # re-quantise every frame on every rewrite.
        with atomic_write(self.gif_path) as tmp:
            first.save(tmp, format="GIF", save_all=True, append_images=rest,
                       duration=round(1000 / self.fps), loop=0)


def _check_inputs(inputs):
    """Fixed real inputs as a float32 (N, H, W, C) array in [-1, 1]; raises a ValueError naming what is wrong."""
    array = np.asarray(inputs, dtype="float32")
    if array.ndim != 4 or not len(array):
        raise ValueError(f"inputs must be images of shape (N, H, W, C), N >= 1, got shape {array.shape}")
    if not np.isfinite(array).all() or array.min() < -1.001 or array.max() > 1.001:
        raise ValueError(f"inputs must be finite and scaled to [-1, 1], got values in [{array.min()}, {array.max()}]")
    return array


def _row_names(labels, class_names, num_images):
    """The class name of each grid row, or None unless `labels` hold one class per row."""
    if class_names is None or labels is None:
        return None
    class_names = [str(name) for name in class_names]
    if labels.min() < 0 or labels.max() >= len(class_names):
        raise ValueError(f"labels must index class_names ({len(class_names)} names), got labels from "
                         f"{labels.min()} to {labels.max()}")
    cols = grid_shape(num_images)[1]
    rows = [labels[start:start + cols] for start in range(0, num_images, cols)]
    if any((row != row[0]).any() for row in rows):
        return None
    return [class_names[row[0]] for row in rows]


def _palettized(image):
    """`image` as GIF stores it: grayscale as is, colour quantised to a 256-colour palette.

    Each frame is quantised once (then cached) with the fast octree method: Pillow's
    default for RGB, median cut, is ~100x slower, and redoing it for every frame at
    every rewrite made the GIF cost grow quadratically with the number of frames.
    """
    image.load()
    if image.mode in ("L", "P"):
        return image.copy()
    return image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)

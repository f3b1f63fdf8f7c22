"""TensorBoard for GANs: every metric per generator step, the fixed-noise grid, the run's configuration."""

import glob
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans._validation import boolean, positive_int, writable_path
from keras_gans.callbacks._progress import TrainingClock, generator_step
from keras_gans.images import DISPLAY_TILE, add_caption, atomic_write, image_grid

# The run folders inside log_dir: ours, and those of keras.callbacks.TensorBoard (which
# numbers its epoch_* summaries by Keras' 0-based epoch index).
STEPS_RUN = "steps"
KERAS_RUNS = ("train", "validation")


class TrainingBoard(keras.callbacks.Callback):
    """Writes a GAN's training to TensorBoard through `tf.summary`, on one step axis across resumed runs.

    Into the run `log_dir/steps` it writes:

    - every metric the model reports (`d_loss`, `g_loss`, `gp`, ...) as a scalar at each
      generator step. Keras hands callbacks each metric's mean since the epoch began, so the
      step's own value is recovered as v_t = t m_t - (t - 1) m_{t-1} (t the batch index + 1),
      the values `LossPlot` writes to losses.csv;
    - the fixed-noise grid as the image `fixed_noise` every `every_n_epochs` epochs: `num_images`
      latents z ~ N(0, I) drawn once from `seed` (the same as `FixedNoiseGIF`'s for the same seed
      and count), rendered with `model.generate` in inference mode;
    - `config` (a dict, shown as a table, or a string) as the text `config` when a fit starts.

    Steps count generator updates since the run began (Keras' own TensorBoard callback restarts
    its batch count at every `fit`). A fit that resumes a run (`initial_epoch=k`, or
    `keras.callbacks.BackupAndRestore` restoring epoch k) continues the step axis at epoch k's
    end, and first removes from the event files what an interrupted run wrote after that point
    (those steps are redone), so every step appears once. A fit that starts at epoch 0 starts a
    new record: the event files already in the run folders are deleted, as it says.

    With `epoch_summaries=True` it also drives a `keras.callbacks.TensorBoard(log_dir,
    write_graph=False)`, Keras' own, which writes each metric's epoch mean (`epoch_d_loss`, ...)
    into the run `log_dir/train`, numbered by Keras' 0-based epoch index. It is started only
    after the folders are tidied as above (Keras' callback opens its event file as training
    begins, before a resumed fit's epoch is known), and `log_dir/train` gets the same
    treatment. Its train graph is left out: a GAN's is thousands of nodes few would read.

    Args:
        log_dir: the TensorBoard log folder (`tensorboard --logdir LOG_DIR`); created.
        config: the run's configuration, a dict (one table row per key) or a string; None for none.
        every_n_epochs: write the grid every this many epochs.
        num_images: number of fixed latents, laid out near-square (64 -> 8 x 8).
        seed: seed of the latent draw (numpy `default_rng`).
        labels: class labels of the `num_images` latents, for conditional models.
        epoch_summaries: also write Keras' epoch means through `keras.callbacks.TensorBoard`.

    Example:
    >>> import os, tempfile, numpy as np
    >>> from keras_gans import WGANGP
    >>> model = WGANGP(*WGANGP.default_networks(16, 1, latent_dim=8, width=4), critic_steps=1)
    >>> model.compile()
    >>> log_dir = tempfile.mkdtemp()
    >>> board = TrainingBoard(log_dir, config={"variant": "wgan-gp"}, num_images=4)
    >>> _ = model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, epochs=2, verbose=0, callbacks=[board])
    >>> sorted(os.listdir(log_dir)), sorted(read_events(log_dir + "/steps"))
    (['steps', 'train'], ['config', 'd_loss', 'fixed_noise', 'g_loss', 'gp', 'wasserstein'])
    >>> read_events(log_dir + "/steps")["d_loss"][0], read_events(log_dir + "/steps")["fixed_noise"][0]
    ([1, 2, 3, 4], [2, 4])
    """

    def __init__(self, log_dir, config=None, every_n_epochs=1, num_images=64, seed=0, labels=None,
                 epoch_summaries=True):
        super().__init__()
        self.log_dir = writable_path("log_dir", log_dir, "folder")
        if config is not None and not isinstance(config, (dict, str)):
            raise ValueError(f"config must be a dict, a string or None, got {type(config).__name__}")
        self.config = config
        self.every_n_epochs = positive_int("every_n_epochs", every_n_epochs)
        self.num_images = positive_int("num_images", num_images)
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != (self.num_images,) or not np.issubdtype(labels.dtype, np.integer):
                raise ValueError(f"labels must be {self.num_images} ints (one per image, num_images="
                                 f"{self.num_images}), got dtype {labels.dtype} with shape {labels.shape}")
        self.labels = labels
        self.seed = seed
        self.run_dir = os.path.join(self.log_dir, STEPS_RUN)
        self.epoch_summaries = boolean("epoch_summaries", epoch_summaries)
        self.keras_board = keras.callbacks.TensorBoard(self.log_dir, write_graph=False) if epoch_summaries else None
        self._keras_board_open = False
        self.clock = TrainingClock()
        self._writer = None
        self._noise = None
        self._started = False
        self._previous = {}

    # ------------------------------------------------------------------ hooks

    def set_model(self, model):
        super().set_model(model)
        if self.keras_board is not None:
            self._close_keras_board()  # left open by a fit that raised: set_model drops its writers
            self.keras_board.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        if self.keras_board is not None:
            self.keras_board.set_params(params)

    def on_train_begin(self, logs=None):
        self._close()  # a writer left open by a fit that raised (Keras then skips on_train_end)
        self._started = False
        # The generator's inputs as the model draws them, the same as FixedNoiseGIF's for one seed.
        self._noise = self.model.draw_inputs(self.num_images, self.seed)

    def on_epoch_begin(self, epoch, logs=None):
        if not self._started:
            # Only here does Keras reveal the initial epoch of a resumed fit (BackupAndRestore
            # sets it in its own on_train_begin, which may run after ours).
            self._started = True
            if epoch > 0:
                # The step follows from the epoch and its length, else from the model's generator
                # step count, else from the files.
                self.clock.start(epoch, (self.params or {}).get("steps"), 0, _last_step(self.run_dir),
                                 generator_step(self.model))
                self._drop_events_after(epoch)
            else:
                self.clock.start(epoch, None, 0, 0)
                self._start_new_record()
            os.makedirs(self.run_dir, exist_ok=True)
            self._writer = tf.summary.create_file_writer(self.run_dir)
            if self.config is not None:
                with self._writer.as_default():
                    tf.summary.text("config", _as_markdown(self.config), step=self.clock.step)
            if self.keras_board is not None:
                self.keras_board.on_train_begin(logs)
                self._keras_board_open = True
        self.clock.begin_epoch(epoch)
        if self._keras_board_open:
            self.keras_board.on_epoch_begin(epoch, logs)
        self._previous = {}  # Keras resets the metric trackers every epoch: m_0 = 0

    def on_train_batch_end(self, batch, logs=None):
        self.clock.end_batch(batch)
        t = batch + 1
        with self._writer.as_default():
            for key, value in (logs or {}).items():
                mean = _scalar(value)
                if mean is None:
                    continue
                # v_t = t m_t - t' m_t' over (t - t'): the step's value, or with
                # steps_per_execution > 1 the mean of the steps since the last report.
                t_prev, mean_prev = self._previous.get(key, (0, 0.0))
                tf.summary.scalar(key, (t * mean - t_prev * mean_prev) / (t - t_prev), step=self.clock.step)
                self._previous[key] = (t, mean)

    def on_epoch_end(self, epoch, logs=None):
        if self.clock.epoch % self.every_n_epochs == 0:
            images = self.model.generate(self._noise) if self.labels is None else \
                self.model.generate(self._noise, labels=self.labels)
            grid = image_grid(keras.ops.convert_to_numpy(images), min_tile=DISPLAY_TILE)
            grid = add_caption(grid, f"epoch {self.clock.epoch}")
            with self._writer.as_default():
                tf.summary.image("fixed_noise", grid[None], step=self.clock.step,
                                 description=f"{self.num_images} fixed latents (seed {self.seed}), inference mode")
        self._writer.flush()
        if self._keras_board_open:
            self.keras_board.on_epoch_end(epoch, logs)

    def on_train_end(self, logs=None):
        self._close()
        self._close_keras_board(logs)

    # ---------------------------------------------------------------- helpers

    def _close(self):
        if self._writer is not None:
            self._writer.close()
        self._writer = None

    def _close_keras_board(self, logs=None):
        if self._keras_board_open:
            self.keras_board.on_train_end(logs)
        self._keras_board_open = False

    def _folders(self):
        return [os.path.join(self.log_dir, name) for name in (STEPS_RUN, *KERAS_RUNS)]

    def _start_new_record(self):
        old = [path for folder in self._folders() for path in _event_files(folder)]
        for path in old:
            os.remove(path)
        if old:
            print(f"TrainingBoard: a new run (epoch 0); removed the {len(old)} event file(s) of an earlier run "
                  f"in {self.log_dir}")

    def _drop_events_after(self, epoch):
        """Removes what an interrupted run wrote after the position this fit resumes from."""
        dropped = _drop_events(self.run_dir, self.clock.step)
        for folder in self._folders()[1:]:
            # keras.callbacks.TensorBoard writes epoch index e (0-based) at its end: e < epoch stays.
            dropped += _drop_events(folder, epoch - 1)
        if dropped:
            print(f"TrainingBoard: resuming at epoch {self.clock.epoch}, step {self.clock.step}; removed "
                  f"{dropped} later summaries of the interrupted run from {self.log_dir}")


def read_events(folder):
    """`{tag: (steps, values)}` of the summaries in the event files of `folder`, in file order.

    Scalars read as floats, images as `(H, W, C)` uint8 arrays, text as str: a way to look at
    what `TrainingBoard` wrote without TensorBoard.

    Example:
    >>> read_events("/no/such/folder")
    {}
    """
    found = {}
    for path in _event_files(folder):
        for event in _events(path):
            for value in event.summary.value:
                steps, values = found.setdefault(value.tag, ([], []))
                steps.append(int(event.step))
                values.append(_decode(value))
    return found


def _decode(value):
    tensor = tf.make_ndarray(value.tensor)
    plugin = value.metadata.plugin_data.plugin_name
    if plugin == "images":  # [width, height, PNG...] as strings
        return tf.io.decode_png(tensor[2]).numpy()
    if plugin == "text":
        return tensor.item().decode("utf-8")
    return float(tensor)


def _event_files(folder):
    """The event files of `folder` in the order they were created.

    Their names hold the creation second and a per-process counter
    (`events.out.tfevents.<seconds>.<host>.<pid>.<counter>.v2`): compared as numbers, not as text,
    so that a file created in the same second with counter 10 comes after the one with counter 9.
    """
    paths = glob.glob(os.path.join(glob.escape(folder), "*tfevents*"))
    return sorted(paths, key=lambda path: [(0, int(part), "") if part.isdigit() else (1, 0, part)
                                           for part in os.path.basename(path).split(".")])


def _events(path):
    """The Event protos of one file; a record cut short by a kill mid-write ends it."""
    events = []
    try:
        for record in tf.data.TFRecordDataset(path):
            events.append(tf.compat.v1.Event.FromString(record.numpy()))
    except tf.errors.DataLossError:
        pass
    return events


def _last_step(folder):
    """The last step with a summary in `folder`'s event files (0 for none)."""
    return max((int(e.step) for path in _event_files(folder) for e in _events(path) if e.summary.value), default=0)


def _drop_events(folder, last_step):
    """Rewrites `folder`'s event files without the summaries after `last_step`; returns how many went."""
    dropped = 0
    for path in _event_files(folder):
        events = _events(path)
        kept = [e for e in events if not (e.summary.value and e.step > last_step)]
        if len(kept) == len(events):
            continue
        dropped += sum(len(e.summary.value) for e in events) - sum(len(e.summary.value) for e in kept)
        # Event files are TFRecord files of Event protos: the same writer TensorFlow's uses.
        with atomic_write(path) as tmp:
            with tf.io.TFRecordWriter(tmp) as writer:
                for event in kept:
                    writer.write(event.SerializeToString())
    return dropped


def _as_markdown(config):
    if isinstance(config, str):
        return config
    rows = [f"| {key} | {str(value).replace('|', '/')} |" for key, value in config.items()]
    return "\n".join(["| option | value |", "| --- | --- |", *rows])


def _scalar(value):
    """`value` as a float, or None when it is not a single number."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(())) if array.size == 1 else None

"""Private: the (epoch, generator step) position shared by the callbacks, across fits.

Keras numbers epochs from `initial_epoch` and batches from 0 in every epoch, and
tells callbacks nothing about earlier runs. The callbacks write files that outlive
a fit (frames, a CSV), so they keep one global numbering:

* `epoch` is 1-based, as Keras' progress bar shows it ("Epoch 3/10" -> 3); after
  an epoch ends it equals the number of completed epochs.
* `step` counts generator updates since the run began (one Keras train step of a
  GAN in this package is one generator update, whatever `critic_steps` is).
"""


class TrainingClock:
    """Epoch and step numbering that continues where an earlier run stopped.

    Call `start` at the first `on_epoch_begin` of a fit with the last position an
    earlier run recorded on disk (0, 0 for none), then `begin_epoch` and
    `end_batch` from the matching Keras hooks.

    Example:
    >>> clock = TrainingClock()
    >>> clock.start(first_epoch=0, steps_per_epoch=10, last_epoch=0, last_step=0)
    False
    >>> clock.begin_epoch(0); clock.end_batch(0); clock.end_batch(1)
    1
    1
    >>> clock.epoch, clock.step
    (1, 2)
    """

    def __init__(self):
        self.epoch_offset = 0
        self.epoch = 0
        self.step = 0
        self.batches_done = 0
        self.resumed = False

    def start(self, first_epoch, steps_per_epoch, last_epoch, last_step, model_step=None):
        """Sets the numbering for a fit whose first Keras epoch index is `first_epoch`.

        Returns True when the fit resumes a run (`first_epoch > 0`): records on disk
        past `(self.epoch, self.step)` then come from an interrupted run whose
        progress after its last backup is being redone, and callers drop them.
        """
        self.resumed = first_epoch > 0
        if self.resumed:
            # fit(initial_epoch=k), or BackupAndRestore, resumes a run: Keras passes the
            # real epoch index, so trust it. Steps follow from it when the epoch length
            # is known (this also rewinds to an older checkpoint); else from the
            # model's generator step count (restored with it), else the records.
            self.epoch_offset = 0
            if steps_per_epoch:
                self.step = first_epoch * steps_per_epoch
            else:
                self.step = last_step if model_step is None else model_step
        else:
            # Epoch index 0 with records on disk: a new fit into the same folder
            # restarted Keras' count (no initial_epoch). Continue after the records
            # instead of overwriting or interleaving them.
            self.epoch_offset = last_epoch
            self.step = last_step
        self.epoch = first_epoch + self.epoch_offset
        return self.resumed

    def is_after(self, epoch, step):
        """True when a record taken at (`epoch`, `step`) lies past the current position."""
        return step > self.step or epoch > self.epoch

    def begin_epoch(self, epoch):
        """Enters Keras epoch index `epoch` (0-based); `self.epoch` becomes its 1-based number."""
        self.epoch = epoch + self.epoch_offset + 1
        self.batches_done = 0

    def end_batch(self, batch):
        """Records that Keras finished batch index `batch` of this epoch; returns steps advanced.

        With `steps_per_execution > 1` Keras calls `on_train_batch_end` once per
        execution with the index of its last batch, so one call may advance
        several steps.
        """
        done = batch + 1
        advanced = done - self.batches_done
        self.batches_done = done
        self.step += advanced
        return advanced


def generator_step(model):
    """The model's count of generator updates, or None for a model without `g_optimizer`."""
    optimizer = getattr(model, "g_optimizer", None)
    return None if optimizer is None else int(optimizer.iterations)


def continues_run(append, first_epoch, ran_before, model_step, last_step):
    """Whether a fit continues the records an earlier run left on disk (True) or starts anew.

    FixedNoiseGIF and LossPlot decide alike, so their GIF and CSV always describe the same
    run. `append` True or False decides. None continues when the fit resumes a run (Keras'
    first epoch index > 0, as with `initial_epoch` or `keras.callbacks.BackupAndRestore`),
    when this callback already recorded a fit of the same session (a second `fit` call), or
    when the model has trained exactly as far as the records go (its generator step equals
    the last one on disk: the model that wrote them, trained on by a new `fit`). Otherwise,
    for instance a new model at step 0, the fit starts anew: a new model must not extend
    another model's GIF or curves.

    Example:
    >>> continues_run(None, first_epoch=0, ran_before=False, model_step=0, last_step=40)
    False
    >>> continues_run(None, first_epoch=0, ran_before=False, model_step=40, last_step=40)
    True
    """
    if append is not None:
        return append
    return first_epoch > 0 or ran_before or (bool(model_step) and model_step == last_step)

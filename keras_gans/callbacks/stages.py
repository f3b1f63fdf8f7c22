"""StageSchedule: trains a staged model's first stage for some epochs, its second stage after."""

import keras

from keras_gans import _validation


class StageSchedule(keras.callbacks.Callback):
    """Sets `model.stage` at each epoch's start: 1 for the first `first_stage_epochs` epochs, then 2.

    StackGAN trains Stage-I, then Stage-II with Stage-I frozen (Zhang et al. 2017, Sec.
    3.5); its `stage` says which one a step trains. With this callback one `fit` runs
    both: epochs `[0, first_stage_epochs)` train Stage-I and the later ones Stage-II.
    The stage follows from the epoch number alone, so a fit resumed at a later epoch
    (`BackupAndRestore`, `initial_epoch`) trains the stage that epoch belongs to. When
    the stage changes, the step is traced anew for it.

    Args:
        first_stage_epochs: epochs of the first stage, >= 0 (0: the second stage only,
            on a first stage trained before).

    Example:
    >>> import numpy as np
    >>> from keras_gans.models import StackGAN
    >>> networks = StackGAN.default_networks(16, 1, latent_dim=4, width=4, num_classes=3)
    >>> model = StackGAN(*networks, num_classes=3, seed=0)
    >>> model.compile()
    >>> images, labels = np.zeros((8, 16, 16, 1), "float32"), np.arange(8) % 3
    >>> history = model.fit(images, labels, batch_size=4, epochs=2, callbacks=[StageSchedule(1)], verbose=0)
    >>> model.stage, int(model.g_optimizer.iterations), int(model.stage2_g_optimizer.iterations)
    (2, 2, 2)
    """

    def __init__(self, first_stage_epochs):
        super().__init__()
        self.first_stage_epochs = _validation.non_negative_int("first_stage_epochs", first_stage_epochs)

    def on_epoch_begin(self, epoch, logs=None):
        stage = 1 if epoch < self.first_stage_epochs else 2
        if self.model.stage != stage:
            self.model.stage = stage  # drops the traced step of the other stage
            self.model.make_train_function(force=True)

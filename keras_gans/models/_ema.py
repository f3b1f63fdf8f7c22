"""An exponential moving average of a network's weights: the generator that BigGAN and StyleGAN sample with.

A variant that samples with an average keeps it as a network no optimizer trains:

    state_networks = ("ema_generator",)
    sampling_network = "ema_generator"      # generate, draw, export use the average

    def __init__(self, generator, discriminator, *, ema_decay=0.9999, ema_start=1000, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.ema_generator = ema_copy(generator)

    def generator_step(self, real):
        metrics = super().generator_step(real)
        update_ema(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations, self.ema_start)
        return metrics

Being a network of the model, the average is saved in `.keras` files, restored by
`BackupAndRestore` and `--resume`, and mirrored under a distribution strategy.
"""

import keras
from keras import ops


def ema_copy(network):
    """A copy of `network` (same architecture, its current weights), named `ema_<name>`.

    The copy is where the average lives: it starts equal to the network.
    """
    copy = keras.models.clone_model(network)
    copy.set_weights(network.get_weights())
    copy.name = f"ema_{network.name}"
    return copy


def update_ema(average, network, decay, step=None, start=0):
    """Moves `average`'s weights towards `network`'s: a <- decay * a + (1 - decay) * w.

    Every weight is averaged, batch-norm statistics included, as BigGAN's code does.
    Before `start` updates (`step` < `start`, e.g. the generator optimizer's
    iterations) the average copies the network instead: early weights are far from
    where training goes, and averaging them in would only lag (BigGAN's `ema_start`).

    Args:
        average: the copy made by `ema_copy`.
        network: the trained network.
        decay: the weight of the old average, in [0, 1) (BigGAN: 0.9999).
        step: the number of updates so far (a scalar tensor or int), or None to always average.
        start: the step from which to average.
    """
    decay = ops.convert_to_tensor(decay, "float32")
    if step is not None:
        decay = ops.where(ops.cast(step, "int64") < start, ops.zeros_like(decay), decay)
    if len(average.weights) != len(network.weights):
        raise ValueError(
            f"{average.name} has {len(average.weights)} weights, {network.name} {len(network.weights)}: "
            "the average must be an ema_copy of the network"
        )
    for target, source in zip(average.weights, network.weights):
        new = decay * ops.cast(target.value, "float32") + (1.0 - decay) * ops.cast(source.value, "float32")
        target.assign(ops.cast(new, target.dtype))

"""A variant's defaults as data: latent size, width, critic steps, classes and optimizers.

Each variant states its paper's settings once, as a class attribute `defaults = Defaults(...)`;
`BaseGAN` reads it to fill the constructor's `critic_steps`, `default_networks`' `latent_dim`,
`width` and `num_classes`, and `default_optimizers`.
"""

import dataclasses

import keras


@dataclasses.dataclass(frozen=True)
class OptimizerSpec:
    """A Keras optimizer by class name and arguments; `build()` makes a fresh instance each call.

    Example:
    >>> spec = adam(1e-4, beta_1=0.0, beta_2=0.9)
    >>> optimizer = spec.build()
    >>> type(optimizer).__name__, optimizer.beta_1, optimizer is spec.build()
    ('Adam', 0.0, False)
    """

    class_name: str
    arguments: tuple = ()

    def build(self):
        return keras.optimizers.get({"class_name": self.class_name, "config": dict(self.arguments)})


def adam(learning_rate, beta_1=0.9, beta_2=0.999):
    """`OptimizerSpec` of `keras.optimizers.Adam(learning_rate, beta_1, beta_2)`."""
    return OptimizerSpec("Adam", (("learning_rate", learning_rate), ("beta_1", beta_1), ("beta_2", beta_2)))


def rmsprop(learning_rate):
    """`OptimizerSpec` of `keras.optimizers.RMSprop(learning_rate)`."""
    return OptimizerSpec("RMSprop", (("learning_rate", learning_rate),))


@dataclasses.dataclass(frozen=True)
class Defaults:
    """What a variant uses when the caller does not say.

    Attributes:
        latent_dim: size of z for `default_networks`.
        width: filters (or units) of `default_networks`' widest-resolution layers.
        critic_steps: discriminator updates per generator update.
        num_classes: classes of a conditional variant's `default_networks`.
        optimizer: the optimizer of every player not named in `optimizers`.
        optimizers: `{optimizer attribute: OptimizerSpec}` for players that differ
            (e.g. the two time-scale rule's faster discriminator).
    """

    latent_dim: int = 100
    width: int = 64
    critic_steps: int = 1
    num_classes: int = 10
    optimizer: OptimizerSpec = adam(2e-4, beta_1=0.5)
    optimizers: tuple = ()

    def optimizer_for(self, name):
        """A fresh optimizer for the player whose optimizer attribute is `name`."""
        return dict(self.optimizers).get(name, self.optimizer).build()

"""The gradient penalty's options, shared by the variants that penalise the critic's gradient (WGAN-GP, DRAGAN)."""

from keras_gans import _validation


class GradientPenaltyOptions:
    """A mixin of `BaseGAN`: the options `gradient_penalty_weight` (lambda), `gradient_penalty_target` (k), `one_sided`.

    A variant lists it before `BaseGAN` and passes the three to its penalty
    (`keras_gans.losses.gradient_penalty`, `dragan_penalty`).
    """

    config_keys = ("gradient_penalty_weight", "gradient_penalty_target", "one_sided")

    def __init__(
        self, generator, discriminator, *, gradient_penalty_weight=10.0, gradient_penalty_target=1.0, one_sided=False,
        **kwargs
    ):
        super().__init__(generator, discriminator, **kwargs)
        self.gradient_penalty_weight = _validation.number("gradient_penalty_weight", gradient_penalty_weight, low=0)
        self.gradient_penalty_target = _validation.number("gradient_penalty_target", gradient_penalty_target, low=0)
        self.one_sided = _validation.boolean("one_sided", one_sided)

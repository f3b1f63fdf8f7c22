"""The players' optimizers: compile, loss scaling, gradients, and their place in saves (a mixin of BaseGAN).

A player is a network with the optimizer that trains it, declared in `BaseGAN.players`
as `(network attribute, optimizer attribute)` pairs. Everything here loops over that
declaration, so a variant with a third player (a classifier) or a second pair of
networks gets compile, mixed precision, `.keras` round trips and distribution with no
code of its own.
"""

import keras
import tensorflow as tf
from keras import ops


class PlayersMixin:
    """`compile` and `apply_gradients` for every declared player."""

    def default_optimizers(self):
        """The paper's optimizers, one fresh instance per player, in the order of `players`."""
        return tuple(self.defaults.optimizer_for(name) for _, name in self.players)

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile=False, **kwargs):
        """Sets every player's optimizer (the paper's defaults when None) and builds them.

        Building here, on the networks' variables and inside the caller's distribution
        scope, is what lets `fit` run under `MirroredStrategy`: an optimizer first built
        inside a replica's `train_step` fails there. Under a `mixed_float16` policy
        (networks built after `keras.mixed_precision.set_global_policy("mixed_float16")`)
        every optimizer is wrapped in `keras.optimizers.LossScaleOptimizer`;
        `mixed_bfloat16` needs no loss scaling.

        Args:
            d_optimizer: optimizer of the discriminator, an instance or a name.
            g_optimizer: optimizer of the generator, an instance or a name.
            jit_compile: XLA compilation of `train_step`. Off by default: on CPU it
                was measured slower than plain graphs for these networks.
            **kwargs: the optimizers of further players by their attribute names in
                `players` (e.g. `c_optimizer=`), and the rest for `keras.Model.compile`
                (`run_eagerly`, `steps_per_execution`, ...). `loss`, `optimizer` and
                `metrics` are refused: they would be ignored.
        """
        given = {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer}
        given.update({name: kwargs.pop(name, None) for _, name in self.players if name not in given})
        for unused in ("loss", "optimizer", "metrics"):
            value = kwargs.pop(unused, None)
            if value is not None:
                raise ValueError(
                    f"{type(self).__name__}.compile takes {', '.join(given)}; {unused}={value!r} would be ignored"
                )
        defaults = self.default_optimizers() if None in given.values() else None
        optimizers = {
            name: keras.optimizers.get(given[name]) if given[name] is not None else defaults[i]
            for i, (_, name) in enumerate(self.players)
        }
        if len({id(optimizer) for optimizer in optimizers.values()}) < len(optimizers):
            raise ValueError(f"{' and '.join(optimizers)} must be distinct optimizer instances")
        scaled = self.needs_loss_scaling()
        for name, optimizer in optimizers.items():
            if scaled and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
                # float16's range is narrow: small gradients flush to zero unless the loss is
                # scaled up before differentiation and the gradients scaled back (dynamic loss
                # scaling, Micikevicius et al. 2018). bfloat16 has float32's range.
                optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
            setattr(self, name, optimizer)
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        for network, name in self.players:
            getattr(self, name).build(getattr(self, network).trainable_variables)

    @property
    def generator_steps(self):
        """Generator updates so far: the steps `fit` ran (the generator optimizer's iterations)."""
        return int(self.g_optimizer.iterations)

    def optimizers(self):
        """`{attribute: optimizer}` of every player, after `compile`."""
        return {name: getattr(self, name) for _, name in self.players}

    def needs_loss_scaling(self):
        """Whether a layer of any network computes in float16 (a `mixed_float16` policy)."""
        # Layers, not the networks: a loaded Functional model keeps its layers' policies
        # but takes the global policy itself.
        return any(
            layer.compute_dtype == "float16" for network in self.networks().values() for layer in network.layers
        )

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        config = {name: keras.optimizers.serialize(optimizer) for name, optimizer in self.optimizers().items()}
        return {**config, "jit_compile": bool(self.jit_compile)}

    def compile_from_config(self, config):
        optimizers = {name: keras.optimizers.deserialize(config[name]) for _, name in self.players if name in config}
        self.compile(jit_compile=config.get("jit_compile", False), **optimizers)

    def apply_gradients(self, optimizer, loss, tape, network):
        """Differentiates `loss` on `tape` and lets `optimizer` update `network`.

        The loss is a mean over this replica's batch; the optimizer sums gradients over
        replicas, so the loss is divided by their number to average over the global batch.
        """
        variables = network.trainable_variables
        scale = None
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            # d(scale * loss) without rebuilding the loss inside the tape; the optimizer
            # divides by the scale and skips (and lowers the scale on) non-finite steps.
            scale = optimizer.scale_loss(ops.ones_like(loss))
        grads = tape.gradient(loss, variables, output_gradients=scale)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            grads = [grad / replicas for grad in grads]
        optimizer.apply_gradients(zip(grads, variables))

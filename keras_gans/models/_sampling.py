"""What a trained model is asked outside training: images, scores, inputs to draw, export specs.

A mixin of `BaseGAN`: the generator's first input is latents z, or images for an
image-to-image variant (`generator_input`), and every method here follows it, so that
`generate`, the callbacks' fixed inputs (`draw_inputs`) and export (`serving_specs`)
need no per-variant code.
"""

import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation


class SamplingMixin:
    """`generate`, `score`, `draw_inputs` and `serving_specs` of a GAN model."""

    def score(self, images, labels=None):
        """The discriminator's realness score per image, (N,), in inference mode.

        Higher means judged more real. For a multi-output discriminator (ACGAN) it is
        the first output, the real/fake head. Used by `BestSamples`.
        """
        if self.pack > 1:
            # Each image is judged as a pack of m copies of itself.
            images = ops.repeat(ops.convert_to_tensor(images), self.pack, axis=0)
        outputs = self.discriminate(images, labels, training=False)
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[0]
        return ops.reshape(ops.cast(outputs, "float32"), (-1,))

    @property
    def sampling_generator(self):
        """The network that `generate` and export run: the generator, or its average (`sampling_network`).

        A variant whose samples chain several networks (LAPGAN's pyramid levels, StackGAN's
        stages) overrides it with one model of the whole chain, from the inputs it serves
        (`serving_specs`) to the final images; `latent_dim` is its first input's size.
        """
        return getattr(self, self.sampling_network)

    @property
    def input_name(self):
        """The name of the generator's first input: "z" or "images"."""
        return "z" if self.generator_input == "latent" else "images"

    def serving_specs(self):
        """The `tf.TensorSpec`s of the generator's inputs, named, as an export serves them."""
        first = tf.TensorSpec((None, *self.sampling_generator.inputs[0].shape[1:]), tf.float32, name=self.input_name)
        if self.num_classes is None:
            return [first]
        if self.multi_label:  # vectors of 0/1 attributes
            return [first, tf.TensorSpec((None, self.num_classes), tf.float32, name="labels")]
        return [first, tf.TensorSpec((None,), tf.int32, name="labels")]

    def translation_targets(self, labels=None, count=None):
        """`[(name, labels or None)]`: the translations an image-to-image model shows of fixed inputs.

        One `(None, None)` for an unconditional model (`generate(images)`); for a conditional
        one a column per domain k: every input to k (class indices), or the inputs' own
        `labels` with attribute k flipped (attribute vectors). The GIF callback draws a column
        for each. `count` is the number of inputs where `labels` are not given.
        """
        if self.num_classes is None:
            return [(None, None)]
        names = self.class_names or tuple(str(k) for k in range(self.num_classes))
        if not self.multi_label:
            count = (1 if count is None else count) if labels is None else len(labels)
            return [(name, np.full(count, k, "int32")) for k, name in enumerate(names)]
        if labels is None:
            raise ValueError(f"{type(self).__name__} with attribute labels needs the inputs' own labels to flip one")
        columns = []
        for k, name in enumerate(names):
            target = np.array(labels, "float32")
            target[:, k] = 1.0 - target[:, k]
            columns.append((name, target))
        return columns

    def translation_columns(self, images, labels=None):
        """`[(name, translations)]`: what the GIF callback shows of fixed real `images`, one column each.

        By default one column per `translation_targets(labels)`: the images translated to
        each target (`generate`). A variant whose translations need more than labels
        (CycleGAN's two directions) overrides it.
        """
        targets = self.translation_targets(labels, count=len(images))
        return [
            (name or "translated", self.generate(images) if target is None else self.generate(images, labels=target))
            for name, target in targets
        ]

    def serving_inputs(self, inputs):
        """The sampling generator's inputs from an export's inputs (a list in `serving_specs` order).

        The same inputs by default; a variant whose export takes more than its generator
        (BigGAN's truncation) maps them here, in TensorFlow operations the export can trace.
        """
        return inputs if len(inputs) > 1 else inputs[0]

    def draw_inputs(self, count, seed=None):
        """`count` first inputs of the generator from numpy's `default_rng(seed)`: latents z.

        An image-to-image model has no inputs to draw: it is given real images.
        """
        count = _validation.positive_int("the number of images", count)
        if self.generator_input != "latent":
            raise ValueError(f"{type(self).__name__} translates images: give it images, not a count ({count})")
        return np.random.default_rng(seed).standard_normal((count, self.latent_dim)).astype("float32")

    def generate(self, z, labels=None, batch_size=256, seed=None):
        """Generated images for inputs `z`, or for `z` drawn inputs when `z` is an int.

        `z` is what the generator consumes: latents (N, latent_dim), or images for an
        image-to-image model. With an int, `seed` makes the draw reproducible (numpy
        `default_rng(seed)`, see `draw_inputs`). The generator runs in inference mode
        (batch norm uses its moving statistics), `batch_size` inputs at a time; a variant
        that samples with an average of its generator's weights runs that
        (`sampling_generator`). Returns a
        float32 numpy array in [-1, 1]. `labels` is for conditional variants; an
        unconditional model refuses them rather than ignore them.
        """
        if self.num_classes is None and labels is not None:
            raise ValueError(f"{type(self).__name__} is unconditional: generate takes no labels, got {labels!r}")
        if isinstance(z, (int, np.integer)) and not isinstance(z, bool):
            z = self.draw_inputs(int(z), seed)
        z = np.asarray(z, dtype="float32")
        generator = self.sampling_generator
        expected = tuple(generator.inputs[0].shape[1:])
        if z.shape[1:] != expected:
            raise ValueError(f"{self.input_name} must have shape (N, {', '.join(map(str, expected))}), got {z.shape}")
        if self.num_classes is not None:
            labels = self._check_labels(labels, len(z))
        chunks = []
        for i in range(0, len(z), batch_size):
            inputs = z[i : i + batch_size] if labels is None else [z[i : i + batch_size], labels[i : i + batch_size]]
            chunks.append(ops.convert_to_numpy(generator(inputs, training=False)))
        return np.concatenate(chunks).astype("float32")

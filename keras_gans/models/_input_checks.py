"""What BaseGAN checks of what it is given: constructor arguments, `fit`'s data, each step's batch, labels (a mixin).

Bad input is refused before the first step, naming the value: `fit`'s counts, images of
the wrong shape, dtype or range, labels that are not class indices, an empty dataset.
Values that can only be seen batch by batch (a dataset's pixels and labels) are checked
as the step reads them, by assertions in the step (or, under XLA, which compiles
assertions to nothing, in the input pipeline).
"""

import inspect

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _validation
from keras_gans.networks import packing

_FIT_SIGNATURE = inspect.signature(keras.Model.fit)
# Real images must lie in [-1, 1], the range of the generators' tanh; a little slack for
# rounding. [0, 255] or [0, 1] images would train a critic that tells them apart by range alone.
IMAGE_RANGE_SLACK = 1e-3


def check_fit_arguments(model, x, y, batch_size, args, kwargs):
    """Raises a ValueError naming `fit`'s epochs, initial_epoch, batch_size or steps_per_epoch if bad."""
    arguments = _FIT_SIGNATURE.bind(model, x, y, batch_size, *args, **kwargs).arguments
    epochs = arguments.get("epochs", 1)
    if not _validation.is_int(epochs) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    initial_epoch = arguments.get("initial_epoch", 0)
    if not _validation.is_int(initial_epoch) or not 0 <= initial_epoch < epochs:
        raise ValueError(
            f"initial_epoch must be an int in [0, epochs={epochs}) (fit trains epochs initial_epoch+1 to epochs), "
            f"got {initial_epoch!r}"
        )
    for name in ("batch_size", "steps_per_epoch"):
        value = arguments.get(name)
        if value is not None and (not _validation.is_int(value) or value < 1):
            raise ValueError(f"{name} must be None or a positive int, got {value!r}")


def check_image_array(images):
    """Raises a ValueError naming the range when an image array is not finite and in [-1, 1]."""
    if not images.size:
        raise ValueError(f"got no images: an array of shape {images.shape}")
    low, high = float(np.min(images)), float(np.max(images))
    if not (np.isfinite(low) and np.isfinite(high)) or low < -1 - IMAGE_RANGE_SLACK or high > 1 + IMAGE_RANGE_SLACK:
        raise ValueError(
            f"images must be finite and scaled to [-1, 1], got values in [{low}, {high}] "
            "(for uint8 pixels use x / 127.5 - 1)"
        )


def assert_image_values(images):
    """`images`, gated on no value lying outside [-1, 1] (an InvalidArgumentError naming the range).

    A NaN compares False and passes: it makes the step's losses NaN, which
    `keras_gans.callbacks.NaNGuard` reports before anything saves the step.
    """
    values = ops.cast(images, "float32")
    outside = tf.reduce_any(tf.abs(values) > 1 + IMAGE_RANGE_SLACK)
    check = tf.debugging.Assert(
        tf.logical_not(outside),
        ["images must be scaled to [-1, 1]; this batch has values in", tf.reduce_min(values), tf.reduce_max(values)],
    )
    with tf.control_dependencies([check]):
        return tf.identity(images)


class InputChecksMixin:
    """The checks `BaseGAN` runs on what it is given: constructor arguments, images and class labels."""

    # ------------------------------------------------- the constructor's arguments

    def _check_latent_dim(self, latent_dim):
        if self.generator_input != "latent":
            if latent_dim is not None:
                raise ValueError(f"{type(self).__name__} translates images: latent_dim must be None, got {latent_dim!r}")
            return None
        # What sampling consumes: a chain's latent (LAPGAN) or the generator's. An average of the
        # generator (created after BaseGAN.__init__) takes the generator's inputs.
        sampler = self.generator if self.sampling_network != "generator" else self.sampling_generator
        inferred = sampler.inputs[0].shape[-1] if sampler.inputs else None
        latent_dim = _validation.positive_int("latent_dim", inferred if latent_dim is None else latent_dim)
        if inferred is not None and inferred != latent_dim:
            raise ValueError(f"latent_dim={latent_dim} but the generator takes inputs of size {inferred}")
        return latent_dim

    def _check_conditioning(self, num_classes):
        if self.conditional and num_classes is None:
            raise ValueError(f"{type(self).__name__} is conditional: num_classes must be an int >= 2, got None")
        takes_labels = len(self.generator.inputs) > 1
        if num_classes is None:
            if takes_labels:
                raise ValueError(f"the generator takes [{self.input_name}, labels]: pass num_classes for a conditional model")
            return None
        num_classes = _validation.num_classes(num_classes)
        if not takes_labels:
            raise ValueError(f"num_classes={num_classes} but the generator takes no labels input")
        return num_classes

    def _check_class_names(self, class_names):
        if class_names is None:
            return None
        names = tuple(class_names) if isinstance(class_names, (list, tuple)) else None
        if self.num_classes is None or names is None or len(names) != self.num_classes or not all(
            isinstance(name, str) for name in names
        ):
            raise ValueError(
                f"class_names must be {self.num_classes} strings, one per class, for a conditional model; "
                f"got {class_names!r}"
            )
        return names

    def _check_pack(self, pack):
        pack = _validation.positive_int("pack", pack)
        if pack > 1 and self.num_classes is not None:
            raise ValueError(f"pack={pack} is for unconditional models; got num_classes={self.num_classes}")
        if pack > 1 and self.generator.outputs and self.discriminator.inputs:
            sample, taken = tuple(self.generator.outputs[0].shape[1:]), tuple(self.discriminator.inputs[0].shape[1:])
            if packing.packed_shape(sample, pack) != taken:
                raise ValueError(
                    f"pack={pack}: the discriminator must take packs of {pack} generated samples of shape {sample}, "
                    f"{packing.packed_shape(sample, pack)}, got inputs of shape {taken}; build it with pack={pack}"
                )
        return pack

    # ------------------------------------------------------------- data and labels

    @property
    def multi_label(self):
        """True when the generator's labels are vectors of `num_classes` 0/1 attributes (CelebA's, StarGAN).

        Read off the generator: a float label input of shape (N, num_classes) takes
        attribute vectors; an int one of shape (N,) takes class indices.
        """
        inputs = self.generator.inputs
        if self.num_classes is None or len(inputs) < 2:
            return False
        return len(inputs[1].shape) == 2 and tf.as_dtype(inputs[1].dtype).is_floating

    @staticmethod
    def images_of(data):
        """The images of a batch that may also hold labels: `x` or `(x, ...)`."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def labels_or_none(self, data):
        """The batch's labels for a conditional model, None for an unconditional one."""
        return None if self.num_classes is None else self.labels_of(data)

    def labels_of(self, data):
        """The int labels of an `(images, labels)` batch, checked to lie in [0, num_classes).

        A batch without labels or with float labels is refused when the step is
        traced; a label out of range stops training at that batch with an error
        naming the range (a one-hot of it would silently be all zeros).
        """
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                f"{type(self).__name__} is conditional: fit it on (images, labels) batches, "
                "e.g. keras_gans.data.digits(with_labels=True)"
            )
        labels = tf.convert_to_tensor(data[1])
        self.check_label_spec(labels)
        if self.multi_label:
            return self._assert_label_values(ops.cast(labels, "float32"))
        return self._assert_label_values(ops.cast(ops.reshape(labels, (-1,)), "int32"))

    def checked_step_data(self, data):
        """One step's data with its images checked (shape and dtype now, values as the step runs)."""
        images = self.images_of(data)
        self.check_images(images)
        if images.shape.rank != 4:
            return data
        checked = assert_image_values(images)
        return (checked, *data[1:]) if isinstance(data, (tuple, list)) else checked

    def _assert_label_values(self, labels):
        """`labels`, gated on every one lying in [0, num_classes) (an InvalidArgumentError naming them)."""
        if self.multi_label:
            check = tf.debugging.Assert(
                tf.reduce_all((labels >= 0) & (labels <= 1)),
                ["attribute labels must lie in [0, 1]; this batch has values in", tf.reduce_min(labels),
                 tf.reduce_max(labels)],
            )
            with tf.control_dependencies([check]):
                return tf.identity(labels)
        message = f"class labels must lie in [0, {self.num_classes})"
        checks = [
            tf.debugging.assert_non_negative(labels, message=message),
            tf.debugging.assert_less(labels, tf.cast(self.num_classes, labels.dtype), message=message),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(labels)

    def check_values_in_pipeline(self, dataset):
        """The per-batch value checks of `train_step` as a `map` over `dataset`.

        XLA compiles assertions to nothing, so under `jit_compile=True` the checks of
        image values and label ranges run in the input pipeline instead.
        """

        def check(*parts):
            parts = list(parts)
            if isinstance(parts[0], tf.Tensor) and parts[0].shape.rank == 4:
                parts[0] = assert_image_values(parts[0])
            if self.num_classes is not None and len(parts) > 1 and isinstance(parts[1], tf.Tensor):
                parts[1] = self._assert_label_values(parts[1])
            return parts[0] if len(parts) == 1 else tuple(parts)

        return dataset.map(check, num_parallel_calls=tf.data.AUTOTUNE)

    def check_images(self, images):
        """Raises a ValueError naming the shape or dtype when images do not fit the discriminator.

        `images` is anything with `shape` and `dtype`: a tensor, a `tf.TensorSpec` or a
        numpy array. Any float dtype is accepted (the discriminator casts it).
        """
        expected = tuple(self.data_shape)
        shape = tuple(images.shape)
        if shape[1:] != expected:
            raise ValueError(
                f"the dataset yields images of shape {shape}, but the "
                f"discriminator takes (batch, {', '.join(map(str, expected))})"
                + (f" (in packs of pack={self.pack})" if self.pack > 1 else "")
            )
        dtype = tf.as_dtype(images.dtype)
        if not dtype.is_floating:
            raise ValueError(
                f"the dataset yields {dtype.name} images; expected float images "
                "scaled to [-1, 1] (keras_gans.data does this; for uint8 use x / 127.5 - 1)"
            )

    def check_label_spec(self, labels):
        """Raises a ValueError unless `labels` (tensor, spec or array) are int class indices, (N,) or (N, 1).

        A multi-label model takes (N, num_classes) vectors of 0/1 attributes (any number dtype).
        """
        dtype = tf.as_dtype(labels.dtype)
        if self.multi_label:
            if not (dtype.is_floating or dtype.is_integer or dtype.is_bool) or tuple(labels.shape)[1:] != (
                self.num_classes,
            ) or len(labels.shape) != 2:
                raise ValueError(
                    f"attribute labels must have shape (batch, {self.num_classes}) of 0/1 numbers, got shape "
                    f"{tuple(labels.shape)} of {dtype.name}"
                )
            return
        if not dtype.is_integer:
            raise ValueError(f"class labels must be integers in [0, {self.num_classes}), got {dtype.name}")
        shape = tuple(labels.shape)
        if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
            raise ValueError(
                f"class labels must have shape (batch,) of class indices in [0, {self.num_classes}), got shape "
                f"{shape}" + (" (one-hot? pass their argmax)" if len(shape) == 2 else "")
            )

    def check_fit_data(self, x, y):
        """`fit`'s checks of arrays (all their values) or of a dataset's spec and cardinality."""
        if isinstance(x, (np.ndarray, tf.Tensor)):
            self._check_arrays(x, y)
        elif isinstance(x, tf.data.Dataset):
            self._check_dataset(x)

    def _check_arrays(self, x, y):
        self.check_images(x)
        if len(x.shape) == 4:
            check_image_array(np.asarray(x))
        if self.num_classes is None:
            return
        if y is None:
            raise ValueError(
                f"{type(self).__name__} is conditional: fit it on images and labels, fit(x, y=labels)"
            )
        labels = np.asarray(y)
        self.check_label_spec(labels)
        if len(labels) != len(x):
            raise ValueError(f"got {len(x)} images but {len(labels)} labels")
        self._check_label_values(labels if self.multi_label else labels.reshape(-1))

    def _check_dataset(self, dataset):
        spec = dataset.element_spec
        images_spec = spec[0] if isinstance(spec, tuple) else spec
        if isinstance(images_spec, tf.TensorSpec) and images_spec.shape.rank is not None:
            self.check_images(images_spec)
        if self.num_classes is not None:
            if not isinstance(spec, tuple) or len(spec) < 2:
                self.labels_of(None)  # the error that explains what a conditional model needs
            if isinstance(spec[1], tf.TensorSpec) and spec[1].shape.rank is not None:
                self.check_label_spec(spec[1])
        if int(dataset.cardinality()) == 0:
            raise ValueError("the dataset is empty (cardinality 0): fit would train no step")

    def _check_label_values(self, labels):
        if self.multi_label:
            bad = labels[(labels < 0) | (labels > 1)]
            if bad.size:
                raise ValueError(f"attribute labels must lie in [0, 1], got {sorted(set(bad.tolist()))[:5]}")
            return
        bad = labels[(labels < 0) | (labels >= self.num_classes)]
        if bad.size:
            raise ValueError(f"class labels must lie in [0, {self.num_classes}), got {sorted(set(bad.tolist()))[:5]}")

    def _check_labels(self, labels, count):
        """`generate`'s labels as int32, one per input, in range; raises naming them otherwise."""
        if labels is None:
            raise ValueError(f"{type(self).__name__} is conditional: generate needs labels, one per latent")
        array = np.asarray(labels)
        if self.multi_label:
            if array.shape != (count, self.num_classes) or array.dtype == object:
                raise ValueError(
                    f"labels must be {count} vectors of {self.num_classes} 0/1 attributes, one per input; got shape "
                    f"{array.shape}"
                )
            self._check_label_values(array)
            return array.astype("float32")
        if array.shape != (count,) or not np.issubdtype(array.dtype, np.integer):
            raise ValueError(
                f"labels must be {count} ints, one per latent; got shape {array.shape}, dtype {array.dtype}"
            )
        self._check_label_values(array)
        return array.astype("int32")

"""Seconds per WGAN-GP generator step: keras_gans.WGANGP against a plain reference train_step.

The reference is the common way of writing it: a `keras.Model` whose `train_step`
takes `critic_steps * B` real images, runs the critic updates with separate critic
calls on real, fake and interpolated images, then the generator update; no
trackers, no regrouping. Both train the same networks (same initial weights) on
the same synthetic data, with the same batch and critic steps, in one process,
in alternating rounds so that a noisy machine slows both alike. The figure that
counts is the ratio, keras_gans / reference (<= 1.0 means no overhead). Wall time and the
process's CPU time (all threads, `time.process_time`) are both reported: on a machine that other
jobs load, CPU time per step is the steadier of the two; `--threads 1` steadies it further.

    python benchmarks/wgan_gp_step.py --image-size 16 --width 32 --rounds 5 --steps 20
    python benchmarks/wgan_gp_step.py --ops-only   # graph ops of one traced step of each, no timing

The op count is the number of operations in the traced step's graph and in every function
it calls (gradients, the penalty's inner tape): what a GPU launches per step at small sizes,
the step's fixed cost that can be measured without one.
"""

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import WGANGP  # noqa: E402
from keras_gans.networks import build_critic, build_generator  # noqa: E402


class ReferenceWGANGP(keras.Model):
    """WGAN-GP written the common way, as a yardstick; not part of the package."""

    def __init__(self, generator, critic, critic_steps, latent_dim):
        super().__init__()
        self.generator, self.critic = generator, critic
        self.critic_steps, self.latent_dim = critic_steps, latent_dim
        self.built = True

    def compile(self):
        super().compile(jit_compile=False)
        self.d_opt = keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)
        self.g_opt = keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)
        self.d_opt.build(self.critic.trainable_variables)
        self.g_opt.build(self.generator.trainable_variables)

    def train_step(self, real_images):
        batch = tf.shape(real_images)[0] // self.critic_steps
        for i in range(self.critic_steps):
            real = real_images[i * batch : (i + 1) * batch]
            z = tf.random.normal((batch, self.latent_dim))
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                real_scores = self.critic(real, training=True)
                fake_scores = self.critic(fake, training=True)
                alpha = tf.random.uniform((batch, 1, 1, 1))
                x_hat = real + alpha * (fake - real)
                with tf.GradientTape() as inner:
                    inner.watch(x_hat)
                    hat_scores = self.critic(x_hat, training=True)
                grads = inner.gradient(hat_scores, x_hat)
                norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-10)
                gp = tf.reduce_mean(tf.square(norms - 1.0))
                d_loss = tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores) + 10.0 * gp
            d_grads = tape.gradient(d_loss, self.critic.trainable_variables)
            self.d_opt.apply_gradients(zip(d_grads, self.critic.trainable_variables))
        z = tf.random.normal((batch, self.latent_dim))
        with tf.GradientTape() as tape:
            g_loss = -tf.reduce_mean(self.critic(self.generator(z, training=True), training=True))
        g_grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_opt.apply_gradients(zip(g_grads, self.generator.trainable_variables))
        return {"g_loss": g_loss}  # Keras needs one output; a plain tensor, no tracker


def step_op_count(model, batch_spec):
    """Operations in `model.train_step` traced on `batch_spec`, its function library included."""
    graph = tf.function(model.train_step).get_concrete_function(batch_spec).graph.as_graph_def()
    return len(graph.node) + sum(len(function.node_def) for function in graph.library.function)


class _Timer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_train_batch_begin(self, batch, logs=None):
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--critic-steps", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="generator steps timed per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow intra/inter-op threads (0: TF's choice)")
    parser.add_argument("--ops-only", action="store_true", help="print each step's graph op count and stop")
    args = parser.parse_args()
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    keras.utils.set_random_seed(0)
    size, k, b = args.image_size, args.critic_steps, args.batch_size
    generator = build_generator(size, args.channels, latent_dim=args.latent_dim, width=args.width)
    critic = build_critic(size, args.channels, width=args.width)
    start = [w.copy() for w in generator.get_weights()], [w.copy() for w in critic.get_weights()]
    images = np.random.default_rng(0).uniform(-1, 1, (k * b * args.steps, size, size, args.channels))
    batches = tf.data.Dataset.from_tensor_slices(images.astype("float32")).batch(b, drop_remainder=True)

    ours = WGANGP(generator, critic, critic_steps=k, seed=0)
    ours.compile()
    reference = ReferenceWGANGP(generator, critic, k, args.latent_dim)
    reference.compile()
    # The reference gets the same real images, already grouped k batches a step.
    grouped = batches.rebatch(k * b, drop_remainder=True).cache()
    runs = {"keras_gans.WGANGP": (ours, batches), "reference train_step": (reference, grouped)}
    spec = tf.TensorSpec((k * b, size, size, args.channels), tf.float32)
    counts = {name: step_op_count(model, spec) for name, (model, _) in runs.items()}
    print(f"graph ops of one traced step: {', '.join(f'{name} {count:,}' for name, count in counts.items())}")
    if args.ops_only:
        return

    medians = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    for round_index in range(args.rounds + 1):  # round 0 traces the graphs and is not counted
        for name, (model, data) in runs.items():
            generator.set_weights(start[0])
            critic.set_weights(start[1])
            timer = _Timer()
            cpu_start = time.process_time()
            model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
            if round_index > 0:
                medians[name].append(float(np.median(timer.seconds[1:])))
                cpu[name].append((time.process_time() - cpu_start) / len(timer.seconds))

    print(f"# WGAN-GP generator step: {size}x{size}x{args.channels}, width {args.width}, latent "
          f"{args.latent_dim}, batch {b}, {k} critic steps; {args.rounds} rounds x {args.steps} steps")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, TF {tf.__version__}, "
          f"Keras {keras.__version__}, GPU: {bool(tf.config.list_physical_devices('GPU'))}")
    print("| implementation | s / generator step (median of round medians) | spread (min-max) |")
    print("| --- | --- | --- |")
    for name, values in medians.items():
        print(f"| {name} | {np.median(values):.4f} | {min(values):.4f}-{max(values):.4f} |")
    ratios = [a / r for a, r in zip(medians["keras_gans.WGANGP"], medians["reference train_step"])]
    print(f"wall-time ratio keras_gans / reference, per round: {', '.join(f'{r:.3f}' for r in ratios)}; "
          f"median {np.median(ratios):.3f}")
    cpu_ratios = [a / r for a, r in zip(cpu["keras_gans.WGANGP"], cpu["reference train_step"])]
    print(f"CPU-time ratio (s of CPU per step: {np.median(cpu['keras_gans.WGANGP']):.4f} vs "
          f"{np.median(cpu['reference train_step']):.4f}), per round: {', '.join(f'{r:.3f}' for r in cpu_ratios)}; "
          f"median {np.median(cpu_ratios):.3f}")


if __name__ == "__main__":
    main()

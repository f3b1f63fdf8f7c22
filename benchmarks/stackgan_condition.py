"""Does StackGAN's condition reach its Stage-I generator? (issue 16's diagnosis)

Trains Stage-I only on the digits with their one-hot labels as embeddings (the (images,
embeddings) path, the wrong embedding another image's of the batch) and prints what the
conditioning augmentation makes of the ten class embeddings (the spread of mu(phi) across the
classes next to sigma(phi): with a spread far below sigma, c is noise that says nothing of the
class), and the label accuracy of Stage-I's images, scored by a digits classifier at Stage-I's
side (8 px for a 32 px final image: the digits' own resolution).

    python benchmarks/stackgan_condition.py --kl-weight 128 --steps 1000   # the KL summed, weight 1
    python benchmarks/stackgan_condition.py --kl-weight 2 --steps 1000     # the authors' code: mean, 2
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans.data import digits_with_embeddings  # noqa: E402
from keras_gans.metrics import evaluate_digits  # noqa: E402
from keras_gans.models import StackGAN  # noqa: E402


class _StageOne:
    """StackGAN's Stage-I seen through `evaluate_digits`: labels in, their one-hot embeddings to the model."""

    num_classes = 10

    def __init__(self, model, table):
        self.model, self.table, self.latent_dim = model, table, model.latent_dim

    def generate(self, z, labels=None):
        return self.model.generate(z, self.table[labels], stage=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=32, help="final side (Stage-I: a quarter)")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--steps", type=int, default=1000, help="Stage-I generator steps")
    parser.add_argument("--kl-weight", type=float, default=1.0, help="on the KL averaged over c's 128 dimensions")
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    data, table = digits_with_embeddings(args.size, "one_hot", batch_size=64, seed=0)
    model = StackGAN(*StackGAN.default_networks(args.size, 1, width=args.width, embedding_dim=10), seed=0,
                     kl_weight=args.kl_weight)
    model.compile()
    start = time.perf_counter()
    history = model.fit(data.repeat(), epochs=1, steps_per_epoch=args.steps, verbose=0).history
    print(f"{args.steps} Stage-I steps in {time.perf_counter() - start:.0f} s; KL (summed) {history['kl'][-1]:.3f}")
    # eps = 0: c = mu(phi) for each class's embedding.
    eps = np.zeros((10, model.latent_dim), "float32")
    _, _, mu, log_variance = (np.asarray(t) for t in model.generator([eps, table], training=False))
    print(f"mu across the classes: std {mu.std(axis=0).mean():.3f}; mean sigma {np.exp(log_variance / 2).mean():.3f}")
    side = args.size // 4
    result = evaluate_digits(_StageOne(model, table), image_size=side, channels=1, num_samples=1000, seed=0)
    print(f"Stage-I at {side} px: {result['classes_covered']}/10 classes, label accuracy "
          f"{result['label_accuracy']:.3f}, Frechet {result['frechet_distance']:.2f} "
          f"(floor {result['real_floor']:.2f})")


if __name__ == "__main__":
    main()

"""What the autoencoder-discriminator variants (EBGAN, BEGAN) share: the network check and `score`.

Their discriminator maps images to `[reconstruction, code]` and judges an image by how well it
reconstructs it; each variant states that per-image error in `reconstruction_error`.
"""

from keras import ops


class AutoencoderMixin:
    """A mixin of `BaseGAN` for discriminators that are autoencoders."""

    def reconstruction_error(self, images, reconstructions):
        """The variant's per-image error, (N,): EBGAN's energy, BEGAN's L1 loss."""
        raise NotImplementedError

    def check_networks(self):
        name = type(self).__name__
        net = self.discriminator
        if len(net.inputs) != 1 or len(net.outputs) != 2:
            raise ValueError(
                f"{name}'s discriminator must be an autoencoder mapping images to [reconstruction, code], got a "
                f"model with {len(net.inputs)} inputs and {len(net.outputs)} outputs"
            )
        if tuple(net.outputs[0].shape[1:]) != tuple(net.inputs[0].shape[1:]):
            raise ValueError(
                f"{name}'s discriminator must reconstruct its input: the first output has shape "
                f"{tuple(net.outputs[0].shape[1:])}, the images {tuple(net.inputs[0].shape[1:])}"
            )
        if self.pack != 1:
            raise ValueError(f"{name} reconstructs single images: pack must be 1, got {self.pack}")

    def score(self, images, labels=None):
        """Minus each image's reconstruction error, (N,): higher means judged more real."""
        images = ops.convert_to_tensor(images)
        reconstructions, _ = self.discriminate(images, training=False)
        return -self.reconstruction_error(images, reconstructions)

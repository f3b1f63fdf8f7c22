import numpy as np
import pytest
import tensorflow as tf

from keras_gans.networks import build_critic, build_discriminator, build_mlp_discriminator
from keras_gans.networks.packing import check_pack_batch, pack_samples, packed_shape, unpacked_shape


def test_points_pack_along_the_feature_axis():
    points = np.arange(12, dtype="float32").reshape(6, 2)  # sample i is (2i, 2i + 1)
    packed = pack_samples(points, 3).numpy()
    assert packed.shape == (2, 6)
    # Pack i holds samples 3i, 3i + 1, 3i + 2 in that order, each sample's features together.
    np.testing.assert_array_equal(packed, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])


def test_images_pack_along_channels_and_each_member_is_a_different_sample():
    batch, pack = 8, 4
    # Image i is filled with the value i in each of its 3 channels (channel c holds i + c / 10).
    images = np.arange(batch, dtype="float32")[:, None, None, None] + np.arange(3, dtype="float32") / 10
    images = np.broadcast_to(images, (batch, 5, 5, 3)).copy()
    packed = pack_samples(images, pack).numpy()
    assert packed.shape == (batch // pack, 5, 5, pack * 3)
    for i in range(batch // pack):
        members = packed[i].reshape(5, 5, pack, 3)  # channels j*3 .. j*3+2 are member j
        sample_ids = [int(np.unique(np.floor(members[..., j, :]))[0]) for j in range(pack)]
        assert sample_ids == [i * pack + j for j in range(pack)]  # m distinct samples, none repeated
        np.testing.assert_allclose(members[0, 0, 0], images[i * pack, 0, 0])  # channels kept in order


def test_pack_one_is_the_identity():
    x = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    assert pack_samples(x, 1) is x  # as it is: numpy stays numpy (the discriminators mix it with labels)


@pytest.mark.parametrize("pack", [0, -2, 2.0, True, "2"])
def test_bad_pack_is_named(pack):
    with pytest.raises(ValueError, match="pack must be an int >= 1"):
        pack_samples(np.zeros((4, 2), "float32"), pack)


def test_a_batch_that_is_not_a_multiple_names_both():
    with pytest.raises(ValueError, match="batch of 6 samples.*pack=4"):
        pack_samples(np.zeros((6, 2), "float32"), 4)
    with pytest.raises(ValueError, match="batch of 6 samples.*pack=4"):
        check_pack_batch(6, 4)
    check_pack_batch(None, 4)
    check_pack_batch(8, 4)


def test_a_dynamic_batch_is_checked_when_it_runs():
    fn = tf.function(lambda x: pack_samples(x, 2), input_signature=[tf.TensorSpec((None, 2))])
    assert fn(tf.zeros((4, 2))).shape == (2, 4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of pack=2"):
        fn(tf.zeros((3, 2)))


def test_shapes_of_a_pack():
    assert packed_shape((2,), 4) == (8,)
    assert packed_shape((16, 16, 3), 2) == (16, 16, 6)
    assert unpacked_shape((16, 16, 6), 2) == (16, 16, 3)
    with pytest.raises(ValueError, match=r"pack=4.*\(6,\).*build it with pack=4"):
        unpacked_shape((6,), 4)


def test_networks_take_packs():
    assert build_mlp_discriminator((2,), hidden=(8,), pack=4).input.shape == (None, 8)
    assert build_critic(16, 1, width=4, pack=2).input.shape == (None, 16, 16, 2)
    assert build_discriminator(16, 3, width=4, pack=3).input.shape == (None, 16, 16, 9)
    d = build_mlp_discriminator((2,), hidden=(8,), pack=2)
    assert d(pack_samples(np.zeros((6, 2), "float32"), 2)).shape == (3, 1)
    with pytest.raises(ValueError, match="pack must be an int >= 1, got 0"):
        build_critic(16, 1, width=4, pack=0)

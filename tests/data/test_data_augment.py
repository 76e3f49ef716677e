"""The pix2pix paired jitter and evaluation resize (tf_imgtrans.data.augment)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tf_imgtrans.data import random_jitter, resize_pair


def _coords(size: int) -> tf.Tensor:
    """(size, size, 3) float image whose pixels hold their own (y, x) position."""
    y, x = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    return tf.constant(np.stack([y, x, np.zeros_like(x)], -1), tf.float32)


def _offset_and_flip(out: np.ndarray) -> tuple[int, int, bool]:
    """Reads the crop's top-left source position and whether it was mirrored."""
    flipped = bool(out[0, 0, 1] > out[0, -1, 1])
    x0 = int(out[0, -1, 1]) if flipped else int(out[0, 0, 1])
    return int(out[0, 0, 0]), x0, flipped


def test_same_crop_and_flip_for_both_images():
    a = _coords(40)  # load_size == input size: no resize, pure crop/flip
    b = 2.0 * a + 1.0  # any pixel-wise map of a survives crop and flip unchanged
    seen = set()
    for seed in range(20):
        ja, jb = random_jitter(a, b, load_size=40, crop_size=32, seed=seed)
        assert ja.shape == (32, 32, 3) and jb.shape == (32, 32, 3)
        np.testing.assert_array_equal(jb.numpy(), 2.0 * ja.numpy() + 1.0)
        seen.add(_offset_and_flip(ja.numpy()))
    assert len(seen) > 5  # crops really move


def test_flip_sometimes_not_always_and_offsets_in_range():
    a = _coords(24)
    flips, offsets = 0, set()
    for seed in range(60):
        ja, _ = random_jitter(a, a, load_size=24, crop_size=16, seed=seed)
        y0, x0, flipped = _offset_and_flip(ja.numpy())
        flips += flipped
        offsets.add((y0, x0))
        assert 0 <= y0 <= 8 and 0 <= x0 <= 8
    assert 10 < flips < 50
    assert len(offsets) > 20
    for seed in range(10):
        ja, _ = random_jitter(a, a, load_size=24, crop_size=16, flip=False, seed=seed)
        assert not _offset_and_flip(ja.numpy())[2]


def test_resize_keeps_pair_aligned_and_channels_may_differ():
    a = tf.random.stateless_uniform((16, 16, 3), seed=(1, 2), minval=-1, maxval=1)
    b = 1.0 - a[..., :1]  # one channel, pixel-wise function of a
    for seed in range(5):
        ja, jb = random_jitter(a, b, load_size=20, crop_size=16, seed=seed)
        assert ja.shape == (16, 16, 3) and jb.shape == (16, 16, 1)
        np.testing.assert_allclose(jb.numpy(), 1.0 - ja.numpy()[..., :1], atol=1e-5)


def test_same_seed_same_result_and_tensor_seed():
    a = tf.random.stateless_uniform((20, 20, 3), seed=(3, 4))
    r1 = random_jitter(a, a, load_size=24, crop_size=16, seed=7)[0]
    r2 = random_jitter(a, a, load_size=24, crop_size=16, seed=7)[0]
    r3 = random_jitter(a, a, load_size=24, crop_size=16, seed=tf.constant([7, 0]))[0]
    np.testing.assert_array_equal(r1.numpy(), r2.numpy())
    np.testing.assert_array_equal(r1.numpy(), r3.numpy())


def test_graph_mode_in_dataset_map():
    a = _coords(24)
    ds = tf.data.Dataset.from_tensors((a, a + 5.0)).repeat(12)
    ds_random = ds.map(lambda x, y: random_jitter(x, y, load_size=24, crop_size=16))
    seeds = tf.data.Dataset.random(seed=1).batch(2, drop_remainder=True)
    ds_seeded = tf.data.Dataset.zip((ds, seeds)).map(
        lambda xy, s: random_jitter(xy[0], xy[1], load_size=24, crop_size=16, seed=s)
    )
    for dataset in (ds_random, ds_seeded):
        assert dataset.element_spec[0].shape == (16, 16, 3)
        flips = set()
        for ja, jb in dataset:
            np.testing.assert_array_equal(jb.numpy(), ja.numpy() + 5.0)
            flips.add(_offset_and_flip(ja.numpy())[2])
        assert flips == {True, False}


def test_bad_sizes_raise():
    a = tf.zeros((8, 8, 3))
    with pytest.raises(ValueError, match="crop_size"):
        random_jitter(a, a, load_size=8, crop_size=9)
    with pytest.raises(ValueError, match="load_size"):
        random_jitter(a, a, load_size=0, crop_size=4)
    with pytest.raises(ValueError, match="seed"):
        random_jitter(a, a, load_size=8, crop_size=4, seed=tf.constant([1, 2, 3]))


def test_resize_pair_is_deterministic_and_sized():
    a = tf.random.stateless_uniform((30, 20, 3), seed=(5, 6))
    b = tf.random.stateless_uniform((10, 40, 3), seed=(7, 8))
    ra, rb = resize_pair(a, b, 16)
    assert ra.shape == (16, 16, 3) and rb.shape == (16, 16, 3)
    ra2, rb2 = resize_pair(a, b, 16)
    np.testing.assert_array_equal(ra.numpy(), ra2.numpy())
    np.testing.assert_array_equal(rb.numpy(), rb2.numpy())
    same, _ = resize_pair(ra, rb, 16)  # already at size: untouched
    np.testing.assert_array_equal(same.numpy(), ra.numpy())
    flat = tf.fill((10, 10, 3), 0.25)  # a flat image stays flat at any size
    np.testing.assert_allclose(resize_pair(flat, flat, 7)[0].numpy(), 0.25, atol=1e-6)
    u8 = tf.fill((10, 10, 3), tf.constant(200, tf.uint8))
    out = resize_pair(u8, u8, 4)[0]
    assert out.dtype == tf.uint8 and (out.numpy() == 200).all()

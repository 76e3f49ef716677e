"""The CycleGAN image history pool (tf_imgtrans.layers.image_pool)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_imgtrans.models import ImagePool


def tagged(values):
    """Images whose every pixel holds their tag, so a returned image tells where it came from."""
    values = np.asarray(values, np.float32)
    return np.broadcast_to(values[:, None, None, None], (len(values), 2, 2, 1)).copy()


def tags(images):
    return np.asarray(images)[:, 0, 0, 0].tolist()


def test_fill_phase_stores_and_returns_images_as_they_are():
    pool = ImagePool(pool_size=4, seed=0)
    assert tags(pool(tagged([1, 2, 3]))) == [1, 2, 3]
    assert int(pool.count.numpy()) == 3
    # The batch that fills the pool: its first image is stored, the rest may already swap.
    out = tags(pool(tagged([4])))
    assert out == [4] and int(pool.count.numpy()) == 4
    assert sorted(tags(pool.images.numpy())) == [1, 2, 3, 4]


def test_full_pool_swaps_half_the_time_and_returns_old_images():
    pool = ImagePool(pool_size=10, seed=1)
    pool(tagged(range(10)))  # fill with tags 0..9
    step = tf.function(pool.call)  # runs as it would inside a compiled train_step
    swapped, draws = 0, 0
    for k in range(60):
        new = np.arange(10) + 100 * (k + 1)
        before = set(tags(pool.images.numpy()))
        out = tags(step(tagged(new)))
        after = tags(pool.images.numpy())
        for tag_in, tag_out in zip(new, out):
            draws += 1
            if tag_out != tag_in:
                swapped += 1
                # A swapped image is an older one: it was in the pool (or came in earlier in
                # this batch), and the new image took a place in the pool.
                assert tag_out in before or tag_out in new
                assert tag_in in after or tag_in in out
        assert len(after) == 10
    rate = swapped / draws
    assert abs(rate - 0.5) < 0.05, rate  # 600 draws: 0.05 is over 2.4 standard deviations


def test_swap_returns_the_stored_image_and_stores_the_new_one():
    pool = ImagePool(pool_size=3, seed=3)
    pool(tagged([1, 2, 3]))
    for k in range(20):
        before = tags(pool.images.numpy())
        out = tags(pool(tagged([10 + k])))[0]
        after = tags(pool.images.numpy())
        if out == 10 + k:
            assert after == before
        else:
            slot = before.index(out)
            assert after[slot] == 10 + k
            assert [t for i, t in enumerate(after) if i != slot] == [
                t for i, t in enumerate(before) if i != slot
            ]


def test_pool_size_zero_passes_images_through():
    pool = ImagePool(pool_size=0)
    x = tagged([5, 6])
    np.testing.assert_array_equal(pool(x), x)


def test_state_variables_for_checkpoints_and_validation():
    pool = ImagePool(pool_size=2, seed=0)
    assert pool.state_variables() == {}
    pool.build((None, 8, 8, 3))
    state = pool.state_variables()
    assert set(state) == {"images", "count", "seed_state"}
    assert tuple(state["images"].shape) == (2, 8, 8, 3)
    # Restoring the variables restores the behaviour: the same draws follow.
    pool(keras.random.uniform((3, 8, 8, 3)))
    saved = {k: keras.ops.convert_to_numpy(v) for k, v in state.items()}
    x = keras.random.uniform((4, 8, 8, 3))
    first = pool(x).numpy()
    for k, v in state.items():
        v.assign(saved[k])
    np.testing.assert_array_equal(pool(x).numpy(), first)
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(pool_size=-1)
    with pytest.raises(ValueError, match="fully known"):
        ImagePool(pool_size=2).build((None, None, None, 3))

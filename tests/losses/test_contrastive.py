"""PatchNCE and its patch sampling (tf_imgtrans.losses.contrastive)."""

import numpy as np
import pytest
import tensorflow as tf

from tf_imgtrans.losses.contrastive import (
    l2_normalize,
    patch_ids,
    patch_nce_loss,
    sample_patches,
)


def _reference_loss(q, k, tau):
    """The reference's PatchNCELoss written out with loops: per image, per patch i, the logits
    [q_i·k_i, q_i·k_j (j ≠ i), -10 for j = i] / τ and cross-entropy with class 0."""
    out = np.zeros(q.shape[0])
    for b in range(q.shape[0]):
        losses = []
        for i in range(q.shape[1]):
            logits = [q[b, i] @ k[b, i]]
            logits += [(-10.0 if j == i else q[b, i] @ k[b, j]) for j in range(q.shape[1])]
            logits = np.array(logits) / tau
            losses.append(-(logits[0] - np.log(np.exp(logits).sum())))
        out[b] = np.mean(losses)
    return out


def test_patch_nce_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    q = l2_normalize(rng.normal(size=(2, 5, 4))).numpy()
    k = l2_normalize(rng.normal(size=(2, 5, 4))).numpy()
    for tau in (0.07, 0.5):
        np.testing.assert_allclose(
            patch_nce_loss(q, k, tau).numpy(), _reference_loss(q, k, tau), rtol=1e-5
        )


def test_a_perfect_encoder_gives_the_minimum():
    tau = 0.5  # (at 0.07 the minimum, 3e-6, is below float32's resolution of the softmax)
    p = 6
    perfect = np.eye(p, dtype="float32")[None]  # each patch its own direction, output = input
    minimum = np.log(1 + (p - 1) * np.exp(-1 / tau))  # positive 1/τ, negatives 0
    assert patch_nce_loss(perfect, perfect, tau).numpy()[0] == pytest.approx(minimum, rel=1e-5)
    # Any other output scores worse: a shuffled one, a noisy one, a constant one.
    rng = np.random.default_rng(1)
    shuffled = perfect[:, rng.permutation(p)]
    noisy = l2_normalize(perfect + 0.3 * rng.normal(size=perfect.shape)).numpy()
    constant = l2_normalize(np.ones((1, p, p))).numpy()
    for worse in (shuffled, noisy, constant):
        assert patch_nce_loss(worse, perfect, tau).numpy()[0] > minimum + 0.1


def test_keys_get_no_gradient_and_queries_do():
    q = tf.Variable(l2_normalize(np.random.default_rng(2).normal(size=(1, 4, 3))))
    k = tf.Variable(l2_normalize(np.random.default_rng(3).normal(size=(1, 4, 3))))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(patch_nce_loss(q, k))
    grad_q, grad_k = tape.gradient(loss, [q, k])
    assert grad_k is None
    assert float(tf.reduce_max(tf.abs(grad_q))) > 0


def test_patches_are_distinct_positions_taken_at_the_same_places_in_every_image():
    seed = tf.constant([7, 0], tf.int32)
    ids = patch_ids(20, 8, seed).numpy()
    assert len(set(ids)) == 8 and ids.min() >= 0 and ids.max() < 20
    np.testing.assert_array_equal(patch_ids(20, 8, seed).numpy(), ids)  # stateless
    assert sorted(patch_ids(20, 50, seed).numpy()) == list(range(20))  # all when fewer
    # A (B, H, W, C) map whose features encode image and position: gathered rows name them.
    b, h, w = 2, 4, 5
    pos = np.arange(h * w, dtype="float32").reshape(1, h, w, 1)
    features = np.concatenate([np.broadcast_to(pos, (b, h, w, 1)),
                               np.arange(b, dtype="float32").reshape(b, 1, 1, 1)
                               * np.ones((b, h, w, 1), "float32")], axis=-1)  # fmt: skip
    patches = sample_patches(features, ids).numpy()
    assert patches.shape == (b, 8, 2)
    for image in range(b):
        np.testing.assert_array_equal(patches[image, :, 0], ids)
        np.testing.assert_array_equal(patches[image, :, 1], image)

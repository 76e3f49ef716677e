"""PatchNCE, the patch-wise contrastive loss of CUT (Park et al. 2020), and its patch sampling."""

from __future__ import annotations

import tensorflow as tf

# What the reference writes into the similarity of a patch with itself among the negatives
# (before the temperature): exp(-10 / 0.07) is 0 in float32, so a patch is never its own negative.
SELF_SIMILARITY = -10.0


def l2_normalize(features, epsilon: float = 1e-7):
    """`features / (‖features‖₂ + ε)` along the last axis, in float32 (the reference's
    `Normalize(2)`)."""
    features = tf.cast(features, tf.float32)
    return features / (tf.norm(features, axis=-1, keepdims=True) + epsilon)


def patch_nce_loss(query, key, temperature: float = 0.07):
    """PatchNCE: for each patch of the output (query), InfoNCE against the input's patch at the
    same location (the positive, key) and the input's other sampled patches of the same image
    (the negatives).

        loss(b, i) = -log( exp(q_bi·k_bi / τ) / (exp(q_bi·k_bi / τ) + Σ_{j≠i} exp(q_bi·k_bj / τ)) )

    Keys get no gradient (the reference detaches them). Features should be L2-normalised.

    Args:
        query: (B, P, C) tensor. Features of P patches of each output image.
        key: (B, P, C) tensor. Features of the input images at the same P locations.
        temperature: float. τ (paper: 0.07).

    Returns:
        (B,) tensor: each image's loss, averaged over its P patches.

    Example:
    >>> import numpy as np
    >>> q = np.eye(3, dtype="float32")[None]  # 3 orthonormal patches, a perfect match
    >>> round(float(patch_nce_loss(q, q, temperature=1.0)[0]), 4)  # log(1 + 2·e^-1)
    0.551
    """
    query = tf.cast(query, tf.float32)
    key = tf.stop_gradient(tf.cast(key, tf.float32))
    positive = tf.reduce_sum(query * key, axis=-1, keepdims=True)  # (B, P, 1)
    negative = tf.linalg.matmul(query, key, transpose_b=True)  # (B, P, P)
    patches = tf.shape(negative)[-1]
    negative = tf.where(tf.eye(patches, dtype=tf.bool)[None], SELF_SIMILARITY, negative)
    logits = tf.concat([positive, negative], axis=-1) / temperature
    per_patch = -tf.nn.log_softmax(logits, axis=-1)[..., 0]
    return tf.reduce_mean(per_patch, axis=-1)


def patch_ids(positions, num_patches: int, seed) -> tf.Tensor:
    """`min(num_patches, positions)` distinct positions out of `positions` (an int or a scalar
    tensor), uniformly at random (a stateless draw from `seed`, shape (2,) int32), as the
    reference's random permutation cut to `num_patches`."""
    order = tf.argsort(tf.random.stateless_uniform(tf.reshape(positions, [1]), seed=seed))
    return order[: tf.minimum(num_patches, positions)]


def sample_patches(features, ids):
    """The feature vectors of a (B, H, W, C) map at flattened positions `ids` (P,): (B, P, C).
    The same positions are taken in every image of the batch, as the reference does."""
    shape = tf.shape(features)
    flat = tf.reshape(features, (shape[0], shape[1] * shape[2], shape[3]))
    return tf.gather(flat, ids, axis=1)

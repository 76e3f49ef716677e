"""Stabilisers the GAN trainers share: the R1 gradient penalty (with lazy regularisation), an
exponential moving average of a generator's weights, and the checks of their settings.

- R1 (Mescheder et al. 2018): (γ/2) · E_x ‖∇_x D(x)‖² at real images x, added to the
  discriminator's loss. For a PatchGAN, D(x) is the sum of its patch logits. Lazy (Karras et al.
  2020, StyleGAN2): computed every k-th discriminator step and weighted by k, the same expected
  penalty for a k-th of its cost.
- EMA (Karras et al. 2018): after each generator step, θ_ema ← β·θ_ema + (1 − β)·θ for the
  trainable weights; the other variables (batch-norm statistics, seeds) are copied. β ramps up as
  min(β, (1 + t) / (10 + t)) over the first steps t so that a short run's average is not
  dominated by the random initialisation. The EMA generator is the one a trainer translates,
  samples, evaluates and saves with.
- Spectral normalisation is `keras.layers.SpectralNormalization` around the discriminators'
  convolutions (`tf_imgtrans.networks.spectral`); two learning rates are two optimizers.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

from tf_imgtrans.checks import check_positive_int


def check_stabilisers(r1_gamma: float, r1_every: int, ema_decay: float) -> None:
    """ValueError naming the setting unless γ ≥ 0, k ≥ 1 and 0 ≤ β < 1."""
    if not r1_gamma >= 0:
        raise ValueError(f"`r1_gamma` must be >= 0. Received: r1_gamma={r1_gamma}")
    check_positive_int("r1_every", r1_every)
    if not 0.0 <= ema_decay < 1.0:
        raise ValueError(f"`ema_decay` must be in [0, 1). Received: ema_decay={ema_decay}")


def r1_penalty(discriminate: Callable[[tf.Tensor], tf.Tensor], real) -> tf.Tensor:
    """E_x ‖∇_x Σ D(x)‖² over the batch of real images `real`: the squared norm, per image, of
    the gradient of the sum of the discriminator's outputs with respect to its input image."""
    real = tf.cast(real, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(real)
        total = tf.reduce_sum(tf.cast(discriminate(real), tf.float32))
    grads = tape.gradient(total, real)
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))


def lazy_r1(
    step, gamma: float, every: int, discriminate: Callable[[tf.Tensor], tf.Tensor], real
) -> tf.Tensor:
    """The R1 term of the discriminator's loss at optimizer step `step`: (γ/2)·k·R1 on steps
    where step % k == 0, else 0 (k = `every`); 0 when γ is 0."""
    if gamma == 0:
        return tf.constant(0.0)
    weight = 0.5 * gamma * every
    if every == 1:
        return weight * r1_penalty(discriminate, real)
    return tf.cond(
        tf.equal(tf.cast(step, tf.int64) % every, 0),
        lambda: weight * r1_penalty(discriminate, real),
        lambda: tf.constant(0.0),
    )


def ema_copy(generator: keras.Model) -> keras.Model:
    """A copy of `generator` (same architecture, weights and name) to hold its moving average;
    not trainable."""
    clone = keras.models.clone_model(generator)
    clone.set_weights(generator.get_weights())
    clone.trainable = False
    return clone


def ema_decay_at(step, decay: float) -> tf.Tensor:
    """β at generator step `step` (0 for the first update): min(β, (1 + t) / (10 + t))."""
    t = tf.cast(step, tf.float32)
    return tf.minimum(tf.constant(decay, tf.float32), (1.0 + t) / (10.0 + t))


def update_ema(ema: keras.Model, source: keras.Model, decay) -> None:
    """θ_ema ← β·θ_ema + (1 − β)·θ for `source`'s trainable weights; its other variables are
    copied (`decay` may be a tensor)."""
    trainable = {id(v) for v in source.trainable_weights}
    for mine, theirs in zip(ema.weights, source.weights, strict=True):
        value = tf.cast(theirs.value, mine.dtype)
        if id(theirs) in trainable:
            beta = tf.cast(decay, mine.dtype)
            mine.assign(beta * mine.value + (1.0 - beta) * value)
        else:
            mine.assign(value)

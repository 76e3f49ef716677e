"""FusedAdam (TensorFlow's fused Adam kernel) updates exactly as keras.optimizers.Adam."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_imgtrans.models.base import FusedAdam, default_adam
from tf_imgtrans.networks import get_generator


def _train(optimizer, steps=3):
    keras.utils.set_random_seed(0)
    net = get_generator("unet", num_downs=3, ngf=4)
    x = tf.random.stateless_uniform((2, 16, 16, 3), (1, 2), -1, 1)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = optimizer.scale_loss(tf.reduce_mean(tf.abs(net(x, training=True) - x)))
        optimizer.apply(tape.gradient(loss, net.trainable_variables), net.trainable_variables)

    for _ in range(steps):
        step()
    return [w.numpy() for w in net.trainable_weights], [v.numpy() for v in optimizer.variables]


@pytest.mark.parametrize("amsgrad", [False, True])
def test_same_weights_and_state_as_keras_adam(amsgrad):
    kwargs = {"learning_rate": 1e-2, "beta_1": 0.5, "amsgrad": amsgrad}
    weights, state = _train(keras.optimizers.Adam(**kwargs))
    fused_weights, fused_state = _train(FusedAdam(**kwargs))
    assert any(not np.allclose(w, 0) for w in weights)
    for a, b in zip(weights + state, fused_weights + fused_state):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=2e-5)  # rounding order only


def test_loss_scaling_wraps_it_and_the_default_is_fused():
    assert isinstance(default_adam(), FusedAdam)
    weights, _ = _train(keras.optimizers.Adam(1e-2))
    scaled, _ = _train(keras.optimizers.LossScaleOptimizer(FusedAdam(1e-2)))
    for a, b in zip(weights, scaled):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=2e-5)

"""LeakyReLU for the discriminators, with its gradient taken from its output."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class OutputGradLeakyReLU(keras.layers.LeakyReLU):
    """`keras.layers.LeakyReLU` (same op, same output, same config) whose gradient is computed
    from the layer's output instead of its input.

    For a slope > 0 the output has the input's sign, so the gradient is the same
    (`dy · (1 if y > 0 else slope)`, as TensorFlow's `LeakyReluGrad`, slope at 0). The reason is
    TensorFlow's graph optimiser: on CPU, Grappler's oneDNN remapper fuses Conv2D + BiasAdd +
    LeakyRelu into one kernel but leaves the gradient's `LeakyReluGrad` reading the removed
    BiasAdd, fails ("remapper failed: … fanout … LeakyReluGrad exist for missing node …
    BiasAdd", an `E` log line) and so gives up every remapper fusion of the whole training
    step. With the gradient reading the output, the fusion is valid and the error gone. Used after
    the biased convolutions of the PatchGAN and pixel discriminators.

    Example:
    >>> layer = OutputGradLeakyReLU(0.2)
    >>> [round(float(v), 2) for v in layer(keras.ops.convert_to_tensor([-1.0, 2.0]))]
    [-0.2, 2.0]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        super().__init__(negative_slope=negative_slope, **kwargs)
        if not self.negative_slope > 0:
            raise ValueError(
                "`negative_slope` must be > 0 (the gradient is read from the output's sign). "
                f"Received: negative_slope={negative_slope}"
            )

    def call(self, inputs):
        slope = self.negative_slope

        @tf.custom_gradient
        def leaky_relu(x):
            y = tf.nn.leaky_relu(x, alpha=slope)

            def grad(dy):
                return dy * tf.where(
                    y > 0, tf.ones_like(y), tf.fill(tf.shape(y), tf.cast(slope, y.dtype))
                )

            return y, grad

        return leaky_relu(inputs)

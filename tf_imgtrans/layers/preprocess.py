"""Input preprocessing layers."""

from __future__ import annotations

import keras
from keras import ops

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
"""ImageNet channel means (B, G, R) that VGG's caffe preprocessing subtracts."""


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class VGGPreprocess(keras.layers.Layer):
    """Maps RGB images in [-1, 1] to the "caffe" input of VGG: BGR, 0..255, ImageNet mean removed.

    The same numbers as `keras.applications.vgg16.preprocess_input((x + 1) * 127.5)`.

    Example:
    >>> y = VGGPreprocess()(ops.ones((1, 2, 2, 3)))  # white
    >>> [round(float(v), 3) for v in y[0, 0, 0]]
    [151.061, 138.221, 131.32]
    """

    def call(self, inputs):
        x = (ops.cast(inputs, self.compute_dtype) + 1.0) * 127.5
        x = ops.flip(x, axis=-1)  # RGB -> BGR
        return x - ops.convert_to_tensor(CAFFE_MEAN_BGR, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

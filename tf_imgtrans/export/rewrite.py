"""Export-time equivalents of layers whose TensorFlow graph TFLite cannot convert.

Keras' `UpSampling2D(interpolation="nearest")` is `ops.repeat` along height and width; with a
dynamic input size `tf.repeat` reshapes through a computed shape and the channel count becomes
unknown, and TFLite then refuses the next convolution ("tf.Conv2D op is neither a custom op nor a
flex op"). `tf.image.resize(method="nearest")` at an integer factor picks the same pixels
(half-pixel centres: source index floor((i + 0.5) / f) = i // f), keeps the channels static and is
one op in TFLite (RESIZE_NEAREST_NEIGHBOR, int8 too) and TF.js. The exported graph is made from a
clone with these layers swapped and the same weights; parity is checked against the original.
"""

from __future__ import annotations

import keras
import tensorflow as tf


class NearestUpSampling2D(keras.layers.Layer):
    """Nearest-neighbour up-sampling by integer factors through `tf.image.resize` (NHWC)."""

    def __init__(self, size: tuple[int, int] = (2, 2), **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(int(s) for s in size)

    def call(self, inputs):
        shape = tf.shape(inputs)
        target = [shape[1] * self.size[0], shape[2] * self.size[1]]
        return tf.cast(tf.image.resize(inputs, target, method="nearest"), inputs.dtype)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        fh, fw = self.size
        return (n, None if h is None else h * fh, None if w is None else w * fw, c)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def _swappable(layer: keras.layers.Layer) -> bool:
    return (
        type(layer) is keras.layers.UpSampling2D
        and layer.interpolation == "nearest"
        and layer.data_format == "channels_last"
    )


def _all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found.extend(_all_layers(layer))
    return found


def exportable(model: keras.Model) -> keras.Model:
    """`model`, or a clone of it with nearest `UpSampling2D` layers swapped for
    `NearestUpSampling2D` (same weights). Models that cannot be cloned (subclassed ones) are
    returned as they are."""
    if not any(_swappable(layer) for layer in _all_layers(model)):
        return model

    def swap(layer):
        if _swappable(layer):
            return NearestUpSampling2D(layer.size, name=layer.name, dtype=layer.dtype_policy)
        return layer.__class__.from_config(layer.get_config())

    try:
        clone = keras.models.clone_model(model, clone_function=swap, recursive=True)
    except (ValueError, TypeError, NotImplementedError):
        return model
    clone.set_weights(model.get_weights())
    return clone

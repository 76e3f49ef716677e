"""Reflection padding, the border handling of the ResNet generator and the style networks."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="tf_imgtrans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the spatial dimensions of an NHWC tensor by reflection.

    Exports as `MirrorPad` (TFLite `MIRROR_PAD`, TF.js `MirrorPad`), so it survives every export
    path.

    Args:
        padding: int or tuple of 2 ints. Rows and columns added on each side.

    Example:
    >>> layer = ReflectionPadding2D(3)
    >>> tuple(layer(ops.zeros((1, 8, 8, 3))).shape)
    (1, 14, 14, 3)
    """

    def __init__(self, padding: int | tuple[int, int] = 1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = (padding, padding)
        padding = tuple(int(p) for p in padding)
        if len(padding) != 2 or min(padding) < 0:
            raise ValueError(
                "`padding` must be a non-negative int or a pair of them. "
                f"Received: padding={padding}"
            )
        self.padding = padding

    def call(self, inputs):
        ph, pw = self.padding
        return ops.pad(inputs, [[0, 0], [ph, ph], [pw, pw], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        ph, pw = self.padding
        return (n, None if h is None else h + 2 * ph, None if w is None else w + 2 * pw, c)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding})
        return config

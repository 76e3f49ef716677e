"""Translate images of any size with a trained generator."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf


def size_multiple(generator: keras.Model) -> int:
    """The factor that the generator's input height and width must be multiples of:
    2 ** (number of stride-2 convolutions), e.g. 256 for `unet_256`, 4 for a ResNet generator."""

    def downs(model) -> int:
        n = 0
        for layer in model.layers:
            if hasattr(layer, "layers"):
                n += downs(layer)
            elif isinstance(layer, keras.layers.Conv2D) and not isinstance(
                layer, keras.layers.Conv2DTranspose
            ):
                n += tuple(layer.strides) == (2, 2)
        return n

    return 2 ** downs(generator)


def pad_to_multiple(image: np.ndarray, multiple: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Pads an (H, W, C) array at the bottom and right to multiples of `multiple`, by reflection.
    Returns the padded array and the original (H, W)."""
    h, w = image.shape[:2]
    ph = math.ceil(h / multiple) * multiple - h
    pw = math.ceil(w / multiple) * multiple - w
    # NumPy reflects repeatedly when the padding exceeds the image, so tiny images work too.
    padded = np.pad(image, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    return padded, (h, w)


def translate(
    generator: keras.Model,
    image: np.ndarray,
    size: int | None = None,
    training: bool = False,
) -> np.ndarray:
    """Runs `generator` on one image of any size and returns the result at the input's size.

    The image is padded by reflection to what the network needs (multiples of
    `size_multiple(generator)`) and the output is cropped back; with `size`, it is first resized
    to a `size`×`size` working resolution (e.g. the training size) and the output resized back.

    Args:
        generator: keras.Model. A trained generator (float [-1, 1] in and out).
        image: np.ndarray. (H, W, 3), uint8 [0, 255] or float [-1, 1].
        size: int or None. Working resolution; None translates at the image's own size.
        training: bool. Run the generator in training mode (dropout active, batch statistics),
            as the Pix2Pix paper does at test time.

    Returns:
        np.ndarray of uint8, (H, W, 3).
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"`image` must have shape (H, W, 3). Received: shape={image.shape}")
    if image.dtype == np.uint8:
        x = image.astype(np.float32) / 127.5 - 1.0
    else:
        x = image.astype(np.float32)
    h, w = x.shape[:2]
    if size is not None:
        x = tf.image.resize(x, (size, size), method="bilinear", antialias=True).numpy()
    padded, (ph, pw) = pad_to_multiple(x, size_multiple(generator))
    y = generator(padded[None], training=training)
    y = keras.ops.convert_to_numpy(y)[0, :ph, :pw]
    if size is not None:
        y = tf.image.resize(y, (h, w), method="bilinear", antialias=True).numpy()
    return np.clip(np.rint((y + 1.0) * 127.5), 0, 255).astype(np.uint8)

"""Image helpers of style transfer: any image input to float [-1, 1], resizing by the long side."""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

from tf_imgtrans.data.io import load_image
from tf_imgtrans.pixels import float_pixels, uint8_pixels

ImageLike = str | os.PathLike | np.ndarray


def as_float_image(image: ImageLike, name: str = "image") -> np.ndarray:
    """A path, a uint8 [0, 255] array or a float [-1, 1] array as float32 (H, W, 3) in [-1, 1]."""
    if isinstance(image, (str, os.PathLike)):
        image = load_image(os.fspath(image))
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise ValueError(f"`{name}` must be an (H, W, 3) image. Received: shape={arr.shape}")
    if arr.dtype == np.uint8:
        return float_pixels(arr)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be uint8 [0, 255] or float [-1, 1]. Received: dtype={arr.dtype}"
        )
    return arr.astype(np.float32)


def long_side_shape(shape: tuple[int, ...], size: int | None) -> tuple[int, int]:
    """(height, width) with the longer side `size` and the aspect ratio kept (None: unchanged)."""
    h, w = int(shape[0]), int(shape[1])
    if size is None:
        return h, w
    if size < 1:
        raise ValueError(f"`size` must be a positive int. Received: size={size}")
    scale = size / max(h, w)
    return max(1, round(h * scale)), max(1, round(w * scale))


def resize(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an (H, W, C) float array to `shape` (antialiased when shrinking)."""
    if tuple(image.shape[:2]) == tuple(shape):
        return image
    out = tf.image.resize(image, shape, method="bilinear", antialias=True)
    return out.numpy().astype(np.float32)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """float [-1, 1] -> uint8 [0, 255], rounded and clipped."""
    return uint8_pixels(image)

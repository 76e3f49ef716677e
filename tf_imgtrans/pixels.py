"""Pixel conversions between uint8 [0, 255] and float32 [-1, 1], in NumPy (no TensorFlow): the one
home of the mapping. `tf_imgtrans.data.to_float` / `to_uint8` take tensors too."""

from __future__ import annotations

import numpy as np


def float_pixels(image: np.ndarray) -> np.ndarray:
    """uint8 [0, 255] → float32 [-1, 1] (``x / 127.5 - 1``)."""
    return (np.asarray(image).astype(np.float32) / np.float32(127.5) - np.float32(1.0)).astype(
        np.float32
    )


def uint8_pixels(image: np.ndarray) -> np.ndarray:
    """float [-1, 1] → uint8 [0, 255]: rounded, values outside the range clipped."""
    scaled = (np.asarray(image).astype(np.float32) + 1.0) * 127.5
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)

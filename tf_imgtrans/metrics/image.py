"""Full-reference image quality: PSNR and SSIM on images in [-1, 1]."""

from __future__ import annotations

import tensorflow as tf


def _to_unit(x):
    return (tf.cast(x, tf.float32) + 1.0) / 2.0


def psnr(x, y):
    """Peak signal-to-noise ratio in dB per image, for batches of images in [-1, 1] (peak 1 after
    mapping to [0, 1]). Identical images give +inf."""
    return tf.image.psnr(_to_unit(x), _to_unit(y), max_val=1.0)


def ssim(x, y):
    """Structural similarity per image (Wang et al. 2004, 11×11 Gaussian window, σ=1.5), for
    batches of images in [-1, 1]. Images must be at least 11×11."""
    return tf.image.ssim(_to_unit(x), _to_unit(y), max_val=1.0)

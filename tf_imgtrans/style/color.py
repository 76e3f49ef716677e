"""Colour preservation for style transfer (Gatys et al. 2017, "Controlling Perceptual Factors in
Neural Style Transfer"), on float RGB images in [-1, 1]:

- "luminance": the transfer sees luminance only (the style's luminance matched to the content's
  mean and standard deviation); the result's luminance is combined with the content's colour (the
  I and Q channels of YIQ).
- "histogram": the style image's colours are first mapped so that their mean and covariance equal
  the content's (a linear transform, the symmetric "image analogies" variant), then the transfer
  runs in full colour.
"""

from __future__ import annotations

import numpy as np

COLOR_MODES = ("luminance", "histogram")

_RGB_TO_YIQ = np.array(
    [[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]],
    dtype=np.float64,
)
_YIQ_TO_RGB = np.linalg.inv(_RGB_TO_YIQ)


def check_color_mode(mode: str | None) -> str | None:
    if mode is not None and mode not in COLOR_MODES:
        raise ValueError(
            f"`preserve_color` must be None or one of {COLOR_MODES}. "
            f"Received: preserve_color={mode!r}"
        )
    return mode


def rgb_to_yiq(image: np.ndarray) -> np.ndarray:
    """float RGB [-1, 1] -> YIQ with Y in [0, 1]."""
    rgb = (np.asarray(image, np.float64) + 1.0) / 2.0
    return rgb @ _RGB_TO_YIQ.T


def yiq_to_rgb(yiq: np.ndarray) -> np.ndarray:
    """YIQ -> float32 RGB in [-1, 1] (clipped)."""
    rgb = np.asarray(yiq, np.float64) @ _YIQ_TO_RGB.T
    return np.clip(rgb * 2.0 - 1.0, -1.0, 1.0).astype(np.float32)


def luminance_image(image: np.ndarray) -> np.ndarray:
    """The luminance of an RGB image as a gray RGB image (Y in all three channels), [-1, 1]."""
    y = rgb_to_yiq(image)[..., :1]
    return np.repeat(y * 2.0 - 1.0, 3, axis=-1).astype(np.float32)


def match_luminance(style: np.ndarray, content: np.ndarray) -> np.ndarray:
    """The style's luminance as a gray image, shifted and scaled to the content's luminance mean
    and standard deviation (so the transfer does not change the content's brightness)."""
    ys = rgb_to_yiq(style)[..., 0]
    yc = rgb_to_yiq(content)[..., 0]
    matched = (ys - ys.mean()) * (yc.std() / max(ys.std(), 1e-6)) + yc.mean()
    return np.repeat(np.clip(matched, 0.0, 1.0)[..., None] * 2.0 - 1.0, 3, axis=-1).astype(
        np.float32
    )


def combine_luminance(stylized: np.ndarray, content: np.ndarray) -> np.ndarray:
    """The luminance of `stylized` with the colour (I, Q) of `content`; same sizes required."""
    if stylized.shape != content.shape:
        raise ValueError(
            f"`stylized` and `content` must have the same shape. Received: {stylized.shape} "
            f"and {content.shape}"
        )
    yiq = rgb_to_yiq(content)
    yiq[..., 0] = rgb_to_yiq(stylized)[..., 0]
    return yiq_to_rgb(yiq)


def _sqrtm(cov: np.ndarray, inverse: bool = False) -> np.ndarray:
    values, vectors = np.linalg.eigh(cov)
    values = np.maximum(values, 1e-8)
    power = -0.5 if inverse else 0.5
    return (vectors * values**power) @ vectors.T


def match_color(style: np.ndarray, content: np.ndarray) -> np.ndarray:
    """Maps the style image's colours linearly so that their mean and covariance equal the
    content's: x' = Σc^½ Σs^-½ (x − μs) + μc. Returns float32 RGB in [-1, 1]."""
    s = np.asarray(style, np.float64).reshape(-1, 3)
    c = np.asarray(content, np.float64).reshape(-1, 3)
    mu_s, mu_c = s.mean(0), c.mean(0)
    cov_s = np.cov(s, rowvar=False) + 1e-5 * np.eye(3)
    cov_c = np.cov(c, rowvar=False) + 1e-5 * np.eye(3)
    transform = _sqrtm(cov_c) @ _sqrtm(cov_s, inverse=True)
    out = (s - mu_s) @ transform.T + mu_c
    return np.clip(out, -1.0, 1.0).reshape(np.shape(style)).astype(np.float32)

"""The procedural facades of `synthetic_facades`, photographed by day (A) and by night (B).

Both pictures of a scene come from the same drawn facade: the night picture is the day picture
(textures included) relit as a function of the scene
(dark blue sky, moonlit walls, lit windows with a warm glow on the wall around them, a lit door).
A network can therefore learn day -> night from the pictures alone, and a test pair of the same
scene is the ground truth of the translation.
"""

from __future__ import annotations

import numpy as np

from tf_imgtrans.data.synthetic_facades import (
    _GLASS,
    _ID,
    _PANEL,
    _WALLS,
    render_facade_photo,
    sample_facade_scene,
)

_MOONLIGHT = np.array([0.30, 0.33, 0.48], dtype=np.float32)  # walls, roof, ledges by night
_SKY_TOP, _SKY_BOTTOM = np.array([6, 10, 28.0]), np.array([28, 36, 70.0])
_WINDOW_LIGHT = np.array([255, 205, 120.0])
_GLOW = np.array([110, 70, 25.0])


def _box_blur(mask: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `mask` over a (2r+1)² square around each pixel (edges: the square is cut)."""
    out = mask.astype(np.float32)
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        c = np.cumsum(np.pad(out, pad), axis=axis)
        hi = np.take(c, np.arange(2 * radius + 1, c.shape[axis]), axis=axis)
        lo = np.take(c, np.arange(0, c.shape[axis] - 2 * radius - 1), axis=axis)
        out = (hi - lo) / (2 * radius + 1)
    return out


def render_facade_night(cv, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Relights the day picture `day` (uint8, from `render_facade_photo` of scene `cv`) as night.

    Args:
        cv: `FacadeScene`. The drawn scene.
        day: np.ndarray. uint8 (size, size, 3) day picture of the scene.
        rng: `np.random.Generator`. Only the sensor noise is drawn from it.
    """
    n = cv.size
    cls, det = cv.cls, cv.detail
    out = day.astype(np.float32) * _MOONLIGHT
    ys = (np.arange(n, dtype=np.float32) + 0.5) / n
    sky = cls == _ID["sky"]
    out[sky] = (_SKY_TOP + (_SKY_BOTTOM - _SKY_TOP) * ys[:, None])[:, None, :].repeat(n, 1)[sky]
    glass = (cls == _ID["window"]) & (det == _GLASS)
    # Warm light, brighter towards the bottom of the window (the lamp is inside, below).
    light = (0.72 + 0.28 * cv.v)[..., None] * _WINDOW_LIGHT
    out[glass] = light[glass]
    door = cls == _ID["door"]
    out[door & (det != _PANEL)] = (150, 100, 50)
    # Light falling out of the windows onto the wall around them.
    walls = np.isin(cls, [_ID[w] for w in _WALLS])
    glow = np.clip(2.5 * _box_blur(glass, max(1, round(n / 40))), 0, 1)
    out[walls] += glow[walls][:, None] * _GLOW
    out += rng.normal(0.0, 2.0, (n, n, 1)).astype(np.float32)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def facade_day_night(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """One scene pictured twice: (day, night), each uint8 (size, size, 3).

    Args:
        rng: `np.random.Generator`. All randomness of the scene and both pictures.
        size: int. Side of the square images.
    """
    cv = sample_facade_scene(rng, size)
    day = render_facade_photo(cv, rng)
    return day, render_facade_night(cv, day, rng)

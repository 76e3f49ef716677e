"""Overlapping tiles blended with a smooth window, so large images translate in bounded memory
without seams."""

from __future__ import annotations

import math

import numpy as np


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of size `tile` covering [0, length) with at least `overlap` pixels
    shared by neighbours; the last tile ends exactly at `length`."""
    if tile >= length:
        return [0]
    if not 0 <= overlap < tile:
        raise ValueError(
            f"`overlap` must be in [0, tile). Received: overlap={overlap}, tile={tile}"
        )
    stride = tile - overlap
    n = math.ceil((length - tile) / stride) + 1
    starts = [min(i * stride, length - tile) for i in range(n)]
    return sorted(set(starts))


def ramp(overlap: int) -> np.ndarray:
    """sin² rising from near 0 to near 1 over `overlap` pixels: two neighbours' ramps (one
    rising, one falling) sum to 1 over a shared band of that width."""
    x = (np.arange(overlap, dtype=np.float64) + 0.5) / overlap
    return np.sin(0.5 * np.pi * x) ** 2


def window_1d(size: int, start: int, length: int, overlap: int) -> np.ndarray:
    """Weights along one axis of a tile at `start`: tapered over `overlap` pixels on each side
    that has a neighbour, flat (1) on sides at the image border."""
    w = np.ones(size)
    if overlap <= 0:
        return w
    band = min(overlap, size // 2)
    r = ramp(band)
    if start > 0:
        w[:band] = r
    if start + size < length:
        w[size - band :] = np.minimum(w[size - band :], r[::-1])
    return w


def blend_tiles(image: np.ndarray, tile: int, overlap: int, run, progress=None) -> np.ndarray:
    """Runs `run` ((1, t, t, 3) float array -> same shape) on overlapping tiles of `image`
    (H, W, 3), whose H and W the caller has made valid for the network, and blends the outputs
    with `window_1d` weights (normalised by their sum, so any overlap works).

    Args:
        image: np.ndarray (H, W, C) float32.
        tile: int. Tile side (clipped to the image).
        overlap: int. Pixels shared by neighbouring tiles.
        run: callable. The network on one tile.
        progress: callable, optional. Wraps the tile iterator (e.g. tqdm).
    """
    h, w = image.shape[:2]
    th, tw = min(tile, h), min(tile, w)
    ys, xs = tile_starts(h, th, overlap), tile_starts(w, tw, overlap)
    out = None
    weight = np.zeros((h, w, 1), np.float32)
    jobs = [(y, x) for y in ys for x in xs]
    for y, x in progress(jobs) if progress else jobs:
        result = np.asarray(run(image[None, y : y + th, x : x + tw]))[0]
        if out is None:
            out = np.zeros((h, w, result.shape[-1]), np.float32)
        wy = window_1d(th, y, h, overlap)
        wx = window_1d(tw, x, w, overlap)
        win = (wy[:, None] * wx[None, :]).astype(np.float32)[..., None]
        out[y : y + th, x : x + tw] += result * win
        weight[y : y + th, x : x + tw] += win
    return out / weight


def tile_borders(length: int, tile: int, overlap: int) -> list[int]:
    """Indices i where a tile edge lies between pixel i and i+1 (tile starts and ends)."""
    t = min(tile, length)
    edges = set()
    for s in tile_starts(length, t, overlap):
        if s > 0:
            edges.add(s - 1)
        if s + t < length:
            edges.add(s + t - 1)
    return sorted(edges)


def _box_blur(img: np.ndarray, k: int) -> np.ndarray:
    if k <= 1:
        return img
    pad = k // 2
    p = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    c = np.cumsum(np.cumsum(p, axis=0), axis=1)
    c = np.pad(c, ((1, 0), (1, 0), (0, 0)))
    h, w = img.shape[:2]
    return (c[k : k + h, k : k + w] - c[:h, k : k + w] - c[k : k + h, :w] + c[:h, :w]) / (k * k)


def seam_ratio(image: np.ndarray, tile: int, overlap: int, smooth: int = 5) -> float:
    """A seam detector: mean gradient energy across the lines where tiles begin and end,
    divided by the mean gradient energy across all other lines, measured on a box-blurred copy
    (so that a step in tone between tiles counts, and pixel noise does not). About 1 for a
    seamless image; a visible seam raises it well above 1.

    Args:
        image: (H, W, C) array, the output of a tiled translation.
        tile, overlap: the tiling it was made with.
        smooth: int. Side of the box blur; lines within smooth // 2 of a tile edge count as
            the edge.
    """
    img = _box_blur(np.asarray(image, np.float64), smooth)
    gy = np.abs(np.diff(img, axis=0)).sum(-1)  # (H-1, W): between rows i and i+1
    gx = np.abs(np.diff(img, axis=1)).sum(-1)  # (H, W-1)
    r = smooth // 2

    def near(edges, n):
        return sorted({e + d for e in edges for d in range(-r, r + 1)} & set(range(n)))

    rows = near(tile_borders(img.shape[0], tile, overlap), gy.shape[0])
    cols = near(tile_borders(img.shape[1], tile, overlap), gx.shape[1])
    if not rows and not cols:
        return 1.0
    border = np.concatenate([gy[rows].ravel(), gx[:, cols].ravel()])
    rest = np.concatenate(
        [np.delete(gy, rows, axis=0).ravel(), np.delete(gx, cols, axis=1).ravel()]
    )
    return float(border.mean() / max(rest.mean(), 1e-12))

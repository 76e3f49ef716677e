"""Procedural building facades: a label map (A) and a "photo" of the same scene (B).

A holds flat colours from `FACADE_PALETTE`. B is a function of the scene drawn in A (wall
material from the wall class, window frames and glass from the window rectangles, shadows
under cornices, fixed lighting) plus a little texture randomness (brick phase and tint, plaster
noise, sensor noise), so a translation network can learn A -> B and be scored against B.
"""

from __future__ import annotations

import numpy as np

# Label colours (A). Three wall classes stand for three materials in B.
FACADE_PALETTE: dict[str, tuple[int, int, int]] = {
    "sky": (0, 0, 128),
    "wall_brick": (0, 64, 255),
    "wall_plaster": (0, 160, 255),
    "wall_stone": (64, 224, 208),
    "roof": (128, 0, 0),
    "cornice": (160, 255, 96),
    "window": (255, 230, 0),
    "sill": (255, 160, 64),
    "balcony": (255, 64, 0),
    "door": (192, 0, 192),
}
_CLASSES = list(FACADE_PALETTE)
_ID = {name: i for i, name in enumerate(_CLASSES)}
_LUT = np.array([FACADE_PALETTE[n] for n in _CLASSES], dtype=np.uint8)
_WALLS = ("wall_brick", "wall_plaster", "wall_stone")

# Rendering details inside a labelled region (not labels: B derives them from the geometry).
_FRAME, _GLASS, _PANEL, _RAIL = 1, 2, 3, 4


class FacadeScene:
    """A drawn facade as per-pixel maps, filled rectangle by rectangle.

    Attributes: ``cls`` (class index into `FACADE_PALETTE` order), ``detail`` (frame, glass,
    panel, rail inside a class), ``u``/``v`` (position within a window or door, 0 to 1),
    ``origin`` (the building's top-left pixel).

    Args:
        size: int. Side of the square image.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.cls = np.full((size, size), _ID["sky"], dtype=np.int8)
        self.detail = np.zeros((size, size), dtype=np.int8)
        self.u = np.zeros((size, size), dtype=np.float32)
        self.v = np.zeros((size, size), dtype=np.float32)
        self.origin = (0, 0)  # building's top-left pixel: masonry courses start there

    def box(self, y0: float, y1: float, x0: float, x1: float) -> tuple[int, int, int, int]:
        s = self.size
        a, b = int(np.clip(round(y0), 0, s - 1)), int(np.clip(round(y1), 1, s))
        c, d = int(np.clip(round(x0), 0, s - 1)), int(np.clip(round(x1), 1, s))
        return a, max(b, a + 1), c, max(d, c + 1)

    def fill(self, name: str, y0: float, y1: float, x0: float, x1: float, local: bool = False):
        a, b, c, d = self.box(y0, y1, x0, x1)
        self.cls[a:b, c:d] = _ID[name]
        self.detail[a:b, c:d] = 0
        if local:
            self.v[a:b, c:d] = ((np.arange(b - a) + 0.5) / (b - a))[:, None]
            self.u[a:b, c:d] = ((np.arange(d - c) + 0.5) / (d - c))[None, :]
        return a, b, c, d


def _window(cv: FacadeScene, y0: float, y1: float, x0: float, x1: float) -> None:
    a, b, c, d = cv.fill("window", y0, y1, x0, x1, local=True)
    t = max(1, round(0.1 * min(b - a, d - c)))
    cv.detail[a:b, c:d] = _FRAME
    if b - a > 2 * t and d - c > 2 * t:
        cv.detail[a + t : b - t, c + t : d - t] = _GLASS
        mid = (c + d) // 2  # mullion
        cv.detail[a + t : b - t, mid - t // 2 : mid - t // 2 + t] = _FRAME
        tm = a + (b - a) * 2 // 5  # transom
        cv.detail[tm : tm + t, c + t : d - t] = _FRAME


def _door(cv: FacadeScene, y0: float, y1: float, x0: float, x1: float) -> None:
    a, b, c, d = cv.fill("door", y0, y1, x0, x1, local=True)
    h, w = b - a, d - c
    m = max(1, round(0.12 * w))
    if w > 3 * m and h > 5 * m:
        mid = a + (h - m) // 2
        cv.detail[a + m : mid, c + m : d - m] = _PANEL
        cv.detail[mid + m : b - m, c + m : d - m] = _PANEL


def _balcony(cv: FacadeScene, y0: float, y1: float, x0: float, x1: float, bar: int) -> None:
    a, b, c, d = cv.fill("balcony", y0, y1, x0, x1)
    cv.detail[a : a + max(1, (b - a) // 4), c:d] = _RAIL
    bars = (np.arange(d - c) % (2 * bar)) < bar
    cv.detail[a:b, c:d][:, bars] = _RAIL


def sample_facade_scene(rng: np.random.Generator, size: int) -> FacadeScene:
    """Draws a random facade into per-pixel class/detail maps.

    Args:
        rng: `np.random.Generator`. Source of all layout randomness.
        size: int. Side of the square image.
    """
    s = float(size)
    cv = FacadeScene(size)
    top = rng.uniform(0.0, 0.18) * s
    top = 0.0 if top < 0.03 * s else top
    if rng.random() < 0.6:
        bx0, bx1 = 0.0, s
    else:
        bx0, bx1 = rng.uniform(0.03, 0.12) * s, s - rng.uniform(0.03, 0.12) * s
    wall = _WALLS[rng.integers(len(_WALLS))]
    a, _, c, _ = cv.fill(wall, top, s, bx0, bx1)
    cv.origin = (a, c)
    y_body = top
    if rng.random() < 0.7:
        roof_h = max(2.0, rng.uniform(0.03, 0.07) * s)
        cv.fill("roof", top, top + roof_h, bx0, bx1)
        y_body = top + roof_h
    n_floors = int(rng.integers(3, 7))
    n_cols = int(rng.integers(2, 7))
    floor_h = (s - y_body) / n_floors
    margin = rng.uniform(0.02, 0.08) * (bx1 - bx0)
    col_w = (bx1 - bx0 - 2 * margin) / n_cols
    wf, hf = rng.uniform(0.4, 0.7), rng.uniform(0.45, 0.7)
    w_top = floor_h * (1 - hf) * rng.uniform(0.3, 0.6)
    cornices = rng.random() < 0.5
    corn_h = max(1.0, rng.uniform(0.05, 0.1) * floor_h)
    door_col = int(rng.integers(n_cols))
    balcony_floors = rng.random(n_floors) < 0.3
    bar = max(1, round(size / 128))
    for f in range(n_floors):
        fy = y_body + f * floor_h
        ground = f == n_floors - 1
        if cornices and f > 0:
            cv.fill("cornice", fy, fy + corn_h, bx0, bx1)
        for c in range(n_cols):
            cx = bx0 + margin + c * col_w
            if ground and c == door_col:
                dh = floor_h * 0.85
                dw = min(col_w * 0.7, dh * 0.55)
                _door(cv, s - dh, s, cx + (col_w - dw) / 2, cx + (col_w + dw) / 2)
                continue
            wx0, wx1 = cx + col_w * (1 - wf) / 2, cx + col_w * (1 + wf) / 2
            wy0, wy1 = fy + w_top, fy + w_top + floor_h * hf
            _window(cv, wy0, wy1, wx0, wx1)
            if balcony_floors[f] and not ground:
                bh = 0.3 * (wy1 - wy0)
                pad = 0.15 * (wx1 - wx0)
                _balcony(cv, wy1 - bh / 2, wy1 + bh / 2, wx0 - pad, wx1 + pad, bar)
            else:
                sill_h = max(1.0, 0.05 * floor_h)
                pad = 0.06 * (wx1 - wx0)
                cv.fill("sill", wy1, wy1 + sill_h, wx0 - pad, wx1 + pad)
    return cv


def _value_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Smooth noise: a (cells+1)^2 Gaussian grid, bilinearly upsampled to (size, size)."""
    grid = rng.standard_normal((cells + 1, cells + 1)).astype(np.float32)
    t = np.arange(size, dtype=np.float32) * (cells / size)
    i = t.astype(np.int64)
    f = (t - i)[:, None]
    rows = grid[i] * (1 - f) + grid[i + 1] * f  # (size, cells+1)
    return rows[:, i] * (1 - f.T) + rows[:, i + 1] * f.T


def _blocks(cv: FacadeScene, bh: int, bw: int, joint: int, rng: np.random.Generator, jitter: float):
    """Running-bond masonry: returns (joint mask, per-block multiplicative tint).

    Courses start at the building's corner, so the joints follow from the geometry in A;
    only the tint of each block is random.
    """
    oy, ox = cv.origin
    y = np.arange(cv.size)[:, None] - oy + bh * cv.size  # keep indices non-negative
    row = y // bh
    x = np.arange(cv.size)[None, :] - ox + bw * cv.size + (row % 2) * (bw // 2)
    col = x // bw
    joints = ((y % bh) < joint) | ((x % bw) < joint)
    row, col = row - row.min(), col - col.min()
    table = 1.0 + jitter * rng.standard_normal((row.max() + 1, col.max() + 1))
    return joints, table[row, col].astype(np.float32)


def render_facade_photo(cv: FacadeScene, rng: np.random.Generator) -> np.ndarray:
    """Renders the "photo" (B) of a drawn scene as uint8 (size, size, 3)."""
    n = cv.size
    ys = (np.arange(n, dtype=np.float32) + 0.5) / n
    xs = (np.arange(n, dtype=np.float32) + 0.5) / n
    out = np.empty((n, n, 3), dtype=np.float32)
    sky_top, sky_bottom = np.array([105, 155, 215.0]), np.array([185, 210, 235.0])
    out[:] = (sky_top + (sky_bottom - sky_top) * ys[:, None])[:, None, :]
    cls, det = cv.cls, cv.detail

    def paint(mask: np.ndarray, colour: np.ndarray) -> None:
        out[mask] = colour[mask] if colour.ndim == 3 else colour

    unit = max(3, round(n / 48))
    wall = cls == _ID["wall_brick"]
    if wall.any():
        joints, tint = _blocks(cv, unit, round(2.2 * unit), max(1, unit // 4), rng, 0.07)
        tex = np.array([150, 72, 52.0]) * tint[..., None]
        tex[joints] = (190, 182, 168)
        paint(wall, tex)
    wall = cls == _ID["wall_plaster"]
    if wall.any():
        shade = 1.0 + 0.05 * _value_noise(rng, n, 6) + 0.02 * _value_noise(rng, n, 24)
        paint(wall, np.array([226, 206, 168.0]) * shade[..., None])
    wall = cls == _ID["wall_stone"]
    if wall.any():
        joints, tint = _blocks(cv, 2 * unit, 5 * unit, max(1, unit // 3), rng, 0.05)
        tex = np.array([165, 163, 155.0]) * tint[..., None]
        tex[joints] = (118, 116, 112)
        paint(wall, tex)
    roof = cls == _ID["roof"]
    stripes = (np.arange(n) % max(2, unit)) == 0
    paint(roof, np.array([88, 72, 76.0]))
    paint(roof & stripes[:, None], np.array([60, 50, 55.0]))
    paint(cls == _ID["sill"], np.array([216, 210, 196.0]))
    corn = cls == _ID["cornice"]
    paint(corn, np.array([228, 222, 206.0]))
    # Cornices and sills cast a short shadow on the wall below them.
    walls = np.isin(cls, [_ID[w] for w in _WALLS])
    ledge = corn | (cls == _ID["sill"])
    shadow = np.zeros_like(walls)
    for k in range(1, max(1, n // 128) + 2):
        shadow[k:] |= ledge[:-k]
    out[shadow & walls] *= 0.68
    win = cls == _ID["window"]
    t = np.clip(0.65 * (1 - cv.v) + 0.35 * cv.u, 0, 1)[..., None]
    glass = np.array([35, 55, 85.0]) + t * np.array([125, 135, 135.0])
    paint(win & (det == _GLASS), glass)
    paint(win & (det == _FRAME), np.array([240, 238, 230.0]))
    door = cls == _ID["door"]
    paint(door, np.array([106, 62, 38.0]))
    paint(door & (det == _PANEL), np.array([82, 46, 27.0]))
    bal = cls == _ID["balcony"]
    paint(bal, np.array([72, 68, 64.0]))
    paint(bal & (det == _RAIL), np.array([32, 32, 36.0]))
    light = (1.06 - 0.12 * ys)[:, None] * (1.03 - 0.06 * xs)[None, :]
    out *= light[..., None]
    out += rng.normal(0.0, 2.0, (n, n, 1)).astype(np.float32)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def facade_pair(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """One sample: (label map A, photo B), each uint8 (size, size, 3).

    Args:
        rng: `np.random.Generator`. All randomness of the sample.
        size: int. Side of the square images.
    """
    cv = sample_facade_scene(rng, size)
    return _LUT[cv.cls], render_facade_photo(cv, rng)

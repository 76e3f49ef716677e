"""The pieces of `report.html` that are not about a run: small line charts as inline SVG,
pictures as `data:` URIs, the page with its CSS and script (it works offline: nothing is loaded
from elsewhere)."""

from __future__ import annotations

import base64
import html
import io
import math
import os

from PIL import Image

WIDTH, HEIGHT = 280, 170
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 26, 24
MAX_MARKERS = 60  # points get a marker (with the value on hover) up to this many epochs


def nice_ticks(lo: float, hi: float, count: int = 4, integer: bool = False) -> list[float]:
    """About `count` round values (1, 2, 2.5 or 5 × 10^k apart) between `lo` and `hi`."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, round(step))
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def format_value(value: float) -> str:
    """A value with 4 significant digits: 21.37, 0.5432, 0.0002, 1.2e-06."""
    return f"{value:.4g}"


def tick_labels(ticks: list[float]) -> list[str]:
    """Labels for round tick values, with as few digits as show each exactly: 0.5, 21, 12.275,
    2e-4, 1.25e-4."""
    for digits in range(1, 10):
        labels = [_tick_label(t, digits) for t in ticks]
        if all(math.isclose(float(label), t, rel_tol=1e-9) for label, t in zip(labels, ticks)):
            return labels
    return labels


def _tick_label(value: float, digits: int) -> str:
    if value and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{float(mantissa):g}e{int(exponent)}"
    return f"{value:.{digits}g}"


def _value_range(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        pad = abs(lo) * 0.05 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.06
    return lo - pad, hi + pad


def line_chart_svg(epochs: list[int], values: list[float], title: str, color: str) -> str:
    """One metric against the epoch: a titled SVG chart with round ticks on both axes, the
    latest value in the corner, gaps where a value is missing or not finite (NaN), and hover
    titles on the points of short runs.

    Args:
        epochs: list of int. The x values.
        values: list of float. The y values, NaN where missing.
        title: str. The metric's name.
        color: str. The line's CSS colour.
    """
    finite = [(e, v) for e, v in zip(epochs, values) if math.isfinite(v)]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{html.escape(title)} by epoch">',
        f'<text class="title" x="{LEFT}" y="14">{html.escape(title)}</text>',
    ]
    if not finite:
        parts.append(f'<text class="note" x="{LEFT}" y="{HEIGHT / 2}">no finite values</text>')
        return "".join(parts + ["</svg>"])
    last_epoch, last_value = finite[-1]
    parts.append(
        f'<text class="latest" x="{WIDTH - RIGHT}" y="14" text-anchor="end">'
        f"{format_value(last_value)} (epoch {last_epoch})</text>"
    )
    x_lo, x_hi = min(epochs), max(epochs)
    if x_lo == x_hi:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    y_lo, y_hi = _value_range([v for _, v in finite])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(e):
        return LEFT + (e - x_lo) / (x_hi - x_lo) * plot_w

    def y(v):
        return TOP + (y_hi - v) / (y_hi - y_lo) * plot_h

    bottom = TOP + plot_h
    parts.append(f'<rect class="frame" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>')
    y_ticks = nice_ticks(y_lo, y_hi)
    for tick, label in zip(y_ticks, tick_labels(y_ticks)):
        ty = y(tick)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 4}" y="{ty + 3:.1f}" text-anchor="end">{label}</text>'
        )
    for tick in nice_ticks(max(min(epochs), x_lo), min(max(epochs), x_hi), 5, integer=True):
        tx = x(tick)
        parts.append(f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP}" y2="{bottom}"/>')
        parts.append(
            f'<text class="tick" x="{tx:.1f}" y="{bottom + 11}" text-anchor="middle">'
            f"{int(tick)}</text>"
        )
    parts.append(
        f'<text class="tick" x="{LEFT + plot_w}" y="{HEIGHT - 2}" text-anchor="end">epoch</text>'
    )
    segment: list[str] = []
    segments = [segment]
    for e, v in zip(epochs, values):
        if math.isfinite(v):
            segment.append(f"{x(e):.1f},{y(v):.1f}")
        elif segment:
            segment = []
            segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(f'<polyline points="{" ".join(points)}" stroke="{color}"/>')
    for e, v in finite if len(finite) <= MAX_MARKERS else finite[-1:]:
        parts.append(
            f'<circle cx="{x(e):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}">'
            f"<title>epoch {e}: {format_value(v)}</title></circle>"
        )
    missing = len(values) - len(finite)
    if missing:
        parts.append(
            f'<text class="note" x="{LEFT + 4}" y="{TOP + 11}">'
            f"{missing} missing or non-finite</text>"
        )
    return "".join(parts + ["</svg>"])


# === Embedded pictures ===

KEEP_PNG_BYTES = 150_000  # grids smaller than this stay PNG; larger ones become JPEG
JPEG_QUALITY = 85
SMALL_IMAGE_WIDTH = 480  # pictures narrower than half this are shown enlarged,
MAX_ZOOMED_HEIGHT = 720  # unless that makes them taller than this


def embed_image(path: str, max_bytes: int, cache: dict | None = None) -> dict:
    """The image at `path` as a `data:` URI of at most about `max_bytes` characters: the PNG
    itself when it is small, else a JPEG (quality `JPEG_QUALITY`), scaled down until it fits.

    Returns:
        {"uri", "width", "height" (of the original, for display), "jpeg", "scaled"}.
    """
    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size, max_bytes)
    if cache is not None and key in cache:
        return cache[key]
    with open(path, "rb") as f:
        data = f.read()
    picture = Image.open(io.BytesIO(data))
    width, height = picture.size
    mime, scale = "image/png", 1.0
    if _b64_len(len(data)) > min(max_bytes, KEEP_PNG_BYTES * 4 // 3):
        rgb = picture.convert("RGB")
        mime, data = "image/jpeg", _jpeg(rgb)
        for _ in range(6):
            if _b64_len(len(data)) <= max_bytes:
                break
            scale *= 0.95 * math.sqrt(max_bytes / _b64_len(len(data)))
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            data = _jpeg(rgb.resize(size, Image.LANCZOS))
    uri = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    result = {
        "uri": uri,
        "width": width,
        "height": height,
        "jpeg": mime == "image/jpeg",
        "scaled": scale < 1.0,
    }
    if cache is not None:
        cache[key] = result
    return result


def figure(image: dict, alt: str, caption: str, attributes: str = "") -> str:
    """An embedded picture; small ones (a 64×64 run's grids) are shown 2-3× larger."""
    zoom = min(3, SMALL_IMAGE_WIDTH // image["width"], MAX_ZOOMED_HEIGHT // image["height"])
    zoom = max(1, zoom)
    return (
        f'<figure{attributes}><img src="{image["uri"]}" width="{image["width"] * zoom}" '
        f'height="{image["height"] * zoom}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _jpeg(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _b64_len(n: int) -> int:
    return 4 * math.ceil(n / 3)


# === The page ===

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;
  style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
{body}
<script>{js}</script>
</body>
</html>
"""

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 0 auto; max-width: 1180px;
  padding: 0 18px 40px; }
header { border-bottom: 1px solid #ddd; margin-bottom: 8px; }
h1 { font-size: 22px; margin: 18px 0 2px; } h2 { font-size: 18px; margin: 26px 0 8px; }
h3 { font-size: 14px; margin: 16px 0 6px; } header p { margin: 0 0 6px; color: #555; }
nav a { margin-right: 14px; color: #1f5fa8; text-decoration: none; } nav { margin-bottom: 10px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
tr:first-child th { background: #f3f4f6; }
table.numbers td { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.numbers td.text { white-space: normal; min-width: 11em; }
table.config th { font-weight: 600; background: #fafafa; }
tr.not-run td { color: #8a4b00; } .wide { overflow-x: auto; }
.note { color: #555; font-size: 13px; margin: 4px 0; }
.problems { background: #fff4e5; border: 1px solid #f0c36d; padding: 4px 12px; }
.slider { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.slider input { flex: 0 1 420px; } #epoch-label { font-weight: 600; min-width: 9em; }
figure { margin: 8px 0; } figure img { max-width: 100%; height: auto;
  image-rendering: auto; border: 1px solid #ddd; } figcaption { color: #666; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px; }
svg.chart { width: 100%; height: auto; background: #fff; border: 1px solid #e5e5e5; }
svg.chart polyline { fill: none; stroke-width: 1.6; }
svg.chart .frame { fill: none; stroke: #bbb; } svg.chart .grid { stroke: #eee; }
svg.chart .title { font-size: 12px; font-weight: 600; } svg.chart .latest { font-size: 11px; }
svg.chart .tick { font-size: 9px; fill: #555; } svg.chart .note { font-size: 10px; fill: #a33; }
"""

JS = """
(() => {
  const slider = document.getElementById('epoch-slider');
  if (!slider) return;
  const figures = document.querySelectorAll('#grids figure');
  const label = document.getElementById('epoch-label');
  const show = (i) => {
    figures.forEach((f, j) => { f.hidden = j !== i; });
    label.textContent = `epoch ${figures[i].dataset.epoch} / ${slider.dataset.trained}`;
  };
  slider.addEventListener('input', () => show(Number(slider.value)));
  show(Number(slider.value));
})();
"""

"""`report.html`: one self-contained page per run folder (config, curves, sample grids, held-out
scores, export parity), rewritten after every epoch and by the commands that add results."""

from __future__ import annotations

import html
import json
import math
import os
import re
import time

import keras

from tf_imgtrans.callbacks.history import history_keys, load_history, metric_group, plot_values
from tf_imgtrans.callbacks.report_html import (
    CSS,
    JPEG_QUALITY,
    JS,
    PAGE,
    embed_image,
    figure,
    format_value,
    line_chart_svg,
)
from tf_imgtrans.files import atomic_write_text

REPORT_NAME = "report.html"
MAX_GRIDS = 60  # sample grids embedded at most: evenly spaced, first and latest always in
GRIDS_BYTES = 8_000_000  # the page's share for grids (base64): MAX_GRIDS × ~133 kB
# Folders of a run that hold no reports (skipped when looking for parity and score files).
NOT_REPORTS = {"samples", "checkpoints", "logs", "test_translated"}
FORMAT_ORDER = ("savedmodel", "tflite", "tfjs")
QUANTIZE_ORDER = ("float32", "float16", "dynamic", "int8", "uint8")
SCORE_ROWS = {
    "model": "this run's generator",
    "input": "baseline: the input itself",
    "mean_target": "baseline: the mean training target",
}


class RunReport(keras.callbacks.Callback):
    """After every epoch, rewrites `out/report.html` (`write_report`). Goes after
    `HistoryLogger` and `SampleGrid` in the callback list: it reads the files they write.

    Args:
        out: str. The run folder.

    Example:
    >>> RunReport("runs/facades")  # doctest: +ELLIPSIS
    <tf_imgtrans.callbacks.report.RunReport object at ...>
    """

    def __init__(self, out: str):
        super().__init__()
        self.out = out
        self._images: dict = {}  # grids already encoded, by (path, mtime, size)

    def on_epoch_end(self, epoch, logs=None):
        write_report(self.out, cache=self._images)


def write_report(run_dir: str, cache: dict | None = None) -> str:
    """Writes `run_dir/report.html` (atomically) from what the run folder holds now and returns
    its path: `config.json` as a table, one chart per key of `history.json`, the grids of
    `samples/` with a slider (at most `MAX_GRIDS`, evenly spaced, first and latest included;
    large ones re-encoded as JPEG), the latest `val_*` values, `demo_report.json` and other
    score JSON files, and every export parity report (`*.parity.json`, `parity.json`) found in
    the folder. Files that do not parse are named on the page, not skipped in silence.

    Args:
        run_dir: str. The run folder (as written by `fit_run`).
        cache: dict or None. Encoded grids from an earlier call, reused while unchanged.
    """
    problems: list[str] = []
    config = _read_json(os.path.join(run_dir, "config.json"), problems) or {}
    history = load_history(os.path.join(run_dir, "history.json"))
    trained = max(history.get("epoch") or [0])
    grids = sample_grids(os.path.join(run_dir, "samples"), up_to=trained or None)
    trained = max([trained] + [e for e, _ in grids])
    name = os.path.basename(os.path.abspath(run_dir))
    planned = config.get("epochs")
    facts = [f"{trained} of {planned} epochs trained" if planned else f"{trained} epochs trained"]
    if config.get("data"):
        facts.append(f"data {config['data']}")
    facts.append(f"updated {time.strftime('%Y-%m-%d %H:%M:%S')}")
    body = [
        f"<header><h1>Run report: {_e(name)}</h1><p>{_e(' · '.join(facts))}</p>",
        '<nav><a href="#scores">Held-out scores</a> <a href="#samples">Sample grids</a> '
        '<a href="#curves">Curves</a> <a href="#export">Export parity</a> '
        '<a href="#config">Config</a></nav></header>',
        "",  # problems go here, once all files are read
        _scores_section(run_dir, history, problems),
        _samples_section(grids, trained, cache if cache is not None else {}),
        _curves_section(history),
        _export_section(run_dir, problems),
        _config_section(config),
    ]
    if problems:
        items = "".join(f"<li>{_e(p)}</li>" for p in problems)
        body[2] = f'<section class="problems"><h2>Files not shown</h2><ul>{items}</ul></section>'
    page = PAGE.format(title=_e(f"{name}: run report"), css=CSS, body="\n".join(body), js=JS)
    path = os.path.join(run_dir, REPORT_NAME)
    atomic_write_text(path, page)
    return path


# === Sample grids ===


def sample_grids(samples_dir: str, up_to: int | None = None) -> list[tuple[int, str]]:
    """(epoch, path) of the `epoch_NNNN.png` grids in `samples_dir`, by epoch; with `up_to`,
    only those of epochs <= up_to (a resumed run's history ends there; later grids are stale)."""
    if not os.path.isdir(samples_dir):
        return []
    found = []
    for name in os.listdir(samples_dir):
        match = re.fullmatch(r"epoch_(\d+)\.png", name)
        if match and (up_to is None or int(match.group(1)) <= up_to):
            found.append((int(match.group(1)), os.path.join(samples_dir, name)))
    return sorted(found)


def pick_evenly(n: int, cap: int = MAX_GRIDS) -> list[int]:
    """At most `cap` indices of 0..n-1, evenly spaced, always with the first and the last."""
    if n <= cap:
        return list(range(n))
    if cap == 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (cap - 1)) for i in range(cap)})


def _samples_section(grids: list[tuple[int, str]], trained: int, cache: dict) -> str:
    head = '<section id="samples"><h2>Sample grids</h2>'
    if not grids:
        return head + "<p>No sample grids yet (<code>samples/epoch_NNNN.png</code>).</p></section>"
    chosen = [grids[i] for i in pick_evenly(len(grids))]
    images = [embed_image(path, GRIDS_BYTES // MAX_GRIDS, cache) for _, path in chosen]
    last = len(chosen) - 1
    notes = []
    if len(chosen) < len(grids):
        notes.append(
            f"{len(chosen)} of the {len(grids)} epochs' grids are shown here, evenly spaced, "
            "the first and the latest included; all are in <code>samples/</code>."
        )
    if any(image["jpeg"] for image in images):
        scaled = " (some at reduced resolution)" if any(i["scaled"] for i in images) else ""
        notes.append(
            f"Large grids are embedded as JPEG, quality {JPEG_QUALITY}{scaled}, to keep this "
            "page small; the PNGs are in <code>samples/</code>."
        )
    figures = []
    for i, ((epoch, path), image) in enumerate(zip(chosen, images)):
        figures.append(
            figure(
                image,
                f"sample grid after epoch {epoch}",
                os.path.basename(path),
                f' data-epoch="{epoch}"' + ("" if i == last else " hidden"),
            )
        )
    return (
        head + '<div class="slider"><label for="epoch-slider">Epoch</label> '
        f'<input type="range" id="epoch-slider" min="0" max="{last}" step="1" value="{last}" '
        f'data-trained="{trained}"{" disabled" if last == 0 else ""}> '
        f'<output id="epoch-label" for="epoch-slider">epoch {chosen[-1][0]} / {trained}</output>'
        "</div>"
        + "".join(f"<p class='note'>{n}</p>" for n in notes)
        # The grids are as wide as they were drawn, or as the page.
        + f'<div id="grids">{"".join(figures)}</div></section>'
    )


# === Curves, scores, exports, config ===


def _curves_section(history: dict) -> str:
    head = '<section id="curves"><h2>Loss and metric curves</h2>'
    keys = history_keys(history)
    if not history.get("epoch") or not keys:
        return head + "<p>No epochs logged yet (<code>history.json</code>).</p></section>"
    charts = [
        line_chart_svg(history["epoch"], plot_values(history[k]), k, metric_group(k)[1])
        for k in keys
    ]
    note = "<p class='note'>One panel per logged value, each on its own scale.</p>"
    return head + note + f'<div class="charts">{"".join(charts)}</div></section>'


def _scores_section(run_dir: str, history: dict, problems: list[str]) -> str:
    parts = ['<section id="scores"><h2>Held-out scores</h2>']
    latest = {}
    for key in sorted(k for k in history if k.startswith("val_")):
        for epoch, value in zip(reversed(history["epoch"]), reversed(history[key])):
            if isinstance(value, (int, float)):
                latest[key] = (epoch, value)
                break
    if latest:
        rows = "".join(
            f"<tr><th>{_e(k)}</th><td>{format_value(v)}</td><td>{e}</td></tr>"
            for k, (e, v) in latest.items()
        )
        parts.append(
            "<h3>Validation split, latest epoch</h3><table class='numbers'>"
            f"<tr><th>metric</th><th>value</th><th>epoch</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p>No validation metrics (<code>val_*</code>) logged yet.</p>")
    demo = _read_json(os.path.join(run_dir, "demo_report.json"), problems)
    if isinstance(demo, dict) and isinstance(demo.get("scores"), dict):
        parts.append(
            f"<h3>Test split (<code>tf-imgtrans demo</code>: {_e(demo.get('test_images'))} "
            f"images, after {_e(demo.get('epochs'))} epochs)</h3>" + _score_table(demo["scores"])
        )
        grid = os.path.join(run_dir, "test_grid.png")
        if os.path.isfile(grid):
            image = embed_image(grid, 600_000)
            parts.append(figure(image, "test split: input, output, ground truth", "test_grid.png"))
    for path, report in _evaluation_reports(run_dir, problems):
        settings = report.get("settings", {})
        what = ", ".join(f"{k} {v}" for k, v in settings.items() if k in ("data", "split"))
        parts.append(
            f"<h3>Evaluation: <code>{_e(os.path.relpath(path, run_dir))}</code>"
            f"{' (' + _e(what) + ')' if what else ''}</h3>" + _score_table(report)
        )
    return "".join(parts) + "</section>"


def _score_table(scores: dict) -> str:
    """Rows model / input / mean_target (and any other dict of numbers), one column per score."""
    rows = {k: v for k, v in scores.items() if isinstance(v, dict) and _numbers(v)}
    columns = list(dict.fromkeys(c for v in rows.values() for c in _numbers(v)))
    head = "".join(f"<th>{_e(c.upper())}</th>" for c in columns)
    body = "".join(
        f"<tr><th>{_e(SCORE_ROWS.get(name, name))}</th>"
        + "".join(f"<td>{_cell(values.get(c))}</td>" for c in columns)
        + "</tr>"
        for name, values in rows.items()
    )
    return f"<table class='numbers'><tr><th></th>{head}</tr>{body}</table>"


def _evaluation_reports(run_dir: str, problems: list[str]) -> list[tuple[str, dict]]:
    """Score JSON files (`tf-imgtrans evaluate --json`) at the top of the run folder or in a
    folder whose name starts with "eval": a dict whose "model" entry holds numbers."""
    candidates = []
    for entry in sorted(os.listdir(run_dir)):
        path = os.path.join(run_dir, entry)
        if entry.endswith(".json") and entry not in ("config.json", "history.json"):
            candidates.append(path)
        elif os.path.isdir(path) and entry.startswith("eval"):
            candidates += [os.path.join(path, f) for f in sorted(os.listdir(path))]
    found = []
    for path in candidates:
        if path.endswith(".json") and os.path.basename(path) != "demo_report.json":
            report = _read_json(path, problems)
            if isinstance(report, dict) and _numbers(report.get("model")):
                found.append((path, report))
    return found


def find_parity_reports(run_dir: str, max_depth: int = 4) -> list[str]:
    """Export parity reports in the run folder: `parity.json` inside exported folders and
    `STEM.parity.json` beside exported files (see `tf_imgtrans.export.report.report_path_for`),
    e.g. those the demo writes under `RUN/export/`."""
    found = []
    for folder, dirs, files in os.walk(run_dir):
        rel = os.path.relpath(folder, run_dir)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        dirs[:] = sorted(
            d
            for d in dirs
            if depth < max_depth and not d.startswith(".") and not (depth == 0 and d in NOT_REPORTS)
        )
        found += [
            os.path.join(folder, f)
            for f in sorted(files)
            if f == "parity.json" or f.endswith(".parity.json")
        ]
    return found


def _export_section(run_dir: str, problems: list[str]) -> str:
    head = '<section id="export"><h2>Export parity</h2>'
    rows, not_run, reference = [], [], None
    for path in find_parity_reports(run_dir):
        report = _read_json(path, problems)
        if not (isinstance(report, dict) and "format" in report and "parity" in report):
            if report is not None:
                problems.append(f"{os.path.relpath(path, run_dir)}: not an export parity report")
            continue
        rows.append((os.path.relpath(path, run_dir), report))
        reference = reference or report.get("parity")
        summary = _read_json(os.path.join(os.path.dirname(path), "export_report.json"), problems)
        for key, entry in (summary or {}).items():
            if isinstance(entry, dict) and "not_run" in entry and (key, entry) not in not_run:
                not_run.append((key, entry))
    if not rows and not not_run:
        return head + "<p>Not exported yet (no parity reports in the run folder).</p></section>"

    def order(row):
        report = row[1]
        fmt, quantize = report.get("format"), report.get("quantize")
        return (
            FORMAT_ORDER.index(fmt) if fmt in FORMAT_ORDER else len(FORMAT_ORDER),
            QUANTIZE_ORDER.index(quantize) if quantize in QUANTIZE_ORDER else len(QUANTIZE_ORDER),
            row[0],
        )

    names = (
        "format", "quantization", "size", "max |err|", "mean |err|", "PSNR (dB)",
        "odd size: max |err|", "uint8: max levels (equal)", "latency ms (Keras)", "runtime",
        "report",
    )  # fmt: skip
    body = []
    for rel, report in sorted(rows, key=order):
        p = report.get("parity") or {}
        psnr = p.get("psnr_db")
        uint8 = p.get("uint8") or {}
        cells = [
            _e(report.get("format")),
            _e(report.get("quantize")),
            _size(report.get("size_bytes")),
            _error(p.get("max_abs_error")),
            _error(p.get("mean_abs_error")),
            "identical" if psnr is None and "max_abs_error" in p else _cell(psnr),
            _error((p.get("odd_size") or {}).get("max_abs_error")),
            f"{uint8['max_abs_levels']} ({100 * uint8.get('fraction_equal', 0):.2f} %)"
            if "max_abs_levels" in uint8
            else "—",
            f"{_cell((p.get('latency_ms') or {}).get('median'))} "
            f"({_cell((p.get('keras_latency_ms') or {}).get('median'))})",
            f"<td class='text'>{_e(p.get('runtime', '—'))}</td>",
            f"<td class='text'><code>{_e(rel)}</code></td>",
        ]
        body.append(
            "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"
        )
    for key, entry in not_run:
        fmt, _, quantize = key.partition("_")
        reason = _e(entry["not_run"])
        body.append(
            f"<tr class='not-run'><td>{_e(fmt)}</td><td>{_e(quantize or 'float32')}</td>"
            f"<td colspan='{len(names) - 2}'>not run: {reason}</td></tr>"
        )
    intro = ""
    if reference:
        size = "×".join(str(s) for s in reference.get("size") or [])
        against = reference.get("reference") or "Keras model"
        intro = (
            f"<p class='note'>Each export compared with the {_e(against)}, "
            f"on {_e(reference.get('images'))} held-out images of {_e(size)} "
            f"({_e(reference.get('data'))}); errors in the [-1, 1] output range, latencies the "
            "median of batch-1 runs.</p>"
        )
    table_head = "".join(f"<th>{_e(n)}</th>" for n in names)
    return (
        head + intro + f"<div class='wide'><table class='numbers'><tr>{table_head}</tr>"
        f"{''.join(body)}</table></div></section>"
    )


def _config_section(config: dict) -> str:
    head = '<section id="config"><h2>Run config</h2>'
    if not config:
        return head + "<p>No <code>config.json</code>.</p></section>"
    cells = [
        f"<th>{_e(k)}</th><td>{_e(v if isinstance(v, str) else json.dumps(v))}</td>"
        for k, v in config.items()
    ]
    half = math.ceil(len(cells) / 2)  # two key/value column pairs: half the height
    rows = "".join(
        f"<tr>{left}{right}</tr>" for left, right in zip(cells[:half], cells[half:] + [""])
    )
    return head + f"<table class='config'>{rows}</table></section>"


# === Small helpers ===


def _read_json(path: str, problems: list[str]):
    """The JSON in `path`, None when there is no such file; a file that does not parse is
    recorded in `problems` (and gives None)."""
    if not os.path.isfile(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"{path}: {type(e).__name__}: {e}")
        return None


def _numbers(values) -> list[str]:
    if not isinstance(values, dict):
        return []
    return [k for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value else format_value(value)
    return str(value)


def _error(value) -> str:
    return "—" if value is None else f"{value:.2e}"


def _size(n) -> str:
    if not isinstance(n, (int, float)):
        return "—"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _e(value) -> str:
    return html.escape(str(value))

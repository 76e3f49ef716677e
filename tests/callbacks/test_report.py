"""report.html: a hand-made run folder (every section, the cap on embedded grids, the size of a
long run), a tiny real training run that rewrites it after every epoch, and the page in headless
Chromium (clean console, no requests, the slider). The screenshot lands in
$TMPDIR/tf_imgtrans_artifacts/report.png."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import keras
import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.callbacks import write_report
from tf_imgtrans.callbacks.report import MAX_GRIDS, pick_evenly
from tf_imgtrans.export.parity import compare, parity_header
from tf_imgtrans.export.report import ExportResult

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "web_demo"))
from web_demo_helpers import REPO, require_browser  # noqa: E402

ARTIFACTS = os.path.join(tempfile.gettempdir(), "tf_imgtrans_artifacts")
CONFIG = {"data": "builtin:facades", "epochs": 3, "image_size": 64, "ngf": 8, "lambda_l1": 100.0}
HISTORY = {
    "epoch": [1, 2, 3],
    "g_loss": [60.0, 40.0, 30.0],
    "d_loss": [0.7, 0.6, None],  # a missing value draws a gap
    "val_psnr": [15.0, 17.5, 19.25],
    "val_ssim": [0.31, 0.42, 0.5],
    "lr_generator": [2e-4, 2e-4, 1e-4],
}


def _grid(path, color, size=(40, 30)):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new("RGB", size, color).save(path)


def _parity_report(path: str, fmt: str, quantize: str, error: float) -> str:
    """A parity JSON written by the export code itself (`ExportResult.write_report`)."""
    images = np.zeros((4, 64, 64, 3), np.float32)
    result = ExportResult(fmt, quantize, path, input={"dynamic_size": True}, source={})
    result.parity = {
        **parity_header("Keras generator, float32, training=False", images, "builtin:facades"),
        **compare(images, images + error),
        "latency_ms": {"median": 1.5, "min": 1.4, "runs": 5},
        "keras_latency_ms": {"median": 7.0, "min": 6.9, "runs": 5},
        "runtime": "LiteRT test",
    }
    return result.write_report()


@pytest.fixture
def run_dir(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps(CONFIG))
    (run / "history.json").write_text(json.dumps(HISTORY))
    for epoch, color in enumerate(["red", "green", "blue", "black"], start=1):
        _grid(str(run / "samples" / f"epoch_{epoch:04d}.png"), color)  # 4: stale, after a kill
    os.makedirs(run / "export" / "saved_model")
    _parity_report(str(run / "export" / "model_int8.tflite"), "tflite", "int8", 0.004)
    _parity_report(str(run / "export" / "saved_model"), "savedmodel", "float32", 0.0)
    (run / "export" / "export_report.json").write_text(
        json.dumps({"tfjs": {"not_run": "tensorflowjs is not installed"}, "report": "x"})
    )
    (run / "export" / "broken.parity.json").write_text("{")
    scores = {"model": {"psnr": 19.5, "ssim": 0.55}, "input": {"psnr": 6.2, "ssim": 0.07}}
    (run / "demo_report.json").write_text(
        json.dumps({"scores": scores, "test_images": 50, "epochs": 3})
    )
    (run / "eval_test.json").write_text(
        json.dumps({"model": {"fid": 42.5, "kid": 0.01}, "settings": {"split": "test"}})
    )
    return str(run)


def _figures(page: str) -> list[tuple[int, bool]]:
    """(epoch, hidden) of each embedded sample grid."""
    return [
        (int(e), bool(h)) for e, h in re.findall(r'<figure data-epoch="(\d+)"( hidden)?>', page)
    ]


def test_report_holds_every_section_and_loads_nothing(run_dir):
    path = write_report(run_dir)
    assert path == os.path.join(run_dir, "report.html")
    page = open(path).read()
    # Self-contained: no addresses, every picture a data: URI, links only to its own sections.
    assert "http://" not in page and "https://" not in page
    assert all(src.startswith("data:image/") for src in re.findall(r'src="([^"]*)"', page))
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))
    for key in CONFIG:
        assert f"<th>{key}</th>" in page
    # One chart per logged value, each titled with its key.
    titles = re.findall(r'<text class="title"[^>]*>([^<]*)</text>', page)
    assert titles == ["g_loss", "d_loss", "val_psnr", "val_ssim", "lr_generator"]
    assert page.count('<svg class="chart"') == 5
    # Grids of epochs 1-3 (epoch 4 is later than the history: stale), the latest shown.
    assert _figures(page) == [(1, True), (2, True), (3, False)]
    assert page.count('src="data:image/png;base64,') == 3
    assert re.search(
        r'<input type="range" id="epoch-slider" min="0" max="2" step="1" value="2"', page
    )
    assert ">epoch 3 / 3</output>" in page
    # Held-out scores: the latest val_* values, the demo's test split, the evaluation file.
    assert "<th>val_psnr</th><td>19.25</td><td>3</td>" in page
    assert "Test split" in page and "<td>19.5</td>" in page
    assert "eval_test.json" in page and "<th>FID</th>" in page and "<td>42.5</td>" in page
    # Export parity: one row per report (SavedModel first), the export that did not run.
    rows = re.findall(r"<tr>(<td>(?:savedmodel|tflite)</td>.*?)</tr>", page)
    assert [re.findall(r"<td>([^<]*)</td>", r)[:2] for r in rows] == [
        ["savedmodel", "float32"],
        ["tflite", "int8"],
    ]
    assert "identical" in rows[0] and "4.00e-03" in rows[1]
    assert "export/model_int8.parity.json" in page and "export/saved_model/parity.json" in page
    assert "not run: tensorflowjs is not installed" in page
    # A file that does not parse is named, not skipped in silence.
    assert "Files not shown" in page and "broken.parity.json" in page


def test_report_of_an_empty_folder_says_what_is_missing(tmp_path):
    page = open(write_report(str(tmp_path))).read()
    assert "No sample grids yet" in page and "No epochs logged yet" in page
    assert "Not exported yet" in page and "No <code>config.json</code>" in page


def test_pick_evenly_keeps_first_and_last():
    assert pick_evenly(5) == [0, 1, 2, 3, 4]
    picked = pick_evenly(100)
    assert len(picked) == MAX_GRIDS and picked[0] == 0 and picked[-1] == 99
    assert len(set(picked)) == len(picked)
    assert pick_evenly(200, cap=2) == [0, 199]


def test_report_embeds_at_most_60_grids_of_a_long_run(tmp_path):
    run = tmp_path / "run"
    _grid(str(run / "samples" / "epoch_0001.png"), "red")
    for epoch in range(2, 101):
        os.link(run / "samples" / "epoch_0001.png", run / "samples" / f"epoch_{epoch:04d}.png")
    (run / "history.json").write_text(json.dumps({"epoch": list(range(1, 101))}))
    page = open(write_report(str(run))).read()
    epochs = [e for e, _ in _figures(page)]
    assert len(epochs) == MAX_GRIDS and epochs[0] == 1 and epochs[-1] == 100
    assert "60 of the 100 epochs' grids are shown" in page
    assert ">epoch 100 / 100</output>" in page


def test_report_of_200_epochs_at_256_stays_under_10_mb(tmp_path):
    # The worst case for JPEG: noise, in a CycleGAN grid (4 rows × 6 columns of 256² images).
    run = tmp_path / "run"
    noise = np.random.default_rng(0).integers(0, 256, (14 + 4 * 258 + 2, 6 * 258 + 2, 3))
    os.makedirs(run / "samples")
    Image.fromarray(noise.astype(np.uint8)).save(run / "samples" / "epoch_0001.png")
    for epoch in range(2, 201):
        os.link(run / "samples" / "epoch_0001.png", run / "samples" / f"epoch_{epoch:04d}.png")
    history = {"epoch": list(range(1, 201))}
    history.update({k: list(np.linspace(1, 2, 200)) for k in ("g_loss", "d_loss", "val_psnr")})
    (run / "history.json").write_text(json.dumps(history))
    path = write_report(str(run))
    assert os.path.getsize(path) < 10_000_000
    page = open(path).read()
    assert page.count('src="data:image/jpeg;base64,') == MAX_GRIDS
    assert "JPEG, quality 85 (some at reduced resolution)" in page


# === A real run ===

TINY = {
    "data": "builtin:facades?n_train=6&n_val=2&n_test=2",
    "image_size": 64,
    "ngf": 8,
    "ndf": 8,
    "n_layers": 2,
    "batch_size": 2,
    "epochs": 2,
    "tensorboard": False,
}


class ReportSnapshots(keras.callbacks.Callback):
    """The report as it is on disk at the end of each epoch (after RunReport has run)."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.pages = []

    def on_epoch_end(self, epoch, logs=None):
        with open(self.path) as f:
            self.pages.append(f.read())


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    from tf_imgtrans.training import Pix2PixConfig, train_pix2pix

    out = str(tmp_path_factory.mktemp("report_run") / "run")
    snapshots = ReportSnapshots(os.path.join(out, "report.html"))
    train_pix2pix(Pix2PixConfig(**TINY), out, verbose=0, callbacks=[snapshots])
    return out, snapshots.pages


def test_training_rewrites_the_report_after_every_epoch(trained_run):
    out, pages = trained_run
    assert len(pages) == 2
    assert [e for e, _ in _figures(pages[0])] == [1]
    assert ">epoch 1 / 1</output>" in pages[0] and "1 of 2 epochs trained" in pages[0]
    assert [e for e, _ in _figures(pages[1])] == [1, 2]
    assert ">epoch 2 / 2</output>" in pages[1] and "2 of 2 epochs trained" in pages[1]
    for key in ("g_l1", "d_loss", "val_psnr", "val_ssim", "val_l1"):
        assert f">{key}</text>" in pages[1]
    assert "<th>val_psnr</th>" in pages[1]
    assert open(os.path.join(out, "report.html")).read().count("<figure data-epoch=") == 2


@pytest.fixture(scope="module")
def browser_ready():
    require_browser()


def test_report_in_the_browser(browser_ready, trained_run, tmp_path):
    out, _ = trained_run
    os.makedirs(ARTIFACTS, exist_ok=True)
    screenshot = os.path.join(ARTIFACTS, "report.png")
    job = {
        "url": "file://" + os.path.abspath(os.path.join(out, "report.html")),
        "screenshot": screenshot,
        "result": str(tmp_path / "result.json"),
    }
    (tmp_path / "job.json").write_text(json.dumps(job))
    script = os.path.join(REPO, "tests", "callbacks", "report_browser.mjs")
    proc = subprocess.run(
        ["node", script, str(tmp_path / "job.json")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((tmp_path / "result.json").read_text())
    print(f"\nrun report screenshot: {screenshot}")
    assert "error" not in result, result["error"]
    assert result["problems"] == [] and result["requests"] == []
    initial = result["initial"]
    assert initial["label"] == "epoch 2 / 2" and initial["grids"] == 2
    assert [f["epoch"] for f in initial["visible"]] == [2] and initial["visible"][0]["width"] > 0
    assert {"g_loss", "val_psnr", "val_ssim"} <= set(initial["charts"])
    assert result["first"]["label"] == "epoch 1 / 2"
    assert [f["epoch"] for f in result["first"]["visible"]] == [1]
    assert result["last"]["label"] == "epoch 2 / 2"
    assert os.path.getsize(screenshot) > 10_000
    shutil.copy(job["url"][len("file://") :], os.path.join(ARTIFACTS, "report.html"))

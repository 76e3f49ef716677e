"""The web demo in headless Chromium (Debian's chromium driven by playwright-core): the page loads
cleanly, translates a fixed image on the cpu, wasm and webgl backends with the pixels of Keras,
runs the AdaIN stylizer at a chosen strength, takes files by picker, drop and webcam, offers the
download, and shows a clear message for each bad input.

One Node process runs every scenario (tests/web_demo/browser_checks.mjs) in one browser; the
tests below check what it recorded. Where Chromium, Node or playwright-core is missing they skip,
and fail under TF_IMGTRANS_REQUIRE_BROWSER=1 (CI). The screenshot lands in
$TMPDIR/tf_imgtrans_artifacts/web_demo.png.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image
from web_demo_helpers import REPO, require_browser

from tf_imgtrans.data import to_float, to_uint8

ARTIFACTS = os.path.join(tempfile.gettempdir(), "tf_imgtrans_artifacts")
# uint8 levels: float32 results that differ by ~1e-6 can round to neighbouring levels (measured
# on every backend: at most 1 level, 99.98 % of values equal).
MAX_LEVELS = 2


def _images(folder) -> dict:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:64, 0:64]
    content = np.stack([x * 4, y * 4, (x + y) * 2], -1).astype(np.uint8)
    content[16:40, 10:30] = [200, 40, 40]
    files = {
        "content": content,
        "style": rng.integers(0, 256, (48, 64, 3), dtype=np.uint8),  # not a multiple of 8
        "big": rng.integers(0, 256, (200, 300, 3), dtype=np.uint8),
        "wide": np.tile(content[:, :1], (1, 20000, 1)),  # over WebGL's 8192 texture limit
    }
    paths = {}
    for name, pixels in files.items():
        paths[name] = str(folder / f"{name}.png")
        Image.fromarray(pixels).save(paths[name])
    paths["not_image"] = str(folder / "notes.png")
    with open(paths["not_image"], "w") as f:
        f.write("this is text, not a picture")
    return paths


@pytest.fixture(scope="session")
def browser_ready():
    require_browser()  # before the models are exported, which takes a while


@pytest.fixture(scope="module")
def run(browser_ready, models_dir, tmp_path_factory):
    """What the page showed in every scenario (see browser_checks.mjs)."""
    from tf_imgtrans.demo_server import DemoServer

    folder = tmp_path_factory.mktemp("browser")
    os.makedirs(ARTIFACTS, exist_ok=True)
    job = {
        "files": _images(folder),
        "artifacts": str(folder),
        "result": str(folder / "result.json"),
    }
    with DemoServer(models_dir, port=0) as server:
        job["url"] = server.url
        (folder / "job.json").write_text(json.dumps(job))
        script = os.path.join(REPO, "tests", "web_demo", "browser_checks.mjs")
        proc = subprocess.run(
            ["node", script, str(folder / "job.json")],
            capture_output=True,
            text=True,
            timeout=420,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((folder / "result.json").read_text())
    result["files"] = job["files"]
    shot = result.get("adain", {}).get("screenshot")
    if shot:
        shutil.copy(shot, os.path.join(ARTIFACTS, "web_demo.png"))
        print(f"\nweb demo screenshot: {os.path.join(ARTIFACTS, 'web_demo.png')}")
    return result


def _ok(run, name) -> dict:
    scenario = run.get(name)
    assert scenario is not None, f"scenario {name} did not run"
    assert "error" not in scenario, scenario["error"]
    return scenario


def _pixels(result: dict) -> np.ndarray:
    data = np.frombuffer(base64.b64decode(result["rgbBase64"]), np.uint8)
    return data.reshape(result["height"], result["width"], 3)


def _png(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def _keras_translation(model, pixels: np.ndarray) -> np.ndarray:
    return to_uint8(np.asarray(model(to_float(pixels)[None], training=False))[0])


def test_page_loads_without_console_errors(run):
    load = _ok(run, "load")
    assert load["state"] == "ready" and load["message"] is None
    assert "WebGL" in load["backend"]  # the best available: SwiftShader's, with --disable-gpu
    assert set(load["models"]) == {
        "adain_tiny",
        "fixed_size",
        "broken_json",
        "missing_shard",
        "no_manifest",
        "resnet_tiny",
    }
    assert run["problems"]["good"] == [] and run["problems"]["adain"] == []


@pytest.mark.parametrize("backend", ["cpu", "wasm", "webgl"])
def test_translation_matches_keras(run, keras_models, backend):
    result = _ok(run, backend)
    assert result["backend"] == backend and result["model"] == "resnet_tiny"
    expected = _keras_translation(keras_models["resnet_tiny"], _png(run["files"]["content"]))
    got = _pixels(result)
    assert got.shape == expected.shape == (64, 64, 3)
    levels = np.abs(got.astype(int) - expected.astype(int))
    assert levels.max() <= MAX_LEVELS, (backend, levels.max(), result["ms"])
    assert expected.std() > 20  # the generator's output varies, so the match means something


def test_adain_stylizer_matches_keras_at_the_chosen_strength(run, keras_models):
    from tf_imgtrans.networks.adain import adain_stylizer, split_stylizer

    result = _ok(run, "adain")
    assert result["alpha"] == "0.5" and result["backend"] == "wasm"
    encoder, decoder = split_stylizer(keras_models["adain_tiny"])
    half = adain_stylizer(encoder, decoder, alpha=0.5)
    content = to_float(_png(run["files"]["content"]))[None]
    style = to_float(_png(run["files"]["style"]))[None]
    expected = to_uint8(np.asarray(half([content, style], training=False))[0])
    full = to_uint8(np.asarray(keras_models["adain_tiny"]([content, style], training=False))[0])
    levels = np.abs(_pixels(result).astype(int) - expected.astype(int))
    assert levels.max() <= MAX_LEVELS, levels.max()
    # The strength is really applied: alpha 1 gives another picture.
    assert np.abs(full.astype(int) - expected.astype(int)).mean() > 3


def test_dropped_file_translates_like_the_picked_one(run):
    assert np.array_equal(_pixels(_ok(run, "drop")), _pixels(_ok(run, "wasm")))


def test_download_is_the_output(run):
    download = _ok(run, "download")
    assert download["name"] == "content_resnet_tiny.png"
    assert np.array_equal(_png(download["file"]), _pixels(_ok(run, "drop")))


def test_tiles_cover_the_image(run):
    whole, tiled = _pixels(_ok(run, "untiled")), _pixels(_ok(run, "tiled"))
    assert whole.shape == tiled.shape == (200, 300, 3)
    # Instance norm sees each tile alone, so tones may shift a little; the picture is the same.
    correlation = np.corrcoef(whole.ravel().astype(float), tiled.ravel().astype(float))[0, 1]
    assert correlation > 0.9 and not np.array_equal(whole, tiled)


def test_fixed_size_model_gets_its_size(run):
    fixed = _ok(run, "fixed_size")
    assert fixed["model"] == "fixed_size" and (fixed["height"], fixed["width"]) == (40, 48)


def test_webcam_frame_translates(run):
    webcam = _ok(run, "webcam")
    assert webcam["model"] == "resnet_tiny" and max(webcam["width"], webcam["height"]) == 256
    assert webcam["problems"] == []


@pytest.mark.parametrize(
    "name, kind, words",
    [
        ("missing_model", "missing-model", ["“nope” is not among the served models"]),
        ("broken_json", "model-load", ["“broken_json” failed to load", "not valid"]),
        ("missing_shard", "model-load", ["“missing_shard” failed to load", "404", "missing"]),
        ("no_manifest", "model-problem", ["manifest.json is missing"]),
        ("not_image", "decode", ["“notes.png” could not be decoded as an image"]),
        ("oom", "oom", ["ran out of memory", "20000×64", "smaller working size"]),
    ],
)
def test_bad_inputs_show_their_message(run, name, kind, words):
    shown = run["errors"][name]
    assert shown is not None and "error" not in shown, shown
    assert shown["kind"] == kind, shown
    for word in words:
        assert word in shown["text"], shown


def test_screenshot_saved(run):
    path = os.path.join(ARTIFACTS, "web_demo.png")
    with Image.open(path) as shot:
        assert shot.size[0] >= 1280 and shot.size[1] >= 700

"""`tf-imgtrans export`, the export/ scripts, and the demo's export step."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import keras
import pytest
from export_helpers import REQUIRE_TOOLS_ENV, missing_tool, require_export_tools

from tf_imgtrans.cli import main
from tf_imgtrans.networks import get_generator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run folder as `tf-imgtrans train pix2pix` leaves it: generator.keras + config.json."""
    folder = tmp_path_factory.mktemp("run")
    keras.utils.set_random_seed(0)
    get_generator("unet", num_downs=4, ngf=4).save(folder / "generator.keras")
    config = {"data": "builtin:facades", "image_size": 32, "lambda_l1": 100.0, "direction": "AtoB"}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_cli_export_tflite_with_report(run_dir, facades, tmp_path, capsys):
    require_export_tools()
    out = tmp_path / "g_fp16.tflite"
    status = main(
        ["export", "--model", str(run_dir / "generator.keras"), "--format", "tflite"]
        + ["--quantize", "float16", "--out", str(out), "--data", facades, "--parity-images", "2"]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "tflite" in printed and "float16" in printed and "PSNR" in printed
    with open(tmp_path / "g_fp16.parity.json") as f:
        report = json.load(f)
    assert report["source"]["kind"] == "pix2pix"  # read from the run's config.json
    assert report["source"]["run"] == str(run_dir)
    assert report["parity"]["size"] == [32, 32]  # the run's training size
    assert report["parity"]["max_abs_error"] < 1e-2
    assert report["size_bytes"] == os.path.getsize(out)
    assert report["source"]["graph"] == "fast_graph"  # the default: sub-pixel convolutions
    assert "TRANSPOSE_CONV" not in report["details"]["op_counts"]


def test_cli_export_no_fast_graph(run_dir, tmp_path):
    """--no-fast-graph exports the layers as trained (transposed convolutions kept)."""
    require_export_tools()
    out = tmp_path / "g.tflite"
    status = main(
        ["export", "--model", str(run_dir / "generator.keras"), "--format", "tflite"]
        + ["--out", str(out), "--parity-images", "1", "--no-fast-graph"]
    )
    assert status == 0
    with open(tmp_path / "g.parity.json") as f:
        report = json.load(f)
    assert report["source"]["graph"] == "keras" and report["source"]["rewritten_layers"] == {}
    assert report["details"]["op_counts"]["TRANSPOSE_CONV"] == 4
    assert report["parity"]["max_abs_error"] < 1e-4


def test_script_to_savedmodel(run_dir, tmp_path):
    """The thin script in export/ runs as `python export/to_savedmodel.py …`."""
    out = tmp_path / "sm"
    proc = subprocess.run(
        [sys.executable, os.path.join(REPO, "export", "to_savedmodel.py")]
        + ["--model", str(run_dir / "generator.keras"), "--out", str(out), "--no-parity"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "saved_model.pb").is_file() and (out / "parity.json").is_file()
    proc = subprocess.run(
        [sys.executable, os.path.join(REPO, "export", "to_tflite.py")]
        + ["--model", str(tmp_path / "none.keras"), "--out", str(tmp_path / "m.tflite")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and "No model file" in proc.stderr


def test_demo_export_step(run_dir, tmp_path):
    from tf_imgtrans.export import (
        ExportToolError,
        find_node,
        find_node_modules,
        require_tfjs_converter,
    )
    from tf_imgtrans.export.demo import DEMO_EXPORTS, export_demo

    require_export_tools()
    summary = export_demo(
        str(run_dir / "generator.keras"),
        str(tmp_path / "export"),
        data="builtin:facades?n_train=4&n_val=1&n_test=2",
        image_size=32,
        calibration_images=4,
    )
    assert set(summary) == {key for key, *_ in DEMO_EXPORTS} | {"report"}
    assert os.path.isfile(summary["report"])
    for key in ("savedmodel", "tflite_float32", "tflite_int8"):
        assert os.path.isfile(summary[key]["report"]) and summary[key]["size_bytes"] > 0
    assert summary["tflite_float32"]["max_abs_error"] < 1e-4
    try:
        require_tfjs_converter(), find_node(), find_node_modules()
        tools = True
    except ExportToolError:
        tools = False
    if tools:
        assert summary["tfjs"]["max_abs_error"] < 1e-3
    else:
        assert "not_run" in summary["tfjs"]


def test_missing_tool_fails_when_required(monkeypatch):
    monkeypatch.setenv(REQUIRE_TOOLS_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        missing_tool("node not found")
    monkeypatch.setenv(REQUIRE_TOOLS_ENV, "0")
    with pytest.raises(pytest.skip.Exception, match="node not found"):
        missing_tool("node not found")

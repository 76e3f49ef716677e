"""precision_quality trains each model in float32 and in 16 bits from one seed and scores both
runs alike: the style runs in float32 with the trained weights."""

from __future__ import annotations

import json
import math
import os

import pytest
from bench_helpers import run_benchmark

from tf_imgtrans.bench import precision_quality


def test_quick_run_scores_both_precisions(tmp_path, capsys):
    out = str(tmp_path / "runs")
    argv = ["--quick", "--model", "pix2pix,adain", "--out", out]
    record, table = run_benchmark("precision_quality", argv, capsys)
    rows = record["figures"]["runs"]
    assert [(r["model"], r["precision"]) for r in rows] == [
        ("pix2pix", "float32"),
        ("pix2pix", "mixed_bfloat16"),
        ("adain", "float32"),
        ("adain", "mixed_bfloat16"),
    ]
    assert {"psnr", "ssim", "l1"} <= set(rows[0]) and {"content", "style", "loss"} <= set(rows[2])
    assert all(math.isfinite(v) for r in rows for v in r.values() if isinstance(v, float))
    assert "| adain | mixed_bfloat16 |" in table
    saved = json.load(open(os.path.join(out, "adain_mixed_bfloat16", "config.json")))
    assert saved["precision"] == "mixed_bfloat16"


def test_float32_scores_use_the_trained_weights(tmp_path):
    """The float32 re-scoring of a float32 run gives what the run's own trainer computes."""
    import numpy as np

    data = precision_quality._style_data(str(tmp_path / "data"), quick=True)
    run = precision_quality._train("adain", "float32", str(tmp_path / "r"), 1, 0, data, True)
    scores = precision_quality._float32_scores("adain", run, data)
    trained = run.model.evaluate(
        precision_quality._held_out(run.model, data, 32), verbose=0, return_dict=True
    )
    np.testing.assert_allclose(scores["loss"], float(trained["loss"]), rtol=1e-5)


def test_unknown_models_are_refused(capsys):
    with pytest.raises(ValueError, match="--model takes pix2pix, cyclegan, fast-style, adain"):
        run_benchmark("precision_quality", ["--quick", "--model", "pix2pix,unet"], capsys)

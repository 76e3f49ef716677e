"""benchmarks/quality.py: each implementation trains on the same stream in its own process and is
scored alike; the goal arithmetic (time to the reference's PSNR) against hand-made curves."""

from __future__ import annotations

import json
import math
import os

import pytest
from bench_helpers import run_benchmark

from tf_imgtrans.bench.quality import TASK_MODEL, time_to, verdict
from tf_imgtrans.bench.torch_reference import torch_available


def _curve(walls, psnrs):
    return [
        {"wall_s": {"mean": w, "std": 0.0}, "psnr": {"mean": p, "std": 0.0}}
        for w, p in zip(walls, psnrs, strict=True)
    ]


def test_every_task_is_named_with_its_trainer():
    from tf_imgtrans.evaluation import TASKS

    assert set(TASK_MODEL) == set(TASKS)


def test_time_to_interpolates_between_checkpoints():
    curve = _curve([0, 10, 20], [10.0, 14.0, 18.0])
    assert time_to(curve, 16.0) == pytest.approx(15.0)
    assert time_to(curve, 9.0) == 0
    assert time_to(curve, 19.0) is None


def test_verdict_compares_with_the_reference_within_its_std():
    def summary(psnr, std, wall, walls, psnrs):
        return {
            "final": {"psnr": {"mean": psnr, "std": std}, "ssim": {"mean": 0.5, "std": 0.01}},
            "wall_s": {"mean": wall, "std": 0.0},
            "curve": _curve(walls, psnrs),
        }

    ref = summary(16.0, 0.5, 100.0, [0, 50, 100], [10.0, 15.0, 16.0])
    ours = summary(15.6, 0.2, 60.0, [0, 30, 60], [10.0, 16.0, 15.6])
    result = verdict({"ours": ours, "reference": ref}, "pix2pix")
    assert result["psnr_at_least_reference"] and result["ssim_at_least_reference"]
    assert result["time_to_reference_psnr"] == pytest.approx(0.3)
    assert result["time_goal_0.7"]
    worse = summary(15.0, 0.2, 60.0, [0, 60], [10.0, 15.0])
    result = verdict({"ours": worse, "reference": ref}, "pix2pix")
    assert not result["psnr_at_least_reference"] and result["time_to_reference_psnr"] is None


@pytest.mark.skipif(not torch_available()[0], reason=torch_available()[1])
def test_quick_run_scores_every_implementation(tmp_path, capsys):
    out = str(tmp_path / "quality")
    argv = ["--quick", "--task", "facades", "--feature-space", "none", "--out", out]
    record, table = run_benchmark("quality", argv, capsys)
    final = record["figures"]["summary"]["facades"]["final"]
    assert set(final) == {"ours", "tutorial", "reference"}
    for scores in final.values():
        assert all(math.isfinite(scores[m]["mean"]) for m in ("psnr", "ssim", "l1"))
    assert "| facades | PyTorch reference |" in table and "baseline: input" in table
    assert {"time_to_quality.png", "samples_facades.png", "quality.json"} <= set(os.listdir(out))
    saved = json.load(open(os.path.join(out, "quality.json")))
    per_image = saved["tasks"]["facades"]["per_image"]["ours"][0]["psnr"]
    assert len(per_image) == saved["tasks"]["facades"]["task"]["held_out"] == 8


def test_verdict_scores_cut_against_ours_cyclegan_by_kid():
    def summary(kid):
        return {"final": {"psnr": {"mean": 16.0, "std": 0.1}, "kid": {"mean": kid, "std": 0.0}}}

    result = verdict({"ours": summary(0.5), "cut": summary(0.4), "fastcut": summary(0.6)}, "x")
    assert result == {"cut_kid_below_cyclegan": True, "fastcut_kid_below_cyclegan": False}


def test_cut_trains_for_equal_seconds_on_the_unpaired_task_only(tmp_path, capsys):
    out = str(tmp_path / "quality")
    argv = ["--quick", "--task", "facades,facades2night", "--impl", "cut", "--seconds", "3",
            "--evals", "1", "--feature-space", "none", "--out", out]  # fmt: skip
    record, table = run_benchmark("quality", argv, capsys)
    summary = record["figures"]["summary"]
    assert "facades" not in summary  # CUT is not a paired trainer
    assert "trains pix2pix" in record["figures"]["skipped"]["facades"]
    final = summary["facades2night"]["final"]["cut"]
    assert math.isfinite(final["psnr"]["mean"])
    assert summary["facades2night"]["wall_s"]["cut"]["mean"] >= 3.0
    assert "| facades2night | tf_imgtrans CUT |" in table

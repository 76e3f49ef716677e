"""infer_speed runs with tiny settings and prints a table and one JSON line."""

from __future__ import annotations

from bench_helpers import run_benchmark

from tf_imgtrans.bench.flops import count_flops
from tf_imgtrans.bench.infer_speed import build_generator, repeats_for


def test_quick_run_prints_table_and_json(capsys):
    backends = ["keras_eager", "tf_function", "inference_fn", "savedmodel", "tflite_float32"]
    record, table = run_benchmark(
        "infer_speed",
        ["--quick", "--model", "unet_256", "--sizes", "64", "--backends", *backends],
        capsys,
    )
    figures = record["figures"]
    rows = figures["rows"]
    assert [r["backend"] for r in rows] == backends
    assert "| unet_256 | 64 | tflite_float32 |" in table
    flops = count_flops(build_generator("unet_256", quick=True), (1, 64, 64, 3))["flops"]
    assert figures["models"]["unet_256"]["flops"]["64"] == flops
    for r in rows:
        assert r["median_ms"] > 0 and r["repeats"] == 3
        assert abs(r["gflop_s"] - flops / (r["median_ms"] * 1e6)) < 1e-9
        assert r["max_abs_err"] < 1e-4  # every float32 runtime computes the same network
    assert figures["peak"]["derived_gflops"] > 0 and figures["peak"]["measured_gflops"] > 0
    assert set(figures["ratios"][0]) >= {
        "inference_fn_vs_tf_function",
        "tflite_float32_vs_tf_function",
    }


def test_quick_networks_are_tiny_and_repeats_shrink_with_size():
    assert build_generator("resnet_9blocks", quick=True).count_params() < 100_000
    assert build_generator("unet_256", quick=False).count_params() > 50_000_000
    assert repeats_for(256, 10, quick=False) == (2, 10)
    assert repeats_for(1024, 10, quick=False) == (1, 3)

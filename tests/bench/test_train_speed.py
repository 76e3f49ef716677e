"""train_speed runs with tiny settings and prints a table and one JSON line (its tutorial-style
and PyTorch workers train with finite losses); the tutorial-style networks have our sizes."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from bench_helpers import run_benchmark

from tf_imgtrans.bench import tutorial_steps
from tf_imgtrans.bench.torch_reference import torch_available
from tf_imgtrans.bench.train_speed import parse_list, parse_options
from tf_imgtrans.networks import get_discriminator, get_generator


def test_quick_run_prints_a_table_and_json(capsys):
    argv = ["--model", "pix2pix", "--quick", "--image-size", "32", "--options", "float32"]
    record, table = run_benchmark(
        "train_speed", argv + ["--steps", "2", "--warmup", "1", "--rounds", "2"], capsys
    )
    (result,) = record["figures"]["models"]
    assert result["image_size"] == 32 and result["batch_size"] == 1
    rows = {r["impl"]: r for r in result["rows"]}
    torch_ok, why = torch_available()
    assert set(rows) == ({"ours", "tutorial", "torch"} if torch_ok else {"ours", "tutorial"})
    for row in rows.values():
        assert "error" not in row, row
        assert row["ms_per_step"] > 0 and row["peak_rss_mib"] > 100
        assert all(np.isfinite(v) for v in row["losses"].values())
    ours = rows["ours"]
    assert ours["x_tutorial"] == pytest.approx(
        rows["tutorial"]["ms_per_step"] / ours["ms_per_step"]
    )
    assert "| tf_imgtrans float32 |" in table and "| tutorial-style TF (float32) |" in table
    assert "One epoch of 400 images" in table
    if not torch_ok:
        assert f"torch comparison skipped: {why}" in table


def test_options_and_lists_are_parsed_or_refused():
    assert parse_options("float32,mixed_bfloat16+xla,xla") == [
        ("float32", False),
        ("mixed_bfloat16", True),
        ("float32", True),
    ]
    auto = parse_options("auto")
    assert ("float32", False) in auto and ("float32", True) in auto
    with pytest.raises(ValueError, match="float16"):
        parse_options("float16")
    assert parse_list("all", ("a", "b"), "--model", "all") == ["a", "b"]
    assert parse_list("none", ("a", "b"), "--compare", "all") == []
    with pytest.raises(ValueError, match="--compare takes a, b"):
        parse_list("a,c", ("a", "b"), "--compare", "all")


def _count(model) -> int:
    return int(sum(np.prod(w.shape) for w in model.weights))


def test_tutorial_pix2pix_networks_have_our_sizes():
    """The tutorial's U-Net adds batch norm at the 1×1 bottleneck (4 × 8·ngf weights) and its
    PatchGAN has no bias on the first convolution (ndf weights); otherwise the same layers."""
    ngf = ndf = 8
    g = tutorial_steps.tutorial_generator(64, num_downs=6, ngf=ngf)
    d = tutorial_steps.tutorial_discriminator(64, ndf=ndf)
    ours_g = get_generator("unet", num_downs=6, ngf=ngf)
    ours_d = get_discriminator("patch", n_layers=3, ndf=ndf)
    assert _count(g) == _count(ours_g) + 4 * 8 * ngf
    assert _count(d) == _count(ours_d) - ndf
    x = tf.zeros((1, 64, 64, 3))
    assert d([x, x]).shape == ours_d(tf.zeros((1, 64, 64, 6))).shape == (1, 6, 6, 1)


def test_tutorial_cyclegan_networks_have_our_sizes():
    """keras-io's instance norm learns a scale and an offset (2·C) where ours has none, and its
    convolutions before a norm have no bias (C): per normalised layer the same count."""
    g = tutorial_steps.keras_io_resnet_generator(64, n_blocks=2, ngf=8)
    ours = get_generator("resnet", n_blocks=2, ngf=8)
    norms = [x for x in ours.layers if isinstance(x, keras.layers.GroupNormalization)]
    channels = sum(x.input.shape[-1] for x in norms)
    assert _count(g) == _count(ours) + channels
    d = tutorial_steps.keras_io_discriminator(64, ndf=8)
    assert d(tf.zeros((1, 64, 64, 3))).shape == (1, 8, 8, 1)  # "same" padding: 64 / 8

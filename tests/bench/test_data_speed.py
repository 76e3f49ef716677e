"""data_speed runs with tiny settings, prints a table and one JSON line, and its datasets are
what the loaders read."""

from __future__ import annotations

import os

from bench_helpers import run_benchmark

from tf_imgtrans.bench.data_speed import PAIRED_VARIANTS, UNPAIRED_VARIANTS, write_datasets
from tf_imgtrans.data import detect_layout, load_image


def test_written_datasets_have_the_published_layouts(tmp_path):
    paired, unpaired = write_datasets(str(tmp_path), count=3, size=32)
    assert detect_layout(paired, "train") == "aligned"
    assert load_image(os.path.join(paired, "train", "0001.jpg")).shape == (32, 64, 3)
    assert sorted(os.listdir(os.path.join(unpaired, "trainB"))) == [
        "0001.jpg",
        "0002.jpg",
        "0003.jpg",
    ]


def test_run_with_a_given_appetite(capsys):
    record, table = run_benchmark(
        "data_speed",
        ["--size", "32", "--images", "4", "--epochs", "2", "--train-images-per-s", "5"],
        capsys,
    )
    rows = record["figures"]["rows"]
    assert len(rows) == len(PAIRED_VARIANTS) + len(UNPAIRED_VARIANTS)
    assert "| A|B JPEG pairs | serial map |" in table
    for r in rows:
        assert r["epoch1_img_s"] > 0 and r["later_img_s"] > 0
        assert r["train_img_s"] == 5
        assert r["keeps_up"] == ("yes" if min(r["epoch1_img_s"], r["later_img_s"]) >= 5 else "no")

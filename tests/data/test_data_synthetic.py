"""The built-in synthetic facades set (tf_imgtrans.data.synthetic)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tf_imgtrans.data import (
    BUILTIN_PAIRED,
    detect_layout,
    load_image,
    load_paired_dataset,
    make_synthetic_paired,
)
from tf_imgtrans.data.synthetic_facades import (
    FACADE_PALETTE,
    facade_pair,
    render_facade_photo,
    sample_facade_scene,
)

SMALL = {"size": 32, "n_train": 4, "n_val": 2, "n_test": 1}


def _files(root: str) -> dict[str, bytes]:
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def test_layout_counts_and_cache_location(isolated_home):
    root = make_synthetic_paired("facades", **SMALL)
    assert root == str(isolated_home / "builtin" / "facades-32-4-2-1-s0-v2")
    for split, count in (("train", 4), ("val", 2), ("test", 1)):
        assert detect_layout(root, split) == "aligned"
        names = sorted(os.listdir(os.path.join(root, split)))
        assert names == [f"{i:04d}.png" for i in range(1, count + 1)]
    img = load_image(os.path.join(root, "train", "0001.png"))
    assert img.shape == (32, 64, 3)
    with open(os.path.join(root, "info.json")) as f:
        info = json.load(f)
    assert info["n_train"] == 4 and info["seed"] == 0
    assert not [n for n in os.listdir(os.path.dirname(root)) if n.endswith(".tmp")]


def test_zero_count_leaves_split_out(isolated_home):
    root = make_synthetic_paired("facades", size=32, n_train=2, n_val=0, n_test=0)
    assert sorted(os.listdir(root)) == ["info.json", "train"]


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    one = _files(make_synthetic_paired(root=str(tmp_path / "one"), seed=3, **SMALL))
    two = _files(make_synthetic_paired(root=str(tmp_path / "two"), seed=3, **SMALL))
    other = _files(make_synthetic_paired(root=str(tmp_path / "other"), seed=4, **SMALL))
    assert one == two
    assert one.keys() == other.keys()
    images = [k for k in one if k.endswith(".png")]
    assert all(one[k] != other[k] for k in images)
    assert len({one[k] for k in images}) == len(images)  # no two samples alike


def test_reused_without_regenerating(monkeypatch):
    root = make_synthetic_paired("facades", **SMALL)
    path = os.path.join(root, "train", "0001.png")
    before = os.stat(path).st_mtime_ns

    def boom(rng, size):
        raise AssertionError("regenerated")

    monkeypatch.setitem(BUILTIN_PAIRED, "facades", boom)
    assert make_synthetic_paired("facades", **SMALL) == root
    assert os.stat(path).st_mtime_ns == before


def test_failure_leaves_nothing_behind(isolated_home, monkeypatch):
    calls = []

    def flaky(rng, size):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return facade_pair(rng, size)

    monkeypatch.setitem(BUILTIN_PAIRED, "facades", flaky)
    with pytest.raises(RuntimeError, match="disk full"):
        make_synthetic_paired("facades", **SMALL)
    assert os.listdir(isolated_home / "builtin") == []  # no half-written set, no temp folder


def test_a_is_labels_b_is_photo_of_same_scene():
    rng = np.random.default_rng(0)
    palette = {tuple(c) for c in FACADE_PALETTE.values()}
    a_all, b_all = [], []
    for _ in range(8):
        a, b = facade_pair(rng, 48)
        assert a.shape == b.shape == (48, 48, 3) and a.dtype == b.dtype == np.uint8
        assert {tuple(c) for c in a.reshape(-1, 3)} <= palette  # flat label colours only
        assert len(np.unique(b.reshape(-1, 3), axis=0)) > 50  # a textured rendering
        assert np.abs(a.astype(int) - b).mean() > 30
        a_all.append(a.reshape(-1, 3))
        b_all.append(b.reshape(-1, 3).astype(float))
    a_all, b_all = np.concatenate(a_all), np.concatenate(b_all)
    # B is mostly a function of A: the per-label mean colour explains most of B's variance.
    keys = a_all.astype(np.int64) @ np.array([65536, 256, 1])
    pred = np.zeros_like(b_all)
    for k in np.unique(keys):
        pred[keys == k] = b_all[keys == k].mean(0)
    r2 = 1 - ((b_all - pred) ** 2).sum() / ((b_all - b_all.mean(0)) ** 2).sum()
    assert r2 > 0.45


def test_texture_randomness_is_small():
    for i in range(4):
        scene = sample_facade_scene(np.random.default_rng([7, i]), 64)
        b1 = render_facade_photo(scene, np.random.default_rng(1)).astype(int)
        b2 = render_facade_photo(scene, np.random.default_rng(2)).astype(int)
        assert 0 < np.abs(b1 - b2).mean() < 8


def test_loads_as_paired_dataset():
    root = make_synthetic_paired("facades", **SMALL)
    ds = load_paired_dataset(root, "val", image_size=32, batch_size=2)
    x, y = next(iter(ds))
    assert x.shape == (2, 32, 32, 3) and y.shape == (2, 32, 32, 3)
    assert float(np.abs(x.numpy() - y.numpy()).mean()) > 0.2


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"Valid names: \['facades'\]"):
        make_synthetic_paired("castles", **SMALL)
    with pytest.raises(ValueError, match="size"):
        make_synthetic_paired("facades", size=8)
    with pytest.raises(ValueError, match="n_train"):
        make_synthetic_paired("facades", size=32, n_train=0)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("x")
    with pytest.raises(ValueError, match="already exists"):
        make_synthetic_paired(root=str(tmp_path / "taken"), **SMALL)

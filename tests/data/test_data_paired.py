"""Paired datasets on disk: layouts, pairing, direction, batching (tf_imgtrans.data.paired)."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tf_imgtrans.data import (
    detect_layout,
    load_image,
    load_paired_dataset,
    paired_file_list,
    to_float,
)


def _colour(x: np.ndarray) -> tuple[int, ...]:
    """The uint8 colour of a flat float [-1, 1] image."""
    return tuple(int(v) for v in np.rint((x[0, 0] + 1) * 127.5))


def _elements(ds: tf.data.Dataset):
    return [(x.numpy(), y.numpy()) for bx, by in ds for x, y in zip(bx, by)]


# === Aligned layout (A|B side by side) ===


@pytest.mark.parametrize("direction", ["AtoB", "BtoA"])
def test_aligned_halves_direction_shapes_batches(tmp_path, make_aligned, direction, pair_colours):
    root = make_aligned(tmp_path / "ds", "train", n=3, size=16)
    assert detect_layout(root, "train") == "aligned"
    assert [b for _, b in paired_file_list(root, "train")] == [None] * 3
    ds = load_paired_dataset(
        root, "train", direction, image_size=16, batch_size=2, augment=False, shuffle=False
    )
    assert ds.cardinality().numpy() == 2
    batches = list(ds)
    assert [tuple(x.shape) for x, _ in batches] == [(2, 16, 16, 3), (1, 16, 16, 3)]
    for x, y in batches:
        assert x.dtype == tf.float32 and y.dtype == tf.float32
        assert tf.reduce_min(x) >= -1.0 and tf.reduce_max(x) <= 1.0
    for i, (x, y) in enumerate(_elements(ds)):
        a, b = pair_colours(i)
        expected = (a, b) if direction == "AtoB" else (b, a)
        assert (_colour(x), _colour(y)) == expected
        # Each half is flat: no bleed across the seam.
        assert (x == x[0, 0]).all() and (y == y[0, 0]).all()


def test_train_defaults_shuffle_and_jitter_keep_pairs(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "train", n=6, size=16)
    ds = load_paired_dataset(root, "train", image_size=12, seed=0)  # load_size 13 (12*286/256)
    assert ds.cardinality().numpy() == 6
    orders = []
    for _ in range(3):
        elems = _elements(ds)
        assert all(x.shape == (12, 12, 3) for x, _ in elems)
        indices = []
        for x, y in elems:
            a, b = _colour(x), _colour(y)
            assert a[0] == 200 and b[2] == 200 and a[1] == b[1]  # A and B of the same pair
            indices.append(a[1] // 10)
        assert sorted(indices) == list(range(6))
        orders.append(indices)
    assert len({tuple(o) for o in orders}) > 1  # reshuffled every epoch
    again = load_paired_dataset(root, "train", image_size=12, seed=0)
    assert [_colour(x)[1] // 10 for x, _ in _elements(again)] == orders[0]  # seed reproduces


def test_jitter_is_random_but_shared_within_pair(tmp_path):
    root = tmp_path / "ds" / "train"
    root.mkdir(parents=True)
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    Image.fromarray(np.concatenate([a, a], axis=1)).save(root / "1.png")  # A == B
    ds = load_paired_dataset(str(tmp_path / "ds"), "train", image_size=12, seed=3)
    seen = set()
    for _ in range(6):
        (x, y) = _elements(ds)[0]
        np.testing.assert_array_equal(x, y)
        seen.add(x.tobytes())
    assert len(seen) > 1


def test_pipeline_pixels_equal_load_image(tmp_path):
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, (8, 16, 4), dtype=np.uint8)
    os.makedirs(tmp_path / "ds" / "test")
    path = str(tmp_path / "ds" / "test" / "1.png")
    Image.fromarray(rgba, mode="RGBA").save(path)
    full = load_image(path)
    for cache in (True, False, str(tmp_path / "cachefile")):
        ds = load_paired_dataset(str(tmp_path / "ds"), "test", image_size=8, cache=cache)
        ((x, y),) = _elements(ds)
        np.testing.assert_array_equal(x, to_float(full[:, :8]))
        np.testing.assert_array_equal(y, to_float(full[:, 8:]))


def test_any_size_resized_and_limit(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "val", n=5, size=20)
    ds = load_paired_dataset(root, "val", image_size=8, batch_size=4, limit=3)
    assert ds.cardinality().numpy() == 1
    (x, y) = next(iter(ds))
    assert x.shape == (3, 8, 8, 3) and y.shape == (3, 8, 8, 3)
    assert [_colour(e)[1] for e in x.numpy()] == [0, 10, 20]  # first 3 pairs, file order


def test_odd_width_names_file(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "train", n=2, size=8)
    odd = tmp_path / "ds" / "train" / "3.png"
    Image.new("RGB", (17, 8)).save(odd)
    with pytest.raises(ValueError, match="even") as info:
        load_paired_dataset(root, "train", image_size=8)
    assert str(odd) in str(info.value) and "17" in str(info.value)


def test_bad_files_strict_and_lenient(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "train", n=3, size=8)
    empty = tmp_path / "ds" / "train" / "4.png"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty") as info:
        load_paired_dataset(root, "train", image_size=8)
    assert str(empty) in str(info.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = load_paired_dataset(root, "train", image_size=8, strict=False)
    assert ds.cardinality().numpy() == 3
    assert any("Skipped 1 of 4" in str(w.message) for w in caught)


def test_truncated_file_fails_during_iteration_naming_it(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "test", n=1, size=8)
    bad = tmp_path / "ds" / "test" / "2.jpg"
    noise = np.random.default_rng(0).integers(0, 256, (32, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(bad)
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # the header survives, the pixels do not
    assert load_paired_dataset(root, "test", image_size=8, limit=1).cardinality() == 1
    ds = load_paired_dataset(root, "test", image_size=8)
    with pytest.raises(tf.errors.OpError) as info:
        list(ds)
    assert str(bad) in info.value.message


# === Folder layout (A/ and B/ matched by name) ===


def test_folders_pair_by_stem_with_different_sizes(tmp_path, make_folders, pair_colours):
    make_folders(tmp_path / "ds" / "train", n=4, size_a=12, size_b=20)
    root = str(tmp_path / "ds")
    assert detect_layout(root, "train") == "folders"
    pairs = paired_file_list(root, "train")
    assert [(os.path.basename(a), os.path.basename(b)) for a, b in pairs] == [
        (f"{i:04d}.png", f"{i:04d}.bmp") for i in range(4)
    ]
    for direction in ("AtoB", "BtoA"):
        ds = load_paired_dataset(
            root, "train", direction, image_size=8, augment=False, shuffle=False
        )
        for i, (x, y) in enumerate(_elements(ds)):
            a, b = pair_colours(i)
            assert x.shape == (8, 8, 3) and y.shape == (8, 8, 3)
            assert (_colour(x), _colour(y)) == ((a, b) if direction == "AtoB" else (b, a))


def test_folders_directly_under_root_serve_any_split(tmp_path, make_folders):
    root = make_folders(tmp_path / "ds", n=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert detect_layout(root, "train") == "folders"
        assert len(paired_file_list(root, "train")) == 2
    with pytest.warns(UserWarning, match="same pairs as 'train'"):
        assert len(paired_file_list(root, "test")) == 2


def test_folders_mismatched_names(tmp_path, make_folders):
    make_folders(
        tmp_path / "ds" / "train", stems=["0000", "0001", "0002"], stems_b=["0000", "0001", "0005"]
    )
    with pytest.raises(ValueError) as info:
        paired_file_list(str(tmp_path / "ds"), "train")
    message = str(info.value)
    assert "'0002'" in message and "'0005'" in message
    assert "1 of 3 names in A/" in message and "1 of 3 names in B/" in message


def test_folders_duplicate_stem(tmp_path, make_folders):
    base = make_folders(tmp_path / "ds", n=2)
    Image.new("RGB", (4, 4)).save(os.path.join(base, "A", "0000.jpg"))
    with pytest.raises(ValueError, match="share the name stem '0000'"):
        paired_file_list(base, "train")


# === Errors finding the data ===


def test_missing_split_lists_available(tmp_path, make_aligned, make_folders):
    root = make_aligned(tmp_path / "ds", "train", n=1)
    make_aligned(tmp_path / "ds", "val", n=1)
    make_folders(tmp_path / "ds" / "extra", n=1)
    (tmp_path / "ds" / "notes").mkdir()
    with pytest.raises(ValueError, match="Split 'test' not found") as info:
        detect_layout(root, "test")
    assert "['extra', 'train', 'val']" in str(info.value)


def test_neither_layout(tmp_path):
    (tmp_path / "ds" / "train").mkdir(parents=True)
    (tmp_path / "ds" / "train" / "readme.txt").write_text("x")
    with pytest.raises(ValueError, match="no paired data") as info:
        detect_layout(str(tmp_path / "ds"), "train")
    assert "A/ and B/" in str(info.value)
    (tmp_path / "ds2" / "A").mkdir(parents=True)
    with pytest.raises(ValueError, match="looked for") as info:
        load_paired_dataset(str(tmp_path / "ds2"), "train")
    assert "found only A/" in str(info.value)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        detect_layout(str(tmp_path / "nowhere"), "train")


def test_bad_arguments(tmp_path, make_aligned):
    root = make_aligned(tmp_path / "ds", "train", n=1)
    with pytest.raises(ValueError, match=r"\['AtoB', 'BtoA'\]"):
        load_paired_dataset(root, direction="A2B")
    with pytest.raises(ValueError, match="load_size"):
        load_paired_dataset(root, image_size=16, load_size=8, augment=True)
    with pytest.raises(ValueError, match="batch_size"):
        load_paired_dataset(root, batch_size=0)

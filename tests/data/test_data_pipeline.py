"""PipelineOptions: switching the speed levers off or on gives the same images."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.data import (
    PipelineOptions,
    load_image_dataset,
    load_paired_dataset,
    load_unpaired_dataset,
)

SERIAL = PipelineOptions(parallel=False, prefetch=False)


def _images(folder, n, size, seed):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:03d}.jpg", quality=90)


def _aligned(root, n=6, size=20):
    (root / "train").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for i in range(n):
        pixels = rng.integers(0, 256, (size, 2 * size, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(root / "train" / f"{i:03d}.jpg", quality=90)
    return str(root)


def _arrays(ds):
    return [np.concatenate([np.asarray(t) for t in _flat(batch)], axis=-1) for batch in ds]


def _flat(batch):
    if isinstance(batch, (tuple, list)):
        return [t for part in batch for t in _flat(part)]
    return [batch]


@pytest.mark.parametrize("cache", [True, False])
def test_paired_serial_equals_parallel_with_seed(tmp_path, cache):
    root = _aligned(tmp_path / "p")
    kwargs = {"image_size": 16, "load_size": 18, "seed": 3, "cache": cache}
    fast = _arrays(load_paired_dataset(root, "train", **kwargs))
    slow = _arrays(load_paired_dataset(root, "train", pipeline=SERIAL, **kwargs))
    assert len(fast) == len(slow) == 6
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)


def test_paired_nondeterministic_gives_the_same_images(tmp_path):
    root = _aligned(tmp_path / "p")
    kwargs = {"image_size": 16, "augment": False, "shuffle": False}
    ordered = _arrays(load_paired_dataset(root, "train", **kwargs))
    loose = _arrays(
        load_paired_dataset(root, "train", pipeline=PipelineOptions(deterministic=False), **kwargs)
    )
    key = lambda a: a.tobytes()  # noqa: E731
    assert sorted(map(key, ordered)) == sorted(map(key, loose))


def test_unpaired_and_folder_serial_equal_default(tmp_path):
    for domain in ("trainA", "trainB"):
        _images(tmp_path / "u" / domain, 4, 20, seed=len(domain))
    root = str(tmp_path / "u")
    kwargs = {"image_size": 16, "load_size": 18, "seed": 5}
    fast = _arrays(load_unpaired_dataset(root, "train", **kwargs))
    slow = _arrays(load_unpaired_dataset(root, "train", pipeline=SERIAL, **kwargs))
    assert len(fast) == 4
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    folder = str(tmp_path / "u" / "trainA")
    fast = _arrays(load_image_dataset(folder, image_size=16, augment=True, seed=2))
    slow = _arrays(load_image_dataset(folder, image_size=16, augment=True, seed=2, pipeline=SERIAL))
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)


def test_options_build_the_stages_they_name():
    import tensorflow as tf

    ds = tf.data.Dataset.range(4)
    assert PipelineOptions().finish(ds, 2).element_spec.shape.as_list() == [None]
    no_prefetch = PipelineOptions(prefetch=False).finish(ds, 2)
    with_prefetch = PipelineOptions().finish(ds, 2)
    assert "Prefetch" in type(with_prefetch).__name__
    assert "Prefetch" not in type(no_prefetch).__name__
    assert list(SERIAL.apply_map(ds, lambda x: x + 1).as_numpy_iterator()) == [1, 2, 3, 4]

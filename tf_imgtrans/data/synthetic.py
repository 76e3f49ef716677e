"""Built-in synthetic paired datasets: offline, seeded, with a known ground truth.

``make_synthetic_paired("facades")`` writes the published pix2pix layout (``train/``,
``val/``, ``test/`` of PNG files, A on the left half, B on the right) once under the cache
(``$TF_IMGTRANS_HOME`` or ``~/.cache/tf_imgtrans``) and returns its folder; later calls with
the same arguments reuse it.

Example:

>>> root = make_synthetic_paired("facades", size=64, n_train=8, n_val=2, n_test=2)  # doctest: +SKIP
>>> ds = load_paired_dataset(root, "train", image_size=64)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable

import numpy as np
from PIL import Image

from tf_imgtrans.checks import check_positive_int
from tf_imgtrans.data.cache import cache_home
from tf_imgtrans.data.synthetic_facades import FACADE_PALETTE, facade_pair
from tf_imgtrans.files import temporary_dir

PairFn = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]

BUILTIN_PAIRED: dict[str, PairFn] = {
    "facades": facade_pair,
}
"""Name -> function ``(rng, size) -> (A, B)`` drawing one uint8 (size, size, 3) sample."""

_VERSION = 2  # bump when the rendering changes, so old caches are not reused (v1: pre-release)
_SPLITS = ("train", "val", "test")
_INFO = "info.json"
_MIN_SIZE = 32


def _check_args(name: str, size: int, counts: dict[str, int], seed: int) -> None:
    if name not in BUILTIN_PAIRED:
        raise ValueError(
            f"Unknown built-in paired dataset {name!r}. Valid names: {sorted(BUILTIN_PAIRED)}."
        )
    check_positive_int("size", size, minimum=_MIN_SIZE)
    for key, value in counts.items():
        check_positive_int(key, value, minimum=1 if key == "n_train" else 0)
    check_positive_int("seed", seed, minimum=0)


def _write_split(folder: str, pair_fn: PairFn, size: int, count: int, seed: int, sid: int):
    os.makedirs(folder)
    width = max(4, len(str(count)))
    for i in range(count):
        # One generator per sample: sample i does not depend on the counts or other samples.
        rng = np.random.default_rng([seed, sid, i])
        a, b = pair_fn(rng, size)
        image = Image.fromarray(np.concatenate([a, b], axis=1))  # (size, 2 * size, 3)
        image.save(os.path.join(folder, f"{i + 1:0{width}d}.png"), compress_level=1)


def make_synthetic_paired(
    name: str = "facades",
    root: str | None = None,
    size: int = 256,
    n_train: int = 400,
    n_val: int = 50,
    n_test: int = 50,
    seed: int = 0,
) -> str:
    """Generates a built-in paired dataset once (atomically) and returns its folder.

    Args:
        name: str. A key of `BUILTIN_PAIRED` (``"facades"``).
        root: str or None. Folder to write the dataset into; default
            ``<cache>/builtin/<name>-<size>-<n_train>-<n_val>-<n_test>-s<seed>-v<version>``.
        size: int. Side of A and B (each file is size x 2*size).
        n_train: int. Pairs in ``train/`` (at least 1).
        n_val: int. Pairs in ``val/`` (0 leaves the split out).
        n_test: int. Pairs in ``test/`` (0 leaves the split out).
        seed: int. Same seed and arguments give byte-identical files.

    Returns:
        The dataset folder, holding ``train/``, ``val/``, ``test/`` and ``info.json``.

    Raises:
        ValueError: unknown name (the valid names are listed), bad sizes or counts, or a
            `root` that already holds something else.
    """
    counts = {"n_train": n_train, "n_val": n_val, "n_test": n_test}
    _check_args(name, size, counts, seed)
    info = {"name": name, "size": size, **counts, "seed": seed, "version": _VERSION}
    if name == "facades":
        info["palette"] = {k: list(v) for k, v in FACADE_PALETTE.items()}
    tag = f"{name}-{size}-{n_train}-{n_val}-{n_test}-s{seed}-v{_VERSION}"

    def write(tmp: str) -> None:
        for sid, split in enumerate(_SPLITS):
            if counts[f"n_{split}"]:
                folder = os.path.join(tmp, split)
                _write_split(folder, BUILTIN_PAIRED[name], size, counts[f"n_{split}"], seed, sid)

    return build_once(root, tag, info, write)


def build_once(root: str | None, tag: str, info: dict, write: Callable[[str], None]) -> str:
    """Writes a built-in dataset into `root` once, atomically, and returns its absolute path.

    Args:
        root: str or None. The dataset folder; None: ``<cache>/builtin/<tag>``.
        tag: str. The folder name under the cache, naming every argument of the dataset.
        info: dict. What the dataset is; written to ``info.json`` and compared on reuse.
        write: callable. ``write(tmp)`` fills the temporary folder `tmp` with the files.

    Raises:
        ValueError: `root` already holds something else.
    """
    if root is None:
        root = os.path.join(cache_home(), "builtin", tag)
    root = os.path.abspath(os.path.expanduser(os.fspath(root)))
    if os.path.exists(root):
        return _reuse(root, info)
    parent = os.path.dirname(root)
    os.makedirs(parent, exist_ok=True)
    tmp = temporary_dir(parent, prefix=f".{os.path.basename(root)}-", suffix=".tmp")
    try:
        write(tmp)
        with open(os.path.join(tmp, _INFO), "w") as f:
            json.dump(info, f, indent=1, sort_keys=True)
        try:
            os.replace(tmp, root)
        except OSError:
            if not os.path.isdir(root):
                raise
            # Another process finished the same dataset first: use theirs.
            return _reuse(root, info)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


def _reuse(root: str, info: dict) -> str:
    path = os.path.join(root, _INFO)
    try:
        with open(path) as f:
            found = json.load(f)
    except (OSError, ValueError):
        found = None
    expected = json.loads(json.dumps(info))
    if found != expected:
        if isinstance(found, dict):
            keys = sorted(k for k in expected if found.get(k) != expected[k])
            what = f"{path} differs in {keys}"
        else:
            what = f"{path} is missing or unreadable"
        raise ValueError(
            f"{root} already exists but is not the built-in dataset asked for ({what}). "
            f"Pass another `root` or delete the folder. Received: root={root}"
        )
    return root

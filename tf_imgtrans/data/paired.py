"""Paired (pix2pix) datasets from folders on disk.

Two layouts are read:

- ``"aligned"``, the published pix2pix layout: ``root/<split>/*.jpg``, one image per pair with
  A on the left half and B on the right half.
- ``"folders"``: ``root/<split>/A/`` and ``root/<split>/B/`` (or ``root/A/`` and ``root/B/``
  directly), files paired by name stem: ``A/0001.jpg`` goes with ``B/0001.png``.

Example:

>>> ds = load_paired_dataset("datasets/facades", split="train", batch_size=1)  # doctest: +SKIP
>>> inputs, targets = next(iter(ds))  # doctest: +SKIP
>>> inputs.shape, targets.shape  # doctest: +SKIP
(TensorShape([1, 256, 256, 3]), TensorShape([1, 256, 256, 3]))
"""

from __future__ import annotations

import os
import warnings
from typing import Literal

import numpy as np
import tensorflow as tf

from tf_imgtrans.checks import check_one_of, check_positive_int
from tf_imgtrans.data.augment import jitter_settings, random_jitter, resize_image
from tf_imgtrans.data.io import (
    IMAGE_EXTENSIONS,
    is_image_file,
    list_images,
    load_image,
    probe_size,
    to_float,
    validate_images,
)
from tf_imgtrans.data.pipeline import DEFAULT_PIPELINE, PipelineOptions
from tf_imgtrans.messages import InputWarning

Layout = Literal["aligned", "folders"]
DIRECTIONS = ("AtoB", "BtoA")
_SHOW = 5  # how many names an error message lists


def _has_images(folder: str) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(is_image_file(n) and os.path.isfile(os.path.join(folder, n)) for n in names)


def _has_ab(folder: str) -> bool:
    return os.path.isdir(os.path.join(folder, "A")) and os.path.isdir(os.path.join(folder, "B"))


def available_splits(root: str) -> list[str]:
    names = sorted(n for n in os.listdir(root) if not n.startswith(".") and n not in ("A", "B"))
    return [
        n
        for n in names
        if os.path.isdir(os.path.join(root, n))
        and (_has_images(os.path.join(root, n)) or _has_ab(os.path.join(root, n)))
    ]


def _resolve(root: str, split: str) -> tuple[Layout, str]:
    """Returns the layout and the folder holding the split's images (or its A/ and B/)."""
    root = os.fspath(root)
    if not os.path.isdir(root):
        if os.path.exists(root):
            raise NotADirectoryError(f"Dataset root must be a folder. Received: root={root}")
        raise FileNotFoundError(f"Dataset root does not exist. Received: root={root}")
    if not isinstance(split, str) or not split or os.sep in split or split in (".", ".."):
        raise ValueError(
            f"`split` must be a folder name such as 'train'. Received: split={split!r}"
        )
    looked_for = (
        f"either {os.path.join(root, split, '')}*{{{','.join(IMAGE_EXTENSIONS)}}} (A|B side by "
        f"side, the pix2pix layout), or A/ and B/ folders in {os.path.join(root, split)} "
        f"or in {root}"
    )
    split_dir = os.path.join(root, split)
    if os.path.isdir(split_dir):
        if _has_ab(split_dir):
            return "folders", split_dir
        if _has_images(split_dir):
            return "aligned", split_dir
        raise ValueError(
            f"Found the split folder {split_dir} but no paired data in it: looked for "
            f"{looked_for}. Received: root={root}, split={split!r}"
        )
    if _has_ab(root):
        # A root holding A/ and B/ directly is one split; it serves whichever split is asked
        # for, and says so when that split is not "train", since it is then the same data.
        if split != "train":
            warnings.warn(
                f"{root} has A/ and B/ but no split folders, so split {split!r} is served from "
                f"the same pairs as 'train'. Use {os.path.join(root, split, 'A')} and "
                f"{os.path.join(root, split, 'B')} to hold out data.",
                InputWarning,
                stacklevel=3,
            )
        return "folders", root
    available = available_splits(root)
    if available:
        raise ValueError(
            f"Split {split!r} not found in {root}. Available splits: {available}. "
            f"Received: root={root}, split={split!r}"
        )
    partial = [d for d in ("A", "B") if os.path.isdir(os.path.join(root, d))]
    hint = f" (found only {partial[0]}/, its partner is missing)" if partial else ""
    raise ValueError(
        f"No paired dataset layout found in {root}{hint}: looked for {looked_for}. "
        f"Received: root={root}, split={split!r}"
    )


def detect_layout(root: str, split: str = "train") -> Layout:
    """Tells which paired layout a dataset folder uses for a split.

    Args:
        root: str. Dataset root.
        split: str. Split name, e.g. ``"train"``, ``"val"``, ``"test"``.

    Returns:
        ``"aligned"`` (A|B side by side in ``root/split/``) or ``"folders"`` (``A/`` and ``B/``
        under ``root/split/`` or directly under `root`, which then serves every split, with a
        warning for splits other than ``"train"``).

    Raises:
        FileNotFoundError: `root` does not exist.
        ValueError: the split does not exist (the message lists the available ones), or
            neither layout is found (the message says what was looked for).
    """
    return _resolve(root, split)[0]


def _stem_map(paths: list[str], folder: str) -> dict[str, str]:
    by_stem: dict[str, str] = {}
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem in by_stem:
            raise ValueError(
                f"Two files in {folder} share the name stem {stem!r}, so pairing by name is "
                f"ambiguous: {by_stem[stem]} and {path}. Keep one file per stem."
            )
        by_stem[stem] = path
    return by_stem


def _match_folders(base: str) -> list[tuple[str, str | None]]:
    dir_a, dir_b = os.path.join(base, "A"), os.path.join(base, "B")
    map_a = _stem_map(list_images(dir_a), dir_a)
    map_b = _stem_map(list_images(dir_b), dir_b)
    only_a = sorted(set(map_a) - set(map_b))
    only_b = sorted(set(map_b) - set(map_a))
    if only_a or only_b:
        raise ValueError(
            f"A/ and B/ in {base} must hold the same file names (extensions may differ). "
            f"{len(only_a)} of {len(map_a)} names in A/ have no partner in B/"
            f"{': ' + str(only_a[:_SHOW]) if only_a else ''}; "
            f"{len(only_b)} of {len(map_b)} names in B/ have no partner in A/"
            f"{': ' + str(only_b[:_SHOW]) if only_b else ''}."
        )
    return [(map_a[s], map_b[s]) for s in map_a]  # map_a follows list_images' order


def paired_file_list(root: str, split: str = "train") -> list[tuple[str, str | None]]:
    """Lists a split's pairs without decoding anything.

    Args:
        root: str. Dataset root.
        split: str. Split name.

    Returns:
        ``[(path_a, path_b), ...]`` for the folder layout, ``[(path, None), ...]`` for the
        aligned layout (both halves live in one file), in natural file-name order.

    Raises:
        ValueError: see `detect_layout`; also A/ and B/ names that do not match.
    """
    layout, base = _resolve(root, split)
    if layout == "aligned":
        return [(p, None) for p in list_images(base)]
    return _match_folders(base)


def _odd_width_error(path: str, width: int) -> ValueError:
    return ValueError(
        f"Aligned pix2pix images hold A and B side by side, so their width must be even; "
        f"this one is {width} pixels wide. Received: path={path}"
    )


def _check_files(pairs: list[tuple[str, str | None]], strict: bool) -> list[tuple[str, str | None]]:
    """strict: header check of every file (fast). Non-strict: full decode, bad pairs dropped."""
    aligned = pairs[0][1] is None
    files = [p for pair in pairs for p in pair if p is not None]
    if strict:
        for path in files:
            width, _ = probe_size(path)
            if aligned and width % 2:
                raise _odd_width_error(path, width)
        return pairs
    good = set(validate_images(files, strict=False))
    odd: list[str] = []
    if aligned:
        for path in sorted(good):
            if probe_size(path)[0] % 2:
                odd.append(path)
                good.discard(path)
    if odd:
        warnings.warn(
            f"Skipped {len(odd)} aligned image(s) of odd width (A|B halves need an even "
            f"width): {odd[:_SHOW]}",
            InputWarning,
            stacklevel=3,
        )
    return [pair for pair in pairs if all(p is None or p in good for p in pair)]


def _decode_aligned(path: bytes) -> tuple[np.ndarray, np.ndarray]:
    path_str = os.fsdecode(path)
    image = load_image(path_str)
    width = image.shape[1]
    if width % 2:
        raise _odd_width_error(path_str, width)
    return image[:, : width // 2], image[:, width // 2 :]


def _decode_one(path: bytes) -> np.ndarray:
    return load_image(os.fsdecode(path))


def load_paired_dataset(
    root: str,
    split: str = "train",
    direction: str = "AtoB",
    image_size: int = 256,
    load_size: int | None = None,
    batch_size: int = 1,
    augment: bool | None = None,
    shuffle: bool | None = None,
    seed: int | None = None,
    cache: bool | str = True,
    strict: bool = True,
    limit: int | None = None,
    pipeline: PipelineOptions = DEFAULT_PIPELINE,
) -> tf.data.Dataset:
    """Builds a `tf.data.Dataset` of (input, target) batches from a paired dataset folder.

    Images of any size are accepted. Training images are resized to `load_size`, then get the
    pix2pix jitter (the same random crop to `image_size` and the same random mirror for both
    images); evaluation images are resized to `image_size`. Decoded, resized images are cached
    as uint8 before the jitter, so each epoch gets fresh crops without decoding again.

    Args:
        root: str. Dataset root (see `detect_layout` for the layouts).
        split: str. ``"train"``, ``"val"``, ``"test"`` or any split folder name.
        direction: str. ``"AtoB"`` (input A, target B) or ``"BtoA"``.
        image_size: int. Side of the square images produced.
        load_size: int or None. Side images are resized to before the random crop; defaults
            to ``round(image_size * 286 / 256)`` (the paper's 286 for 256). Used only with
            `augment`.
        batch_size: int. The last batch may be smaller.
        augment: bool or None. Random jitter; defaults to True for split ``"train"`` only.
        shuffle: bool or None. Shuffle every epoch; defaults to True for ``"train"`` only.
        seed: int or None. Makes shuffling and jitter reproducible.
        cache: bool or str. Cache decoded images in memory (True) or in a file with this
            path prefix (str; its folder must exist), or decode every epoch (False).
        strict: bool. True: every file's header is checked up front (missing, empty and
            non-image files, odd widths raise here) and a file that fails to decode later
            stops iteration with an error naming it. False: every file is decoded up front
            and pairs with an unreadable file are skipped, with one warning.
        limit: int or None. Use only the first `limit` pairs (in file-name order).
        pipeline: PipelineOptions. Parallel maps, prefetching and element order (defaults: the
            measured fastest, in order).

    Returns:
        A `tf.data.Dataset` of ``(input, target)``, each float32 in [-1, 1] of shape
        (batch, image_size, image_size, 3), with a known cardinality (number of batches).
    """
    check_one_of("direction", direction, list(DIRECTIONS))
    check_positive_int("image_size", image_size)
    check_positive_int("batch_size", batch_size)
    check_positive_int("limit", limit, allow_none=True)
    load_size, augment, shuffle = jitter_settings(split, image_size, load_size, augment, shuffle)

    pairs = paired_file_list(root, split)
    if limit is not None:
        pairs = pairs[:limit]
    pairs = _check_files(pairs, strict)
    if not pairs:
        raise ValueError(
            f"No readable pairs left in split {split!r} of {root} (all files failed to "
            f"decode). Received: root={root}, split={split!r}, strict={strict}"
        )
    aligned = pairs[0][1] is None
    n = len(pairs)
    base_size = load_size if augment else image_size

    if aligned:
        ds = tf.data.Dataset.from_tensor_slices([a for a, _ in pairs])
    else:
        ds = tf.data.Dataset.from_tensor_slices(([a for a, _ in pairs], [b for _, b in pairs]))
    if shuffle and cache is False:
        # Without a cache, shuffling the paths is as good and holds no pixels in the buffer.
        ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)

    # Decoding goes through Pillow (load_image) and not tf.io.decode_image, which keeps only
    # the high byte of 16-bit PNGs, drops alpha instead of compositing it, ignores palette
    # transparency and EXIF orientation: Python and the pipeline see the same pixels.
    def decode(*paths: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        if aligned:
            a, b = tf.numpy_function(_decode_aligned, [paths[0]], [tf.uint8, tf.uint8])
        else:
            a = tf.numpy_function(_decode_one, [paths[0]], tf.uint8)
            b = tf.numpy_function(_decode_one, [paths[1]], tf.uint8)
        a.set_shape([None, None, 3])
        b.set_shape([None, None, 3])
        # Cached at the size used next, as uint8: a quarter of the memory of float32.
        return resize_image(a, base_size), resize_image(b, base_size)

    ds = pipeline.apply_map(ds, decode)
    if cache is not False:
        ds = ds.cache("" if cache is True else os.fspath(cache))
        if shuffle:
            ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True)

    swap = direction == "BtoA"
    if augment:
        # One stateless seed pair per element: reproducible with `seed`, new every epoch.
        jitter_seed = None if seed is None else seed + 1
        seeds = tf.data.Dataset.random(seed=jitter_seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, seeds.batch(2, drop_remainder=True)))

        def to_model(pair: tuple[tf.Tensor, tf.Tensor], s: tf.Tensor):
            a, b = random_jitter(
                to_float(pair[0]), to_float(pair[1]), load_size, image_size, seed=s
            )
            return (b, a) if swap else (a, b)

    else:

        def to_model(a: tf.Tensor, b: tf.Tensor):
            a, b = to_float(a), to_float(b)
            return (b, a) if swap else (a, b)

    ds = pipeline.apply_map(ds, to_model)
    return pipeline.finish(ds, batch_size)


__all__ = [
    "DIRECTIONS",
    "detect_layout",
    "load_paired_dataset",
    "paired_file_list",
]

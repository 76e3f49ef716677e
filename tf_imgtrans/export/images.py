"""Images for exports: representative ones to calibrate int8, held-out ones to check parity."""

from __future__ import annotations

import os

import numpy as np

from tf_imgtrans.data import (
    load_image_dataset,
    load_paired_dataset,
    make_synthetic_paired,
    resolve_paired_spec,
)
from tf_imgtrans.pixels import float_pixels

ImageSource = str | os.PathLike | np.ndarray


def _stack(dataset, count: int, paired: bool) -> np.ndarray:
    batches, n = [], 0
    for batch in dataset:
        x = batch[0] if paired else batch
        batches.append(np.asarray(x, dtype=np.float32))
        n += batches[-1].shape[0]
        if n >= count:
            break
    return np.concatenate(batches)[:count]


def load_images(
    data: ImageSource,
    size: int,
    count: int,
    splits: tuple[str, ...] = ("train",),
    direction: str = "AtoB",
) -> np.ndarray:
    """Up to `count` float32 images in [-1, 1], (n, size, size, 3), from a dataset.

    Args:
        data: a paired dataset spec (``builtin:facades``, ``pix2pix:NAME``, a paired folder: the
            generator's inputs are taken), a folder of single images, or an array of images
            ((n, H, W, 3), uint8 or float [-1, 1]).
        size: int. Side the images are resized to.
        count: int. At most this many.
        splits: tuple of str. Paired splits to try in order (the first that exists is used).
        direction: str. "AtoB" or "BtoA": which side of a pair the generator takes.

    Raises:
        ValueError: an empty or unreadable source, none of `splits` in a paired dataset.
        FileNotFoundError: a path that does not exist.
    """
    if count < 1:
        raise ValueError(f"`count` must be at least 1. Received: count={count}")
    if isinstance(data, np.ndarray):
        images = data if data.ndim == 4 else data[None]
        if images.ndim != 4 or images.shape[-1] != 3 or images.shape[0] == 0:
            raise ValueError(
                f"Image arrays must be (n, H, W, 3). Received: shape={tuple(data.shape)}"
            )
        if images.dtype == np.uint8:
            images = float_pixels(images)
        return images.astype(np.float32)[:count]
    spec = os.fspath(data)
    root = resolve_paired_spec(spec, image_size=size)
    errors = []
    for split in splits:
        try:
            ds = load_paired_dataset(
                root,
                split,
                direction=direction,
                image_size=size,
                batch_size=min(count, 16),
                augment=False,
                shuffle=False,
                limit=count,
            )
        except ValueError as e:
            errors.append(str(e))
            continue
        return _stack(ds, count, paired=True)
    # Not a paired dataset (or not these splits): a plain folder of images.
    try:
        ds = load_image_dataset(root, image_size=size, batch_size=min(count, 16), limit=count)
    except ValueError as e:
        raise ValueError(
            f"No images found in {spec!r}: it is neither a paired dataset with a split among "
            f"{list(splits)} ({errors[0] if errors else ''}) nor a folder of images ({e})."
        ) from e
    return _stack(ds, count, paired=False)


def held_out_images(
    data: ImageSource | None,
    size: int,
    count: int = 4,
    direction: str = "AtoB",
) -> np.ndarray:
    """Images the generator did not train on, to compare an export with Keras: the test (else
    val) split of `data`, or, without `data`, the test split of the built-in synthetic facades
    (label maps: flat regions and edges, as the facades inputs look; not uniform noise)."""
    if data is None:
        data = make_synthetic_paired("facades", size=size, n_train=1, n_val=0, n_test=count)
    return load_images(data, size, count, splits=("test", "val"), direction=direction)


def representative_images(
    data: ImageSource,
    size: int,
    count: int = 100,
    direction: str = "AtoB",
) -> np.ndarray:
    """Training inputs that calibrate full-integer quantisation (the train split of a paired
    dataset, or a folder of images)."""
    return load_images(data, size, count, splits=("train",), direction=direction)

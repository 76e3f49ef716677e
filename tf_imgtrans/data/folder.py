"""A dataset of single images from a folder (or a list of files): one domain of CycleGAN, the
content images of style transfer."""

from __future__ import annotations

import os
from collections.abc import Sequence

import tensorflow as tf

from tf_imgtrans.data.augment import default_load_size, random_jitter, resize_image
from tf_imgtrans.data.io import list_images, load_image, probe_size, to_float, validate_images
from tf_imgtrans.data.pipeline import DEFAULT_PIPELINE, PipelineOptions


def _decode(path: bytes):
    return load_image(os.fsdecode(path))


def decode_image_file(path: tf.Tensor) -> tf.Tensor:
    """Decodes one image file (a string tensor) with `load_image`: uint8 (H, W, 3)."""
    image = tf.numpy_function(_decode, [path], tf.uint8)
    image.set_shape([None, None, 3])
    return image


def checked_files(files: list[str], strict: bool, where: object) -> list[str]:
    """strict: a header check of every file (a bad file raises, naming it). Not strict: every
    file is decoded and the unreadable ones are dropped with a warning; none left raises,
    naming `where`."""
    if strict:
        for path in files:
            probe_size(path)
        return files
    files = validate_images(files, strict=False)
    if not files:
        raise ValueError(f"No readable image left in {where}.")
    return files


def image_files(source: str | Sequence[str], recursive: bool = False) -> list[str]:
    """The image files of a folder (natural order), or the given list of files."""
    if isinstance(source, (str, os.PathLike)):
        return list_images(os.fspath(source), recursive=recursive)
    files = [os.fspath(p) for p in source]
    if not files:
        raise ValueError("The list of image files is empty.")
    return files


def load_image_dataset(
    source: str | Sequence[str],
    image_size: int = 256,
    load_size: int | None = None,
    batch_size: int = 1,
    augment: bool = False,
    shuffle: bool = False,
    seed: int | None = None,
    cache: bool = True,
    strict: bool = True,
    limit: int | None = None,
    recursive: bool = False,
    pipeline: PipelineOptions = DEFAULT_PIPELINE,
) -> tf.data.Dataset:
    """Builds a `tf.data.Dataset` of float32 image batches in [-1, 1] from a folder or files.

    Images are decoded by `load_image` (any mode to 8-bit RGB, EXIF orientation applied),
    resized to `image_size` (or to `load_size` and then randomly cropped to `image_size` and
    mirrored, with `augment`), cached as uint8 after decoding, shuffled and batched.

    Args:
        source: str or list of str. A folder of images or a list of image files.
        image_size: int. Side of the square images produced.
        load_size: int or None. Side before the random crop; default round(image_size·286/256).
        batch_size: int. The last batch may be smaller.
        augment: bool. Random crop from `load_size` and random mirroring.
        shuffle: bool. Reshuffle every epoch.
        seed: int or None. Makes shuffling and cropping reproducible.
        cache: bool. Keep decoded images in memory.
        strict: bool. True: a header check of every file (a bad file raises, naming it).
            False: every file is decoded up front and bad ones are skipped with a warning.
        limit: int or None. Use only the first `limit` files.
        recursive: bool. Search sub-folders too.
        pipeline: PipelineOptions. Parallel maps, prefetching and element order.

    Returns:
        A dataset of (batch, image_size, image_size, 3) float32 tensors with known cardinality.
    """
    files = image_files(source, recursive)
    if limit is not None:
        files = files[:limit]
    files = checked_files(files, strict, source)
    if load_size is None:
        load_size = default_load_size(image_size)
    base = load_size if augment else image_size

    def decode(path):
        return resize_image(decode_image_file(path), base)

    ds = pipeline.apply_map(tf.data.Dataset.from_tensor_slices(files), decode)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    if augment:
        seeds = tf.data.Dataset.random(
            seed=None if seed is None else seed + 1, rerandomize_each_iteration=True
        ).batch(2, drop_remainder=True)

        def jitter(image, s):
            x = to_float(image)
            return random_jitter(x, x, load_size, image_size, seed=s)[0]

        ds = pipeline.apply_map(tf.data.Dataset.zip((ds, seeds)), jitter)
    else:
        ds = pipeline.apply_map(ds, to_float)
    return pipeline.finish(ds, batch_size)

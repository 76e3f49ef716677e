"""Unpaired (CycleGAN) datasets: two domains of images with no correspondence between them.

The layout is CycleGAN's: ``root/trainA/``, ``root/trainB/``, ``root/testA/``, ``root/testB/``
(any split name ``<split>A``/``<split>B`` works), folders of any number of images of any sizes.
A root may also be a tfds dataset (``"tfds:cycle_gan/horse2zebra"``, see `tf_imgtrans.data.tfds`).

Training batches pair images at random, as the reference implementation does: an epoch shows
every image of the larger domain once, in a new order each epoch, and as many images of the
smaller domain, drawn from it in shuffled passes. Test splits whose two folders hold pictures
of the same scenes under the same names (the built-in sets, CycleGAN's maps and facades) can be
read paired, which gives ground truth for the translation.

Example:

>>> ds = load_unpaired_dataset("datasets/horse2zebra", "train", image_size=256)  # doctest: +SKIP
>>> a, b = next(iter(ds))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re

import tensorflow as tf

from tf_imgtrans.checks import check_one_of, check_positive_int
from tf_imgtrans.data.augment import jitter_settings, resize_image
from tf_imgtrans.data.folder import checked_files, decode_image_file, image_files
from tf_imgtrans.data.io import to_float
from tf_imgtrans.data.pipeline import DEFAULT_PIPELINE, PipelineOptions

DOMAINS = ("A", "B")
TFDS_PREFIX = "tfds:"
_SUFFIX = re.compile(r"[_-]?[AB]$")  # "12_A" and "12_B" are one scene


def is_tfds_root(root: str) -> bool:
    """Whether `root` names a tfds dataset (``"tfds:NAME"``) rather than a folder."""
    return isinstance(root, str) and root.startswith(TFDS_PREFIX)


def domain_folder(root: str, split: str, domain: str) -> str:
    """``root/<split><domain>``, checked to exist."""
    check_one_of("domain", domain, DOMAINS)
    root = os.fspath(root)
    if not os.path.isdir(root):
        if os.path.exists(root):
            raise NotADirectoryError(f"Dataset root must be a folder. Received: root={root}")
        raise FileNotFoundError(f"Dataset root does not exist. Received: root={root}")
    folder = os.path.join(root, f"{split}{domain}")
    if not os.path.isdir(folder):
        found = unpaired_splits(root)
        raise FileNotFoundError(
            f"Unpaired dataset {root} has no {split}{domain}/ folder (the CycleGAN layout is "
            f"trainA/, trainB/, testA/, testB/). Splits found: {found or 'none'}."
        )
    return folder


def unpaired_splits(root: str) -> list[str]:
    """The splits of a folder root that have both ``<split>A/`` and ``<split>B/``."""
    if is_tfds_root(root):
        return ["train", "test"]
    names = set(os.listdir(root)) if os.path.isdir(root) else set()
    splits = {n[:-1] for n in names if n[-1:] in DOMAINS and len(n) > 1}
    return sorted(
        s
        for s in splits
        if os.path.isdir(os.path.join(root, s + "A")) and os.path.isdir(os.path.join(root, s + "B"))
    )


def domain_files(root: str, split: str, domain: str) -> list[str]:
    """The image files of one domain of a split, in natural order."""
    return image_files(domain_folder(root, split, domain))


def has_ground_truth(root: str, split: str) -> bool:
    """Whether ``<split>A[i]`` and ``<split>B[i]`` show the same scene, so a translation can be
    scored against the other domain's picture.

    True when the dataset's ``info.json`` lists the split under "paired_splits" (the built-in
    sets), else when both folders hold the same number of images with the same names, an
    ``_A``/``_B`` suffix ignored (``12_A.jpg`` goes with ``12_B.jpg``). tfds datasets: False.
    """
    if is_tfds_root(root):
        return False
    info = os.path.join(root, "info.json")
    if os.path.isfile(info):
        with open(info) as f:
            listed = json.load(f).get("paired_splits")
        if listed is not None:
            return split in listed
    try:
        files_a, files_b = (domain_files(root, split, d) for d in DOMAINS)
    except (FileNotFoundError, ValueError):
        return False
    return len(files_a) == len(files_b) and [_scene_name(p) for p in files_a] == [
        _scene_name(p) for p in files_b
    ]


def _scene_name(path: str) -> str:
    return _SUFFIX.sub("", os.path.splitext(os.path.basename(path))[0])


def domain_images(
    root: str,
    split: str,
    domain: str,
    limit: int | None = None,
    strict: bool = True,
    pipeline: PipelineOptions = DEFAULT_PIPELINE,
) -> tuple[tf.data.Dataset, int]:
    """The decoded images of one domain, unbatched: (dataset of uint8 (H, W, 3), count).

    Args:
        root: str. Dataset folder, or ``"tfds:NAME"``.
        split: str. ``"train"``, ``"test"`` or another ``<split>A``/``<split>B`` name.
        domain: str. ``"A"`` or ``"B"``.
        limit: int or None. Only the first `limit` images.
        strict: bool. True: every file's header is checked (a bad file raises, naming it);
            False: every file is decoded up front and unreadable ones are skipped with a warning.
        pipeline: PipelineOptions. Parallel decoding or not.
    """
    check_one_of("domain", domain, DOMAINS)
    check_positive_int("limit", limit, allow_none=True)
    if is_tfds_root(root):
        from tf_imgtrans.data.tfds import tfds_domain_images

        ds, count = tfds_domain_images(root[len(TFDS_PREFIX) :], split, domain)
        if limit is not None and limit < count:
            ds, count = ds.take(limit), limit
        return ds, count
    folder = domain_folder(root, split, domain)
    files = checked_files(image_files(folder)[:limit], strict, folder)
    ds = tf.data.Dataset.from_tensor_slices(files)
    return pipeline.apply_map(ds, decode_image_file), len(files)


def _jitter(image: tf.Tensor, image_size: int, seed: tf.Tensor) -> tf.Tensor:
    """The CycleGAN jitter of one image already resized to load_size: random crop, mirror."""
    crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, num=2))
    image = tf.image.stateless_random_crop(image, [image_size, image_size, 3], seed=crop_seed)
    return tf.image.stateless_random_flip_left_right(image, seed=flip_seed)


def load_domain_dataset(
    root: str,
    split: str,
    domain: str,
    image_size: int = 256,
    batch_size: int = 1,
    limit: int | None = None,
    strict: bool = True,
    pipeline: PipelineOptions = DEFAULT_PIPELINE,
) -> tf.data.Dataset:
    """One domain of a split as batches of float32 images in [-1, 1], resized to
    (image_size, image_size), in the dataset's order: what evaluation translates and compares.

    Args:
        root: str. Dataset folder, or ``"tfds:NAME"``.
        split: str. Split name.
        domain: str. ``"A"`` or ``"B"``.
        image_size: int. Side of the square images produced.
        batch_size: int. The last batch may be smaller.
        limit: int or None. Only the first `limit` images.
        strict: bool. See `domain_images`.
        pipeline: PipelineOptions. Parallel maps, prefetching and element order.
    """
    check_positive_int("image_size", image_size)
    check_positive_int("batch_size", batch_size)
    ds, _ = domain_images(root, split, domain, limit=limit, strict=strict, pipeline=pipeline)
    ds = pipeline.apply_map(ds, lambda x: to_float(resize_image(x, image_size)))
    return pipeline.finish(ds, batch_size)


def load_unpaired_dataset(
    root: str,
    split: str = "train",
    image_size: int = 256,
    load_size: int | None = None,
    batch_size: int = 1,
    augment: bool | None = None,
    shuffle: bool | None = None,
    seed: int | None = None,
    cache: bool = True,
    strict: bool = True,
    limit: int | None = None,
    paired: bool | None = None,
    pipeline: PipelineOptions = DEFAULT_PIPELINE,
) -> tf.data.Dataset:
    """Builds a `tf.data.Dataset` of (a, b) batches from an unpaired dataset.

    Unpaired (the default for training): an epoch has as many batches as the larger domain
    needs; its images come once each, the smaller domain's are drawn in passes over it, each
    pass in a new order (shuffled) or in file order (not shuffled). Training images are resized
    to `load_size` and randomly cropped to `image_size` and mirrored, each domain on its own
    (the paper's jitter); evaluation images are resized to `image_size`. Decoded, resized images
    are cached as uint8.

    Paired (`paired=True`, or `paired=None` on a non-train split where `has_ground_truth`):
    ``<split>A[i]`` goes with ``<split>B[i]``, and each element is
    ``((a, b), (target_of_a, target_of_b))`` = ``((a, b), (b, a))``: inputs and the ground truth
    of their translations, which `CycleGAN.test_step` scores with PSNR/SSIM.

    Args:
        root: str. Dataset folder (``<split>A/``, ``<split>B/``) or ``"tfds:NAME"``.
        split: str. ``"train"``, ``"test"`` or another split name.
        image_size: int. Side of the square images produced.
        load_size: int or None. Side before the random crop; default
            ``round(image_size * 286 / 256)``.
        batch_size: int. The last batch may be smaller.
        augment: bool or None. Random crop and mirror; default True for ``"train"`` only.
        shuffle: bool or None. New order every epoch; default True for ``"train"`` only.
        seed: int or None. Makes shuffling and jitter reproducible.
        cache: bool. Keep decoded images in memory.
        strict: bool. See `domain_images`.
        limit: int or None. Only the first `limit` images of each domain.
        paired: bool or None. Read the split paired by index (see above); None decides by
            `has_ground_truth` for splits other than ``"train"``.
        pipeline: PipelineOptions. Parallel maps, prefetching and element order.

    Returns:
        A dataset of (bs, image_size, image_size, 3) float32 batches in [-1, 1]: ``(a, b)``, or
        ``((a, b), (b, a))`` when paired; its cardinality (batches per epoch) is known.

    Raises:
        ValueError: bad sizes, or a paired read of domains of different sizes or with jitter.
        FileNotFoundError: a missing root or split folder.
    """
    check_positive_int("image_size", image_size)
    check_positive_int("batch_size", batch_size)
    load_size, augment, shuffle = jitter_settings(split, image_size, load_size, augment, shuffle)
    if paired is None:
        paired = split != "train" and has_ground_truth(root, split)
    if paired and augment:
        raise ValueError(
            "A paired read keeps A[i] and B[i] aligned, which independent random crops would "
            f"break: pass augment=False. Received: paired=True, augment=True, split={split!r}"
        )
    images = [
        domain_images(root, split, d, limit=limit, strict=strict, pipeline=pipeline)
        for d in DOMAINS
    ]
    counts = [n for _, n in images]
    if paired and counts[0] != counts[1]:
        raise ValueError(
            f"A paired read of split {split!r} of {root} needs as many A as B images. "
            f"Received: {counts[0]} in {split}A, {counts[1]} in {split}B."
        )
    base = load_size if augment else image_size
    # The larger domain (A on a tie) is read once per epoch and ends it; the other repeats.
    # Each cache is filled by one complete pass, so tf.data keeps it.
    ends_epoch = 0 if counts[0] >= counts[1] else 1
    streams = []
    for i, (ds, n) in enumerate(images):
        ds = pipeline.apply_map(ds, lambda x: resize_image(x, base))
        if cache:
            ds = ds.cache()
        if shuffle and not paired:
            domain_seed = None if seed is None else seed + 7919 * i
            ds = ds.shuffle(n, seed=domain_seed, reshuffle_each_iteration=True)
        if i != ends_epoch and not paired:
            ds = ds.repeat()
        if augment:
            jitter_seed = None if seed is None else seed + 7919 * i + 1
            seeds = tf.data.Dataset.random(seed=jitter_seed, rerandomize_each_iteration=True)
            ds = tf.data.Dataset.zip((ds, seeds.batch(2, drop_remainder=True)))
            ds = pipeline.apply_map(ds, lambda x, s: to_float(_jitter(x, image_size, s)))
        else:
            ds = pipeline.apply_map(ds, to_float)
        streams.append(ds)
    if ends_epoch == 1:  # zip stops at the first component that ends: put the finite one first
        ds = tf.data.Dataset.zip((streams[1], streams[0])).map(lambda b, a: (a, b))
    else:
        ds = tf.data.Dataset.zip((streams[0], streams[1]))
    if paired:
        if shuffle:
            ds = ds.shuffle(counts[0], seed=seed, reshuffle_each_iteration=True)
        ds = ds.map(lambda a, b: ((a, b), (b, a)))
    return pipeline.finish(ds, batch_size)

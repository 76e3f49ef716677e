"""Paired augmentation: the pix2pix random jitter (resize, random crop, random mirror).

Both images of a pair get the *same* crop and the *same* flip: they are concatenated on the
channel axis, transformed once, and split again.

Reference:
    Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017,
    section 6.2 (resize to 286x286, random crop back to 256x256, random mirroring).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from tf_imgtrans.checks import check_positive_int

Seed = Any  # int, or a shape-(2,) integer tensor for stateless ops, or None


def default_load_size(image_size: int) -> int:
    """The side images are resized to before the random crop: the paper's 286 for 256."""
    return int(round(image_size * 286 / 256))


def jitter_settings(
    split: str, image_size: int, load_size: int | None, augment: bool | None, shuffle: bool | None
) -> tuple[int, bool, bool]:
    """Fills in and checks the jitter arguments of the dataset loaders.

    Returns:
        ``(load_size, augment, shuffle)``: `load_size` defaults to `default_load_size`,
        `augment` and `shuffle` to True for split ``"train"`` only.

    Raises:
        ValueError: `load_size` is not a positive int, or is below `image_size` with `augment`.
    """
    if load_size is None:
        load_size = default_load_size(image_size)
    check_positive_int("load_size", load_size)
    is_train = split == "train"
    augment = is_train if augment is None else bool(augment)
    shuffle = is_train if shuffle is None else bool(shuffle)
    if augment and load_size < image_size:
        raise ValueError(
            "`load_size` must be at least `image_size` (images are cropped from load_size to "
            f"image_size). Received: load_size={load_size}, image_size={image_size}"
        )
    return load_size, augment, shuffle


def resize_image(image: tf.Tensor, size: int) -> tf.Tensor:
    """Resizes one (H, W, C) image to (size, size, C), bilinear with antialiasing.

    The dtype is kept (integers are rounded and saturated). An image whose static shape is
    already (size, size) is returned unchanged.

    Args:
        image: `tf.Tensor` of shape (H, W, C).
        size: int. Output height and width.
    """
    size = check_positive_int("size", size)
    image = tf.convert_to_tensor(image)
    if image.shape.rank != 3:
        raise ValueError(f"Expected an image of shape (H, W, C). Received: shape={image.shape}")
    if image.shape[0] == size and image.shape[1] == size:
        return image
    # Antialiasing only matters when shrinking (large photos); it keeps thin edges from aliasing.
    out = tf.image.resize(image, [size, size], method="bilinear", antialias=True)
    if image.dtype.is_integer:
        out = tf.saturate_cast(tf.round(out), image.dtype)
    else:
        out = tf.cast(out, image.dtype)
    out.set_shape([size, size, image.shape[-1]])
    return out


def resize_pair(a: tf.Tensor, b: tf.Tensor, size: int) -> tuple[tf.Tensor, tf.Tensor]:
    """Resizes both images of a pair to (size, size) for evaluation (no randomness).

    Args:
        a: `tf.Tensor` of shape (H, W, C).
        b: `tf.Tensor` of shape (H', W', C'); its size may differ from `a`'s.
        size: int. Output height and width.
    """
    size = check_positive_int("size", size)
    return resize_image(a, size), resize_image(b, size)


def _stateless_seed(seed: Seed) -> tf.Tensor:
    if isinstance(seed, int) and not isinstance(seed, bool):
        return tf.constant([seed, 0], dtype=tf.int64)
    seed = tf.convert_to_tensor(seed)
    if not seed.shape.is_compatible_with([2]) or not seed.dtype.is_integer:
        raise ValueError(
            "`seed` must be None, an int, or an integer tensor of shape (2,) for stateless "
            f"random ops. Received: seed with shape={seed.shape} and dtype={seed.dtype}"
        )
    return tf.cast(seed, tf.int64)


def random_jitter(
    a: tf.Tensor,
    b: tf.Tensor,
    load_size: int = 286,
    crop_size: int = 256,
    flip: bool = True,
    seed: Seed = None,
) -> tuple[tf.Tensor, tf.Tensor]:
    """The pix2pix jitter: resize both to `load_size`, same random crop, same random mirror.

    Works eagerly and in graph mode (inside `tf.data.Dataset.map`).

    Args:
        a: `tf.Tensor` of shape (H, W, C), usually float32 in [-1, 1].
        b: `tf.Tensor` of shape (H', W', C'), same dtype as `a`; its size may differ.
        load_size: int. Side both images are resized to before cropping.
        crop_size: int. Side of the random square crop; at most `load_size`.
        flip: bool. Mirror both images left-right with probability 0.5.
        seed: None for fresh randomness on every call, or an int / a shape-(2,) integer tensor
            to use stateless random ops (the same seed gives the same crop and flip).

    Returns:
        (a, b), each of shape (crop_size, crop_size, channels) and the input dtype.

    Example:

    >>> x = tf.random.uniform((64, 64, 3))
    >>> a, b = random_jitter(x, x, load_size=72, crop_size=64, seed=1)
    >>> a.shape, bool(tf.reduce_all(a == b))
    (TensorShape([64, 64, 3]), True)
    """
    load_size = check_positive_int("load_size", load_size)
    crop_size = check_positive_int("crop_size", crop_size)
    if crop_size > load_size:
        raise ValueError(
            "`crop_size` must not exceed `load_size`. "
            f"Received: crop_size={crop_size}, load_size={load_size}"
        )
    a, b = resize_pair(a, b, load_size)
    if a.dtype != b.dtype:
        raise ValueError(f"Both images must share a dtype. Received: {a.dtype} and {b.dtype}")
    ca, cb = a.shape[-1], b.shape[-1]
    if ca is None or cb is None:
        raise ValueError(
            f"The channel count must be known statically. Received: shapes {a.shape}, {b.shape}"
        )
    stacked = tf.concat([a, b], axis=-1)  # (load, load, ca + cb)
    crop_shape = [crop_size, crop_size, ca + cb]
    if seed is None:
        stacked = tf.image.random_crop(stacked, crop_shape)
        if flip:
            stacked = tf.image.random_flip_left_right(stacked)
    else:
        crop_seed, flip_seed = tf.unstack(
            tf.random.experimental.stateless_split(_stateless_seed(seed), num=2)
        )
        stacked = tf.image.stateless_random_crop(stacked, crop_shape, seed=crop_seed)
        if flip:
            stacked = tf.image.stateless_random_flip_left_right(stacked, seed=flip_seed)
    stacked.set_shape(crop_shape)
    return stacked[..., :ca], stacked[..., ca:]

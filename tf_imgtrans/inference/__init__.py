"""Translate images of any size and aspect ratio with a trained generator.

Sizes the network cannot take are reflect-padded to its multiple and cropped back; images over a
memory budget are cut into overlapping tiles blended with a smooth window, and networks with
instance normalisation normalise every tile with the statistics of the whole image (or of a
thumbnail of it), so neighbouring tiles agree in tone.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from tf_imgtrans.inference.fast_graph import fast_graph, rewritten_layers
from tf_imgtrans.inference.optimize import InferenceFunction, fold_batch_norm, inference_function
from tf_imgtrans.inference.tiling import blend_tiles, seam_ratio, tile_borders, tile_starts
from tf_imgtrans.inference.variants import inference_variant, norm_layers, stats_model
from tf_imgtrans.layers import (
    FixedStatsNormalization,
    MonteCarloDropout,
    SliceReflectionPadding2D,
    SpatialInstanceNormalization,
    SubPixelConv2DTranspose,
)
from tf_imgtrans.pixels import float_pixels, uint8_pixels

DEFAULT_MAX_PIXELS = 512 * 512
"""Pixels one forward pass may take before `translate` switches to tiles. Measured on CPU
(BENCHMARKS.md): the ResNet-9 generator peaks at about 8.7 GB of memory for one 1024×1024 pass, so
tiles of 512×512 keep a 4096×4096 translation to a few GB."""


def size_multiple(generator: keras.Model) -> int:
    """The factor that the generator's input height and width must be multiples of:
    2 ** (number of stride-2 convolutions), e.g. 256 for `unet_256`, 4 for a ResNet generator."""

    def downs(model) -> int:
        n = 0
        for layer in model.layers:
            if hasattr(layer, "layers"):
                n += downs(layer)
            elif isinstance(layer, keras.layers.Conv2D) and not isinstance(
                layer, keras.layers.Conv2DTranspose
            ):
                n += tuple(layer.strides) == (2, 2)
        return n

    return 2 ** downs(generator)


def min_size(generator: keras.Model) -> int:
    """The smallest side the generator takes: its size multiple, doubled when it uses reflection
    padding (which needs at least 2 pixels at the innermost resolution)."""
    from tf_imgtrans.layers import ReflectionPadding2D

    def reflects(model) -> bool:
        return any(
            reflects(layer) if hasattr(layer, "layers") else isinstance(layer, ReflectionPadding2D)
            for layer in model.layers
        )

    multiple = size_multiple(generator)
    return 2 * multiple if reflects(generator) else multiple


def pad_to_multiple(
    image: np.ndarray, multiple: int, minimum: int = 0
) -> tuple[np.ndarray, tuple[int, int]]:
    """Pads an (H, W, C) array at the bottom and right, by reflection, to multiples of
    `multiple` that are at least `minimum`. Returns the padded array and the original (H, W)."""
    h, w = image.shape[:2]
    ph = max(math.ceil(h / multiple) * multiple, minimum) - h
    pw = max(math.ceil(w / multiple) * multiple, minimum) - w
    # NumPy reflects repeatedly when the padding exceeds the image, so tiny images work too.
    padded = np.pad(image, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    return padded, (h, w)


def _round_up(x: int, m: int) -> int:
    return max(m, math.ceil(x / m) * m)


def _resize(x: np.ndarray, h: int, w: int) -> np.ndarray:
    return tf.image.resize(x, (h, w), method="bilinear", antialias=True).numpy()


def _to_float(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"`image` must have shape (H, W, 3). Received: shape={image.shape}")
    if image.dtype == np.uint8:
        return float_pixels(image)
    return image.astype(np.float32)


def plan_tiles(
    shape: tuple[int, int], multiple: int, tile: int | None, overlap: int | None, max_pixels: int
) -> tuple[int | None, int]:
    """The tile size (None: one pass) and overlap `translate` uses for a padded image `shape`."""
    h, w = shape
    if tile is None and h * w <= max_pixels:
        return None, 0
    if tile is None:
        tile = max(multiple, int(math.sqrt(max_pixels)) // multiple * multiple)
    tile = _round_up(int(tile), multiple)
    if overlap is None:
        overlap = tile // 4
    if not 0 <= overlap < tile:
        raise ValueError(
            f"`overlap` must be in [0, tile). Received: overlap={overlap}, tile={tile}"
        )
    return tile, int(overlap)


def translate(
    generator: keras.Model,
    image: np.ndarray,
    size: int | None = None,
    tile: int | None = None,
    overlap: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    dropout: bool = False,
    seed: int | None = None,
    progress: bool = True,
) -> np.ndarray:
    """Runs `generator` on one image of any size and aspect ratio; returns uint8 at the input size.

    The image is reflect-padded to what the network needs (multiples of `size_multiple`) and the
    output cropped back. With `size`, it is first resized so that its longer side is `size`
    (e.g. the training size) and the output is resized back. Images of more than `max_pixels`
    (or any image, when `tile` is given) are translated in overlapping tiles blended with a
    smooth window; networks with instance normalisation then use the whole image's statistics in
    every tile (measured on the image itself when it fits in `max_pixels`, else on a thumbnail
    that does).

    Args:
        generator: keras.Model. A trained generator (float [-1, 1] in and out).
        image: np.ndarray. (H, W, 3), uint8 [0, 255] or float [-1, 1].
        size: int or None. Working resolution of the longer side; None keeps the image's own.
        tile: int or None. Tile side (rounded up to the network's multiple); None tiles only
            images over `max_pixels`, with tiles of about sqrt(max_pixels).
        overlap: int or None. Pixels shared by neighbouring tiles; default a quarter tile.
        max_pixels: int. Pixels one forward pass may take.
        dropout: bool. Keep dropout active (Pix2Pix's source of variety; see
            `translate_samples`).
        seed: int or None. Seeds the dropout masks.
        progress: bool. A progress bar over tiles (when there are several).

    Returns:
        np.ndarray of uint8, (H, W, 3).
    """
    x = _to_float(image)
    h, w = x.shape[:2]
    if size is not None:
        scale = size / max(h, w)
        x = _resize(x, max(1, round(h * scale)), max(1, round(w * scale)))
    multiple = size_multiple(generator)
    padded, (ph, pw) = pad_to_multiple(x, multiple, min_size(generator))
    tile, overlap = plan_tiles(padded.shape[:2], multiple, tile, overlap, max_pixels)
    several = tile is not None and (tile < padded.shape[0] or tile < padded.shape[1])
    fixed = several and bool(norm_layers(generator))
    model = generator
    if fixed or dropout:
        model, layers = inference_variant(
            generator, fixed_stats=fixed, active_dropout=dropout, seed=seed
        )
        if fixed:
            _set_whole_image_stats(generator, layers, padded, multiple, max_pixels)

    def run(t):
        return keras.ops.convert_to_numpy(model(t, training=False))

    if several:
        bar = (
            (lambda jobs: tqdm(jobs, desc="tiles", unit="tile", leave=False)) if progress else None
        )
        y = blend_tiles(padded, tile, overlap, run, progress=bar)
    else:
        y = run(padded[None])[0]
    y = y[:ph, :pw]
    if size is not None:
        y = _resize(y, h, w)
    return uint8_pixels(y)


def _set_whole_image_stats(generator, layers, padded, multiple, max_pixels) -> None:
    source = padded
    h, w = padded.shape[:2]
    if h * w > max_pixels:
        scale = math.sqrt(max_pixels / (h * w))
        th = max(multiple, int(h * scale) // multiple * multiple)
        tw = max(multiple, int(w * scale) // multiple * multiple)
        source = _resize(padded, th, tw)
    stats = stats_model(generator)(source[None], training=False)
    for layer, (mean, var) in zip(layers, stats):
        layer.set_stats(keras.ops.convert_to_numpy(mean), keras.ops.convert_to_numpy(var))


def translate_samples(
    generator: keras.Model, image: np.ndarray, n: int, seed: int = 0, **kwargs
) -> tuple[list[np.ndarray], float]:
    """`n` outputs for one input with dropout kept active (as the Pix2Pix paper does at test
    time), and their spread: the mean over pixels of the per-pixel standard deviation across
    samples, in [0, 255] units. A generator without dropout gives identical outputs (spread 0).

    Returns:
        (list of uint8 (H, W, 3) arrays, spread).
    """
    if n < 1:
        raise ValueError(f"`n` must be >= 1. Received: n={n}")
    outs = [translate(generator, image, dropout=True, seed=seed + i, **kwargs) for i in range(n)]
    spread = float(np.stack(outs).astype(np.float32).std(axis=0).mean())
    return outs, spread


__all__ = [
    "DEFAULT_MAX_PIXELS",
    "FixedStatsNormalization",
    "InferenceFunction",
    "MonteCarloDropout",
    "SliceReflectionPadding2D",
    "SpatialInstanceNormalization",
    "SubPixelConv2DTranspose",
    "blend_tiles",
    "fast_graph",
    "fold_batch_norm",
    "inference_function",
    "inference_variant",
    "min_size",
    "pad_to_multiple",
    "plan_tiles",
    "seam_ratio",
    "size_multiple",
    "stats_model",
    "rewritten_layers",
    "tile_borders",
    "tile_starts",
    "translate",
    "translate_samples",
]

"""Arbitrary style transfer with a trained AdaIN decoder: style strength, blends of several
styles, colour preservation, any image size."""

from __future__ import annotations

import os
from collections.abc import Sequence

import keras
import numpy as np

from tf_imgtrans.layers import adain, feature_stats
from tf_imgtrans.networks.adain import (
    ADAIN_LAYERS,
    blend_stats,
    fixed_style_generator,
    split_stylizer,
)
from tf_imgtrans.saving import load_keras_file
from tf_imgtrans.style.color import (
    check_color_mode,
    combine_luminance,
    luminance_image,
    match_color,
    match_luminance,
)
from tf_imgtrans.style.images import ImageLike, as_float_image, long_side_shape, resize, to_uint8

STYLIZER_FILE = "stylizer.keras"


def load_adain_model(path: str) -> keras.Model:
    """Loads an AdaIN stylizer from a `.keras` file or a training run folder (its
    `stylizer.keras`), in safe mode."""
    if os.path.isdir(path):
        path = os.path.join(path, STYLIZER_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"No AdaIN model at {path}. Pass a run folder of `tf-imgtrans train adain` (which "
            f"holds {STYLIZER_FILE}) or a stylizer .keras file."
        )
    model = load_keras_file(path, "AdaIN model")
    split_stylizer(model)  # raises if it is not an AdaIN model
    return model


def _networks(model) -> tuple[keras.Model, keras.Model]:
    if isinstance(model, (tuple, list)):
        return model[0], model[1]
    if isinstance(model, (str, os.PathLike)):
        model = load_adain_model(os.fspath(model))
    return split_stylizer(model)


def _pad8(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    return np.pad(image, ((0, -h % 8), (0, -w % 8), (0, 0)), mode="reflect")


def style_statistics(
    encoder: keras.Model, style: ImageLike, size: int | None = 512
) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std), each (512,), of the relu4_1 features of a style image (long side `size`)."""
    img = as_float_image(style, "style")
    img = resize(img, long_side_shape(img.shape, size))
    feats = encoder(img[None], training=False)[ADAIN_LAYERS[-1]]
    mean, std = feature_stats(feats)
    return (
        keras.ops.convert_to_numpy(mean).reshape(-1),
        keras.ops.convert_to_numpy(std).reshape(-1),
    )


def _prepare_styles(styles, content, preserve_color):
    out = []
    for s in styles:
        img = as_float_image(s, "style")
        if preserve_color == "luminance":
            img = match_luminance(img, content)
        elif preserve_color == "histogram":
            img = match_color(img, content)
        out.append(img)
    return out


def adain_stylize(
    model,
    content: ImageLike,
    style: ImageLike | Sequence[ImageLike],
    alpha: float = 1.0,
    style_weights: Sequence[float] | None = None,
    preserve_color: str | None = None,
    size: int | None = None,
    style_size: int | None = 512,
) -> np.ndarray:
    """Stylizes `content` with a trained AdaIN model in one pass.

    Args:
        model: a stylizer `keras.Model` (from `tf-imgtrans train adain` or `AdaIN.stylizer()`),
            its path or run folder, or an (encoder, decoder) pair.
        content: path or (H, W, 3) image (uint8, or float in [-1, 1]).
        style: one style image or a list of them.
        alpha: float in [0, 1]. Style strength: the decoder sees
            alpha · AdaIN(f(c), f(s)) + (1 − alpha) · f(c).
        style_weights: list of float, optional. Interpolation between several styles (normalised
            to sum 1); AdaIN of the blended statistics, which equals the paper's weighted sum of
            AdaIN outputs.
        preserve_color: None, "luminance" or "histogram" (see `tf_imgtrans.style.color`).
        size: int or None. Long side of the output; None keeps the content's size.
        style_size: int or None. Long side the style images are resized to (paper: 512).

    Returns:
        np.ndarray uint8 (H, W, 3).
    """
    check_color_mode(preserve_color)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"`alpha` must be in [0, 1]. Received: alpha={alpha}")
    encoder, decoder = _networks(model)
    content_img = as_float_image(content, "content")
    content_img = resize(content_img, long_side_shape(content_img.shape, size))
    styles = list(style) if isinstance(style, (list, tuple)) else [style]
    styles = _prepare_styles(styles, content_img, preserve_color)
    source = luminance_image(content_img) if preserve_color == "luminance" else content_img
    mean, std = blend_stats(
        [style_statistics(encoder, s, style_size) for s in styles], style_weights
    )
    h, w = source.shape[:2]
    c = encoder(_pad8(source)[None], training=False)[ADAIN_LAYERS[-1]]
    t = adain(c, mean, std)
    if alpha < 1.0:
        t = alpha * t + (1.0 - alpha) * c
    y = keras.ops.convert_to_numpy(decoder(t, training=False))[0, :h, :w]
    y = np.clip(y, -1.0, 1.0)
    if preserve_color == "luminance":
        y = combine_luminance(y, content_img)
    return to_uint8(y)


def adain_generator(
    model,
    style: ImageLike | Sequence[ImageLike],
    alpha: float = 1.0,
    style_weights: Sequence[float] | None = None,
    style_size: int | None = 512,
) -> keras.Model:
    """A fixed-style, one-input generator from a trained AdaIN model (see
    `fixed_style_generator`): it translates with `tf-imgtrans translate` and exports like any
    generator."""
    encoder, decoder = _networks(model)
    styles = list(style) if isinstance(style, (list, tuple)) else [style]
    mean, std = blend_stats(
        [style_statistics(encoder, s, style_size) for s in styles], style_weights
    )
    return fixed_style_generator(encoder, decoder, mean, std, alpha=alpha)

"""Arbitrary style transfer with adaptive instance normalisation (Huang & Belongie 2017): a frozen
VGG encoder to relu4_1, the AdaIN layer, and a decoder that mirrors the encoder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import numpy as np

from tf_imgtrans.layers import ReflectionPadding2D
from tf_imgtrans.layers.adain import (
    AdaptiveInstanceNormalization,
    CropToReference,
    FixedStyleAdaIN,
    PadToMultiple,
)
from tf_imgtrans.networks.vgg import ARCHS, FILTERS, check_arch, vgg_features

ADAIN_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1")
"""relu1_1 … relu4_1: the encoder's outputs; the last is the AdaIN layer's input, all four
carry the style loss."""


def adain_encoder(
    arch: str = "vgg16",
    weights="imagenet",
    name: str = "adain_encoder",
) -> keras.Model:
    """The frozen VGG encoder of AdaIN: {relu1_1, relu2_1, relu3_1, relu4_1} of images in [-1, 1].

    The paper uses VGG19; VGG16 (the default here, whose ImageNet weights ship with the project)
    has the same four layers. `weights` as in `vgg_features`.
    """
    return vgg_features(ADAIN_LAYERS, arch=arch, weights=weights, name=name)


def adain_decoder(
    arch: str = "vgg16", feature_scale: float = 1.0 / 256.0, name: str = "adain_decoder"
) -> keras.Model:
    """The AdaIN decoder: the encoder mirrored from relu4_1, with nearest-neighbour 2×
    up-sampling in place of pooling and reflection-padded 3×3 convolutions with ReLU (no
    normalisation); the last convolution is linear, giving RGB in about [-1, 1].

    VGG19 mirror (paper): 512→256, up, 3× 256→256, 256→128, up, 128→128, 128→64, up, 64→64, 64→3.
    The VGG16 mirror has one 256→256 convolution fewer. 3,505,219 parameters for VGG19 (as the
    paper's), 2,915,139 for VGG16.

    The features are multiplied by `feature_scale` on entry: relu4_1 activations of the caffe-scaled
    VGG are in the hundreds (the paper's "normalised" VGG has them near 1), and without it the
    freshly initialised decoder outputs values far outside [-1, 1].

    Example:
    >>> dec = adain_decoder()
    >>> tuple(dec(keras.ops.zeros((1, 4, 5, 512))).shape)
    (1, 32, 40, 3)
    """
    convs = ARCHS[check_arch(arch)]
    inputs = keras.Input((None, None, FILTERS[3]), name="features")
    x = keras.layers.Rescaling(feature_scale, name="feature_scale")(inputs)
    n = 0

    def conv(x, filters, activation="relu"):
        nonlocal n
        n += 1
        x = ReflectionPadding2D(1, name=f"dec{n}_pad")(x)
        return keras.layers.Conv2D(filters, 3, activation=activation, name=f"dec{n}_conv")(x)

    # Blocks 3, 2, 1 of the encoder, deepest first; each starts at the block's up-sampling.
    x = conv(x, FILTERS[2])  # (bs, H/8, W/8, 256)
    for block in (2, 1, 0):
        x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"up{block + 1}")(x)
        for _ in range(convs[block] - 1):
            x = conv(x, FILTERS[block])
        if block > 0:
            x = conv(x, FILTERS[block - 1])
    outputs = conv(x, 3, activation=None)  # (bs, H, W, 3)
    outputs = keras.layers.Activation("linear", dtype="float32", name="image")(outputs)
    return keras.Model(inputs, outputs, name=name)


def adain_stylizer(
    encoder: keras.Model, decoder: keras.Model, alpha: float = 1.0, name: str = "adain_stylizer"
) -> keras.Model:
    """The AdaIN inference model: (content, style) images in [-1, 1], any sizes, to the stylized
    content image in [-1, 1] (the content's size: it is reflection-padded to a multiple of 8 for
    the encoder's three poolings and the output cropped back).

    This is the model to export for arbitrary styles (two image inputs); `alpha` is fixed in it.
    """
    content = keras.Input((None, None, 3), name="content")
    style = keras.Input((None, None, 3), name="style")
    padded = PadToMultiple(8, name="pad_to_8")(content)
    c = encoder(padded)[ADAIN_LAYERS[-1]]
    s = encoder(style)[ADAIN_LAYERS[-1]]
    t = AdaptiveInstanceNormalization(alpha=alpha, name="adain")([c, s])
    y = decoder(t)
    y = CropToReference(name="crop")([y, content])
    y = keras.layers.Activation("hard_tanh", dtype="float32", name="clip")(y)
    return keras.Model([content, style], y, name=name)


def fixed_style_generator(
    encoder: keras.Model,
    decoder: keras.Model,
    style_mean: np.ndarray,
    style_std: np.ndarray,
    alpha: float = 1.0,
    name: str = "adain_fixed_style",
) -> keras.Model:
    """A one-input generator (image in [-1, 1] -> stylized image in [-1, 1], any size) with the
    style statistics of relu4_1 baked in: it translates and exports like any other generator.

    Args:
        encoder, decoder: the AdaIN networks.
        style_mean, style_std: arrays (512,). relu4_1 channel statistics of the style (or a
            weighted blend of several styles' statistics); see `tf_imgtrans.style.adain`.
        alpha: float. Style strength.
    """
    style_mean = np.asarray(style_mean, np.float32).reshape(-1)
    style_std = np.asarray(style_std, np.float32).reshape(-1)
    image = keras.Input((None, None, 3), name="image")
    padded = PadToMultiple(8, name="pad_to_8")(image)
    c = encoder(padded)[ADAIN_LAYERS[-1]]
    layer = FixedStyleAdaIN(style_mean.shape[0], alpha=alpha, name="adain")
    t = layer(c)
    layer.style_mean.assign(style_mean)
    layer.style_std.assign(style_std)
    y = decoder(t)
    y = CropToReference(name="crop")([y, image])
    y = keras.layers.Activation("hard_tanh", dtype="float32", name="clip")(y)
    return keras.Model(image, y, name=name)


def split_stylizer(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """(encoder, decoder) of a model made by `adain_stylizer` or `fixed_style_generator`."""
    nets: Mapping[str, keras.Model] = {
        layer.name: layer for layer in model.layers if isinstance(layer, keras.Model)
    }
    encoder = next((m for n, m in nets.items() if "encoder" in n), None)
    decoder = next((m for n, m in nets.items() if "decoder" in n), None)
    if encoder is None or decoder is None:
        raise ValueError(
            f"{model.name} is not an AdaIN model: it needs an encoder and a decoder sub-model. "
            f"Found sub-models: {sorted(nets)}"
        )
    return encoder, decoder


def blend_stats(
    stats: Sequence[tuple[np.ndarray, np.ndarray]], weights: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of several styles' (mean, std) statistics (weights normalised to sum 1)."""
    if not stats:
        raise ValueError("`stats` needs at least one (mean, std) pair.")
    w = np.full(len(stats), 1.0 / len(stats)) if weights is None else np.asarray(weights, float)
    if w.shape != (len(stats),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(
            f"Style weights must be {len(stats)} non-negative numbers with a positive sum. "
            f"Received: weights={list(np.ravel(w))}"
        )
    w = w / w.sum()
    mean = sum(wi * np.asarray(m, np.float32) for wi, (m, _) in zip(w, stats))
    std = sum(wi * np.asarray(s, np.float32) for wi, (_, s) in zip(w, stats))
    return mean.astype(np.float32), std.astype(np.float32)

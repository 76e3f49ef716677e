"""The AdaIN stylizer as a TF.js graph model: a content image, a style image and a strength in.

The Keras stylizer (`tf_imgtrans.networks.adain_stylizer`) fixes the style strength alpha when it
is built. The exported graph takes alpha as a third input (a float32 scalar in [0, 1]), so that a
web page can offer a strength slider without a model per value:

    t = alpha · AdaIN(f(content), f(style)) + (1 − alpha) · f(content),   out = clip(g(t), −1, 1)

with f the VGG encoder to relu4_1 and g the decoder, as `AdaptiveInstanceNormalization` computes
it. The content is reflect-padded to the encoder's multiple (8) inside the graph and the output
cropped back; the style may have any size of at least 8 pixels (the page resizes it, the paper
uses a long side of 512).

Only TF.js takes this three-input model (`tf-imgtrans export --format tfjs`); SavedModel and
TFLite take a fixed-style generator (`tf_imgtrans.style.adain_generator`), which is a one-input
generator like any other. Loading a stylizer (`is_stylizer`, `stylizer_source`) is
`tf_imgtrans.export.source`'s, as for any model that is exported.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.export.graph import Size, graph_pad_to_multiple
from tf_imgtrans.export.parity import (
    compare,
    latency_ms,
    odd_size_for,
    parity_header,
    resize_images,
)
from tf_imgtrans.export.report import ExportResult
from tf_imgtrans.export.runners import run_tfjs
from tf_imgtrans.export.source import ExportSource, stylizer_multiple
from tf_imgtrans.layers import AdaptiveInstanceNormalization, adain, feature_stats
from tf_imgtrans.networks.adain import ADAIN_LAYERS, adain_stylizer, split_stylizer

STYLE_SIZE = 512  # the style's long side in the paper and in `tf_imgtrans.style.adain_stylize`
PARITY_ALPHAS = (1.0, 0.5)


def _epsilon(model: keras.Model) -> float:
    return next(
        (
            layer.epsilon
            for layer in model.layers
            if isinstance(layer, AdaptiveInstanceNormalization)
        ),
        1e-5,
    )


def stylizer_function(model: keras.Model):
    """(content, style, alpha) → {"image": stylized content}, all float32, images in [-1, 1]."""
    encoder, decoder = split_stylizer(model)
    multiple, epsilon = stylizer_multiple(model), _epsilon(model)
    relu4_1 = ADAIN_LAYERS[-1]

    def serve_stylizer(content, style, alpha):
        x, h, w = graph_pad_to_multiple(content, multiple, multiple)  # (1, H8, W8, 3)
        style, _, _ = graph_pad_to_multiple(style, 1, multiple)  # only styles under 8 px are padded
        c = tf.cast(encoder(x, training=False)[relu4_1], tf.float32)  # (1, H8/8, W8/8, 512)
        s = encoder(style, training=False)[relu4_1]
        t = adain(c, *feature_stats(s, epsilon), epsilon)
        a = tf.cast(alpha, tf.float32)
        t = a * t + (1.0 - a) * c
        y = tf.cast(decoder(t, training=False), tf.float32)
        return {"image": tf.clip_by_value(y[:, :h, :w, :], -1.0, 1.0)}

    return serve_stylizer


def write_stylizer_signature(source: ExportSource, out: str, size: Size) -> None:
    """A SavedModel at `out` whose `serving_default` takes content, style and alpha (the input
    of the TF.js conversion)."""
    h, w = (None, None) if size is None else size
    archive = keras.export.ExportArchive()
    archive.track(source.traced)
    archive.add_endpoint(
        "serving_default",
        stylizer_function(source.traced),
        input_signature=[
            tf.TensorSpec((None, h, w, 3), tf.float32, name="content"),
            tf.TensorSpec((None, None, None, 3), tf.float32, name="style"),
            tf.TensorSpec((), tf.float32, name="alpha"),
        ],
    )
    archive.write_out(out, verbose=False)


def manifest_inputs(content: dict) -> dict:
    """What a manifest adds for the stylizer: its three inputs, the style size and alpha."""
    image = {"dtype": "float32", "range": [-1.0, 1.0]}
    return {
        "inputs": [
            {**content, "name": "content", "role": "content"},
            {
                **image,
                "name": "style",
                "role": "style",
                "shape": [-1, -1, -1, 3],
                "min_size": 8,
                "recommended_long_side": STYLE_SIZE,
            },
            {
                "name": "alpha",
                "role": "strength",
                "shape": [],
                "dtype": "float32",
                "range": [0.0, 1.0],
                "default": 1.0,
            },
        ],
        "style_size": STYLE_SIZE,
    }


def style_images(contents: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Style images for a parity check: `others` (e.g. the targets of a paired set), or the
    contents shifted by one and with their channels reversed where those are all there is."""
    if others.shape == contents.shape and not np.array_equal(others, contents):
        return others
    return np.ascontiguousarray(np.roll(contents, 1, axis=0)[..., ::-1])


def check_stylizer_parity(
    result: ExportResult,
    source: ExportSource,
    contents: np.ndarray,
    styles: np.ndarray,
    alphas: tuple[float, ...] = PARITY_ALPHAS,
    repeat: int = 5,
    data_name: str | None = None,
) -> dict:
    """Runs the stylizer's TF.js export in Node on each (content, style) pair at each alpha,
    plus one content at an odd size, and compares it with Keras stylizers built at those
    alphas out of the same encoder and decoder; stores and returns the figures in
    `result.parity`."""
    contents = np.asarray(contents, np.float32)
    styles = np.asarray(styles, np.float32)
    encoder, decoder = split_stylizer(source.model)
    keras_at = {a: adain_stylizer(encoder, decoder, alpha=a) for a in alphas}
    cases = [(c, s, a) for c, s in zip(contents, styles) for a in alphas]
    odd = resize_images(contents[:1], odd_size_for(contents.shape[1]))[0]
    cases.append((odd, styles[0], alphas[0]))

    def keras_run(c, s, a):
        return np.asarray(keras_at[a]([c[None], s[None]], training=False), np.float32)

    expected = [keras_run(*case) for case in cases]
    feeds = [{"content": c[None], "style": s[None], "alpha": np.float32(a)} for c, s, a in cases]
    parity = parity_header(
        "Keras AdaIN stylizer at each alpha, float32, training=False", contents, data_name
    )
    got = run_tfjs(result, feeds, parity, repeat)
    parity.update(compare(np.concatenate(expected[:-1]), np.concatenate(got[:-1])))
    parity["alphas"] = list(alphas)
    parity["style_size"] = list(styles.shape[1:3])
    parity["odd_size"] = {"size": list(odd.shape[:2]), **compare(expected[-1], got[-1])}
    parity["keras_latency_ms"] = latency_ms(
        lambda x: keras_run(x[0], styles[0], alphas[0]), contents[:1], repeat
    )
    result.parity = parity
    return parity

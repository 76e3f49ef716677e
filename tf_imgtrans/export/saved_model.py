"""SavedModel export: serving signatures that take and return images as apps hold them."""

from __future__ import annotations

import os

import keras
import tensorflow as tf

from tf_imgtrans.export.graph import (
    FLOAT_SIGNATURE,
    UINT8_SIGNATURE,
    Size,
    float_function,
    input_spec,
    parse_size,
    uint8_function,
)
from tf_imgtrans.export.report import ExportResult, prepare_output, staging_dir
from tf_imgtrans.export.source import ExportSource, export_source


def write_signatures(
    source: ExportSource,
    out: str,
    size: Size,
    signatures: dict[str, tf.DType],
    batch: int | None = None,
) -> None:
    """Writes a SavedModel at `out` with one endpoint per `{name: input dtype}` (tf.uint8 or
    tf.float32), through `keras.export.ExportArchive` (the route STACK.md found reliable)."""
    archive = keras.export.ExportArchive()
    archive.track(source.traced)
    for name, dtype in signatures.items():
        make = uint8_function if dtype == tf.uint8 else float_function
        archive.add_endpoint(
            name,
            make(source.traced, source.multiple, source.minimum),
            input_signature=[input_spec(size, dtype, batch)],
        )
    archive.write_out(out, verbose=False)


def export_saved_model(
    model: str | keras.Model | ExportSource,
    out: str,
    size: int | tuple[int, int] | str | None = None,
    fast_graph: bool | None = None,
) -> ExportResult:
    """Exports a generator as a TensorFlow SavedModel with two signatures:

    - ``serving_default``: uint8 RGB (batch, H, W, 3) in, uint8 RGB out; the scaling to
      [-1, 1] and back happens inside the graph.
    - ``serving_float``: float32 (batch, H, W, 3) in [-1, 1] in and out.

    Both take any H and W (or the fixed `size`): inputs are reflect-padded inside the graph to
    the network's size multiple and the output is cropped back. Outputs are named "image".

    Args:
        model: str, keras.Model or ExportSource. The generator (or its `.keras` file).
        out: str. Folder to write; a previous SavedModel there is replaced.
        size: None (any size), N, (H, W) or "HxW": the input size the signatures accept.
        fast_graph: bool or None. Trace from `fast_graph`'s rewrites, as `export_model` says.

    Example:
    >>> g = tf_imgtrans.get_generator("resnet", n_blocks=1, ngf=4)  # doctest: +SKIP
    >>> export_saved_model(g, "/tmp/g_saved_model").path  # doctest: +SKIP
    '/tmp/g_saved_model'
    >>> served = tf.saved_model.load("/tmp/g_saved_model")  # doctest: +SKIP
    >>> serve = served.signatures["serving_default"]  # doctest: +SKIP
    >>> serve(image=tf.zeros((1, 70, 90, 3), tf.uint8))  # doctest: +SKIP
    {'image': <tf.Tensor: shape=(1, 70, 90, 3), dtype=uint8, ...>}
    """
    source = export_source(model, fast_graph)
    size = parse_size(size)
    prepare_output(out, "saved_model.pb")
    with staging_dir(out, prefix=".saved_model-") as tmp:
        write_signatures(
            source, tmp, size, {UINT8_SIGNATURE: tf.uint8, FLOAT_SIGNATURE: tf.float32}
        )
        os.replace(tmp, out)  # the staging folder itself becomes the export
    shape = [None, *(size or (None, None)), 3]
    return ExportResult(
        format="savedmodel",
        quantize="float32",
        path=out,
        input={
            "shape": shape,
            **source.input_padding(size),
        },
        source=source.describe(),
        details={
            "signatures": {
                UINT8_SIGNATURE: {"input": "image", "dtype": "uint8", "range": [0, 255]},
                FLOAT_SIGNATURE: {"input": "image", "dtype": "float32", "range": [-1.0, 1.0]},
            },
            "output": "image",
        },
    )

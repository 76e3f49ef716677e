"""TF.js graph-model export through the `tensorflowjs` converter, with a manifest for web apps."""

from __future__ import annotations

import datetime
import importlib.util
import os
import sys
import types

import keras
import tensorflow as tf
from packaging.version import parse as parse_version

from tf_imgtrans._version import __version__
from tf_imgtrans.export.graph import check_quantize, parse_size
from tf_imgtrans.export.report import ExportResult, prepare_output, staging_dir, write_json
from tf_imgtrans.export.saved_model import write_signatures
from tf_imgtrans.export.source import ExportSource, export_source
from tf_imgtrans.export.stylizer import manifest_inputs, write_stylizer_signature
from tf_imgtrans.export.tools import ExportToolError, tool_version

QUANTIZATIONS = ("float32", "float16", "uint8")
TFJS_INSTALL = (
    "pip install --no-deps tensorflowjs==4.22.0 tf-keras==2.21.0 tensorflow-hub==0.16.1 "
    "(see scripts/install_test_deps.sh; a plain `pip install tensorflowjs` downgrades TensorFlow)"
)
_MEANINGS = "float32: none; float16 and uint8 store the weights in 2 or 1 bytes"


def require_tfjs_converter():
    """Imports the SavedModel → graph-model converter of `tensorflowjs` next to TF 2.21.

    tensorflowjs 4.22 imports two things at load time that cannot work here (STACK.md pitfall
    4): `tensorflow_decision_forests`, whose every release pins TF <= 2.19 and whose native
    library fails to load against TF 2.21, and its JAX converter module, which imports JAX. Only
    the SavedModel converter is used, which needs neither, so empty modules stand in for both in
    `sys.modules` before the import. `jax` itself is not stubbed: Keras probes it and would break.
    """
    if "tensorflowjs.converters.tf_saved_model_conversion_v2" not in sys.modules:
        # Stubs, not fakes: nothing here calls them; any use fails loudly.
        if "tensorflow_decision_forests" not in sys.modules:
            sys.modules["tensorflow_decision_forests"] = types.ModuleType(
                "tensorflow_decision_forests"
            )
        if "tensorflowjs.converters.jax_conversion" not in sys.modules:
            jax_stub = types.ModuleType("tensorflowjs.converters.jax_conversion")

            def convert_jax(*args, **kwargs):
                raise NotImplementedError("tf_imgtrans stubs out tensorflowjs' JAX converter.")

            jax_stub.convert_jax = convert_jax
            sys.modules["tensorflowjs.converters.jax_conversion"] = jax_stub
    stub = _pkg_resources_stub()
    try:
        # Imported here, not at the top: tensorflowjs is optional (`import tf_imgtrans.export.tfjs`
        # works without it), and the stand-ins above must be in sys.modules before it loads.
        from tensorflowjs.converters import tf_saved_model_conversion_v2
    except ImportError as e:
        raise ExportToolError(
            f"TF.js export needs the tensorflowjs converter: {TFJS_INSTALL}. ({e})"
        ) from e
    finally:
        if stub is not None and sys.modules.get("pkg_resources") is stub:
            del sys.modules["pkg_resources"]
    return tf_saved_model_conversion_v2


def _pkg_resources_stub() -> types.ModuleType | None:
    """tensorflow_hub (imported by the converter) runs `from pkg_resources import parse_version`
    at import, and setuptools 81+ no longer ships `pkg_resources`. Where it is missing, a module
    with only `parse_version` (from `packaging`, a Keras dependency) stands in during the import
    and is removed after it; returns that stand-in, or None where the real one is there."""
    if "pkg_resources" in sys.modules or importlib.util.find_spec("pkg_resources") is not None:
        return None  # the real one: tensorflow_hub imports it
    stub = types.ModuleType("pkg_resources")
    stub.parse_version = parse_version
    sys.modules["pkg_resources"] = stub
    return stub


def export_tfjs(
    model: str | keras.Model | ExportSource,
    out: str,
    quantize: str = "float32",
    size: int | tuple[int, int] | str | None = None,
    fast_graph: bool | None = None,
) -> ExportResult:
    """Converts a generator to a TF.js graph model in the folder `out`, with `manifest.json`.

    The graph model takes a float32 (batch, H, W, 3) image in [-1, 1] named "image" (any size, or
    the fixed `size`; padded to the network's multiple inside the graph) and returns one of the
    same shape. `manifest.json` tells a web app what it needs: model name and kind, its inputs
    (with their roles), input size and multiple, value range with the pre/post-processing, the
    source run and the files.

    An AdaIN stylizer (kind "adain") exports with three inputs instead: "content" and "style"
    images and the style strength "alpha" (a scalar in [0, 1]); see `tf_imgtrans.export.stylizer`.

    Args:
        model: str, keras.Model or ExportSource. The generator (or its `.keras` file).
        out: str. Output folder; a previous TF.js export there is replaced.
        quantize: str. Weight storage: "float32", "float16" or "uint8" (affine, per tensor).
        size: None (any size), N, (H, W) or "HxW".
        fast_graph: bool or None. Trace from `fast_graph`'s rewrites, as `export_model` says.
    """
    check_quantize(quantize, QUANTIZATIONS, "TF.js weight", _MEANINGS)
    source = export_source(model, fast_graph)
    size = parse_size(size)
    converter = require_tfjs_converter()
    prepare_output(out, "model.json")
    with staging_dir(out, prefix=".tfjs-") as tmp:
        saved = os.path.join(tmp, "saved_model")
        if source.is_stylizer:
            write_stylizer_signature(source, saved, size)
        else:
            write_signatures(source, saved, size, {"serving_default": tf.float32})
        graph_dir = os.path.join(tmp, "graph_model")
        converter.convert_tf_saved_model(
            saved,
            graph_dir,
            signature_def="serving_default",
            quantization_dtype_map=None if quantize == "float32" else {quantize: "*"},
        )
        os.replace(graph_dir, out)

    files = sorted(os.listdir(out))
    h, w = size or (None, None)
    input_info = {
        "name": source.inputs[0],
        "shape": [-1, h or -1, w or -1, 3],
        "dtype": "float32",
        "range": [-1.0, 1.0],
        "size": None if size is None else [h, w],
        **source.input_padding(size),
    }
    manifest = {
        "format": "tfjs-graph-model",
        "name": source.name,
        "kind": source.kind,
        "model": "model.json",
        "files": files,
        "input": input_info,
        **(
            manifest_inputs(input_info)
            if source.is_stylizer
            else {"inputs": [{**input_info, "role": "image"}]}
        ),
        "output": {"name": "image", "dtype": "float32", "range": [-1.0, 1.0]},
        "preprocess": "x = rgb / 127.5 - 1",
        "postprocess": "rgb = clip(round((y + 1) * 127.5), 0, 255)",
        "training_image_size": source.image_size,
        "quantization": quantize,
        "source": source.describe(),
        "converter": f"tensorflowjs {tool_version('tensorflowjs')}",
        "tf_imgtrans_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    write_json(os.path.join(out, "manifest.json"), manifest)
    return ExportResult(
        format="tfjs",
        quantize=quantize,
        path=out,
        input=input_info,
        source=source.describe(),
        details={"manifest": os.path.join(out, "manifest.json"), "files": files},
    )

"""One call per export: convert, check against Keras, write the JSON report, print a summary."""

from __future__ import annotations

import os

import keras

from tf_imgtrans.export.graph import parse_size
from tf_imgtrans.export.images import ImageSource, held_out_images
from tf_imgtrans.export.parity import check_parity, format_summary
from tf_imgtrans.export.report import ExportResult
from tf_imgtrans.export.saved_model import export_saved_model
from tf_imgtrans.export.source import ExportSource, export_source
from tf_imgtrans.export.stylizer import check_stylizer_parity, style_images
from tf_imgtrans.export.tfjs import QUANTIZATIONS as TFJS_QUANTIZATIONS
from tf_imgtrans.export.tfjs import export_tfjs
from tf_imgtrans.export.tflite import QUANTIZATIONS as TFLITE_QUANTIZATIONS
from tf_imgtrans.export.tflite import export_tflite

FORMATS = ("savedmodel", "tflite", "tfjs")
QUANTIZATIONS = {
    "savedmodel": ("float32",),
    "tflite": TFLITE_QUANTIZATIONS,
    "tfjs": TFJS_QUANTIZATIONS,
}


def check_format(format: str, quantize: str | None) -> str:
    """Validates a format and quantisation pair; returns the quantisation (its default if None)."""
    if format not in FORMATS:
        raise ValueError(f"Unknown export format {format!r}. Valid: {list(FORMATS)}.")
    valid = QUANTIZATIONS[format]
    quantize = quantize or valid[0]
    if quantize not in valid:
        raise ValueError(
            f"Unknown quantization {quantize!r} for format {format!r}. Valid for {format}: "
            f"{list(valid)}. Received: quantize={quantize!r}"
        )
    return quantize


def export_model(
    model: str | keras.Model | ExportSource,
    out: str,
    format: str,
    quantize: str | None = None,
    size: int | tuple[int, int] | str | None = None,
    data: ImageSource | None = None,
    parity: bool = True,
    parity_data: ImageSource | None = None,
    parity_images: int = 4,
    parity_size: int | None = None,
    num_calibration: int = 100,
    kind: str | None = None,
    verbose: bool = True,
    fast_graph: bool | None = None,
) -> ExportResult:
    """Exports a generator to one format, checks it against Keras and writes its JSON report.

    Args:
        model: str, keras.Model or ExportSource. The generator or its `.keras` file.
        out: str. A folder for "savedmodel" and "tfjs", a `.tflite` file for "tflite".
        format: str. "savedmodel", "tflite" or "tfjs".
        quantize: str or None. tflite: float32 | float16 | dynamic | int8; tfjs: float32 |
            float16 | uint8 (weights); savedmodel: float32. None: float32.
        size: None (any input size), N, (H, W) or "HxW".
        data: a dataset spec, folder or array: representative images for int8 (train split),
            and held-out images for the parity check (test or val split).
        parity: bool. Run the export on held-out images and compare it with Keras.
        parity_data: where held-out images come from if not `data`; default the built-in
            synthetic facades (test split).
        parity_images: int. Held-out images compared.
        parity_size: int or None. Their side; default the fixed `size`, else the run's training
            size, else 256.
        num_calibration: int. Representative images for int8.
        kind: str or None. "pix2pix", "cyclegan", "style" (read from the run when None).
        verbose: bool. Print a one-line summary and the report path.
        fast_graph: bool or None. Trace the export from `tf_imgtrans.inference.fast_graph`'s
            exact rewrites (sub-pixel transposed convolutions, reflection padding by slices,
            instance norm as 4-D means), which TFLite runs 1.5–3.5× and TF.js 6–7× faster
            (BENCHMARKS.md), int8 included; False: from the layers as trained (CLI:
            `--no-fast-graph`). None: True, or an ExportSource's own choice. The parity check
            compares with the original Keras model either way; the report's `source.graph`
            says which graph was exported.

    Returns:
        The ExportResult, with `parity` filled and `report_path` set.
    """
    quantize = check_format(format, quantize)
    source = export_source(model, fast_graph, kind=kind)
    if source.is_stylizer and format != "tfjs":
        raise ValueError(
            f"{source.path or source.name} is an AdaIN stylizer (content, style and alpha in), "
            f"which exports to TF.js only. For {format}, export a fixed-style generator made with "
            "tf_imgtrans.style.adain_generator(model, style_image). Received: format="
            f"{format!r}"
        )
    fixed = parse_size(size)
    if format == "savedmodel":
        result = export_saved_model(source, out, size=fixed)
    elif format == "tflite":
        result = export_tflite(
            source,
            out,
            quantize=quantize,
            size=fixed,
            data=data,
            num_calibration=num_calibration,
            calibration_size=parity_size,
        )
    else:
        result = export_tfjs(source, out, quantize=quantize, size=fixed)
    if parity:
        side = (max(fixed) if fixed else None) or parity_size or source.image_size or 256
        held_data = parity_data if parity_data is not None else data
        images = held_out_images(
            held_data, side, parity_images, direction=source.config.get("direction", "AtoB")
        )
        if fixed:
            images = images[:, : fixed[0], : fixed[1]]  # a non-square size: a crop
        name = held_data if isinstance(held_data, str) else None
        name = name or ("builtin:facades (test split)" if held_data is None else "array")
        if source.is_stylizer:
            # Styles: the other side of a paired set (rendered facades for label maps).
            others = held_out_images(held_data, side, parity_images, direction="BtoA")
            styles = style_images(images, others[:, : images.shape[1], : images.shape[2]])
            check_stylizer_parity(result, source, images, styles, data_name=name)
        else:
            check_parity(result, source, images, data_name=name)
    result.write_report()
    if verbose:
        print(format_summary(result))
        print(f"  report: {result.report_path}")
    return result


def export_all(
    model: str | keras.Model | ExportSource,
    out_dir: str,
    data: ImageSource | None = None,
    size: int | tuple[int, int] | str | None = None,
    parity_size: int | None = None,
    tflite_modes: tuple[str, ...] = TFLITE_QUANTIZATIONS,
    verbose: bool = True,
    fast_graph: bool | None = None,
) -> list[ExportResult]:
    """Exports to every format into `out_dir`: `saved_model/`, `model_<mode>.tflite` for each of
    `tflite_modes` (int8 only with `data`), and `tfjs/`; each checked against Keras. `fast_graph`
    as for `export_model`."""
    source = export_source(model, fast_graph)
    common = {"size": size, "data": data, "parity_size": parity_size, "verbose": verbose}
    results = [export_model(source, os.path.join(out_dir, "saved_model"), "savedmodel", **common)]
    for mode in tflite_modes:
        if mode == "int8" and data is None:
            continue
        path = os.path.join(out_dir, f"model_{mode}.tflite")
        results.append(export_model(source, path, "tflite", quantize=mode, **common))
    results.append(export_model(source, os.path.join(out_dir, "tfjs"), "tfjs", **common))
    return results

"""Parity: an export run on held-out images and compared with the Keras generator it came from."""

from __future__ import annotations

import os
import platform
import statistics
import time

import numpy as np
import tensorflow as tf

from tf_imgtrans.data import to_float, to_uint8
from tf_imgtrans.export.report import ExportResult
from tf_imgtrans.export.runners import Runner, export_runner, run_tfjs
from tf_imgtrans.export.source import ExportSource
from tf_imgtrans.inference import pad_to_multiple


def compare(reference: np.ndarray, output: np.ndarray) -> dict:
    """Max and mean absolute error and PSNR (dB, peak-to-peak 2 for the [-1, 1] range) of
    `output` against `reference`. PSNR is None when the two are identical."""
    reference = np.asarray(reference, dtype=np.float64)
    output = np.asarray(output, dtype=np.float64)
    if reference.shape != output.shape:
        raise ValueError(
            f"The export returned shape {output.shape}, Keras {reference.shape}: they must match."
        )
    diff = np.abs(output - reference)
    mse = float(np.mean(diff**2))
    return {
        "max_abs_error": float(diff.max()),
        "mean_abs_error": float(diff.mean()),
        "psnr_db": None if mse == 0 else round(10.0 * np.log10(4.0 / mse), 2),
    }


def keras_runner(source: ExportSource) -> Runner:
    """The reference: the generator on the image reflect-padded to its multiple (NumPy, as
    `tf_imgtrans.translate` does), cropped back; float32, training=False."""
    if "keras_runner" in source.cache:
        return source.cache["keras_runner"]
    call = tf.function(
        lambda x: source.model(x, training=False),
        input_signature=[tf.TensorSpec((None, None, None, 3), tf.float32)],
    )

    def run(images: np.ndarray) -> np.ndarray:
        h, w = images.shape[1:3]
        padded = np.stack(
            [pad_to_multiple(image, source.multiple, source.minimum)[0] for image in images]
        )
        y = np.asarray(call(tf.constant(padded, tf.float32)), dtype=np.float32)
        return y[:, :h, :w]

    source.cache["keras_runner"] = run
    return run


def latency_ms(run: Runner, image: np.ndarray, repeat: int = 5) -> dict:
    """Median and minimum wall time of `run(image)` over `repeat` runs, after one warm-up."""
    run(image)
    times = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        run(image)
        times.append((time.perf_counter() - start) * 1000.0)
    return {
        "median": round(statistics.median(times), 2),
        "min": round(min(times), 2),
        "runs": len(times),
    }


def odd_size_for(size: int) -> tuple[int, int]:
    """A height and width that are not multiples of common factors (70×90 for 64), for checking
    the padding of a dynamic-size export."""
    return size + 6, size + 26


def resize_images(images: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    return tf.image.resize(images, hw, method="bilinear", antialias=True).numpy()


def parity_header(reference: str, images: np.ndarray, data_name: str | None) -> dict:
    """The facts every parity record starts with: reference, image count and size, data, machine."""
    return {
        "reference": reference,
        "images": int(images.shape[0]),
        "size": list(images.shape[1:3]),
        "data": data_name,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU threads",
    }


def check_parity(
    result: ExportResult,
    source: ExportSource,
    images: np.ndarray,
    odd_size: bool | None = None,
    repeat: int = 5,
    data_name: str | None = None,
) -> dict:
    """Runs the export `result` on `images` ((n, S, S, 3) float32 [-1, 1]) and compares it with
    the Keras generator in `source`; stores and returns the figures in `result.parity`.

    Args:
        result: ExportResult. A SavedModel, TFLite or TF.js export.
        source: ExportSource. The generator it was exported from.
        images: np.ndarray. Held-out images at the export's fixed size (or any, if dynamic).
        odd_size: bool or None. Also check one image at a size that is not a multiple of the
            network's factor (padding path); None: when the export takes dynamic sizes.
        repeat: int. Timed runs for the latencies (batch 1, after a warm-up).
        data_name: str or None. Where the images came from, for the report.
    """
    images = np.asarray(images, dtype=np.float32)
    reference = keras_runner(source)
    size = list(images.shape[1:3])
    parity = parity_header(
        "Keras generator, float32, training=False, reflect-padded to its multiple",
        images,
        data_name,
    )
    if odd_size is None:
        odd_size = bool(result.input.get("dynamic_size"))
    checks = [("", images)]
    if odd_size:
        checks.append(("odd_size", resize_images(images[:1], odd_size_for(size[0]))))
    expected = {name: reference(x) for name, x in checks}

    if result.format == "tfjs":
        outputs = run_tfjs(result, [image[None] for _, x in checks for image in x], parity, repeat)
        got, i = {}, 0
        for name, x in checks:
            got[name] = np.concatenate(outputs[i : i + len(x)])
            i += len(x)
        uint8_run = None
    else:
        run, uint8_run = export_runner(result, parity)
        got = {name: run(x) for name, x in checks}
        parity["latency_ms"] = latency_ms(run, images[:1], repeat)

    parity.update(compare(expected[""], got[""]))
    if odd_size:
        parity["odd_size"] = {
            "size": list(checks[1][1].shape[1:3]),
            **compare(expected["odd_size"], got["odd_size"]),
        }
    if uint8_run is not None:
        # The uint8 signature against the hand-written pre/post-processing around Keras.
        pixels = to_uint8(images)
        want = to_uint8(reference(to_float(pixels)))
        have = uint8_run(pixels)
        levels = np.abs(have.astype(np.int16) - want.astype(np.int16))
        parity["uint8"] = {
            "max_abs_levels": int(levels.max()),
            "fraction_equal": round(float(np.mean(levels == 0)), 6),
        }
    parity["keras_latency_ms"] = latency_ms(reference, images[:1], repeat)
    result.parity = parity
    return parity


def format_summary(result: ExportResult) -> str:
    """One line: format, quantisation, size, errors and latency."""
    line = f"{result.format:<10} {result.quantize:<8} {result.size_bytes / 1024:>9.1f} KiB"
    p = result.parity
    if p:
        psnr = "identical" if p["psnr_db"] is None else f"{p['psnr_db']:.1f} dB"
        line += (
            f"  max |err| {p['max_abs_error']:.2e}  mean {p['mean_abs_error']:.2e}  PSNR {psnr}"
            f"  {p['latency_ms']['median']:.1f} ms (Keras {p['keras_latency_ms']['median']:.1f} ms)"
        )
    return f"{line}  {result.path}"

"""How fast does a generator run, on each runtime it can be deployed with?

Batch 1, median of N calls after warm-up, at each size, for: Keras eager, `tf.function`, the
inference graph of `tf_imgtrans.inference.inference_function` (batch norm folded, dropout
removed, one trace for every size), XLA, the exported SavedModel, TFLite float32/float16/int8
(LiteRT with XNNPACK, threads = cores) and TF.js in Node (wasm backend). The in-process
runtimes are timed round-robin (one call of each in turn), so the load other jobs put on the
machine falls on all of them alike. FLOPs are counted from the layer shapes
(`tf_imgtrans.bench.flops`); GFLOP/s is FLOPs / median time, shown as a share of this CPU's
derived and measured float32 peak (int8: of the derived VNNI peak).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile

BACKENDS = (
    "keras_eager",
    "tf_function",
    "inference_fn",
    "xla",
    "savedmodel",
    "tflite_float32",
    "tflite_float16",
    "tflite_int8",
    "tfjs_node_wasm",
    # Exported from `tf_imgtrans.inference.fast_graph(generator)`: sub-pixel transposed
    # convolutions, reflection padding by slices, 4-D instance norm (exact rewrites).
    "tflite_float32_fast",
    "tflite_int8_fast",
    "tfjs_node_wasm_fast",
)
FAST = "_fast"
DEFAULT_MODELS = ("unet_256", "resnet_9blocks")
DEFAULT_SIZES = (256, 512, 1024)
# --quick: tiny networks of the same families (same layer types), small sizes, few repeats.
QUICK_KWARGS = {
    "unet": {"num_downs": 5, "ngf": 8},
    "resnet": {"n_blocks": 2, "ngf": 8},
    "style_transfer_net": {"filters": 8, "n_blocks": 1},
}
QUICK_SIZES = (64, 128)
QUICK_MODELS = ("unet_256",)  # --quick: one network keeps it under a minute


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        nargs="+",
        default=None,
        help=f"generator names of the registry (default: {' '.join(DEFAULT_MODELS)})",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=None,
        help="square input sides (default 256 512 1024)",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        default=list(BACKENDS),
        choices=BACKENDS,
        metavar="BACKEND",
        help=f"runtimes to time (default all: {' '.join(BACKENDS)})",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="TensorFlow and LiteRT threads (default: cores)"
    )
    parser.add_argument(
        "--repeats", type=int, default=10, help="timed calls at 256² (fewer above, at least 3)"
    )
    parser.add_argument(
        "--calibration",
        type=int,
        default=16,
        help="int8 calibration images (builtin:facades, at the smallest size up to 256)",
    )
    parser.add_argument(
        "--tfjs-max-gflop",
        type=float,
        default=400.0,
        help="skip TF.js (one wasm thread) above this many GFLOP per call (default 400)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny U-Net (or tiny versions of --model) at 64 and 128 px, 3 repeats: a check "
        "that it runs, under a minute",
    )


def build_generator(name: str, quick: bool):
    from tf_imgtrans.networks import get_generator

    kwargs = {}
    if quick:
        family = next((f for f in QUICK_KWARGS if name.startswith(f)), None)
        kwargs = QUICK_KWARGS.get(family, {})
    return get_generator(name, **kwargs)


def repeats_for(size: int, repeats: int, quick: bool) -> tuple[int, int]:
    """(warm-up calls, timed calls) at `size`: fewer for big images, whose calls take seconds."""
    if quick:
        return 1, 3
    if size <= 256:
        return 2, repeats
    return 1, max(3, round(repeats * (256 / size) ** 2))


def _tflite_runner(source, mode: str, folder: str, args, calibration_size: int, suffix: str):
    from tf_imgtrans.export import TFLiteRunner, export_tflite

    path = os.path.join(folder, f"model_{mode}{suffix}.tflite")
    data = "builtin:facades" if mode == "int8" else None
    export_tflite(
        source,
        path,
        quantize=mode,
        data=data,
        num_calibration=min(args.calibration, 4) if args.quick else args.calibration,
        calibration_size=calibration_size,
    )
    return TFLiteRunner(path, num_threads=args.threads)


def export_models(generator, backends) -> tuple[dict, dict]:
    """({"": generator, "_fast": its `fast_graph`}, {backend: why skipped}): the rewrite only
    where some backend asks for it and the network has layers it changes."""
    from tf_imgtrans.inference import fast_graph, rewritten_layers

    models, skipped = {"": generator}, {}
    wanted = [b for b in backends if b.endswith(FAST)]
    if wanted:
        rewritten = fast_graph(generator)
        if any(rewritten_layers(rewritten).values()):
            models[FAST] = rewritten
        else:
            skipped.update({b: "nothing for fast_graph to rewrite" for b in wanted})
    return models, skipped


def make_runners(generator, backends, folder: str, args, calibration_size: int):
    """{backend: callable (1, H, W, 3) float32 → array} for the in-process backends, and
    {backend: reason} for those that cannot run here."""
    import tensorflow as tf

    from tf_imgtrans.export import ExportToolError, export_saved_model, load_export_source
    from tf_imgtrans.inference import inference_function

    models, skipped = export_models(generator, backends)
    runners, sources = {}, {}
    for backend in backends:
        if backend.startswith("tfjs") or backend in skipped:
            continue  # TF.js runs in a subprocess, timed on its own
        suffix = FAST if backend.endswith(FAST) else ""
        try:
            if backend == "keras_eager":
                runners[backend] = lambda x: generator(x, training=False)
            elif backend in ("tf_function", "xla"):
                fn = tf.function(
                    lambda x: generator(x, training=False), jit_compile=backend == "xla"
                )
                runners[backend] = fn
            elif backend == "inference_fn":
                runners[backend] = inference_function(generator)
            else:
                if suffix not in sources:
                    # Plain backends export the layers as trained: exports trace from
                    # fast_graph by default.
                    sources[suffix] = load_export_source(models[suffix], fast_graph=bool(suffix))
                source = sources[suffix]
                if backend == "savedmodel":
                    out = os.path.join(folder, "saved_model")
                    export_saved_model(source, out)
                    serve = tf.saved_model.load(out).signatures["serving_float"]
                    runners[backend] = lambda x, serve=serve: serve(image=tf.constant(x))["image"]
                else:
                    mode = backend.removesuffix(suffix).split("_", 1)[1]
                    runners[backend] = _tflite_runner(
                        source, mode, folder, args, calibration_size, suffix
                    )
        except ExportToolError as e:
            skipped[backend] = str(e).split(". ")[0]
    return runners, skipped, models


def time_tfjs(generator, out: str, x, repeats: int, fast_graph: bool = False):
    """(latency dict, output) of the TF.js graph model in Node with the wasm backend (1 thread:
    the packaged runner turns wasm threads off, as a page without cross-origin isolation has),
    exported to the folder `out` on first use."""
    from tf_imgtrans.export import export_tfjs, run_graph_model

    if not os.path.isdir(out):
        export_tfjs(generator, out, fast_graph=fast_graph)
    outputs, facts = run_graph_model(out, [x], backend="wasm", repeat=repeats)
    lat = facts["latency_ms"]
    return {"median_ms": lat["median"], "min_ms": lat["min"], "repeats": lat["runs"]}, outputs[0]


def _share(gflops: float | None, peak: float | None) -> float | None:
    return None if not gflops or not peak else 100.0 * gflops / peak


def _padded(x, side: int):
    """`x` reflect-padded at the bottom and right to `side` (Keras-side runtimes take only the
    network's multiples; the exported graphs pad inside)."""
    import numpy as np

    pad = side - x.shape[1]
    return x if pad == 0 else np.pad(x, ((0, 0), (0, pad), (0, pad), (0, 0)), mode="reflect")


def time_backends(runners, models, folder, x, side, args, warmup, repeats, flops):
    """({backend: timing}, {backend: output}, {backend: why it was not timed at this size}) at
    one size: the in-process runners round-robin, then TF.js in Node (one thread, so 1 timed
    call above 256², none above --tfjs-max-gflop)."""
    import numpy as np

    from tf_imgtrans.bench.common import time_round_robin
    from tf_imgtrans.export import ExportToolError

    outputs = {}
    fns = {}
    xs = _padded(x, side)
    for backend, runner in runners.items():
        arg = x if backend == "savedmodel" or backend.startswith("tflite") else xs

        def go(backend=backend, runner=runner, arg=arg):
            outputs[backend] = np.asarray(runner(arg))
            return outputs[backend]

        fns[backend] = go
    timings = time_round_robin(fns, warmup, repeats) if fns else {}
    notes = {}
    for backend in args.backends:
        suffix = FAST if backend.endswith(FAST) else ""
        if not backend.startswith("tfjs") or suffix not in models:
            continue
        if flops > args.tfjs_max_gflop * 1e9:
            notes[backend] = (
                f"skipped: {flops / 1e9:.0f} GFLOP > --tfjs-max-gflop {args.tfjs_max_gflop:g} "
                "(minutes per call on one wasm thread)"
            )
            continue
        try:
            timings[backend], outputs[backend] = time_tfjs(
                models[suffix],
                os.path.join(folder, f"tfjs{suffix}"),
                x,
                repeats if x.shape[1] <= 256 else 1,
                fast_graph=bool(suffix),
            )
        except (ExportToolError, RuntimeError) as e:
            notes[backend] = f"skipped: {str(e).split('. ')[0][:200]}"
    return timings, outputs, notes


def make_row(name, size, backend, timing, flops, peak, threads, error) -> dict:
    """One table row. GFLOP/s from the median call; the shares of peak from the fastest call,
    the one least disturbed by other jobs (the measured peak is a best-of too), and, load-free,
    from the CPU time the call used (FLOPs per CPU-second over one core's derived peak)."""
    cores = peak["cores"]
    int8 = backend.startswith("tflite_int8")
    derived = peak["int8_derived_gops"] if int8 else peak["derived_gflops"]
    measured = None if int8 else peak["measured_gflops"]
    best = flops / (timing["min_ms"] * 1e6)
    cpu_ms = timing.get("cpu_median_ms")
    per_cpu_second = flops / (cpu_ms * 1e6) if cpu_ms else None  # GFLOP per CPU-second
    return {
        "model": name,
        "size": size,
        "backend": backend,
        "threads": threads,
        "median_ms": timing["median_ms"],
        "min_ms": timing["min_ms"],
        "repeats": timing["repeats"],
        "gflop_s": flops / (timing["median_ms"] * 1e6),
        "best_gflop_s": best,
        "pct_derived_peak": _share(best, derived and derived * threads / cores),
        "cpu_ms": cpu_ms,
        "gflop_per_cpu_s": per_cpu_second,
        "pct_derived_per_cpu_s": _share(per_cpu_second, derived and derived / cores),
        "pct_measured_per_cpu_s": _share(per_cpu_second, measured and measured / cores),
        "max_abs_err": error,
    }


RATIOS = (
    ("int8_vs_float32", "tflite_float32", "tflite_int8"),
    ("inference_fn_vs_tf_function", "tf_function", "inference_fn"),
    ("xla_vs_tf_function", "tf_function", "xla"),
    ("tflite_float32_vs_tf_function", "tf_function", "tflite_float32"),
    ("tflite_float32_vs_inference_fn", "inference_fn", "tflite_float32"),
    ("fast_vs_plain_tflite_float32", "tflite_float32", "tflite_float32_fast"),
    ("fast_vs_plain_tflite_int8", "tflite_int8", "tflite_int8_fast"),
    ("fast_vs_plain_tfjs", "tfjs_node_wasm", "tfjs_node_wasm_fast"),
    ("int8_vs_float32_fast", "tflite_float32_fast", "tflite_int8_fast"),
)


def speedups(name: str, size: int, timings: dict) -> dict:
    """Median time of one backend over another's, for the pairs in `RATIOS` (> 1: the second is
    faster)."""
    ratio = {"model": name, "size": size}
    for label, slow, fast in RATIOS:
        if slow in timings and fast in timings:
            ratio[label] = timings[slow]["median_ms"] / timings[fast]["median_ms"]
    return ratio


def set_tf_threads(threads: int, cores: int) -> None:
    """TensorFlow's intra-op threads; settable only before TensorFlow's first operation, after
    which a request other than the running setting (0: one per core) is an error."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
    except RuntimeError as e:
        current = tf.config.threading.get_intra_op_parallelism_threads() or cores
        if current != threads:
            raise ValueError(
                f"TensorFlow already runs with {current} threads and cannot change now; start a "
                f"new process for --threads {threads}. Received: threads={threads}"
            ) from e


def run(args: argparse.Namespace) -> dict:
    import numpy as np

    cores = os.cpu_count() or 1
    args.threads = args.threads or cores
    set_tf_threads(args.threads, cores)

    from tf_imgtrans.bench.common import emit, format_table
    from tf_imgtrans.bench.flops import count_flops, cpu_peak
    from tf_imgtrans.export import held_out_images
    from tf_imgtrans.inference import min_size, size_multiple

    models = args.model or list(QUICK_MODELS if args.quick else DEFAULT_MODELS)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    peak = cpu_peak(cores=cores, matmul_size=1024 if args.quick else 2048)

    rows, ratios, info = [], [], {}
    for name in models:
        generator = build_generator(name, args.quick)
        multiple, minimum = size_multiple(generator), min_size(generator)
        info[name] = {"params": int(generator.count_params()), "flops": {}}
        with tempfile.TemporaryDirectory(prefix="infer-speed-") as folder:
            runners, skipped, models = make_runners(
                generator, args.backends, folder, args, calibration_size=min(*sizes, 256)
            )
            for size in sizes:
                side = max(-(-size // multiple) * multiple, minimum)  # what the network computes
                flops = count_flops(generator, (1, side, side, 3))["flops"]
                info[name]["flops"][size] = flops
                x = held_out_images(None, size, 1)  # a synthetic facades label map
                warmup, repeats = repeats_for(size, args.repeats, args.quick)
                print(f"[infer_speed] {name} at {size}²: {flops / 1e9:.1f} GFLOP", file=sys.stderr)
                timings, outputs, notes = time_backends(
                    runners, models, folder, x, side, args, warmup, repeats, flops
                )
                notes.update({k: f"skipped: {v}" for k, v in skipped.items()})
                reference = outputs.get("tf_function", outputs.get("keras_eager"))
                for backend in args.backends:
                    if backend in notes:
                        note = notes[backend]
                        rows.append({"model": name, "size": size, "backend": backend, "note": note})
                        continue
                    out = outputs[backend][:, :size, :size]
                    error = (
                        None
                        if reference is None
                        else float(np.abs(out - reference[:, :size, :size]).max())
                    )
                    threads = 1 if backend.startswith("tfjs") else args.threads
                    rows.append(
                        make_row(name, size, backend, timings[backend], flops, peak, threads, error)
                    )
                ratios.append(speedups(name, size, timings))
                for row in rows:  # partial results survive a run stopped later
                    if row["model"] == name and row["size"] == size:
                        print(f"[infer_speed] {json.dumps(row)}", file=sys.stderr, flush=True)
            del runners
            gc.collect()

    columns = [
        "model",
        "size",
        "backend",
        "threads",
        "median_ms",
        "min_ms",
        "repeats",
        "gflop_s",
        "best_gflop_s",
        "pct_derived_peak",
        "cpu_ms",
        "gflop_per_cpu_s",
        "pct_derived_per_cpu_s",
        "pct_measured_per_cpu_s",
        "max_abs_err",
        "note",
    ]
    table = "\n\n".join(
        [
            format_table(rows, columns, title="Generator latency, batch 1"),
            format_table(
                ratios,
                ["model", "size", *(label for label, _, _ in RATIOS)],
                title="Speed-ups: median time of the first runtime / of the second (> 1: faster)",
            ),
            peak_summary(peak),
        ]
    )
    figures = {"peak": peak, "models": info, "rows": rows, "ratios": ratios}
    emit("infer_speed", args, figures, table)
    return figures


def peak_summary(peak: dict) -> str:
    return (
        f"Peak float32: derived {peak['derived_gflops']:.0f} GFLOP/s = {peak['cores']} cores × "
        f"{peak['clock_ghz']:.2f} GHz ({peak['clock_source']}) × {peak['flops_per_cycle']} "
        f"FLOPs/cycle/core ({peak['assumption']}); measured {peak['measured_gflops']:.0f} "
        f"GFLOP/s ({peak['measured_how']}); int8 derived {peak['int8_derived_gops'] or 0:.0f} "
        "GOP/s. pct_derived_peak: FLOPs / the fastest call's wall time over the derived peak "
        "of the threads used (TF.js runs 1 thread; on a loaded machine this understates). "
        "gflop_per_cpu_s: FLOPs per CPU-second this process spent in the median call (all "
        "its threads; time other jobs take does not count), as a share of one core's derived "
        "and measured peak in pct_derived_per_cpu_s and pct_measured_per_cpu_s. int8 rows use "
        "the int8 peak (no measured int8 peak)."
    )

"""`tf-imgtrans export`: a generator to SavedModel, TFLite or TF.js, checked against Keras."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(p: argparse.ArgumentParser, with_format: bool = True) -> None:
    """The export options (shared with the scripts in the repository's export/ folder)."""
    p.add_argument("--model", required=True, help="a generator .keras file (RUN/generator.keras)")
    if with_format:
        p.add_argument(
            "--format", required=True, help="savedmodel, tflite or tfjs", metavar="FORMAT"
        )
    p.add_argument(
        "--out",
        required=True,
        help="output: a folder (savedmodel, tfjs) or a .tflite file",
    )
    p.add_argument(
        "--quantize",
        help="tflite: float32 (default), float16, dynamic, int8; tfjs: float32, float16, uint8",
    )
    p.add_argument(
        "--data",
        help="images for int8 calibration (train split) and parity (test/val split): "
        "builtin:facades, pix2pix:NAME, a paired dataset folder or a folder of images",
    )
    p.add_argument("--size", help="fixed input size N or HxW (default: any size)")
    p.add_argument("--parity-size", type=int, help="side of the parity images (default: training)")
    p.add_argument("--parity-images", type=int, default=4, help="held-out images compared")
    p.add_argument("--calibration-images", type=int, default=100, help="int8 calibration images")
    p.add_argument("--kind", help="pix2pix, cyclegan or style (default: from the run's config)")
    p.add_argument("--no-parity", action="store_true", help="skip the check against Keras")
    p.add_argument(
        "--no-fast-graph",
        action="store_true",
        help="export the layers as trained instead of fast_graph's exact rewrites (sub-pixel "
        "transposed convolutions, reflection padding by slices, 4-D instance norm), which "
        "TFLite and TF.js run faster",
    )


def register(commands, models) -> None:
    p = commands.add_parser(
        "export", help="export a generator to SavedModel, TFLite or TF.js, checked against Keras"
    )
    add_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.export import ExportToolError, export_model

    try:
        export_model(
            args.model,
            args.out,
            args.format,
            quantize=args.quantize,
            size=args.size,
            data=args.data,
            parity=not args.no_parity,
            parity_images=args.parity_images,
            parity_size=args.parity_size,
            num_calibration=args.calibration_images,
            kind=args.kind,
            fast_graph=not args.no_fast_graph,
        )
    except ExportToolError as e:
        print(f"tf-imgtrans: error: {e}", file=sys.stderr)
        return 2
    refresh_run_report(args.model, args.out)
    return 0


def refresh_run_report(model: str, out: str) -> None:
    """Rewrites the report of the run folder that holds `model` when the export `out` lands in
    it (so its parity table shows the export)."""
    from tf_imgtrans.callbacks import write_report

    run_dir = model if os.path.isdir(model) else os.path.dirname(os.path.abspath(model))
    inside = os.path.abspath(out).startswith(os.path.abspath(run_dir) + os.sep)
    if inside and os.path.isfile(os.path.join(run_dir, "config.json")):
        write_report(run_dir)

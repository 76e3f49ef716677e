"""`tf-imgtrans translate`."""

from __future__ import annotations


def register(commands, models) -> None:
    p = commands.add_parser("translate", help="translate image files or folders with a generator")
    p.add_argument("--model", required=True, help="a generator .keras file (RUN/generator.keras)")
    p.add_argument("inputs", nargs="+", help="image files and/or folders (searched recursively)")
    p.add_argument("--out", required=True, help="output folder (sub-folders are kept)")
    p.add_argument(
        "--size", type=int, help="working resolution of the longer side (default: the image's own)"
    )
    p.add_argument("--tile", type=int, help="tile side (default: tiles only over --max-pixels)")
    p.add_argument("--overlap", type=int, help="pixels shared by neighbouring tiles (default 1/4)")
    p.add_argument(
        "--max-pixels", type=int, default=512 * 512, help="pixels per forward pass (262144)"
    )
    p.add_argument(
        "--samples", type=int, default=1, help="outputs per input with dropout active (Pix2Pix)"
    )
    p.add_argument("--overwrite", action="store_true", help="redo images already translated")
    p.add_argument(
        "--strict", action="store_true", help="stop at an unreadable image (default: skip it)"
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.translate_files import translate_paths

    written, skipped, spreads = translate_paths(
        args.model,
        args.inputs,
        args.out,
        size=args.size,
        overwrite=args.overwrite,
        tile=args.tile,
        overlap=args.overlap,
        max_pixels=args.max_pixels,
        samples=args.samples,
        strict=args.strict,
    )
    done = f" ({skipped} already done, skipped)" if skipped else ""
    print(f"Wrote {len(written)} image(s) into {args.out}{done}")
    for path, spread in spreads.items():
        print(f"  {path}: spread between the {args.samples} samples = {spread:.2f} (0-255 levels)")
    return 0

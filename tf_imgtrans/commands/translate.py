"""`tf-imgtrans translate`."""

from __future__ import annotations


def register(commands, models) -> None:
    p = commands.add_parser("translate", help="translate image files or folders with a generator")
    p.add_argument("--model", required=True, help="a generator .keras file (RUN/generator.keras)")
    p.add_argument("inputs", nargs="+", help="image files and/or folders (searched recursively)")
    p.add_argument("--out", required=True, help="output folder (sub-folders are kept)")
    p.add_argument("--size", type=int, help="working resolution (default: each image's own size)")
    p.add_argument("--overwrite", action="store_true", help="redo images already translated")
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.translate_files import translate_paths

    written, skipped = translate_paths(
        args.model, args.inputs, args.out, size=args.size, overwrite=args.overwrite
    )
    done = f" ({skipped} already done, skipped)" if skipped else ""
    print(f"Translated {len(written)} image(s) into {args.out}{done}")
    return 0

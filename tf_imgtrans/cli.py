"""The `tf-imgtrans` command line.

Each command lives in a module of `tf_imgtrans.commands` with a `register(commands, models)`
function: `commands` is the top-level sub-parser set (`translate`, `demo`, …) and `models` the
one under `train` (`train pix2pix`, …). A command's handler returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = (
    "tf_imgtrans.commands.pix2pix",
    "tf_imgtrans.commands.translate",
    "tf_imgtrans.commands.demo",
    "tf_imgtrans.commands.stylize",
    "tf_imgtrans.commands.style_train",
    "tf_imgtrans.commands.export",
    "tf_imgtrans.commands.cyclegan",
    "tf_imgtrans.commands.evaluate",
    "tf_imgtrans.commands.bench",
    "tf_imgtrans.commands.serve_demo",
)

# Errors that are the user's to fix: one line, exit status 2, no traceback.
USER_ERRORS = (ValueError, FileNotFoundError, FileExistsError, NotADirectoryError, OSError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf-imgtrans",
        description="Image-to-image translation with TensorFlow and Keras.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser("train", help="train a model")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, models)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tf-imgtrans`. Known errors print one line and exit with status 2."""
    # TensorFlow's C++ start-up notices (oneDNN, CPU features) are not errors; keep real ones.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except USER_ERRORS as e:
        print(f"tf-imgtrans: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tf-imgtrans: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

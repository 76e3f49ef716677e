"""The `tf-imgtrans` command line.

Each command lives in a module of `tf_imgtrans.commands` with a `register(commands, models)`
function: `commands` is the top-level sub-parser set (`translate`, `demo`, …) and `models` the
one under `train` (`train pix2pix`, …). A command's handler returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tf_imgtrans.messages import plain_input_warnings
from tf_imgtrans.native_logs import quiet_native_logs, verbose_from_env
from tf_imgtrans.optional import MissingDependencyError

COMMAND_MODULES = (
    "tf_imgtrans.commands.pix2pix",
    "tf_imgtrans.commands.translate",
    "tf_imgtrans.commands.demo",
    "tf_imgtrans.commands.stylize",
    "tf_imgtrans.commands.style_train",
    "tf_imgtrans.commands.export",
    "tf_imgtrans.commands.cyclegan",
    "tf_imgtrans.commands.cut",
    "tf_imgtrans.commands.evaluate",
    "tf_imgtrans.commands.bench",
    "tf_imgtrans.commands.serve_demo",
)

# Errors that are the user's to fix: one line, exit status 2, no traceback.
USER_ERRORS = (
    ValueError,
    FileNotFoundError,
    FileExistsError,
    NotADirectoryError,
    OSError,
    MissingDependencyError,
)


VERBOSE_HELP = "also show TensorFlow's C++ log lines (hidden by default)"


def _leaf_parsers(parser: argparse.ArgumentParser):
    """The parsers of the commands that run (those without sub-commands of their own)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield parser
    for action in subs:
        for child in dict.fromkeys(action.choices.values()):  # aliases share one parser
            yield from _leaf_parsers(child)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; building it imports no TensorFlow (so `--help` is instant)."""
    parser = argparse.ArgumentParser(
        prog="tf-imgtrans",
        description="Image-to-image translation with TensorFlow and Keras.",
    )
    parser.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser("train", help="train a model")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, models)
    # --verbose is declared once and reaches every command (after the command name too).
    for leaf in _leaf_parsers(parser):
        if "--verbose" not in leaf._option_string_actions:
            leaf.add_argument(
                "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tf-imgtrans`. Known errors print one line and exit with status 2.

    TensorFlow's C++ log lines are hidden unless `--verbose` (or `TF_IMGTRANS_VERBOSE=1`)."""
    args = build_parser().parse_args(argv)
    verbose = bool(args.verbose) or verbose_from_env()
    with quiet_native_logs(enabled=not verbose), plain_input_warnings():
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

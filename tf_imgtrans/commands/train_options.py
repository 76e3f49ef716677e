"""What the `train` commands share: the run options (--out, --resume, --strategy, …), the
mapping from a command's options to its run config's fields, and the summary printed at the end."""

from __future__ import annotations

import argparse
import os
import shlex

from tf_imgtrans.distribute import STRATEGIES
from tf_imgtrans.precision import DEFAULT_PRECISION, PRECISIONS


def add_run_options(p: argparse.ArgumentParser, options: dict) -> None:
    """Adds --out, one option per config field of `options` ({field: (flag, type, help)}, each
    defaulting to None so that a resumed run can tell what the user set from what it saved),
    --precision, --no-tensorboard, --strict, --strategy, --resume and the hidden
    --steps-per-epoch."""
    p.add_argument("--out", required=True, help="output folder of the run")
    for field, (flag, kind, help_text) in options.items():
        p.add_argument(flag, dest=field, type=kind, help=help_text)
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        help="dtype policy of the networks: mixed precision computes in 16 bits with float32 "
        "weights; auto is mixed_bfloat16 on a CPU with native bfloat16 and no GPU, else float32 "
        f"(default: {DEFAULT_PRECISION}; see README, Speed)",
    )
    p.add_argument("--no-tensorboard", action="store_true")
    p.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first unreadable image (default: skip and count them, with a warning)",
    )
    p.add_argument(
        "--strategy",
        default="default",
        choices=list(STRATEGIES),
        help="tf.distribute strategy; --batch-size is the global batch (see README)",
    )
    p.add_argument("--steps-per-epoch", type=int, help=argparse.SUPPRESS)
    p.add_argument("--resume", action="store_true", help="continue the run in --out")


def config_values(args: argparse.Namespace, options: dict) -> dict:
    """The config fields the user set on the command line."""
    values = {f: getattr(args, f) for f in options if getattr(args, f) is not None}
    if args.no_tensorboard:
        values["tensorboard"] = False
    if args.strict:
        values["strict"] = True
    if args.precision is not None:
        values["precision"] = args.precision
    return values


def run_kwargs(args: argparse.Namespace) -> dict:
    """The keyword arguments every `train_*` function takes from the command line."""
    return {
        "resume": args.resume,
        "steps_per_epoch": args.steps_per_epoch,
        "strategy": args.strategy,
    }


def print_summary(result, model: str, use: list[str]) -> None:
    """What a finished `train MODEL` run wrote to its folder and the commands that come next.

    Args:
        result: the `RunResult` of the run.
        model: the `train` sub-command (for the "train longer" line).
        use: commands that use the trained network (translate, export, stylize …), with the
            run's paths filled in.
    """
    out = result.out
    q = shlex.quote
    networks = {k: p for k, p in result.paths.items() if str(p).endswith(".keras")}
    print(f"\nRun folder {out}:")
    for name, path in networks.items():
        print(f"  {os.path.relpath(path, out):<24} the trained {name.replace('_', ' ')}")
    others = [
        ("report.html", "config, loss curves, sample grids per epoch, held-out scores"),
        ("samples", "sample grids after each epoch"),
        ("losses.png", "loss and metric curves"),
        ("history.json", "every logged value per epoch"),
        ("checkpoints", "networks + optimizer state, for --resume"),
        ("logs", "TensorBoard event files"),
    ]
    for name, what in others:
        path = os.path.join(out, name)
        if os.path.exists(path):
            shown = name + "/" if os.path.isdir(path) else name
            print(f"  {shown:<24} {what}")
    print("Next:")
    if os.path.isfile(os.path.join(out, "report.html")):
        print(f"  open {q(os.path.join(out, 'report.html'))} in a browser")
    if os.path.isdir(os.path.join(out, "logs")):
        print(f"  tensorboard --logdir {q(os.path.join(out, 'logs'))}")
    for line in use:
        print(f"  {line}")
    print(
        f"  tf-imgtrans train {model} --out {q(out)} --epochs N --resume   # train on to N epochs"
    )

"""`tf-imgtrans demo`: the main job on built-in data."""

from __future__ import annotations

import argparse
import json


def register(commands, models) -> None:
    p = commands.add_parser("demo", help="train Pix2Pix briefly on built-in data and score it")
    p.add_argument("--out", default="demo_out", help="output folder (default demo_out)")
    p.add_argument("--epochs", type=int, help="epochs (default: the demo's)")
    p.add_argument("--image-size", type=int, help="image size (default: the demo's)")
    p.add_argument("--n-train", type=int, help="training pairs to generate")
    p.add_argument("--steps-per-epoch", type=int, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.demo import run_demo

    report = run_demo(
        args.out,
        epochs=args.epochs,
        image_size=args.image_size,
        n_train=args.n_train,
        steps_per_epoch=args.steps_per_epoch,
    )
    print(json.dumps({k: v for k, v in report.items() if k != "scores"}, indent=1))
    return 0

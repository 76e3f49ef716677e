"""The `tf-imgtrans` command line: train, translate, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys


def _quiet_tensorflow() -> None:
    # TensorFlow's C++ start-up notices (oneDNN, CPU features) are not errors; keep real ones.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")


def _add_pix2pix_args(p: argparse.ArgumentParser) -> None:
    # Defaults are None so that a resumed run can tell what the user set from what it saved.
    p.add_argument(
        "--data", help="a folder, builtin:NAME or pix2pix:NAME (default builtin:facades)"
    )
    p.add_argument("--out", required=True, help="output folder of the run")
    p.add_argument("--epochs", type=int, help="total epochs (paper: 200)")
    p.add_argument("--decay-epochs", type=int, help="epochs of linear LR decay at the end")
    p.add_argument("--image-size", type=int, help="training size (paper: 256)")
    p.add_argument("--batch-size", type=int, help="batch size (paper: 1)")
    p.add_argument("--direction", choices=["AtoB", "BtoA"])
    p.add_argument("--generator", help="'auto' (U-Net for the image size), unet_256, unet_128")
    p.add_argument("--ngf", type=int, help="generator filters (paper: 64)")
    p.add_argument("--ndf", type=int, help="discriminator filters (paper: 64)")
    p.add_argument("--n-layers", type=int, help="PatchGAN depth: 1=16², 3=70² (default), 5=286²")
    p.add_argument("--norm", choices=["batch", "instance", "none"])
    p.add_argument("--upsampling", choices=["transpose", "resize"])
    p.add_argument("--gan-mode", choices=["vanilla", "lsgan", "hinge"])
    p.add_argument("--lambda-l1", type=float)
    p.add_argument("--lr", type=float)
    p.add_argument("--limit", type=int, help="use only the first N training pairs")
    p.add_argument("--seed", type=int)
    p.add_argument("--no-tensorboard", action="store_true")
    p.add_argument("--steps-per-epoch", type=int, help=argparse.SUPPRESS)
    p.add_argument("--resume", action="store_true", help="continue the run in --out")


_CONFIG_ARGS = {
    "data": "data",
    "epochs": "epochs",
    "decay_epochs": "decay_epochs",
    "image_size": "image_size",
    "batch_size": "batch_size",
    "direction": "direction",
    "generator": "generator",
    "ngf": "ngf",
    "ndf": "ndf",
    "n_layers": "n_layers",
    "norm": "norm",
    "upsampling": "upsampling",
    "gan_mode": "gan_mode",
    "lambda_l1": "lambda_l1",
    "lr": "lr",
    "limit": "limit",
    "seed": "seed",
}


def _config_from_args(args, **defaults):
    from tf_imgtrans.training import Pix2PixConfig

    values = dict(defaults)
    values.update(
        {
            key: getattr(args, arg)
            for arg, key in _CONFIG_ARGS.items()
            if getattr(args, arg, None) is not None
        }
    )
    if getattr(args, "no_tensorboard", False):
        values["tensorboard"] = False
    return Pix2PixConfig.from_dict(values)


def cmd_train(args) -> int:
    from tf_imgtrans.training import train_pix2pix

    if args.model != "pix2pix":
        raise ValueError(f"Unknown model {args.model!r}. Available: ['pix2pix']")
    config = _config_from_args(args)
    result = train_pix2pix(
        config, args.out, resume=args.resume, steps_per_epoch=args.steps_per_epoch
    )
    print(f"Generator: {result.paths['generator']}")
    print(f"Samples:   {result.paths['samples']}/   Loss curves: {result.paths['losses']}")
    return 0


def cmd_translate(args) -> int:
    from tf_imgtrans.translate_files import translate_paths

    written, skipped = translate_paths(
        args.model, args.inputs, args.out, size=args.size, overwrite=args.overwrite
    )
    print(
        f"Translated {len(written)} image(s) into {args.out}"
        + (f" ({skipped} already done, skipped)" if skipped else "")
    )
    return 0


def cmd_demo(args) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf-imgtrans",
        description="Image-to-image translation with TensorFlow and Keras: train, translate, demo.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train a model (pix2pix)")
    p.add_argument("model", help="pix2pix")
    _add_pix2pix_args(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("translate", help="translate image files or folders with a generator")
    p.add_argument("--model", required=True, help="a generator .keras file (RUN/generator.keras)")
    p.add_argument("inputs", nargs="+", help="image files and/or folders (searched recursively)")
    p.add_argument("--out", required=True, help="output folder (sub-folders are kept)")
    p.add_argument("--size", type=int, help="working resolution (default: each image's own size)")
    p.add_argument("--overwrite", action="store_true", help="redo images already translated")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("demo", help="train Pix2Pix briefly on built-in data and score it")
    p.add_argument("--out", default="demo_out", help="output folder (default demo_out)")
    p.add_argument("--epochs", type=int, default=None, help="epochs (default: the demo's)")
    p.add_argument("--image-size", type=int, default=None, help="image size (default: the demo's)")
    p.add_argument("--n-train", type=int, default=None, help="training pairs to generate")
    p.add_argument("--steps-per-epoch", type=int, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tf-imgtrans`. Known errors print one line and exit with status 2."""
    _quiet_tensorflow()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, FileExistsError, NotADirectoryError) as e:
        print(f"tf-imgtrans: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tf-imgtrans: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

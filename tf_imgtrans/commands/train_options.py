"""What the `train` commands share: options declared once (the run's, the GAN trainers'), the
reference implementation's spellings as aliases, one command builder, and the summary printed at
the end.

An option is `{config field: (flags, type, help)}`; `flags` is one flag or a tuple whose first is
ours and the others pytorch-CycleGAN-and-pix2pix's spelling of the same setting (`--dataroot`,
`--netG`, …). Every option defaults to None, so that a resumed run can tell what the user set
from what it saved; help texts show the config's default.
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Callable

from tf_imgtrans.distribute import STRATEGIES
from tf_imgtrans.precision import PRECISIONS

Option = tuple[str | tuple[str, ...], type, str]

# RunConfig fields: every trainer.
RUN_OPTIONS: dict[str, Option] = {
    "epochs": ("--epochs", int, "total epochs"),
    "decay_epochs": ("--decay-epochs", int, "epochs of linear LR decay at the end (of --epochs)"),
    "image_size": (("--image-size", "--crop_size"), int, "training (crop) size"),
    "batch_size": (("--batch-size", "--batch_size"), int, "batch size"),
    "lr": ("--lr", float, "Adam learning rate"),
    "limit": (("--limit", "--max_dataset_size"), int, "use only the first N training items"),
    "seed": ("--seed", int, "random seed"),
}

# GANConfig fields: the adversarial trainers (Pix2Pix, CycleGAN, …).
GAN_OPTIONS: dict[str, Option] = {
    "data": (("--data", "--dataroot"), str, "the training data"),
    "generator": (
        ("--generator", "--netG"),
        str,
        "generator: auto (the trainer's own), unet_256, unet_128, unet, resnet_9blocks, "
        "resnet_6blocks, resnet",
    ),
    "discriminator": (
        ("--discriminator", "--netD"),
        str,
        "discriminator: patch (a PatchGAN --n-layers deep; the reference's basic = 3 layers, "
        "n_layers) or pixel (1×1)",
    ),
    "ngf": ("--ngf", int, "generator filters"),
    "ndf": ("--ndf", int, "discriminator filters"),
    "n_layers": (("--n-layers", "--n_layers_D"), int, "PatchGAN depth: 1 = 16², 3 = 70², 5 = 286²"),
    "norm": ("--norm", str, "batch, instance or none"),
    "upsampling": ("--upsampling", str, "transpose or resize"),
    "gan_mode": (("--gan-mode", "--gan_mode"), str, "vanilla, lsgan or hinge"),
    "beta_1": (("--beta1", "--beta-1"), float, "Adam's β1"),
    "lr_g": ("--lr-g", float, "the generators' learning rate (two time-scale: default --lr)"),
    "lr_d": ("--lr-d", float, "the discriminators' learning rate (default --lr)"),
    "r1_gamma": ("--r1-gamma", float, "R1 gradient penalty γ on the discriminators (0: off)"),
    "r1_every": ("--r1-every", int, "lazy R1: every k-th discriminator step, weighted by k"),
    "ema_decay": (
        "--ema-decay",
        float,
        "EMA of the generators' weights, e.g. 0.999; the EMA generator is sampled, evaluated "
        "and saved (0: off)",
    ),
}

# UnpairedConfig fields: the unpaired trainers (CycleGAN, CUT).
UNPAIRED_OPTIONS: dict[str, Option] = {
    "data": (
        ("--data", "--dataroot"),
        str,
        "a folder (trainA/ trainB/ testA/ testB/), builtin:NAME, cyclegan:NAME or "
        "tfds:cycle_gan/NAME",
    ),
    "load_size": (
        ("--load-size", "--load_size"), int, "size before the random crop (None: 286/256 of it)"
    ),
    "n_blocks": (
        "--n-blocks", int, "residual blocks of the auto generator (None: 9 from 256 px, else 6)"
    ),
}  # fmt: skip


def boolean(text: str) -> bool:
    """An option's true/false value, as the reference spells them (`--nce_idt False`)."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "y", "on"):
        return True
    if value in ("0", "false", "no", "n", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


# StyleConfig fields: the style-transfer trainers.
STYLE_OPTIONS: dict[str, Option] = {
    "content_weight": ("--content-weight", float, "weight of the content loss"),
    "style_weight": ("--style-weight", float, "weight of the style loss"),
    "arch": ("--arch", str, "loss network: vgg16 or vgg19"),
    "vgg_weights": (
        "--vgg-weights",
        str,
        "VGG weights: 'imagenet' (keras.applications / $TF_IMGTRANS_VGG_WEIGHTS), a .npz / "
        ".h5 / .weights.h5 file, or 'random' (smoke tests only)",
    ),
}

# The reference's discriminator names -> ours (its `basic` is the 3-layer PatchGAN).
REFERENCE_NET_D = {"basic": "patch", "n_layers": "patch"}
# The reference's schedule: --n_epochs at the initial rate, then --n_epochs_decay (100 each).
REFERENCE_EPOCHS = 100


def _flags(flags: str | tuple[str, ...]) -> tuple[str, ...]:
    return (flags,) if isinstance(flags, str) else flags


def add_run_options(p: argparse.ArgumentParser, options: dict[str, Option], config_class) -> None:
    """Adds --out, one option per config field of `options` (each defaulting to None; its help
    ends with the config's default), --precision, --no-tensorboard, --strict, --strategy,
    --resume (alias --continue_train), the hidden --steps-per-epoch and, for GAN trainers, the
    reference's --n-epochs/--n-epochs-decay, --no-dropout and --serial-batches."""
    p.add_argument("--out", required=True, help="output folder of the run")
    for name, (flags, kind, help_text) in options.items():
        default = getattr(config_class, name, None)
        shown = f"{help_text} (default: {default})" if default not in (None, "") else help_text
        p.add_argument(*_flags(flags), dest=name, type=kind, help=shown)
    if "gan_mode" in options:
        p.add_argument(
            "--n-epochs",
            "--n_epochs",
            type=int,
            help="the reference's schedule: epochs at the initial learning rate (default 100 "
            "when --n-epochs-decay is given); with --n-epochs-decay instead of --epochs",
        )
        p.add_argument(
            "--n-epochs-decay",
            "--n_epochs_decay",
            type=int,
            help="epochs of linear decay to zero after --n-epochs (default 100 when --n-epochs "
            "is given)",
        )
        p.add_argument(
            "--no-dropout",
            "--no_dropout",
            action="store_true",
            help="no dropout in the generator (dropout 0)",
        )
        p.add_argument(
            "--spectral-norm",
            action="store_true",
            help="spectral normalisation of every discriminator convolution",
        )
        p.add_argument(
            "--serial-batches",
            "--serial_batches",
            action="store_true",
            help="keep the data's order (no shuffling)",
        )
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        help="dtype policy of the networks: mixed precision computes in 16 bits with float32 "
        "weights; auto is mixed_bfloat16 on a CPU with native bfloat16 and no GPU, else float32 "
        f"(default: {config_class.precision}; see README, Speed)",
    )
    p.add_argument("--no-tensorboard", action="store_true", help="no TensorBoard logs in RUN/logs")
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
    p.add_argument(
        "--resume", "--continue_train", action="store_true", help="continue the run in --out"
    )


def config_values(args: argparse.Namespace, options: dict[str, Option]) -> dict:
    """The config fields the user set on the command line (the reference's spellings mapped)."""
    values = {f: getattr(args, f) for f in options if getattr(args, f) is not None}
    if values.get("discriminator") in REFERENCE_NET_D:
        values["discriminator"] = REFERENCE_NET_D[values["discriminator"]]
    n_epochs, n_decay = getattr(args, "n_epochs", None), getattr(args, "n_epochs_decay", None)
    if n_epochs is not None or n_decay is not None:
        if "epochs" in values or "decay_epochs" in values:
            raise ValueError(
                "Pass either --epochs/--decay-epochs or the reference's --n-epochs/"
                "--n-epochs-decay, not both."
            )
        n_epochs = REFERENCE_EPOCHS if n_epochs is None else n_epochs
        n_decay = REFERENCE_EPOCHS if n_decay is None else n_decay
        values["epochs"], values["decay_epochs"] = n_epochs + n_decay, n_decay
    if getattr(args, "no_dropout", False):
        values["dropout"] = 0.0
    if getattr(args, "spectral_norm", False):
        values["spectral_norm"] = True
    if getattr(args, "serial_batches", False):
        values["shuffle"] = False
    if args.no_tensorboard:
        values["tensorboard"] = False
    if args.strict:
        values["strict"] = True
    if args.precision is not None:
        values["precision"] = args.precision
    return values


def run_kwargs(args: argparse.Namespace) -> dict:
    """The keyword arguments every `Trainer.run` takes from the command line."""
    return {
        "resume": args.resume,
        "steps_per_epoch": args.steps_per_epoch,
        "strategy": args.strategy,
    }


def add_trainer_command(
    models,
    name: str,
    help_text: str,
    options: dict[str, Option],
    config_class,
    trainer: str,
    next_steps: Callable,
) -> argparse.ArgumentParser:
    """`tf-imgtrans train NAME`: the options, then on run the `Trainer` named `trainer` in
    `tf_imgtrans.training` with the config the options make, and the summary with
    `next_steps(result)` (the commands that use what was trained)."""
    p = models.add_parser(name, help=help_text, description=help_text)
    add_run_options(p, options, config_class)

    def run(args) -> int:
        import tf_imgtrans.training as training

        result = getattr(training, trainer).run(
            config_class.from_dict(config_values(args, options)), args.out, **run_kwargs(args)
        )
        print_summary(result, name, next_steps(result))
        return 0

    p.set_defaults(func=run)
    return p


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

"""`tf-imgtrans train cyclegan`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import (
    add_run_options,
    config_values,
    print_summary,
    run_kwargs,
)

# CycleGANConfig field -> option. Defaults are None so that a resumed run can tell what the user
# set from what it saved (the config's defaults apply otherwise).
OPTIONS = {
    "data": (
        "--data",
        str,
        "a folder (trainA/ trainB/ testA/ testB/), builtin:NAME, cyclegan:NAME or "
        "tfds:cycle_gan/NAME (default builtin:facades2night)",
    ),
    "epochs": ("--epochs", int, "total epochs (paper: 200)"),
    "decay_epochs": ("--decay-epochs", int, "epochs of linear LR decay at the end (default: half)"),
    "image_size": ("--image-size", int, "training crop size (paper: 256)"),
    "load_size": ("--load-size", int, "size before the random crop (default: 286/256 of it)"),
    "batch_size": ("--batch-size", int, "batch size (paper: 1)"),
    "n_blocks": ("--n-blocks", int, "residual blocks: 9 (default at 256 px) or 6 (below)"),
    "ngf": ("--ngf", int, "generator filters (paper: 64)"),
    "ndf": ("--ndf", int, "discriminator filters (paper: 64)"),
    "n_layers": ("--n-layers", int, "PatchGAN depth: 3 = 70×70 (paper)"),
    "norm": ("--norm", str, "instance (paper), batch or none"),
    "upsampling": ("--upsampling", str, "transpose (paper) or resize"),
    "gan_mode": ("--gan-mode", str, "lsgan (paper), vanilla or hinge"),
    "lambda_cycle": ("--lambda-cycle", float, "weight λ of the cycle losses (paper: 10)"),
    "lambda_identity": (
        "--lambda-identity",
        float,
        "identity loss weight relative to λ (paper: 0.5; 0 turns it off)",
    ),
    "pool_size": ("--pool-size", int, "generated images kept per domain for D (paper: 50)"),
    "lr": ("--lr", float, "Adam learning rate (paper: 2e-4)"),
    "limit": ("--limit", int, "use only the first N images of each domain"),
    "seed": ("--seed", int, "random seed"),
}


def register(commands, models) -> None:
    p = models.add_parser("cyclegan", help="unpaired translation (Zhu et al. 2017)")
    add_run_options(p, OPTIONS)
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.training.cyclegan import CycleGANConfig, train_cyclegan

    result = train_cyclegan(
        CycleGANConfig.from_dict(config_values(args, OPTIONS)), args.out, **run_kwargs(args)
    )
    ab = shlex.quote(result.paths["generator_AtoB"])
    print_summary(
        result,
        "cyclegan",
        [
            f"tf-imgtrans translate --model {ab} IMAGES_OR_FOLDERS --out translated/",
            f"tf-imgtrans evaluate --model {ab} --data DATA   # FID/KID on the test split",
            f"tf-imgtrans export --model {ab} --format tflite --out AtoB.tflite",
        ],
    )
    return 0

"""`tf-imgtrans train pix2pix`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import (
    add_run_options,
    config_values,
    print_summary,
    run_kwargs,
)

# Pix2PixConfig field -> option. Defaults are None so that a resumed run can tell what the user
# set from what it saved (the config's defaults apply otherwise).
OPTIONS = {
    "data": ("--data", str, "a folder, builtin:NAME or pix2pix:NAME (default builtin:facades)"),
    "epochs": ("--epochs", int, "total epochs (paper: 200)"),
    "decay_epochs": ("--decay-epochs", int, "epochs of linear LR decay at the end (default: half)"),
    "image_size": ("--image-size", int, "training size (paper: 256)"),
    "batch_size": ("--batch-size", int, "batch size (paper: 1)"),
    "direction": ("--direction", str, "AtoB or BtoA"),
    "generator": ("--generator", str, "'auto' (a U-Net for the image size), unet_256, unet_128"),
    "ngf": ("--ngf", int, "generator filters (paper: 64)"),
    "ndf": ("--ndf", int, "discriminator filters (paper: 64)"),
    "n_layers": ("--n-layers", int, "PatchGAN depth: 1 = 16², 3 = 70² (default), 5 = 286²"),
    "norm": ("--norm", str, "batch (paper), instance or none"),
    "upsampling": ("--upsampling", str, "transpose (paper) or resize"),
    "gan_mode": ("--gan-mode", str, "vanilla (paper), lsgan or hinge"),
    "lambda_l1": ("--lambda-l1", float, "weight of the L1 term (paper: 100)"),
    "lr": ("--lr", float, "Adam learning rate (paper: 2e-4)"),
    "limit": ("--limit", int, "use only the first N training pairs"),
    "seed": ("--seed", int, "random seed"),
}


def register(commands, models) -> None:
    p = models.add_parser("pix2pix", help="paired translation (Isola et al. 2017)")
    add_run_options(p, OPTIONS)
    p.set_defaults(func=run)


def run(args) -> int:
    from tf_imgtrans.training import Pix2PixConfig, train_pix2pix

    result = train_pix2pix(
        Pix2PixConfig.from_dict(config_values(args, OPTIONS)),
        args.out,
        **run_kwargs(args),
    )
    g = shlex.quote(result.paths["generator"])
    print_summary(
        result,
        "pix2pix",
        [
            f"tf-imgtrans translate --model {g} IMAGES_OR_FOLDERS --out translated/",
            f"tf-imgtrans export --model {g} --format tflite --out generator.tflite",
        ],
    )
    return 0

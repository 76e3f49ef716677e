"""`tf-imgtrans train cut`."""

from __future__ import annotations

import functools

from tf_imgtrans.commands.cyclegan import next_steps as cyclegan_next_steps
from tf_imgtrans.commands.train_options import (
    GAN_OPTIONS,
    RUN_OPTIONS,
    UNPAIRED_OPTIONS,
    add_trainer_command,
    boolean,
)
from tf_imgtrans.configs import CUTConfig

OPTIONS = {
    **RUN_OPTIONS,
    **GAN_OPTIONS,
    **UNPAIRED_OPTIONS,
    "epochs": ("--epochs", int, "total epochs (default: the mode's, CUT 400, FastCUT 200)"),
    "decay_epochs": (
        "--decay-epochs", int,
        "epochs of linear LR decay at the end (default: CUT half of --epochs, FastCUT a quarter)",
    ),
    "mode": (("--mode", "--CUT_mode"), str.lower, "cut or fastcut: the defaults of the next three"),
    "lambda_nce": (
        ("--lambda-nce", "--lambda_NCE"), float, "weight of PatchNCE (default: CUT 1, FastCUT 10)"
    ),
    "nce_idt": (
        ("--nce-idt", "--nce_idt"), boolean,
        "true/false: identity PatchNCE on domain-B images (default: CUT true, FastCUT false)",
    ),
    "flip_equivariance": (
        ("--flip-equivariance", "--flip_equivariance"), boolean,
        "true/false: flip-equivariance regularisation (default: FastCUT true, CUT false)",
    ),
    "lambda_gan": (("--lambda-gan", "--lambda_GAN"), float, "weight of the generator's GAN loss"),
    "nce_layers": (
        ("--nce-layers",), str,
        "generator layers PatchNCE compares, comma-separated names (auto: the paper's five "
        "of the ResNet generator)",
    ),
    "num_patches": (("--num-patches", "--num_patches"), int, "patches per layer and image"),
    "nce_temperature": (("--nce-temperature", "--nce_T"), float, "temperature τ of PatchNCE"),
    "projection_units": (
        ("--projection-units", "--netF_nc"), int, "width of the MLP projection heads"
    ),
}  # fmt: skip


def register(commands, models) -> None:
    add_trainer_command(
        models,
        "cut",
        "one-sided unpaired translation with PatchNCE: CUT and FastCUT (Park et al. 2020)",
        OPTIONS,
        CUTConfig,
        "CUT_TRAINER",
        functools.partial(cyclegan_next_steps, network="generator"),
    )

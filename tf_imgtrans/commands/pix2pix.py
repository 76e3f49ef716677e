"""`tf-imgtrans train pix2pix`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import GAN_OPTIONS, RUN_OPTIONS, add_trainer_command
from tf_imgtrans.configs import Pix2PixConfig

OPTIONS = {
    **RUN_OPTIONS,
    **GAN_OPTIONS,
    "data": (
        ("--data", "--dataroot"),
        str,
        "a folder (A|B aligned images or A/ and B/), builtin:NAME or pix2pix:NAME",
    ),
    "direction": ("--direction", str, "AtoB or BtoA"),
    "lambda_l1": (("--lambda-l1", "--lambda_L1"), float, "weight of the L1 term"),
}


def next_steps(result) -> list[str]:
    g = shlex.quote(result.paths["generator"])
    return [
        f"tf-imgtrans translate --model {g} IMAGES_OR_FOLDERS --out translated/",
        f"tf-imgtrans export --model {g} --format tflite --out generator.tflite",
    ]


def register(commands, models) -> None:
    add_trainer_command(
        models,
        "pix2pix",
        "paired translation (Isola et al. 2017)",
        OPTIONS,
        Pix2PixConfig,
        "PIX2PIX",
        next_steps,
    )

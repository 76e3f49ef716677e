"""`tf-imgtrans train cyclegan`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import (
    GAN_OPTIONS,
    RUN_OPTIONS,
    UNPAIRED_OPTIONS,
    add_trainer_command,
)
from tf_imgtrans.configs import CycleGANConfig

OPTIONS = {
    **RUN_OPTIONS,
    **GAN_OPTIONS,
    **UNPAIRED_OPTIONS,
    "lambda_cycle": (
        ("--lambda-cycle", "--lambda_A"), float,
        "weight λ of both cycle losses (the reference's λ_A = λ_B)",
    ),
    "lambda_identity": (
        ("--lambda-identity", "--lambda_identity"),
        float,
        "identity loss weight relative to λ (0 turns it off)",
    ),
    "pool_size": (("--pool-size", "--pool_size"), int, "generated images kept per domain for D"),
}  # fmt: skip


def next_steps(result, network: str = "generator_AtoB") -> list[str]:
    """The commands that use the run's A -> B generator (`network` of `result.paths`)."""
    ab = shlex.quote(result.paths[network])
    return [
        f"tf-imgtrans translate --model {ab} IMAGES_OR_FOLDERS --out translated/",
        f"tf-imgtrans evaluate --model {ab} --data DATA   # FID/KID on the test split",
        f"tf-imgtrans export --model {ab} --format tflite --out AtoB.tflite",
    ]


def register(commands, models) -> None:
    add_trainer_command(
        models,
        "cyclegan",
        "unpaired translation (Zhu et al. 2017)",
        OPTIONS,
        CycleGANConfig,
        "CYCLEGAN",
        next_steps,
    )

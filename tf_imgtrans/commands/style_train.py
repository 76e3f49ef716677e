"""`tf-imgtrans train fast-style` and `tf-imgtrans train adain`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import RUN_OPTIONS, STYLE_OPTIONS, add_trainer_command
from tf_imgtrans.configs import AdaINConfig, FastStyleConfig

FAST_STYLE = {
    **RUN_OPTIONS,
    **STYLE_OPTIONS,
    "style": ("--style", str, "the style image"),
    "data": ("--data", str, "a folder of content images (searched recursively)"),
    "style_size": ("--style-size", int, "long side of the style image (None: the image size)"),
    "filters": ("--filters", int, "filters of the network's first layer"),
    "n_blocks": ("--n-blocks", int, "residual blocks"),
    "norm": ("--norm", str, "instance, batch (Johnson's paper) or none"),
    "upsampling": ("--upsampling", str, "resize or transpose (Johnson's paper)"),
    "tv_weight": ("--tv-weight", float, "weight of the total-variation loss"),
}

ADAIN = {
    **RUN_OPTIONS,
    **STYLE_OPTIONS,
    "content": ("--content", str, "a folder of content images"),
    "style": ("--style", str, "a folder of style images"),
    "load_size": ("--load-size", int, "resize before the random crop"),
}


def fast_style_next(result) -> list[str]:
    g = shlex.quote(result.paths["generator"])
    return [
        f"tf-imgtrans translate --model {g} PHOTOS --out stylized/",
        f"tf-imgtrans export --model {g} --format tfjs --out models/style",
    ]


def adain_next(result) -> list[str]:
    run = shlex.quote(result.out)
    return [
        f"tf-imgtrans stylize PHOTO STYLE --method adain --model {run} --out painted.png",
        f"tf-imgtrans export --model {run} --format tfjs --out models/adain",
    ]


def register(commands, models) -> None:
    add_trainer_command(
        models,
        "fast-style",
        "a feed-forward network for one style (Johnson et al. 2016)",
        FAST_STYLE,
        FastStyleConfig,
        "FAST_STYLE",
        fast_style_next,
    )
    add_trainer_command(
        models,
        "adain",
        "arbitrary style transfer with AdaIN (Huang & Belongie 2017)",
        ADAIN,
        AdaINConfig,
        "ADAIN",
        adain_next,
    )

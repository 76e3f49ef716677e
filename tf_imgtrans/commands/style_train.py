"""`tf-imgtrans train fast-style` and `tf-imgtrans train adain`."""

from __future__ import annotations

import shlex

from tf_imgtrans.commands.train_options import (
    add_run_options,
    config_values,
    print_summary,
    run_kwargs,
)

# Config field -> option. Defaults are None so that a resumed run can tell what the user set from
# what it saved (the config's defaults apply otherwise).
COMMON = {
    "epochs": ("--epochs", int, "total epochs"),
    "decay_epochs": ("--decay-epochs", int, "epochs of linear LR decay at the end (default 0)"),
    "image_size": ("--image-size", int, "training crop size (paper: 256)"),
    "batch_size": ("--batch-size", int, "batch size"),
    "content_weight": ("--content-weight", float, "weight of the content loss"),
    "style_weight": ("--style-weight", float, "weight of the style loss"),
    "lr": ("--lr", float, "Adam learning rate"),
    "arch": ("--arch", str, "loss network: vgg16 (default) or vgg19"),
    "vgg_weights": (
        "--vgg-weights",
        str,
        "VGG weights: 'imagenet' (keras.applications / $TF_IMGTRANS_VGG_WEIGHTS), a .npz / "
        ".h5 / .weights.h5 file, or 'random' (smoke tests only)",
    ),
    "limit": ("--limit", int, "use only the first N content images"),
    "seed": ("--seed", int, "random seed"),
}

FAST_STYLE = {
    "style": ("--style", str, "the style image"),
    "data": ("--data", str, "a folder of content images (searched recursively)"),
    **COMMON,
    "style_size": ("--style-size", int, "long side of the style image (default: image size)"),
    "filters": ("--filters", int, "filters of the network's first layer (paper: 32)"),
    "n_blocks": ("--n-blocks", int, "residual blocks (paper: 5)"),
    "norm": ("--norm", str, "instance (default), batch (paper) or none"),
    "upsampling": ("--upsampling", str, "resize (default) or transpose (paper)"),
    "tv_weight": ("--tv-weight", float, "weight of the total-variation loss"),
}

ADAIN = {
    "content": ("--content", str, "a folder of content images"),
    "style": ("--style", str, "a folder of style images"),
    **COMMON,
    "load_size": ("--load-size", int, "resize before the random crop (paper: 512)"),
}


def register(commands, models) -> None:
    p = models.add_parser(
        "fast-style", help="a feed-forward network for one style (Johnson et al. 2016)"
    )
    add_run_options(p, FAST_STYLE)
    p.set_defaults(func=run_fast_style)
    p = models.add_parser(
        "adain", help="arbitrary style transfer with AdaIN (Huang & Belongie 2017)"
    )
    add_run_options(p, ADAIN)
    p.set_defaults(func=run_adain)


def run_fast_style(args) -> int:
    from tf_imgtrans.training.style import FastStyleConfig, train_fast_style

    result = train_fast_style(
        FastStyleConfig.from_dict(config_values(args, FAST_STYLE)), args.out, **run_kwargs(args)
    )
    g = shlex.quote(result.paths["generator"])
    print_summary(
        result,
        "fast-style",
        [
            f"tf-imgtrans translate --model {g} PHOTOS --out stylized/",
            f"tf-imgtrans export --model {g} --format tfjs --out models/style",
        ],
    )
    return 0


def run_adain(args) -> int:
    from tf_imgtrans.training.style import AdaINConfig, train_adain

    result = train_adain(
        AdaINConfig.from_dict(config_values(args, ADAIN)), args.out, **run_kwargs(args)
    )
    run = shlex.quote(result.out)
    print_summary(
        result,
        "adain",
        [
            f"tf-imgtrans stylize PHOTO STYLE --method adain --model {run} --out painted.png",
            f"tf-imgtrans export --model {run} --format tfjs --out models/adain",
        ],
    )
    return 0

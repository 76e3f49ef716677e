"""Does mixed precision train as well as float32?

Trains each model twice from the same seed and data, once in float32 and once in a 16-bit
precision (`mixed_bfloat16` by default), with the package's run functions (`train_pix2pix`,
`train_cyclegan`, `train_fast_style`, `train_adain`), and compares what came out:

- Pix2Pix and CycleGAN: the last epoch's validation scores on the built-in data's test split,
  which has ground truth (PSNR/SSIM/L1 of the translations; CycleGAN's cycle L1 too), as the
  run's `history.json` records them;
- fast style and AdaIN (no ground truth): the content and style losses of the saved networks on
  held-out content images, evaluated in float32 with the float32 VGG (the saved `.keras` files
  are float32 whatever the run's precision).

Its timing column is each run's wall time (training, validation, samples and saving).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

MODELS = ("pix2pix", "cyclegan", "fast-style", "adain")
SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default="all",
        help=f"comma-separated, of {', '.join(MODELS)}, or all (default)",
    )
    parser.add_argument(
        "--precision",
        default="mixed_bfloat16",
        choices=("mixed_bfloat16", "mixed_float16"),
        help="the 16-bit precision compared with float32",
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run (default: 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="keep the runs here (default: a temp dir)")
    parser.add_argument(
        "--quick", action="store_true", help="tiny networks, 1 epoch (a check that it runs)"
    )


def _settings(model: str, quick: bool) -> dict:
    """The run config values of `model`: small real networks, or tiny ones with --quick."""
    if model == "pix2pix":
        n = "n_train=8&n_val=4&n_test=4" if quick else "n_train=200&n_val=50&n_test=50"
        size, width = (32, 8) if quick else (128, 32)
        return {"data": f"builtin:facades?{n}", "image_size": size, "ngf": width, "ndf": width}
    if model == "cyclegan":
        n = "n_train=8&n_test=4" if quick else "n_train=100&n_test=40"
        size, width = (32, 8) if quick else (64, 32)
        return {
            "data": f"builtin:facades2night?{n}",
            "image_size": size,
            "ngf": width,
            "ndf": width,
            "n_blocks": 2 if quick else 6,
        }
    if model == "fast-style":
        return {"image_size": 32 if quick else 128, "batch_size": 4}
    return {"image_size": 32 if quick else 128, "load_size": 48 if quick else 192, "batch_size": 4}


def _style_data(root: str, quick: bool) -> dict:
    """Content crops of the bundled photos (train and held-out), style images, VGG weights."""
    from tf_imgtrans.data import load_image, save_image
    from tf_imgtrans.style.samples import find_vgg_weights, sample_photos, write_random_crops

    photos = sample_photos()
    n = 8 if quick else 96
    train = write_random_crops(photos, os.path.join(root, "content"), n, seed=0)
    held_out = write_random_crops(photos, os.path.join(root, "held_out"), 8, seed=1)
    styles = os.path.join(root, "styles")
    os.makedirs(styles, exist_ok=True)
    starry = os.path.join(SHARED, "images", "starry_night.jpg")
    style = starry if os.path.isfile(starry) else None
    for i, photo in enumerate(photos[:3]):  # AdaIN's style set: the photos, and the painting
        save_image(os.path.join(styles, f"{i}.png"), photo)
    if style:
        save_image(os.path.join(styles, "starry.png"), load_image(style))
    vgg16 = os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz")
    weights = "random" if quick else find_vgg_weights([vgg16], "random")
    return {
        "content": train,
        "held_out": held_out,
        "styles": styles,
        "style": style or os.path.join(styles, "0.png"),
        "vgg_weights": weights,
    }


def _train(model: str, precision: str, out: str, epochs: int, seed: int, data: dict, quick: bool):
    from tf_imgtrans import training

    common = {"epochs": epochs, "seed": seed, "precision": precision, "tensorboard": False}
    values = {**_settings(model, quick), **common}
    if model == "pix2pix":
        return training.train_pix2pix(training.Pix2PixConfig(**values), out, verbose=0)
    if model == "cyclegan":
        return training.train_cyclegan(training.CycleGANConfig(**values), out, verbose=0)
    if model == "fast-style":
        config = training.FastStyleConfig(
            style=data["style"], data=data["content"], vgg_weights=data["vgg_weights"], **values
        )
        return training.train_fast_style(config, out, verbose=0)
    config = training.AdaINConfig(
        content=data["content"], style=data["styles"], vgg_weights=data["vgg_weights"], **values
    )
    return training.train_adain(config, out, verbose=0)


def _history_scores(out: str) -> dict:
    """The last epoch's validation scores of a run (`history.json`)."""
    with open(os.path.join(out, "history.json")) as f:
        history = json.load(f)
    return {k.removeprefix("val_"): v[-1] for k, v in history.items() if k.startswith("val_")}


def _float32_scores(model: str, run, data: dict) -> dict:
    """Fast style / AdaIN: the content and style losses of the run's trained network on the
    held-out images, computed by a float32 trainer built from the run's config with the run's
    weights, the loss network's included (variables are float32 in every precision)."""
    from tf_imgtrans.training import AdaINConfig, FastStyleConfig, build_adain, build_fast_style

    with open(os.path.join(run.out, "config.json")) as f:
        values = {**json.load(f), "precision": "float32"}
    if model == "fast-style":
        config, build = FastStyleConfig.from_dict(values), build_fast_style
    else:
        config, build = AdaINConfig.from_dict(values), build_adain
    trainer = build(config)
    trainer.set_weights(run.model.get_weights())  # the trained network and the loss network
    ds = _held_out(trainer, data, config.image_size)
    scores = trainer.evaluate(ds, verbose=0, return_dict=True)
    return {k: float(v) for k, v in scores.items()}


def _held_out(trainer, data: dict, size: int):
    """The held-out batches of 4 for `trainer`: content images (fast style), or content images
    each with a style image (AdaIN)."""
    import tensorflow as tf

    from tf_imgtrans.data import image_files, load_image_dataset
    from tf_imgtrans.models import FastStyleTransfer

    def images(files):
        return load_image_dataset(files, image_size=size, batch_size=4, shuffle=False)

    held_out = image_files(data["held_out"], True)
    if isinstance(trainer, FastStyleTransfer):
        return images(held_out).map(lambda x: (x,))
    content = images(held_out).unbatch()
    content = content.apply(tf.data.experimental.assert_cardinality(len(held_out)))
    styles = images(image_files(data["styles"], True)).unbatch().repeat()
    return tf.data.Dataset.zip((content, styles)).batch(4)


def run(args: argparse.Namespace) -> dict:
    from tf_imgtrans.bench.common import emit, format_table, parse_list

    models = parse_list(args.model, MODELS, "--model", "all")
    epochs = args.epochs or (1 if args.quick else 5)
    root = args.out or tempfile.mkdtemp(prefix="tf_imgtrans_precision_")
    data = None
    rows = []
    for model in models:
        if model in ("fast-style", "adain") and data is None:
            data = _style_data(os.path.join(root, "style_data"), args.quick)
        for precision in ("float32", args.precision):
            out = os.path.join(root, f"{model}_{precision}")
            start = time.perf_counter()
            result = _train(model, precision, out, epochs, args.seed, data, args.quick)
            seconds = time.perf_counter() - start
            if model in ("pix2pix", "cyclegan"):
                scores = _history_scores(out)
            else:
                scores = _float32_scores(model, result, data)
            rows.append({"model": model, "precision": precision, "run_s": seconds, **scores})
    columns = ["model", "precision", "run_s"]
    columns += sorted({k for row in rows for k in row} - set(columns))
    table = format_table(
        rows, columns, title=f"float32 vs {args.precision}: {epochs} epochs, same seed"
    )
    return emit("precision_quality", args, {"epochs": epochs, "runs": rows, "out": root}, table)

"""Can the input pipeline feed the training step?

Writes a pix2pix dataset of JPEG files (A|B side by side, as the published facades) and a
CycleGAN one (trainA/, trainB/) rendered from the built-in synthetic facades, then measures the
images per second of the package's loaders (`load_paired_dataset`, `load_unpaired_dataset`:
Pillow decode, resize to 286, random 256 crop and mirror, batch) with each lever of
`tf_imgtrans.data.PipelineOptions` and the decoded-image cache switched off in turn. Epoch 1
decodes every file; later epochs read the cache. The training step's appetite (images per
second of a Pix2Pix and a CycleGAN step at the same size and batch) is measured on tensors in
the same process, or given with --train-images-per-s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

# name -> (PipelineOptions keyword arguments, cache decoded images)
PAIRED_VARIANTS = {
    "default (parallel, cache, prefetch)": ({}, True),
    "serial map": ({"parallel": False}, True),
    "no cache": ({}, False),
    "no prefetch": ({"prefetch": False}, True),
    "deterministic off": ({"deterministic": False}, True),
    "all off (serial, no cache, no prefetch)": ({"parallel": False, "prefetch": False}, False),
}
UNPAIRED_VARIANTS = {k: PAIRED_VARIANTS[k] for k in list(PAIRED_VARIANTS)[:3]}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=256, help="crop size (loaded at size·286/256)")
    parser.add_argument("--images", type=int, default=400, help="pairs written (facades: 400)")
    parser.add_argument(
        "--file-size",
        type=int,
        default=None,
        help="side of each image in the files (default: --size, as the published facades)",
    )
    parser.add_argument("--batch-size", type=int, default=1, help="batch size (papers: 1)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs read per variant")
    parser.add_argument(
        "--train-steps", type=int, default=5, help="timed training steps (after 2 untimed)"
    )
    parser.add_argument(
        "--train-images-per-s",
        type=float,
        default=None,
        help="skip measuring the training steps; use this appetite for both trainers",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="64 px, 32 images, tiny trainers (a check that it runs, under a minute)",
    )


def write_datasets(root: str, count: int, size: int, quality: int = 90) -> tuple[str, str]:
    """(paired root, unpaired root): ``paired/train/NNNN.jpg`` (A|B, size × 2·size) and
    ``unpaired/trainA/``, ``unpaired/trainB/`` (size × size JPEGs) of synthetic facades."""
    import numpy as np
    from PIL import Image

    from tf_imgtrans.data.synthetic_facades import facade_pair

    paired, unpaired = os.path.join(root, "paired"), os.path.join(root, "unpaired")
    for folder in ("paired/train", "unpaired/trainA", "unpaired/trainB"):
        os.makedirs(os.path.join(root, folder))
    for i in range(count):
        a, b = facade_pair(np.random.default_rng([7, i]), size)
        name = f"{i + 1:04d}.jpg"
        both = Image.fromarray(np.concatenate([a, b], axis=1))
        both.save(os.path.join(paired, "train", name), quality=quality)
        Image.fromarray(a).save(os.path.join(unpaired, "trainA", name), quality=quality)
        Image.fromarray(b).save(os.path.join(unpaired, "trainB", name), quality=quality)
    return paired, unpaired


def epoch_rates(make_dataset, epochs: int, images_per_element: int) -> list[float]:
    """Images per second of each epoch of a freshly built dataset (iterated to its end)."""
    ds = make_dataset()
    rates = []
    for _ in range(epochs):
        start, n = time.perf_counter(), 0
        for batch in ds:
            n += int(batch[0].shape[0]) * images_per_element
        rates.append(n / (time.perf_counter() - start))
    return rates


def measure_pipelines(loader, root: str, variants: dict, args, images_per_element: int):
    """Rows {"variant", "epoch1_img_s", "later_img_s"} for each variant of `loader`; each variant
    runs twice in alternation and keeps its best figures (other jobs load the machine)."""
    from tf_imgtrans.data import PipelineOptions

    best: dict[str, list[float]] = {}
    for _ in range(2):
        for name, (options, cache) in variants.items():
            rates = epoch_rates(
                lambda options=options, cache=cache: loader(
                    root,
                    "train",
                    image_size=args.size,
                    batch_size=args.batch_size,
                    seed=0,
                    cache=cache,
                    pipeline=PipelineOptions(**options),
                ),
                args.epochs,
                images_per_element,
            )
            first, later = rates[0], max(rates[1:]) if len(rates) > 1 else rates[0]
            old = best.get(name, [0.0, 0.0])
            best[name] = [max(old[0], first), max(old[1], later)]
    return [{"variant": k, "epoch1_img_s": v[0], "later_img_s": v[1]} for k, v in best.items()]


def train_appetite(args) -> dict[str, float]:
    """Images per second a Pix2Pix and a CycleGAN training step consume at `args.size`, batch
    `args.batch_size` (Pix2Pix: one input image per pair; CycleGAN: one image of each domain,
    2 per element), on random tensors; paper networks, or tiny ones with --quick."""
    import numpy as np

    from tf_imgtrans.bench.common import time_calls
    from tf_imgtrans.training import CycleGANConfig, Pix2PixConfig, build_cyclegan, build_pix2pix

    tiny = {"ngf": 8, "ndf": 8} if args.quick else {}
    rng = np.random.default_rng(0)
    shape = (args.batch_size, args.size, args.size, 3)
    a = rng.uniform(-1, 1, shape).astype("float32")
    b = rng.uniform(-1, 1, shape).astype("float32")
    appetite = {}
    trainers = {
        "pix2pix": (build_pix2pix, Pix2PixConfig(image_size=args.size, **tiny), 1),
        "cyclegan": (
            build_cyclegan,
            CycleGANConfig(image_size=args.size, **tiny, **({"n_blocks": 2} if args.quick else {})),
            2,
        ),
    }
    for name, (build, config, per_element) in trainers.items():
        model = build(config)
        timing = time_calls(
            lambda model=model: model.train_on_batch(a, b),
            warmup=2,
            repeats=2 if args.quick else args.train_steps,
        )
        appetite[name] = args.batch_size * per_element / (timing["median_ms"] / 1e3)
        del model
    return appetite


def run(args: argparse.Namespace) -> dict:
    from tf_imgtrans.bench.common import emit, format_table
    from tf_imgtrans.data import load_paired_dataset, load_unpaired_dataset

    if args.quick:
        args.size, args.images, args.epochs = 64, 32, 2
    file_size = args.file_size or args.size
    with tempfile.TemporaryDirectory(prefix="data-speed-") as root:
        start = time.perf_counter()
        paired_root, unpaired_root = write_datasets(root, args.images, file_size)
        written_s = time.perf_counter() - start
        paired = measure_pipelines(load_paired_dataset, paired_root, PAIRED_VARIANTS, args, 1)
        unpaired = measure_pipelines(
            load_unpaired_dataset, unpaired_root, UNPAIRED_VARIANTS, args, 2
        )
    if args.train_images_per_s:
        appetite = {"pix2pix": args.train_images_per_s, "cyclegan": args.train_images_per_s}
    else:
        appetite = train_appetite(args)
    rows = []
    for trainer, results in (("pix2pix", paired), ("cyclegan", unpaired)):
        need = appetite[trainer]
        for r in results:
            rows.append(
                {
                    "data": "A|B JPEG pairs" if trainer == "pix2pix" else "trainA/ + trainB/ JPEG",
                    **r,
                    "train_img_s": need,
                    "keeps_up": "yes" if min(r["epoch1_img_s"], r["later_img_s"]) >= need else "no",
                    "cpu_share_pct": 100.0 * need / r["later_img_s"],
                }
            )
    columns = [
        "data",
        "variant",
        "epoch1_img_s",
        "later_img_s",
        "train_img_s",
        "keeps_up",
        "cpu_share_pct",
    ]
    note = (
        f"{args.images} JPEG files of {file_size}² per domain (pairs {file_size}×"
        f"{file_size * 2}), loaded at {round(args.size * 286 / 256)}², random crops of "
        f"{args.size}² and mirroring, batch {args.batch_size}; wrote them in "
        f"{written_s:.1f} s. epoch1: decoding every file; later: from the cache (where on). "
        "cpu_share_pct: the share of the pipeline's own throughput the training step uses, "
        "i.e. about how much of the machine feeding it takes while both share the cores."
    )
    table = format_table(rows, columns, title="Input pipeline images/s vs the training step") + (
        "\n\n" + note
    )
    figures = {"rows": rows, "train_images_per_s": appetite, "files_written_s": written_s}
    emit("data_speed", args, figures, table)
    return figures

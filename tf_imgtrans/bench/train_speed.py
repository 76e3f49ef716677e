"""How fast do the trainers train? Steady-state ms/step and images/s, per speed option, side by side
with the tutorial-style TensorFlow step and the PyTorch reference implementation.

Every configuration runs in its own worker process (see `workers.py`): its peak memory is the
process's peak resident set (ru_maxrss, TensorFlow's own ~0.6 GB included) and, on a GPU, the peak
of TensorFlow's GPU allocator. Workers build and warm up one at a time (the first step, with
tracing and any XLA compilation, is reported apart), then take turns for `--rounds` rounds of
timed steps, so that load from other jobs falls on all of them alike. The data are random tensors
already in memory, fed through the trainers' own compiled train function (as `fit` calls it,
callbacks aside): the input pipeline is measured by `data_speed`. The VGG loss networks of
fast-style and AdaIN use random weights (speed does not depend on them).

Example:
    python benchmarks/train_speed.py --model pix2pix --image-size 256 --batch-size 1
    tf-imgtrans bench train_speed --model cyclegan --quick
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time

from tf_imgtrans.bench.common import parse_list

MODELS = ("pix2pix", "cyclegan", "cut", "fastcut", "fast-style", "adain")
COMPARISONS = ("tutorial", "torch")
PRECISION_NAMES = ("float32", "mixed_bfloat16", "mixed_float16")
# The training defaults of each model (batch size of the papers) and of a full-size run.
DEFAULT_BATCH = {"pix2pix": 1, "cyclegan": 1, "cut": 1, "fastcut": 1, "fast-style": 4, "adain": 8}
EPOCH_IMAGES = {
    "pix2pix": (400, "facades train split"),
    **{m: (1334, "horse2zebra") for m in ("cyclegan", "cut", "fastcut")},
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default="pix2pix",
        help=f"one of {', '.join(MODELS)}, a comma-separated list, or 'all' (default pix2pix)",
    )
    parser.add_argument("--image-size", type=int, help="training size (default 256; --quick 64)")
    parser.add_argument(
        "--batch-size",
        type=int,
        help="batch size (default the papers': pix2pix 1, cyclegan 1, fast-style 4, adain 8)",
    )
    parser.add_argument("--steps", type=int, help="timed steps per configuration (default 10)")
    parser.add_argument("--warmup", type=int, help="untimed steps first (default 2)")
    parser.add_argument(
        "--rounds", type=int, help="turns the timed steps are split into (default 5)"
    )
    parser.add_argument(
        "--options",
        default="auto",
        help="our configurations, comma-separated: a precision (float32, mixed_bfloat16, "
        "mixed_float16), optionally with '+xla'; 'auto' = float32 and the 16-bit type of this "
        "device (bfloat16 on a CPU that has it, float16 on a GPU), each with and without XLA",
    )
    parser.add_argument(
        "--compare",
        default="tutorial,torch",
        help="references run beside pix2pix/cyclegan: tutorial, torch, both (default) or none",
    )
    parser.add_argument("--threads", type=int, help="threads for every framework (default: cores)")
    parser.add_argument(
        "--quick", action="store_true", help="64², small networks, few steps (< 1 min a model)"
    )


# === Configurations ===


def _16bit() -> str | None:
    from tf_imgtrans.precision import cpu_has_bf16, gpu_available

    if gpu_available():
        return "mixed_float16"
    return "mixed_bfloat16" if cpu_has_bf16() else None


def parse_options(text: str) -> list[tuple[str, bool]]:
    """[(precision, xla)] from --options."""
    if text == "auto":
        precisions = ["float32"] + ([_16bit()] if _16bit() else [])
        return [(p, xla) for xla in (False, True) for p in precisions]
    out = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        parts = item.split("+")
        xla = "xla" in parts
        rest = [p for p in parts if p != "xla"] or ["float32"]
        if len(rest) != 1 or rest[0] not in PRECISION_NAMES:
            raise ValueError(
                f"--options items are a precision ({', '.join(PRECISION_NAMES)}), optionally "
                f"joined with '+xla', or 'xla' alone. Received: {item!r}"
            )
        out.append((rest[0], xla))
    if not out:
        raise ValueError(f"--options names no configuration. Received: {text!r}")
    return out


def architecture(model: str, image_size: int, quick: bool) -> dict:
    """Network sizes: the papers' (full) or small ones for --quick."""
    if model == "pix2pix":
        from tf_imgtrans.training.pix2pix import unet_downs_for

        width = 16 if quick else 64
        return {"num_downs": unet_downs_for(image_size), "ngf": width, "ndf": width, "n_layers": 3}
    if model in ("cyclegan", "cut", "fastcut"):  # the same ResNet generator and PatchGAN
        width = 16 if quick else 64
        blocks = 2 if quick else (9 if image_size >= 256 else 6)
        return {"n_blocks": blocks, "ngf": width, "ndf": width, "n_layers": 3}
    if model == "fast-style":
        return {"filters": 8, "n_blocks": 1} if quick else {"filters": 32, "n_blocks": 5}
    return {}


# === Worker side (TensorFlow) ===


def build_tf_step(spec: dict):
    """A worker's (step, info, memory) for our trainer or the tutorial-style step."""
    import keras
    import numpy as np
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(spec["threads"])
    keras.utils.set_random_seed(spec.get("seed", 0))
    n, size, arch = spec["batch_size"], spec["image_size"], spec["arch"]
    rng = np.random.default_rng(0)
    a, b = (tf.constant(rng.uniform(-1, 1, (n, size, size, 3)).astype("float32")) for _ in "ab")
    if spec["impl"] == "tutorial":
        tutorial_step, nets = tutorial_trainer(spec["model"], size, arch)
        run = lambda: tutorial_step(a, b)  # noqa: E731
    else:
        model = our_trainer(spec["model"], size, arch, spec["precision"])
        model.jit_compile = spec["jit"]
        nets = list(model.networks.values())
        data = a if spec["model"] == "fast-style" else (a, b)
        iterator = iter(tf.data.Dataset.from_tensors(data).repeat())
        model.make_train_function()
        run = lambda: model.train_function(iterator)  # noqa: E731

    def step() -> dict:
        return {k: float(v) for k, v in run().items()}  # float() waits for the step

    from tf_imgtrans.precision import compute_dtype

    info = {"params": int(sum(net.count_params() for net in nets)), "compute": compute_dtype(nets)}

    def memory() -> dict:
        if not tf.config.list_physical_devices("GPU"):
            return {}
        return {"peak_gpu_mib": tf.config.experimental.get_memory_info("GPU:0")["peak"] / 2**20}

    return step, info, memory


def tutorial_trainer(model: str, size: int, arch: dict):
    from tf_imgtrans.bench import tutorial_steps

    """(train step, networks, generator A → B first) of the tutorial-style TensorFlow step."""
    if model == "pix2pix":
        step, g, d = tutorial_steps.make_pix2pix_step(
            size, arch["num_downs"], arch["ngf"], arch["ndf"]
        )
        return step, [g, d]
    return tutorial_steps.make_cyclegan_step(
        size, arch["n_blocks"], arch["ngf"], arch["ndf"], arch["n_layers"]
    )


def our_trainer(model: str, size: int, arch: dict, precision: str):
    """Our trainer as the training entry points build it (`build_pix2pix`, …), in `precision`;
    the style trainers with a random style image and random VGG weights (same speed)."""
    import tempfile

    import numpy as np

    from tf_imgtrans import training
    from tf_imgtrans.data import save_image

    if model == "pix2pix":
        config = training.Pix2PixConfig(image_size=size, ngf=arch["ngf"], ndf=arch["ndf"])
        return training.build_pix2pix(dataclasses.replace(config, precision=precision))
    if model == "cyclegan":
        config = training.CycleGANConfig(
            image_size=size, n_blocks=arch["n_blocks"], ngf=arch["ngf"], ndf=arch["ndf"]
        )
        return training.build_cyclegan(dataclasses.replace(config, precision=precision))
    if model in ("cut", "fastcut"):
        config = training.CUTConfig(
            mode=model, image_size=size, n_blocks=arch["n_blocks"], ngf=arch["ngf"],
            ndf=arch["ndf"], precision=precision,
        )  # fmt: skip
        return training.build_cut(config)
    if model == "adain":
        config = training.AdaINConfig(image_size=size, vgg_weights="random")
        return training.build_adain(dataclasses.replace(config, precision=precision))
    with tempfile.TemporaryDirectory() as folder:
        style = os.path.join(folder, "style.png")
        rng = np.random.default_rng(1)
        save_image(style, rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
        config = training.FastStyleConfig(
            style=style, image_size=size, filters=arch["filters"], n_blocks=arch["n_blocks"]
        )
        config = dataclasses.replace(config, vgg_weights="random", precision=precision)
        return training.build_fast_style(config)


# === Parent side ===


def worker_spec(args, model: str, impl: str, precision="float32", jit=False) -> dict:
    size = args.image_size or (64 if args.quick else 256)
    batch = args.batch_size or (1 if args.quick else DEFAULT_BATCH[model])
    return {
        "impl": impl,
        "model": model,
        "image_size": size,
        "batch_size": batch,
        "precision": precision,
        "jit": jit,
        "arch": architecture(model, size, args.quick),
        "threads": args.threads or os.cpu_count(),
        "seed": 0,
    }


def _start(spec: dict):
    from tf_imgtrans.bench.workers import Worker

    if spec["impl"] == "torch":
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.py")
        # OpenMP's default busy-waiting makes PyTorch several times slower whenever other jobs
        # share the cores (measured here: 63 ms vs 360-900 ms for one small step at load 8);
        # passive waiting is what a fair comparison on a shared machine needs.
        wait = os.environ.get("OMP_WAIT_POLICY", "PASSIVE")
        return Worker([sys.executable, path], spec, env={"OMP_WAIT_POLICY": wait})
    return Worker([sys.executable, "-m", "tf_imgtrans.bench.train_speed"], spec)


def _label(spec: dict) -> str:
    if spec["impl"] == "ours":
        return "tf_imgtrans " + spec["precision"] + (" + XLA" if spec["jit"] else "")
    return {"tutorial": "tutorial-style TF (float32)", "torch": "PyTorch reference (float32)"}[
        spec["impl"]
    ]


def measure_model(args, model: str) -> dict:
    """Runs every configuration of `model` side by side; returns {"rows", "ratios", …}."""
    from tf_imgtrans.bench.torch_reference import torch_available
    from tf_imgtrans.bench.workers import WorkerError

    steps = args.steps or (2 if args.quick else 10)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    rounds = max(1, min(args.rounds or (1 if args.quick else 5), steps))
    specs = [worker_spec(args, model, "ours", p, x) for p, x in parse_options(args.options)]
    skipped = {}
    if model in ("pix2pix", "cyclegan"):
        for impl in parse_list(args.compare, COMPARISONS, "--compare", "all"):
            ok, why = torch_available() if impl == "torch" else (True, "")
            if ok:
                specs.append(worker_spec(args, model, impl))
            else:
                skipped[impl] = why
    workers, rows = [], []
    try:
        workers = [_start(spec) for spec in specs]
        for w in workers:
            w.receive()  # started (imports done in parallel)
        for w, spec in zip(workers, specs):
            row = {"configuration": _label(spec), "impl": spec["impl"], "times": []}
            try:
                ready = w.request(cmd="setup", warmup=warmup)
                row.update(params=ready["params"], first_step_s=ready["first_ms"] / 1e3)
                row["compute"] = ready.get("compute", "float32")  # what the networks computed in
            except WorkerError as e:
                row["error"] = str(e)
            rows.append(row)
        per_round = [steps // rounds + (i < steps % rounds) for i in range(rounds)]
        for n in per_round:
            for w, row in zip(workers, rows):
                if "error" not in row:
                    try:
                        row["times"] += w.request(cmd="steps", n=n)["times_ms"]
                    except WorkerError as e:
                        row["error"] = str(e)
                time.sleep(0.2)  # let the previous framework's threads go idle
        for w, row in zip(workers, rows):
            if "error" not in row:
                done = w.request(cmd="quit")
                row["peak_rss_mib"] = done["peak_rss_mib"]
                row["peak_gpu_mib"] = done.get("peak_gpu_mib")
                row["losses"] = done["losses"]
    finally:
        for w in workers:
            w.close()
    batch = specs[0]["batch_size"]
    for row in rows:
        if row["times"]:
            row["ms_per_step"] = statistics.median(row.pop("times"))
            row["images_per_s"] = batch * 1e3 / row["ms_per_step"]
        else:
            row.pop("times")
    return {
        "model": model,
        "image_size": specs[0]["image_size"],
        "batch_size": batch,
        "arch": specs[0]["arch"],
        "steps": steps,
        "warmup": warmup,
        "rounds": rounds,
        "rows": rows,
        "skipped": skipped,
        **derived(model, rows, batch),
    }


def derived(model: str, rows: list[dict], batch: int) -> dict:
    """Speed-ups of each configuration over the references, and epoch times."""
    ms = {r["configuration"]: r.get("ms_per_step") for r in rows}
    refs = {r["impl"]: r.get("ms_per_step") for r in rows if r["impl"] != "ours"}
    for row in rows:
        for impl, ref in refs.items():
            if row["impl"] == "ours" and ref and row.get("ms_per_step"):
                row[f"x_{impl}"] = ref / row["ms_per_step"]
    out = {}
    if model in EPOCH_IMAGES:
        images, what = EPOCH_IMAGES[model]
        out["epoch"] = {
            "images": images,
            "dataset": what,
            "minutes": {k: v * images / batch / 6e4 for k, v in ms.items() if v},
        }
    return out


def format_result(result: dict) -> str:
    from tf_imgtrans.bench.common import format_table

    columns = ["configuration", "compute", "ms_per_step", "images_per_s", "x_tutorial", "x_torch"]
    columns += ["first_step_s", "peak_rss_mib", "params"]
    if any(r.get("peak_gpu_mib") for r in result["rows"]):
        columns.insert(-1, "peak_gpu_mib")
    rows = [
        {
            **r,
            "configuration": r["configuration"]
            + (f" — failed: {r['error']}" if "error" in r else ""),
        }
        for r in result["rows"]
    ]
    title = (
        f"{result['model']} training, {result['image_size']}², batch {result['batch_size']}, "
        f"{result['arch']} (median of {result['steps']} steps in {result['rounds']} rounds)"
    )
    text = format_table(rows, columns, title)
    if "epoch" in result:
        e = result["epoch"]
        parts = [f"{k}: {v:.1f} min" for k, v in e["minutes"].items()]
        text += f"\n\nOne epoch of {e['images']} images ({e['dataset']}): " + "; ".join(parts)
    for impl, why in result["skipped"].items():
        text += f"\n\n{impl} comparison skipped: {why}"
    return text


def run(args: argparse.Namespace) -> dict:
    from tf_imgtrans.bench.common import emit

    models = parse_list(args.model, MODELS, "--model", "all")
    parse_options(args.options)  # fail before starting anything
    parse_list(args.compare, COMPARISONS, "--compare", "all")
    results = [measure_model(args, m) for m in models]
    table = "\n\n".join(format_result(r) for r in results)
    return emit("train_speed", args, {"models": results}, table)


if __name__ == "__main__":  # a worker process of this benchmark
    from tf_imgtrans.bench import workers

    workers.serve(build_tf_step)

"""Does it learn as well as the reference? Held-out quality at equal images seen, over seeds.

For each task (`tf_imgtrans.evaluation.TASKS`: `builtin:facades`, gray → colour on real photos,
the unpaired `builtin:facades2night` with its hidden ground truth) and each implementation —

- ``ours``: the package's trainer as `build_pix2pix` / `build_cyclegan` build it (default
  config, default precision), trained through `model.fit`;
- ``tutorial``: the TensorFlow tutorials' step (pix2pix tutorial; CycleGAN tutorial with the
  keras-io networks), float32;
- ``reference``: the PyTorch re-implementation of pytorch-CycleGAN-and-pix2pix
  (`torch_reference`), float32; skipped, with the reason, where PyTorch cannot be imported —

it trains the same networks (sizes of `train_speed.architecture`) on the same training stream
(the package's loader and jitter, exported once per seed, so the comparison is of training, not
of data loading), each run in its own process, scores the held-out split at checkpoints (PSNR,
SSIM, L1 per image; KID in a named feature space) and reports mean ± std over seeds, wall time,
and **time to quality**: the wall time at which ours reaches the reference's final held-out PSNR,
as a fraction of the reference's. Writes `time_to_quality.png` (held-out PSNR against training
seconds, one line per implementation, ± std shaded), `samples_<task>.png` (held-out inputs,
each implementation's outputs, the truth) and `quality.json` into `--out`.

    python benchmarks/quality.py --quick      # tiny networks, one seed: a check that it runs
    python benchmarks/quality.py              # 3 seeds, the papers' networks at 64 px
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from tf_imgtrans.bench.common import emit, format_table, parse_list
from tf_imgtrans.curves import checkpoints

IMPLS = ("ours", "tutorial", "reference", "cut", "fastcut")
DEFAULT_IMPLS = "ours,tutorial,reference"
# CUT and FastCUT (ours too) learn the unpaired task only: one-sided, beside ours' CycleGAN.
UNPAIRED_ONLY = ("cut", "fastcut")
LABELS = {
    "ours": "tf_imgtrans (default config)",
    "tutorial": "tutorial-style TF step",
    "reference": "PyTorch reference",
    "cut": "tf_imgtrans CUT",
    "fastcut": "tf_imgtrans FastCUT",
}
SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")
FEATURE_SPACES = ("auto", "inception", "vgg16", "none")
# Images seen per run (batch 1, so also steps), by model: full runs and --quick.
IMAGES = {"pix2pix": 300, "cyclegan": 300}
QUICK_IMAGES = {"pix2pix": 24, "cyclegan": 8}
TIMED_STREAM = 4000  # the longest run --seconds allows (images)


# The tasks of `tf_imgtrans.evaluation.TASKS` (named here so that `--help` imports no TensorFlow)
# and the trainer each one trains.
TASK_MODEL = {"facades": "pix2pix", "gray2color": "pix2pix", "facades2night": "cyclegan"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--task",
        default="all",
        help=f"comma-separated, of {', '.join(TASK_MODEL)}, or all (default)",
    )
    parser.add_argument(
        "--impl",
        default=DEFAULT_IMPLS,
        help=f"comma-separated, of {', '.join(IMPLS)}, or all (default {DEFAULT_IMPLS}; cut and "
        "fastcut, the package's CUT trainer, run on the unpaired task only, beside ours' "
        "CycleGAN)",
    )
    parser.add_argument("--seeds", type=int, default=None, help="seeds per run (default 3)")
    parser.add_argument(
        "--images",
        type=int,
        default=None,
        help=f"training images seen per run (default: {IMAGES['pix2pix']} for Pix2Pix, "
        f"{IMAGES['cyclegan']} for CycleGAN)",
    )
    parser.add_argument("--evals", type=int, default=None, help="held-out checkpoints (default 6)")
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="equal training wall time instead of equal images: each run trains for this many "
        "seconds (checkpoints every seconds/evals; --images is then the stream's length, default "
        f"{TIMED_STREAM})",
    )
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument(
        "--feature-space",
        default="auto",
        choices=FEATURE_SPACES,
        help="KID features: auto (InceptionV3 where its weights can be had, else ImageNet "
        "VGG16, named so), inception, vgg16, none",
    )
    parser.add_argument("--precision", default="auto", help="ours' precision (default: auto)")
    parser.add_argument(
        "--ours-inference",
        default="eval",
        choices=("eval", "train"),
        help="how ours translates held-out images: eval (training=False, the package's way) or "
        "train (batch statistics and dropout, as the reference's test.py; an ablation)",
    )
    parser.add_argument("--threads", type=int, default=None, help="threads per run (default all)")
    parser.add_argument("--out", default=None, help="folder for the PNGs and quality.json")
    parser.add_argument(
        "--quick", action="store_true", help="tiny networks and data, one seed (runs in a minute)"
    )


def feature_space(choice: str):
    """(FeatureSpace or None, what it is or why there is none)."""
    from tf_imgtrans.evaluation import FeatureSpace
    from tf_imgtrans.metrics.fid import (
        FeatureModelUnavailable,
        inception_feature_model,
        vgg16_feature_model,
    )
    from tf_imgtrans.style.samples import find_vgg_weights

    if choice == "none":
        return None, "not computed (--feature-space none)"
    if choice in ("auto", "inception"):
        try:
            return FeatureSpace(inception_feature_model(), "inception_v3/imagenet"), "InceptionV3"
        except FeatureModelUnavailable as err:
            if choice == "inception":
                raise
            why = f"InceptionV3 weights unavailable ({str(err)[:80]}…)"
    weights = find_vgg_weights([os.path.join(SHARED, "weights", "vgg16_imagenet_notop.npz")], "")
    try:
        model = vgg16_feature_model(weights or "imagenet")
    except FeatureModelUnavailable as err:
        return None, f"no KID: no InceptionV3 or VGG16 ImageNet weights ({err})"
    name = "vgg16/imagenet"
    return FeatureSpace(model, name), name + (f"; {why}" if choice == "auto" else "")


def run_worker(spec: dict, folder: str) -> list[dict]:
    """Runs one (implementation, seed) in its own process; returns its curve with outputs."""
    path = os.path.join(folder, "spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
    if spec["impl"] == "reference":  # see train_speed._start: passive OpenMP waiting
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    proc = subprocess.run(
        [sys.executable, "-m", "tf_imgtrans.bench.quality_worker", path],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = " | ".join(line for line in proc.stderr.splitlines()[-4:] if line.strip())
        raise RuntimeError(f"{spec['impl']} seed {spec['seed']} failed: {tail[-800:]}")
    with open(os.path.join(folder, "curve.json")) as f:
        curve = json.load(f)
    outputs = np.load(os.path.join(folder, "outputs.npz"))
    return [{**p, "outputs": outputs[f"at_{p['images']}"].astype(np.float32)} for p in curve]


def time_to(curve: list[dict], level: float) -> float | None:
    """Mean wall seconds at which a mean curve's PSNR first reaches `level` (linear between
    checkpoints), or None if it never does."""
    previous = None
    for point in curve:
        psnr, wall = point["psnr"]["mean"], point["wall_s"]["mean"]
        if psnr >= level:
            if previous is None:
                return wall
            p0, w0 = previous
            return w0 + (wall - w0) * (level - p0) / (psnr - p0) if psnr > p0 else wall
        previous = (psnr, wall)
    return None


def verdict(summaries: dict, model: str) -> dict:
    """The issue's goals for ours against the reference: final PSNR/SSIM (and KID for CycleGAN)
    at least the reference's within one seed-std, and the reference's final PSNR reached in
    ≤ 0.7× its wall time; for CUT and FastCUT, a final KID below ours' CycleGAN's (compare at
    equal wall time: --seconds)."""
    ours, ref = summaries.get("ours"), summaries.get("reference")
    result = {}
    for impl in UNPAIRED_ONLY:  # CUT's goal: a lower held-out KID than ours' CycleGAN
        if impl in summaries and ours and "kid" in ours["final"]:
            kid = summaries[impl]["final"]["kid"]["mean"]
            result[f"{impl}_kid_below_cyclegan"] = bool(kid < ours["final"]["kid"]["mean"])
    if not ours or not ref:
        return result
    for name, higher in (("psnr", True), ("ssim", True), ("kid", False)):
        if name not in ours["final"] or (name == "kid" and model != "cyclegan"):
            continue
        o, r = ours["final"][name], ref["final"][name]
        ok = o["mean"] >= r["mean"] - r["std"] if higher else o["mean"] <= r["mean"] + r["std"]
        result[f"{name}_at_least_reference"] = bool(ok)
    reached = time_to(ours["curve"], ref["final"]["psnr"]["mean"])
    ratio = None if reached is None else reached / ref["wall_s"]["mean"]
    result["time_to_reference_psnr"] = ratio
    result["time_goal_0.7"] = ratio is not None and ratio <= 0.7
    return result


def plot_curves(results: dict, path: str) -> None:
    """Held-out PSNR against training seconds, one panel per task, one line per implementation
    (mean over seeds, ± std shaded), the baselines dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(results)
    fig, axes = plt.subplots(1, len(tasks), figsize=(5.2 * len(tasks), 4), squeeze=False)
    for ax, task in zip(axes[0], tasks, strict=True):
        entry = results[task]
        for impl, summary in entry["summaries"].items():
            x = np.array([p["wall_s"]["mean"] for p in summary["curve"]])
            m = np.array([p["psnr"]["mean"] for p in summary["curve"]])
            s = np.array([p["psnr"]["std"] for p in summary["curve"]])
            (line,) = ax.plot(x, m, marker="o", ms=3, label=LABELS[impl])
            ax.fill_between(x, m - s, m + s, color=line.get_color(), alpha=0.2)
        for name, style in (("input", "--"), ("mean_target", ":")):
            value = entry["baselines"][name]["psnr"]
            ax.axhline(value, color="gray", ls=style, lw=1, label=f"baseline: {name}")
        seeds = len(entry["seeds"])
        ax.set_title(f"{task} ({entry['task']['image_size']} px, {seeds} seed(s))")
        ax.set_xlabel("training wall time (s)")
        ax.set_ylabel("held-out PSNR (dB)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def save_samples(task_name: str, held: tuple, finals: dict, path: str, n: int = 4) -> None:
    """Rows: the first `n` held-out inputs; columns: input, each implementation's output (first
    seed, end of training), the ground truth."""
    from tf_imgtrans.data import save_image, to_uint8

    inputs, targets = held
    columns = [inputs[:n], *(finals[impl][:n] for impl in finals), targets[:n]]
    rows = [np.concatenate([col[i] for col in columns], axis=1) for i in range(min(n, len(inputs)))]
    save_image(path, to_uint8(np.concatenate(rows, axis=0)))


def run(args: argparse.Namespace) -> dict:
    from tf_imgtrans.bench.torch_reference import torch_available
    from tf_imgtrans.bench.train_speed import architecture
    from tf_imgtrans.evaluation import TASKS, score_curve, summarize

    tasks = parse_list(args.task, tuple(TASK_MODEL), "--task", "all")
    impls = parse_list(args.impl, IMPLS, "--impl", "all")
    seeds = list(range(args.seeds or (1 if args.quick else 3)))
    evals = args.evals or (2 if args.quick else 6)
    skipped = {}
    if "reference" in impls:
        ok, why = torch_available()
        if not ok:
            impls.remove("reference")
            skipped["reference"] = why
            print(f"quality: skipping the PyTorch reference: {why}", file=sys.stderr)
    if "gray2color" in tasks and importlib.util.find_spec("skimage") is None:
        tasks.remove("gray2color")
        skipped["gray2color"] = "scikit-image is not installed (pip install scikit-image)"
        print(f"quality: skipping gray2color: {skipped['gray2color']}", file=sys.stderr)
    space, space_note = feature_space(args.feature_space)
    out = args.out or tempfile.mkdtemp(prefix="tf_imgtrans_quality_")
    os.makedirs(out, exist_ok=True)
    results, rows = {}, []
    with tempfile.TemporaryDirectory() as scratch:
        for task_name in tasks:
            model = TASK_MODEL[task_name]
            task_impls = [i for i in impls if model == "cyclegan" or i not in UNPAIRED_ONLY]
            if not task_impls:
                skipped[task_name] = f"none of {', '.join(impls)} trains {model}"
                continue
            counts = {"n_train": 16, "n_test": 8} if args.quick else {}
            task = TASKS[task_name](args.image_size, **counts)
            images = args.images or (QUICK_IMAGES if args.quick else IMAGES)[model]
            if args.seconds:
                images = args.images or TIMED_STREAM
            held = task.held_out()
            target_features = space.features(held[1]) if space else None
            arch = architecture(model, args.image_size, args.quick)
            at = checkpoints(images, evals, 1)
            runs = {impl: [] for impl in task_impls}
            finals = {}
            for seed in seeds:
                stream_a, stream_b = task.stream(at[-1], seed)
                data = os.path.join(scratch, f"{task_name}_{seed}.npz")
                np.savez(data, stream_a=stream_a, stream_b=stream_b, held_inputs=held[0])
                for impl in task_impls:
                    folder = tempfile.mkdtemp(dir=scratch)
                    spec = {
                        "impl": impl, "model": model, "image_size": args.image_size,
                        "batch_size": 1, "arch": arch, "seed": seed, "data": data,
                        "checkpoints": at, "precision": args.precision, "threads": args.threads,
                        "inference": args.ours_inference, "seconds": args.seconds,
                        "evals": evals,
                    }  # fmt: skip
                    start = time.perf_counter()
                    points = run_worker(spec, folder)
                    if seed == seeds[0]:
                        finals[impl] = points[-1]["outputs"]
                    runs[impl].append(score_curve(points, held[1], space, target_features))
                    final = runs[impl][-1][-1]
                    print(
                        f"quality: {task_name} {impl} seed {seed}: "
                        f"{final['scores']['psnr']:.2f} dB, train {final['wall_s']:.1f} s "
                        f"(process {time.perf_counter() - start:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
            summaries = {impl: summarize(r) for impl, r in runs.items()}
            baselines = task.baselines(space, target_features)
            results[task_name] = {
                "task": task.describe(),
                "model": model,
                "images": None if args.seconds else at[-1],
                "seconds": args.seconds,
                "seeds": seeds,
                "arch": arch,
                "baselines": baselines,
                "summaries": summaries,
                "verdict": verdict(summaries, model),
                "per_image": {
                    impl: [r[-1]["scores"]["per_image"] for r in rs] for impl, rs in runs.items()
                },
            }
            save_samples(task_name, held, finals, os.path.join(out, f"samples_{task_name}.png"))
            rows += table_rows(task_name, results[task_name])
    if results:
        plot_curves(results, os.path.join(out, "time_to_quality.png"))
    figures = {
        "tasks": results, "feature_space": space_note, "skipped": skipped, "out": out,
    }  # fmt: skip
    with open(os.path.join(out, "quality.json"), "w") as f:
        json.dump(figures, f, default=float)
    columns = ["task", "implementation", "PSNR dB", "SSIM", "L1", "KID×1e3", "train s", "images"]
    columns.append("time to ref. PSNR")
    table = format_table(rows, columns, f"Held-out quality, mean ± std over {len(seeds)} seed(s)")
    table += f"\n\nKID feature space: {space_note}. Pictures and quality.json: {out}"
    summary = {
        name: {
            "verdict": r["verdict"],
            "final": {impl: s["final"] for impl, s in r["summaries"].items()},
            "wall_s": {impl: s["wall_s"] for impl, s in r["summaries"].items()},
        }
        for name, r in results.items()
    }
    short = {"summary": summary, **{k: v for k, v in figures.items() if k != "tasks"}}
    return emit("quality", args, short, table)


def _pm(stat: dict | None, scale: float = 1.0, digits: int = 2) -> str | None:
    if stat is None:
        return None
    return f"{stat['mean'] * scale:.{digits}f} ± {stat['std'] * scale:.{digits}f}"


def table_rows(task: str, result: dict) -> list[dict]:
    """The table's rows for one task: the baselines, then each implementation."""
    rows = []
    for name, scores in result["baselines"].items():
        kid = scores.get("kid")
        rows.append(
            {
                "task": task,
                "implementation": f"baseline: {name}",
                "PSNR dB": f"{scores['psnr']:.2f}",
                "SSIM": f"{scores['ssim']:.3f}",
                "L1": f"{scores['l1']:.3f}",
                "KID×1e3": None if kid is None else f"{kid * 1e3:.1f}",
            }
        )
    ref = result["summaries"].get("reference")
    for impl, summary in result["summaries"].items():
        final = summary["final"]
        ratio = None
        if ref and impl != "reference":
            reached = time_to(summary["curve"], ref["final"]["psnr"]["mean"])
            ratio = "not reached" if reached is None else f"{reached / ref['wall_s']['mean']:.2f}×"
        rows.append(
            {
                "task": task,
                "implementation": LABELS[impl] + ("" if summary["finite"] else " (NaN loss)"),
                "PSNR dB": _pm(final["psnr"]),
                "SSIM": _pm(final["ssim"], digits=3),
                "L1": _pm(final["l1"], digits=3),
                "KID×1e3": _pm(final.get("kid"), 1e3, 1),
                "train s": _pm(summary["wall_s"], digits=0),
                "images": result["images"] or _pm(summary["images"], digits=0),
                "time to ref. PSNR": ratio if impl != "reference" else "1×",
            }
        )
    return rows


if __name__ == "__main__":  # pragma: no cover
    from tf_imgtrans.bench.common import script_main

    sys.exit(script_main("quality", sys.argv[1:]))

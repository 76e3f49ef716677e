"""Held-out quality: scores against known ground truth, trivial baselines, and the harness that
trains a configuration for a budget of images over several seeds and scores it at checkpoints.

The harness in four parts, usable from Python for any trainer:

- a `QualityTask` holds a dataset with a held-out split whose ground truth is known (paired
  data, or an unpaired set with hidden paired test scenes) and makes the training **stream**: the
  augmented images in the order a run sees them, generated once per seed, so that every
  implementation trains on the very same crops;
- a `Learner` (`tf_imgtrans.curves`) trains on the stream and translates held-out inputs;
  `KerasLearner` wraps any of our trainers (`model.fit` on the stream, inference as
  `model(x, training=False)`);
- `learning_curve` (`tf_imgtrans.curves`) trains up to each checkpoint and keeps the outputs;
- `score_outputs` scores them: per-image PSNR, SSIM and L1 (`tf.image`), and KID (with FID where
  the held-out set is large enough for it) in a named feature space.

`quality_harness(make_learner, task, ...)` runs the whole for several seeds and returns a JSON
table (mean ± std) and the curves; `benchmarks/quality.py` runs it for ours, the tutorial-style
step and the PyTorch reference side by side, each in its own process.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import statistics
from collections.abc import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf

from tf_imgtrans.curves import Learner, checkpoints, learning_curve
from tf_imgtrans.data import (
    load_image,
    load_paired_dataset,
    load_unpaired_dataset,
    resolve_paired_spec,
    resolve_unpaired_spec,
    save_image,
    to_uint8,
)
from tf_imgtrans.data.cache import cache_home
from tf_imgtrans.data.synthetic import build_once
from tf_imgtrans.metrics import psnr, ssim
from tf_imgtrans.metrics.fid import extract_features, frechet_distance, kernel_inception_distance
from tf_imgtrans.pixels import float_pixels

PIXEL_METRICS = ("psnr", "ssim", "l1")
"""Per-image scores against the ground truth: PSNR (dB) and SSIM on [0, 1] images, mean |error|
on [-1, 1] images (the L1 the papers train with)."""


# === Scores ===


def pixel_scores(outputs, targets, batch_size: int = 64) -> dict[str, np.ndarray]:
    """Per-image PSNR (dB), SSIM and L1 of `outputs` against `targets` ((n, H, W, 3) in
    [-1, 1]), as float64 arrays of length n."""
    outputs, targets = np.asarray(outputs, np.float32), np.asarray(targets, np.float32)
    if outputs.shape != targets.shape or outputs.ndim != 4:
        raise ValueError(
            f"Expected outputs and targets of one (n, H, W, 3) shape. Received: {outputs.shape} "
            f"and {targets.shape}"
        )
    scores = {name: [] for name in PIXEL_METRICS}
    for start in range(0, len(outputs), batch_size):
        out, ref = outputs[start : start + batch_size], targets[start : start + batch_size]
        scores["psnr"].append(np.asarray(psnr(out, ref), np.float64))
        scores["ssim"].append(np.asarray(ssim(out, ref), np.float64))
        scores["l1"].append(np.mean(np.abs(out - ref), axis=(1, 2, 3), dtype=np.float64))
    return {name: np.concatenate(values) for name, values in scores.items()}


@dataclasses.dataclass
class FeatureSpace:
    """A feature network for KID/FID and the name its figures are reported under (e.g.
    "vgg16/imagenet"): figures of two spaces are never comparable."""

    model: keras.Model
    name: str
    kid_subsets: int = 100
    kid_subset_size: int = 1000

    def features(self, images) -> np.ndarray:
        return extract_features(images, self.model)


def distribution_scores(
    outputs, target_features: np.ndarray, space: FeatureSpace
) -> dict[str, float | str]:
    """KID (×10³ is the usual print) of `outputs` against the target images' features, in
    `space`; FID too when there are more images than feature dimensions (below that the
    covariance is singular and FID means little)."""
    feats = space.features(np.asarray(outputs, np.float32))
    kid, kid_std = kernel_inception_distance(
        feats, target_features, n_subsets=space.kid_subsets, subset_size=space.kid_subset_size
    )
    scores: dict[str, float | str] = {"kid": kid, "kid_std": kid_std, "feature_space": space.name}
    if min(len(feats), len(target_features)) > feats.shape[1]:
        scores["fid"] = frechet_distance(feats, target_features)
    return scores


def score_outputs(
    outputs,
    targets,
    space: FeatureSpace | None = None,
    target_features: np.ndarray | None = None,
    per_image: bool = True,
) -> dict:
    """Mean PSNR, SSIM and L1 of `outputs` against `targets` (with the per-image lists under
    "per_image"), and KID/FID in `space` when given (`target_features`: the targets' features,
    computed here when None)."""
    pixels = pixel_scores(outputs, targets)
    scores: dict = {name: float(np.mean(values)) for name, values in pixels.items()}
    if space is not None:
        if target_features is None:
            target_features = space.features(np.asarray(targets, np.float32))
        scores.update(distribution_scores(outputs, target_features, space))
    if per_image:
        scores["per_image"] = {
            name: [round(float(v), 5) for v in vs] for name, vs in pixels.items()
        }
    return scores


def evaluate_paired(generator, dataset, train_dataset=None) -> dict[str, dict[str, float]]:
    """Mean PSNR (dB), SSIM and L1 of the generator's outputs against the targets of `dataset`
    (batches of (input, target) in [-1, 1]), next to two trivial baselines: the input itself, and
    the mean target image of `train_dataset` (when given), which a model must beat to have
    learned anything about the particular input.

    Returns:
        {"model": {...}, "input": {...}, "mean_target": {...}}.
    """
    inputs, targets, outputs = [], [], []
    for x, y in dataset:
        inputs.append(x.numpy())
        targets.append(y.numpy())
        outputs.append(np.asarray(generator(x, training=False)))
    x, y, out = (np.concatenate(a) for a in (inputs, targets, outputs))
    report = {
        "model": score_outputs(out, y, per_image=False),
        "input": score_outputs(x, y, per_image=False),
    }
    if train_dataset is not None:
        mean = mean_image(t for _, t in train_dataset)
        report["mean_target"] = score_outputs(np.broadcast_to(mean, y.shape), y, per_image=False)
    return report


def mean_image(batches) -> np.ndarray:
    """The mean image (H, W, 3) of an iterable of (n, H, W, 3) batches."""
    total, count = 0.0, 0
    for batch in batches:
        batch = np.asarray(batch, np.float64)
        total = total + batch.sum(axis=0)
        count += len(batch)
    if not count:
        raise ValueError("No images to average.")
    return (total / count).astype(np.float32)


def format_report(report: dict[str, dict[str, float]]) -> str:
    """The report of `evaluate_paired` as a small text table."""
    lines = [f"{'':14s} {'PSNR (dB)':>10s} {'SSIM':>7s} {'L1':>7s}"]
    for name, s in report.items():
        lines.append(f"{name:14s} {s['psnr']:10.2f} {s['ssim']:7.3f} {s['l1']:7.3f}")
    return "\n".join(lines)


# === Tasks ===

TRAIN_PHOTOS = ("astronaut", "coffee", "rocket", "immunohistochemistry")
TEST_PHOTOS = ("chelsea", "grace_hopper")
"""The gray → colour task's photos (scikit-image's bundled ones and matplotlib's Grace Hopper):
training and held-out crops come from different photographs."""


@dataclasses.dataclass
class QualityTask:
    """A dataset with held-out ground truth, at one image size.

    Attributes:
        name: str. Short name ("facades", "gray2color", "facades2night").
        kind: str. "paired" (Pix2Pix data) or "unpaired" (CycleGAN data whose test split is
            paired by index: hidden ground truth).
        root: str. The dataset folder.
        image_size: int. Side of the square images.
        description: str. One line for reports.
    """

    name: str
    kind: str
    root: str
    image_size: int
    description: str = ""

    def _dataset(self, split: str, **options) -> tf.data.Dataset:
        common = {"image_size": self.image_size, "batch_size": 1, **options}
        if self.kind == "paired":
            return load_paired_dataset(self.root, split, **common)
        return load_unpaired_dataset(self.root, split, **common)

    def held_out(self) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, ground truth), float32 (n, H, W, 3) in [-1, 1]: the test split, A → B
        (decoded once; the harness, the baselines and `describe` share it)."""
        return self._held_out

    @functools.cached_property
    def _held_out(self) -> tuple[np.ndarray, np.ndarray]:
        if self.kind == "paired":
            ds = self._dataset("test", augment=False, shuffle=False)
        else:
            ds = self._dataset("test", augment=False, shuffle=False, paired=True)
            ds = ds.map(lambda inputs, truth: (inputs[0], truth[0]))
        xs, ys = zip(*((np.asarray(x[0]), np.asarray(y[0])) for x, y in ds), strict=True)
        return np.stack(xs), np.stack(ys)

    def stream(self, images: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """The first `images` training images (A, B) a seeded run sees, uint8 (n, H, W, 3):
        the package's own loader with the papers' jitter (resize to 286/256, random crop,
        mirror), reshuffled each epoch; for unpaired data A and B are drawn independently."""
        ds = self._dataset("train", augment=True, shuffle=True, seed=seed).repeat()
        ds = ds.unbatch().take(images).batch(256)
        a, b = [], []
        for x, y in ds:
            a.append(np.asarray(to_uint8(x)))
            b.append(np.asarray(to_uint8(y)))
        return np.concatenate(a), np.concatenate(b)

    def mean_target(self) -> np.ndarray:
        """The mean training target (B) image, unaugmented: the baseline that ignores the
        input."""
        ds = self._dataset("train", augment=False, shuffle=False)
        return mean_image(y for _, y in ds)

    def baselines(self, space: FeatureSpace | None = None, target_features=None) -> dict:
        """Scores of two outputs that learn nothing about the input: the input itself and the
        mean training target."""
        x, y = self.held_out()
        mean = np.broadcast_to(self.mean_target(), y.shape)
        return {
            "input": score_outputs(x, y, space, target_features, per_image=False),
            "mean_target": score_outputs(mean, y, space, target_features, per_image=False),
        }

    def describe(self) -> dict:
        x, _ = self.held_out()
        return {
            "name": self.name,
            "kind": self.kind,
            "image_size": self.image_size,
            "held_out": len(x),
            "description": self.description,
        }


def facades_task(image_size: int = 64, n_train: int = 400, n_test: int = 50) -> QualityTask:
    """`builtin:facades`: label maps → synthetic facades; held out: its test split."""
    spec = f"builtin:facades?n_train={n_train}&n_val=4&n_test={n_test}"
    return QualityTask(
        "facades",
        "paired",
        resolve_paired_spec(spec, image_size=image_size),
        image_size,
        f"builtin:facades, labels -> facade, {n_train} training pairs, {n_test} held out",
    )


def facades2night_task(image_size: int = 64, n_train: int = 400, n_test: int = 50) -> QualityTask:
    """`builtin:facades2night`: unpaired day → night facades, scored on its paired test scenes."""
    spec = f"builtin:facades2night?n_train={n_train}&n_test={n_test}"
    return QualityTask(
        "facades2night",
        "unpaired",
        resolve_unpaired_spec(spec, image_size=image_size),
        image_size,
        f"builtin:facades2night, day -> night, unpaired, {n_train}+{n_train} training images, "
        f"{n_test} held-out scenes with ground truth",
    )


def photo(name: str) -> np.ndarray:
    """One of the real photos of `TRAIN_PHOTOS`/`TEST_PHOTOS`, uint8 RGB."""
    if name == "grace_hopper":
        import matplotlib.cbook

        return load_image(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    try:
        import skimage.data
    except ImportError as err:
        raise ImportError(
            "The gray2color task needs scikit-image's bundled photos: pip install scikit-image"
        ) from err
    return getattr(skimage.data, name)()


def _photo_crops(names: Sequence[str], count: int, crop: int, rng) -> list[np.ndarray]:
    """`count` random crops (crop × crop) of the photos, in turn, from each photo scaled so its
    short side is 3 × crop."""
    photos = []
    for name in names:
        image = photo(name)
        h, w = image.shape[:2]
        scale = 3 * crop / min(h, w)
        size = (max(crop, round(h * scale)), max(crop, round(w * scale)))
        photos.append(
            np.asarray(to_uint8(tf.image.resize(float_pixels(image), size, antialias=True)))
        )
    crops = []
    for i in range(count):
        image = photos[i % len(photos)]
        y = int(rng.integers(0, image.shape[0] - crop + 1))
        x = int(rng.integers(0, image.shape[1] - crop + 1))
        crops.append(image[y : y + crop, x : x + crop])
    return crops


def _gray(image: np.ndarray) -> np.ndarray:
    """Luma (ITU-R 601) repeated on three channels."""
    y = np.rint(image.astype(np.float32) @ np.float32([0.299, 0.587, 0.114]))
    return np.repeat(np.clip(y, 0, 255).astype(np.uint8)[..., None], 3, axis=-1)


def gray2color_task(image_size: int = 64, n_train: int = 400, n_test: int = 50) -> QualityTask:
    """Grayscale → colour on crops of real photos: the training crops from `TRAIN_PHOTOS`, the
    held-out ones from `TEST_PHOTOS` (other photographs); written once, aligned A|B pairs."""
    info = {
        "name": "gray2color", "size": image_size, "n_train": n_train, "n_test": n_test,
        "train_photos": list(TRAIN_PHOTOS), "test_photos": list(TEST_PHOTOS), "version": 1,
    }  # fmt: skip
    tag = f"gray2color-{image_size}-{n_train}-{n_test}-v{info['version']}"

    def write(folder: str) -> None:
        rng = np.random.default_rng(0)
        for split, names, count in (
            ("train", TRAIN_PHOTOS, n_train),
            ("test", TEST_PHOTOS, n_test),
        ):
            for i, crop in enumerate(_photo_crops(names, count, image_size, rng)):
                pair = np.concatenate([_gray(crop), crop], axis=1)
                save_image(os.path.join(folder, split, f"{i:04d}.png"), pair)

    root = build_once(os.path.join(cache_home(), "quality", tag), tag, info, write)
    return QualityTask(
        "gray2color",
        "paired",
        root,
        image_size,
        f"real photos, grayscale -> colour, {n_train} training crops of {len(TRAIN_PHOTOS)} "
        f"photos, {n_test} held-out crops of {len(TEST_PHOTOS)} other photos",
    )


TASKS: dict[str, Callable[..., QualityTask]] = {
    "facades": facades_task,
    "gray2color": gray2color_task,
    "facades2night": facades2night_task,
}


# === Learners ===


class KerasLearner:
    """One of our trainers as a `Learner`: `model.fit` on the stream (the Python `fit` path a
    user takes, one call per checkpoint, same compiled train function throughout) and
    `model(x, training=False)` for the held-out translations.

    Args:
        model: a compiled `TranslationTrainer` whose `call` translates A → B (Pix2Pix,
            CycleGAN, …) and whose `train_step` takes (a, b) batches.
        batch_size: int.
        inference_training: bool. Translate with `training=True` instead, one image at a time
            (batch statistics, dropout on: how the reference's `test.py` translates by default);
            batch-norm moving statistics are left as they were.
    """

    def __init__(self, model: keras.Model, batch_size: int = 1, inference_training: bool = False):
        self.model, self.batch_size = model, batch_size
        self.inference_training = inference_training
        self._translate = tf.function(
            lambda x: model(x, training=inference_training), reduce_retracing=True
        )

    def train(self, a: np.ndarray, b: np.ndarray) -> dict[str, float]:
        ds = tf.data.Dataset.from_tensor_slices((a, b)).batch(self.batch_size, drop_remainder=True)
        history = self.model.fit(ds, epochs=1, verbose=0, shuffle=False)
        return {k: float(v[-1]) for k, v in history.history.items()}

    def translate(self, x: np.ndarray) -> np.ndarray:
        step = 1 if self.inference_training else 8
        # training=True moves batch-norm statistics and seeds: they are put back afterwards.
        state = (
            [v.numpy() for v in self.model.non_trainable_variables]
            if self.inference_training
            else []
        )
        out = [np.asarray(self._translate(x[i : i + step])) for i in range(0, len(x), step)]
        if self.inference_training:
            for v, value in zip(self.model.non_trainable_variables, state, strict=True):
                v.assign(value)
        return np.concatenate(out).astype(np.float32)


# === The harness ===


def mean_std(values: Sequence[float]) -> dict[str, float]:
    """{"mean", "std"} of a list (std 0 for one value: sample std otherwise)."""
    values = [float(v) for v in values]
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
    }


def score_curve(
    points: list[dict],
    targets: np.ndarray,
    space: FeatureSpace | None = None,
    target_features: np.ndarray | None = None,
) -> list[dict]:
    """Scores each checkpoint of a learning curve (its "outputs" replaced by "scores"; per-image
    scores only at the last one)."""
    scored = []
    for i, point in enumerate(points):
        last = i == len(points) - 1
        scores = score_outputs(point["outputs"], targets, space, target_features, per_image=last)
        rest = {k: v for k, v in point.items() if k != "outputs"}
        scored.append({**rest, "scores": scores})
    return scored


def summarize(runs: list[list[dict]]) -> dict:
    """Final scores over seeds (mean ± std of every numeric score), the wall time and images
    seen, and the mean curve: per checkpoint, images seen (the first seed's), mean wall seconds
    and each score's mean ± std."""
    finals = [run[-1] for run in runs]
    names = [k for k, v in finals[0]["scores"].items() if isinstance(v, (int, float))]
    curve = []
    for j in range(len(runs[0])):
        at = [run[j] for run in runs]
        curve.append(
            {
                "images": at[0]["images"],
                "wall_s": mean_std([p["wall_s"] for p in at]),
                **{n: mean_std([p["scores"][n] for p in at]) for n in names},
            }
        )
    return {
        "final": {n: mean_std([p["scores"][n] for p in finals]) for n in names},
        "wall_s": mean_std([p["wall_s"] for p in finals]),
        "images": mean_std([p["images"] for p in finals]),
        "finite": all(p["finite"] for p in finals),
        "curve": curve,
    }


def quality_harness(
    make_learner: Callable[[int], Learner],
    task: QualityTask,
    images: int,
    seeds: Sequence[int] = (0, 1, 2),
    evals: int = 4,
    space: FeatureSpace | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Trains `make_learner(seed)` on `task`'s stream for `images` images, scores it on the
    held-out split at `evals` checkpoints (and before training), for each seed.

    Returns:
        {"task": ..., "baselines": {"input", "mean_target"}, "seeds": [...], "runs": [one scored
        curve per seed], "summary": `summarize(runs)`}.
    """
    held_inputs, targets = task.held_out()
    target_features = space.features(targets) if space is not None else None
    runs = []
    for seed in seeds:
        learner = make_learner(seed)
        at = checkpoints(images, evals, learner.batch_size)
        stream_a, stream_b = task.stream(at[-1], seed)
        points = learning_curve(learner, stream_a, stream_b, held_inputs, at)
        runs.append(score_curve(points, targets, space, target_features))
        if progress is not None:
            final = runs[-1][-1]
            progress(
                f"{task.name} seed {seed}: {final['scores']['psnr']:.2f} dB after "
                f"{final['images']} images, {final['wall_s']:.1f} s"
            )
    return {
        "task": task.describe(),
        "baselines": task.baselines(space, target_features),
        "seeds": list(seeds),
        "runs": runs,
        "summary": summarize(runs),
    }


def beats_baselines(result: dict, metric: str = "psnr") -> bool:
    """True when the final `metric` (mean over seeds) is better than both baselines' (higher
    PSNR/SSIM, lower L1/KID/FID)."""
    final = result["summary"]["final"][metric]["mean"]
    base = [b[metric] for b in result["baselines"].values()]
    return final > max(base) if metric in ("psnr", "ssim") else final < min(base)

"""Scoring a generator against paired ground truth, with trivial baselines for comparison."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tf_imgtrans.metrics import psnr, ssim


def _scores(outputs, targets) -> dict[str, float]:
    return {
        "psnr": float(tf.reduce_mean(psnr(outputs, targets))),
        "ssim": float(tf.reduce_mean(ssim(outputs, targets))),
        "l1": float(tf.reduce_mean(tf.abs(tf.cast(outputs, tf.float32) - targets))),
    }


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
    report = {"model": _scores(out, y), "input": _scores(x, y)}
    if train_dataset is not None:
        total, count = 0.0, 0
        for _, t in train_dataset:
            total = total + tf.reduce_sum(t, axis=0)
            count += int(t.shape[0])
        mean = np.broadcast_to(np.asarray(total / count), y.shape)
        report["mean_target"] = _scores(mean, y)
    return report


def format_report(report: dict[str, dict[str, float]]) -> str:
    """The report as a small text table."""
    lines = [f"{'':14s} {'PSNR (dB)':>10s} {'SSIM':>7s} {'L1':>7s}"]
    for name, s in report.items():
        lines.append(f"{name:14s} {s['psnr']:10.2f} {s['ssim']:7.3f} {s['l1']:7.3f}")
    return "\n".join(lines)

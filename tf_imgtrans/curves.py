"""Training for a budget of images with held-out checkpoints: the loop every implementation in the
quality harness shares (ours, the tutorial-style step, the PyTorch reference).

NumPy only (no TensorFlow, no PyTorch), so a PyTorch worker process runs the very same loop. A
`Learner` trains on the images it is given, in order, and translates held-out inputs; the loop
times the training alone (the held-out translations are not counted) and keeps the outputs at
each checkpoint for the caller to score.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from tf_imgtrans.pixels import float_pixels


class Learner(Protocol):
    """One implementation of one trainer, built with its seed."""

    batch_size: int

    def train(self, a: np.ndarray, b: np.ndarray) -> dict[str, float]:
        """Trains on `a` → `b` ((n, H, W, 3) float32 in [-1, 1], n a multiple of the batch
        size), batch after batch in order; returns the last step's losses as floats."""

    def translate(self, x: np.ndarray) -> np.ndarray:
        """The translations of `x` ((n, H, W, 3) in [-1, 1]) as float32 in [-1, 1], made the
        way the implementation's own inference makes them."""


def checkpoints(images: int, evals: int, batch_size: int = 1) -> list[int]:
    """`evals` + 1 image counts from 0 to `images`, evenly spaced, each a multiple of the batch
    size: where a learning curve is scored.

    >>> checkpoints(100, 4)
    [0, 25, 50, 75, 100]
    """
    if images < batch_size or evals < 1:
        raise ValueError(
            f"Need at least one batch of images and one checkpoint. Received: images={images}, "
            f"batch_size={batch_size}, evals={evals}"
        )
    steps = images // batch_size
    points = sorted({round(steps * i / evals) * batch_size for i in range(evals + 1)})
    return points


def learning_curve(
    learner: Learner,
    stream_a: np.ndarray,
    stream_b: np.ndarray,
    held_inputs: np.ndarray,
    at: list[int],
    progress: Callable[[dict], None] | None = None,
) -> list[dict]:
    """Trains `learner` on the uint8 training stream (`stream_a[i]` → `stream_b[i]`) up to each
    image count of `at` and translates `held_inputs` (float32) there.

    Returns:
        One dict per checkpoint: "images" (seen so far), "wall_s" (training seconds so far,
        first-step tracing included, held-out translation excluded), "outputs" (float32),
        "losses" (the last step's) and "finite" (False once a loss was NaN or infinite).
    """
    if at[-1] > len(stream_a) or len(stream_a) != len(stream_b):
        raise ValueError(
            f"The stream holds {len(stream_a)} A and {len(stream_b)} B images; the last "
            f"checkpoint needs {at[-1]} of each."
        )
    points, wall, done, losses, finite = [], 0.0, 0, {}, True
    for count in at:
        if count > done:
            a, b = float_pixels(stream_a[done:count]), float_pixels(stream_b[done:count])
            start = time.perf_counter()
            losses = learner.train(a, b)
            wall += time.perf_counter() - start
            done = count
            finite = finite and all(math.isfinite(v) for v in losses.values())
        outputs = np.asarray(learner.translate(held_inputs), np.float32)
        point = {"images": count, "wall_s": wall, "outputs": outputs, "losses": losses}
        points.append({**point, "finite": finite})
        if progress is not None:
            progress(points[-1])
    return points

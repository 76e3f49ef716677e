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
    run = _Run(learner, stream_a, stream_b, held_inputs, progress)
    for count in at:
        run.train_to(count)
        run.checkpoint()
    return run.points


def timed_learning_curve(
    learner: Learner,
    stream_a: np.ndarray,
    stream_b: np.ndarray,
    held_inputs: np.ndarray,
    seconds: float,
    evals: int,
    chunk: int = 4,
    progress: Callable[[dict], None] | None = None,
) -> list[dict]:
    """As `learning_curve`, for a budget of training *time* instead of images: trains `chunk`
    batches at a time until `seconds` of training, translating the held-out inputs before
    training and each time another `seconds / evals` have passed (each checkpoint overshoots
    its time by less than one chunk). Implementations of different speeds so compare at equal
    wall time.

    Raises:
        ValueError: the stream ran out before the time did.
    """
    if seconds <= 0 or evals < 1 or chunk < 1:
        raise ValueError(
            f"Need seconds > 0, evals >= 1 and chunk >= 1. Received: seconds={seconds}, "
            f"evals={evals}, chunk={chunk}"
        )
    run = _Run(learner, stream_a, stream_b, held_inputs, progress)
    run.checkpoint()
    step = chunk * learner.batch_size
    for i in range(1, evals + 1):
        while run.wall < seconds * i / evals:
            if run.done + step > len(stream_a):
                raise ValueError(
                    f"The stream of {len(stream_a)} images ran out after {run.wall:.1f} of "
                    f"{seconds} s; give a longer stream."
                )
            run.train_to(run.done + step)
        run.checkpoint()
    return run.points


class _Run:
    """What both curves share: training on the stream in order, timed, and checkpoints."""

    def __init__(self, learner, stream_a, stream_b, held_inputs, progress):
        self.learner, self.stream_a, self.stream_b = learner, stream_a, stream_b
        self.held_inputs, self.progress = held_inputs, progress
        self.points, self.wall, self.done, self.losses, self.finite = [], 0.0, 0, {}, True

    def train_to(self, count: int) -> None:
        if count <= self.done:
            return
        a = float_pixels(self.stream_a[self.done : count])
        b = float_pixels(self.stream_b[self.done : count])
        start = time.perf_counter()
        self.losses = self.learner.train(a, b)
        self.wall += time.perf_counter() - start
        self.done = count
        self.finite = self.finite and all(math.isfinite(v) for v in self.losses.values())

    def checkpoint(self) -> None:
        outputs = np.asarray(self.learner.translate(self.held_inputs), np.float32)
        point = {"images": self.done, "wall_s": self.wall, "outputs": outputs}
        self.points.append({**point, "losses": self.losses, "finite": self.finite})
        if self.progress is not None:
            self.progress(self.points[-1])

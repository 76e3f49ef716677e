"""The loss-curve picture of a style-transfer optimisation."""

from __future__ import annotations

import json
import os

import numpy as np


def plot_stylize_history(history: dict[str, list], path: str, title: str | None = None) -> str:
    """Draws the total loss and its weighted terms (content, style, tv) against the step on a
    log scale, with a dashed line where a coarse-to-fine run moves to the next size; saves a PNG.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.asarray(history["step"])
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for key, style in (("total", "-"), ("content", "--"), ("style", "--"), ("tv", ":")):
        values = np.asarray(history.get(key, []), dtype=float)
        if values.size and np.any(values > 0):
            ax.plot(steps, np.where(values > 0, values, np.nan), style, label=key)
    sizes = history.get("size", [])
    for i in range(1, len(sizes)):
        if sizes[i] != sizes[i - 1]:
            ax.axvline(steps[i] - 0.5, color="gray", linestyle="--", linewidth=0.8)
            ax.text(steps[i], ax.get_ylim()[1], f" {sizes[i]} px", va="top", fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("weighted loss")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def save_history(history: dict[str, list], path: str) -> str:
    """Writes the history as JSON."""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    with open(path, "w") as f:
        json.dump(history, f, indent=1)
    return path

"""Training history on disk (kept across resumed runs) and the loss-curve picture."""

from __future__ import annotations

import json
import math
import os

import keras
import numpy as np

from tf_imgtrans.callbacks.checkpoint import atomic_write_text


def _number(v):
    v = float(v)
    return v if math.isfinite(v) else str(v)


class HistoryLogger(keras.callbacks.Callback):
    """Writes `{"epoch": [...], "<metric>": [...]}` to a JSON file after every epoch.

    On a resumed run (`fit(initial_epoch=k)`) the file's first k epochs are kept and the rest,
    written after the checkpoint being resumed, is dropped.

    Args:
        path: str. The JSON file.
    """

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.history: dict[str, list] = {}

    def on_train_begin(self, logs=None):
        self.history = {}
        self._initial = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._initial is None:
            self._initial = epoch
            self.history = load_history(self.path, keep_epochs=epoch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        n = len(self.history.get("epoch", []))
        for key in set(self.history) | set(logs) | {"epoch"}:
            column = self.history.setdefault(key, [None] * n)
            column.append(
                epoch + 1 if key == "epoch" else _number(logs[key]) if key in logs else None
            )
        atomic_write_text(self.path, json.dumps(self.history, indent=1))


def load_history(path: str, keep_epochs: int | None = None) -> dict[str, list]:
    """Reads a history JSON file; with `keep_epochs`, only entries of epochs <= keep_epochs."""
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        history = json.load(f)
    if keep_epochs is None or "epoch" not in history:
        return history
    keep = [i for i, e in enumerate(history["epoch"]) if e <= keep_epochs]
    return {k: [v[i] for i in keep] for k, v in history.items()}


def plot_history(history: dict[str, list], path: str, title: str | None = None) -> str:
    """Draws every logged loss/metric against the epoch, one panel per group (generator losses,
    discriminator losses, validation metrics, learning rates), and saves a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = history.get("epoch", [])
    keys = [k for k in history if k != "epoch"]
    groups = {
        "generator": [
            k for k in keys if k.startswith("g_") or k.startswith("cycle") or k.startswith("idt")
        ],
        "discriminator": [k for k in keys if k.startswith("d_")],
        "validation": [k for k in keys if k.startswith("val_")],
        "learning rate": [k for k in keys if k.startswith("lr")],
    }
    grouped = {k for g in groups.values() for k in g}
    groups["other"] = [k for k in keys if k not in grouped]
    groups = {name: ks for name, ks in groups.items() if ks}
    fig, axes = plt.subplots(1, max(1, len(groups)), figsize=(4.5 * max(1, len(groups)), 3.6))
    axes = np.atleast_1d(axes)
    for ax, (name, ks) in zip(axes, groups.items()):
        for k in ks:
            values = [float(v) if isinstance(v, (int, float)) else np.nan for v in history[k]]
            ax.plot(epochs, values, marker="o" if len(epochs) < 30 else None, markersize=3, label=k)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


class LossPlot(keras.callbacks.Callback):
    """At the end of training, plots the history file (the whole run, resumes included) to a PNG.

    Args:
        history_path: str. The JSON file written by `HistoryLogger`.
        path: str. The PNG to write.
    """

    def __init__(self, history_path: str, path: str):
        super().__init__()
        self.history_path = history_path
        self.path = path

    def on_train_end(self, logs=None):
        history = load_history(self.history_path)
        if history.get("epoch"):
            plot_history(history, self.path, title=self.model.name)

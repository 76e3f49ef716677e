"""Training history on disk (kept across resumed runs) and the loss-curve picture."""

from __future__ import annotations

import io
import json
import math
import os

import keras

from tf_imgtrans.files import atomic_write_bytes, atomic_write_text


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


# Panel order and colour by what a key measures: generator losses (CycleGAN's cycle and identity
# terms too), discriminator losses, validation metrics, learning rates, anything else.
METRIC_GROUPS = (
    ("generator", ("g_", "cycle", "idt"), "#1f77b4"),
    ("discriminator", ("d_",), "#d62728"),
    ("validation", ("val_",), "#2ca02c"),
    ("learning rate", ("lr",), "#7f7f7f"),
)
OTHER_COLOR = "#9467bd"
MAX_PLOT_COLUMNS = 4


def metric_group(key: str) -> tuple[str, str]:
    """(group name, colour) of a history key, e.g. "val_psnr" -> ("validation", "#2ca02c")."""
    for name, prefixes, color in METRIC_GROUPS:
        if key.startswith(prefixes):
            return name, color
    return "other", OTHER_COLOR


def history_keys(history: dict[str, list]) -> list[str]:
    """The keys of a history to plot, one panel each: grouped as `METRIC_GROUPS`, by name within
    a group."""
    keys = [k for k in history if k != "epoch"]
    order = [name for name, _, _ in METRIC_GROUPS] + ["other"]
    return sorted(keys, key=lambda k: (order.index(metric_group(k)[0]), k))


def panel_layout(n: int, max_columns: int = MAX_PLOT_COLUMNS) -> tuple[int, int]:
    """(rows, columns) of a grid of `n` panels, at most `max_columns` wide."""
    columns = max(1, min(n, max_columns))
    return max(1, math.ceil(n / columns)), columns


def plot_values(column: list) -> list[float]:
    """A history column as floats, NaN where a value is missing or was not finite."""
    return [float(v) if isinstance(v, (int, float)) else math.nan for v in column]


def history_figure(history: dict[str, list], title: str | None = None):
    """A matplotlib figure with one panel per logged loss or metric (`history_keys`) against the
    epoch, in a grid at most `MAX_PLOT_COLUMNS` wide: each keeps its own y scale, so PSNR (~20 dB)
    and SSIM (~0.5) are both readable."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = history.get("epoch", [])
    keys = history_keys(history)
    rows, columns = panel_layout(len(keys))
    fig, axes = plt.subplots(rows, columns, figsize=(3.4 * columns, 2.5 * rows), squeeze=False)
    axes = axes.ravel()
    for ax, key in zip(axes, keys):
        ax.plot(
            epochs,
            plot_values(history[key]),
            color=metric_group(key)[1],
            marker="o" if len(epochs) < 30 else None,
            markersize=3,
        )
        ax.set_title(key, fontsize=10)
        ax.set_xlabel("epoch", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history: dict[str, list], path: str, title: str | None = None) -> str:
    """Draws every logged loss and metric against the epoch, one panel each (`history_figure`),
    and saves a PNG (atomically)."""
    import matplotlib.pyplot as plt

    fig = history_figure(history, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())
    return path


class LossPlot(keras.callbacks.Callback):
    """After every epoch and at the end of training, plots the history file (the whole run,
    resumes included) to a PNG. Goes after `HistoryLogger` in the callback list.

    Args:
        history_path: str. The JSON file written by `HistoryLogger`.
        path: str. The PNG to write.
    """

    def __init__(self, history_path: str, path: str):
        super().__init__()
        self.history_path = history_path
        self.path = path

    def on_epoch_end(self, epoch, logs=None):
        self.plot()

    def on_train_end(self, logs=None):
        self.plot()

    def plot(self) -> None:
        history = load_history(self.history_path)
        if history.get("epoch"):
            plot_history(history, self.path, title=self.model.name)

"""Atomic training checkpoints and resume: networks, optimizer state and the epoch counter."""

from __future__ import annotations

import json
import os
import shutil
import warnings

import keras
import numpy as np

from tf_imgtrans.callbacks.nan import epoch_is_good
from tf_imgtrans.files import atomic_write_text, temporary_dir
from tf_imgtrans.messages import InputWarning
from tf_imgtrans.precision import as_float32

CHECKPOINT_PREFIX = "ckpt-"
LATEST_FILE = "latest"


def remove_stale_temporaries(folder: str) -> list[str]:
    """Deletes what a killed run may have left half-written in `folder`: the temporary files
    and folders of `atomic_write_text`, `atomic_save_model` and `save_checkpoint` (never read,
    since only complete files are renamed into place). Call it only when no other process
    writes to `folder`. Returns the names removed."""
    removed = []
    if not os.path.isdir(folder):
        return removed
    for name in os.listdir(folder):
        if name.startswith(".tmp-") or (
            name.startswith(f".{CHECKPOINT_PREFIX}") and ".tmp-" in name
        ):
            path = os.path.join(folder, name)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.remove(path)
            removed.append(name)
    return removed


def atomic_save_model(model: keras.Model, path: str) -> None:
    """Saves a Keras model to `path` (.keras) through a temporary file and a rename, as a
    float32 network: one trained in mixed precision is saved as `as_float32(model)`, so the
    files that inference and export read compute in float32 like any other."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".tmp-{os.getpid()}-{os.path.basename(path)}")
    try:
        as_float32(model).save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _optimizer_arrays(trainer) -> dict[str, np.ndarray]:
    arrays = {}
    for name, opt in trainer.optimizers.items():
        for i, var in enumerate(opt.variables):
            arrays[f"{name}/{i:04d}"] = keras.ops.convert_to_numpy(var)
    return arrays


def _shapes(net: keras.Model) -> list[list[int]]:
    return [list(w.shape) for w in net.weights]


def save_checkpoint(trainer, directory: str, epoch: int, extra: dict | None = None) -> str:
    """Writes checkpoint `ckpt-{epoch:04d}` of `trainer` into `directory`, atomically.

    The checkpoint is assembled in a temporary folder and renamed into place, then the `latest`
    pointer is replaced: a run killed at any moment leaves the previous checkpoint intact and
    pointed to.

    Args:
        trainer: a `TranslationTrainer` (with `networks` and `optimizers`).
        directory: str. Folder of checkpoints.
        epoch: int. Number of completed epochs.
        extra: dict, optional. JSON-serialisable state to keep (e.g. LR schedule).

    Returns:
        The checkpoint's path.
    """
    os.makedirs(directory, exist_ok=True)
    name = f"{CHECKPOINT_PREFIX}{epoch:04d}"
    final = os.path.join(directory, name)
    tmp = temporary_dir(directory, prefix=f".{name}.tmp-")
    try:
        for net_name, net in trainer.networks.items():
            net.save_weights(os.path.join(tmp, f"{net_name}.weights.h5"))
        np.savez(os.path.join(tmp, "optimizers.npz"), **_optimizer_arrays(trainer))
        arrays = {k: keras.ops.convert_to_numpy(v) for k, v in trainer.extra_state().items()}
        np.savez(os.path.join(tmp, "extra_state.npz"), **arrays)
        state = {
            "epoch": int(epoch),
            "networks": sorted(trainer.networks),
            "shapes": {n: _shapes(net) for n, net in trainer.networks.items()},
            **(extra or {}),
        }
        with open(os.path.join(tmp, "state.json"), "w") as f:
            json.dump(state, f, indent=2)
        if os.path.exists(final):  # a resumed run repeating an epoch: replace the old copy
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    atomic_write_text(os.path.join(directory, LATEST_FILE), name + "\n")
    return final


def list_checkpoints(directory: str) -> list[str]:
    """Complete checkpoints in `directory`, oldest first (temporary folders are ignored)."""
    if not os.path.isdir(directory):
        return []
    names = [
        n
        for n in os.listdir(directory)
        if n.startswith(CHECKPOINT_PREFIX)
        and os.path.isfile(os.path.join(directory, n, "state.json"))
    ]
    return [os.path.join(directory, n) for n in sorted(names)]


def latest_checkpoint(directory: str) -> str | None:
    """The checkpoint that `latest` points to, or the newest complete one, or None."""
    pointer = os.path.join(directory, LATEST_FILE)
    if os.path.isfile(pointer):
        with open(pointer) as f:
            path = os.path.join(directory, f.read().strip())
        if os.path.isfile(os.path.join(path, "state.json")):
            return path
    found = list_checkpoints(directory)
    return found[-1] if found else None


def restore_checkpoint(trainer, path: str) -> dict:
    """Loads networks and optimizer state from checkpoint folder `path` into `trainer`.

    The trainer must be compiled with the same optimizers and built with the same networks.
    Its `extra_state()` variables (e.g. image pools) are restored too.

    Returns:
        The checkpoint's state dict (with "epoch").
    """
    state_file = os.path.join(path, "state.json")
    if not os.path.isfile(state_file):
        raise FileNotFoundError(f"Not a complete checkpoint (no state.json). Received: path={path}")
    with open(state_file) as f:
        state = json.load(f)
    missing = sorted(set(trainer.networks) - set(state.get("networks", [])))
    if missing:
        raise ValueError(
            f"Checkpoint {path} holds networks {state.get('networks')}, but the trainer needs "
            f"{sorted(trainer.networks)} (missing {missing}): it was written by another model."
        )
    for net_name, net in trainer.networks.items():
        saved = state.get("shapes", {}).get(net_name)
        if saved is not None and saved != _shapes(net):
            raise ValueError(
                f"Checkpoint {path}: network {net_name!r} was saved with other layer shapes "
                f"({len(saved)} weights) than the trainer's ({len(net.weights)} weights): it "
                "was written with different network settings (filters, depth, norm)."
            )
        net.load_weights(os.path.join(path, f"{net_name}.weights.h5"))
    trainer.build_optimizers()
    with np.load(os.path.join(path, "optimizers.npz")) as arrays:
        for name, opt in trainer.optimizers.items():
            keys = sorted(k for k in arrays.files if k.startswith(name + "/"))
            if len(keys) != len(opt.variables):
                raise ValueError(
                    f"Checkpoint {path}: optimizer {name!r} has {len(keys)} variables, the "
                    f"trainer's has {len(opt.variables)}: the optimizer or network changed."
                )
            for key, var in zip(keys, opt.variables):
                if tuple(arrays[key].shape) != tuple(var.shape):
                    raise ValueError(
                        f"Checkpoint {path}: optimizer variable {key} has shape "
                        f"{arrays[key].shape}, expected {tuple(var.shape)}."
                    )
                var.assign(arrays[key])
    extra_file = os.path.join(path, "extra_state.npz")
    wanted = trainer.extra_state()
    if wanted:
        if not os.path.isfile(extra_file):
            raise ValueError(f"Checkpoint {path} has no extra_state.npz, which the trainer needs.")
        with np.load(extra_file) as arrays:
            for key, var in wanted.items():
                if key not in arrays.files:
                    raise ValueError(f"Checkpoint {path} lacks the trainer state {key!r}.")
                var.assign(arrays[key])
    return state


class TrainingCheckpoint(keras.callbacks.Callback):
    """Saves a checkpoint of the trainer after every `every` epochs, keeping the newest `keep`.

    A checkpoint is skipped, with a warning, when the epoch's losses are not finite, so the last
    good one stays the one a resume starts from.

    Args:
        directory: str. Folder of checkpoints.
        every: int. Epoch interval.
        keep: int. Number of checkpoints kept (older ones are deleted); 0 keeps all.
    """

    def __init__(self, directory: str, every: int = 1, keep: int = 3):
        super().__init__()
        if every < 1:
            raise ValueError(f"`every` must be >= 1. Received: every={every}")
        self.directory = directory
        self.every = every
        self.keep = keep

    def on_train_begin(self, logs=None):
        remove_stale_temporaries(self.directory)

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if not epoch_is_good(self.model, logs):
            warnings.warn(
                f"Epoch {done}: non-finite losses; no checkpoint written, the last good one is "
                f"kept in {self.directory}.",
                InputWarning,
                stacklevel=2,
            )
            return
        if done % self.every and not self.model.stop_training:
            return
        save_checkpoint(self.model, self.directory, done)
        if self.keep:
            for old in list_checkpoints(self.directory)[: -self.keep]:
                shutil.rmtree(old, ignore_errors=True)

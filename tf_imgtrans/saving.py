"""Loading the package's `.keras` files: every registered class first, then Keras' loader in
safe mode (no code from the file runs), with one-line errors."""

from __future__ import annotations

import importlib
import os

import keras

# Modules that register Keras classes: every layer (tf_imgtrans.layers), the trainers and their
# optimizer (tf_imgtrans.models); a `.keras` file may name any of them.
REGISTERING_MODULES = ("tf_imgtrans.layers", "tf_imgtrans.models")


def register_all() -> None:
    """Imports every module of the package that registers Keras classes."""
    for name in REGISTERING_MODULES:
        importlib.import_module(name)


def load_keras_file(path: str, what: str = "model") -> keras.Model:
    """Loads the `.keras` file `path` (safe mode, not compiled) after `register_all`.

    Raises:
        FileNotFoundError: nothing at `path` (the message names `what` was expected).
        ValueError: the file is damaged or not a Keras model file.
    """
    register_all()
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No {what} file at {path}. Pass a {what} saved as .keras.")
    try:
        return keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as e:  # Keras raises many types for a damaged or foreign file
        raise ValueError(f"Could not load the {what} {path}: {e}") from e

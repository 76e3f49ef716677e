"""Shared Keras round-trip checks, in the manner of keras-hub's TestCase helpers: one
`run_serialization_test` for a layer's config and one `run_model_saving_test` for a `.keras` file,
used by every registered layer's and network's tests instead of a copy each."""

from __future__ import annotations

import os

import keras
import numpy as np

from tf_imgtrans.saving import load_keras_file


def _flat(outputs) -> list[np.ndarray]:
    if isinstance(outputs, dict):
        return [np.asarray(outputs[k]) for k in sorted(outputs)]
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(o) for o in outputs]
    return [np.asarray(outputs)]


def run_serialization_test(layer: keras.layers.Layer) -> keras.layers.Layer:
    """`layer` survives Keras serialization: `serialize_keras_object` names it by its registered
    name ("tf_imgtrans>Class"), deserializing gives the same class with the same config, and
    `from_config(get_config())` too. Returns the revived layer."""
    config = layer.get_config()
    revived = layer.__class__.from_config(config)
    assert revived.get_config() == config
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == f"tf_imgtrans>{type(layer).__name__}", serialized
    again = keras.saving.deserialize_keras_object(serialized)
    assert type(again) is type(layer) and again.get_config() == config
    return again


def run_model_saving_test(model: keras.Model, inputs, folder, atol: float = 1e-6) -> keras.Model:
    """`model` saved as `.keras` loads back through `tf_imgtrans.saving.load_keras_file` (safe
    mode) and computes the same outputs on `inputs` within `atol`. Returns the loaded model."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(os.fspath(folder), f"{model.name}.keras")
    model.save(path)
    loaded = load_keras_file(path)
    for got, want in zip(_flat(loaded(inputs)), _flat(model(inputs)), strict=True):
        np.testing.assert_allclose(got, want, atol=atol)
    return loaded

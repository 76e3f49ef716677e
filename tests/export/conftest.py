"""Shared export fixtures: briefly trained tiny generators and their exports, made once per
module."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from export_helpers import NETWORKS, SIZE, require_export_tools


@pytest.fixture(scope="session")
def facades(tmp_path_factory) -> str:
    """Tiny synthetic facades (label map → facade) at 64×64: 8 train, 2 val, 2 test pairs."""
    from tf_imgtrans.data import make_synthetic_paired

    root = tmp_path_factory.mktemp("export_data") / "facades"
    return make_synthetic_paired(size=SIZE, n_train=8, n_val=2, n_test=2, root=str(root))


@pytest.fixture(scope="session")
def held_out(facades) -> np.ndarray:
    from tf_imgtrans.export import held_out_images

    return held_out_images(facades, SIZE, count=2)


def _fit_briefly(model: keras.Model, root: str) -> keras.Model:
    """A few L1 steps towards the facades, so outputs span the range as a trained generator's do
    (an untrained one outputs near-constant values, which would make any export look exact)."""
    from tf_imgtrans.data import load_paired_dataset

    ds = load_paired_dataset(root, "train", image_size=SIZE, batch_size=4, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mae")
    model.fit(ds.repeat(), steps_per_epoch=60, epochs=1, verbose=0, shuffle=False)
    return model


@pytest.fixture(scope="module", params=sorted(NETWORKS))
def trained(request, facades, tmp_path_factory):
    """(name, path of the generator saved as .keras) for each network in NETWORKS."""
    keras.utils.set_random_seed(0)
    model = _fit_briefly(NETWORKS[request.param](), facades)
    path = tmp_path_factory.mktemp(f"gen_{request.param}") / "generator.keras"
    model.save(path)
    return request.param, str(path)


@pytest.fixture(scope="module")
def exports(trained, facades, tmp_path_factory):
    """Every export of one network (dynamic size), each parity-checked against Keras:
    {"source": ExportSource, "savedmodel": result, "tflite_<mode>": result, "tfjs": result or
    the reason it could not be made}."""
    from tf_imgtrans.export import ExportToolError, export_model, load_export_source

    require_export_tools()  # LiteRT runs the TFLite parity checks
    name, path = trained
    out = tmp_path_factory.mktemp(f"exports_{name}")
    source = load_export_source(path)
    common = {"data": facades, "parity_size": SIZE, "verbose": False}
    made = {"source": source, "out": out}
    made["savedmodel"] = export_model(source, str(out / "saved_model"), "savedmodel", **common)
    for mode in ("float32", "float16", "dynamic", "int8"):
        made[f"tflite_{mode}"] = export_model(
            source, str(out / f"model_{mode}.tflite"), "tflite", quantize=mode, **common
        )
    for key, quantize in (("tfjs", "float32"), ("tfjs_float16", "float16")):
        try:
            made[key] = export_model(source, str(out / key), "tfjs", quantize=quantize, **common)
        except ExportToolError as e:
            made[key] = str(e)
    return made

"""Web demo fixtures: tiny TF.js exports (good and broken) in a models folder, and the rule for
a missing browser (skip locally, fail in CI)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

# The export tests' helpers: their tiny networks and the rule for missing export tools.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "export"))


@pytest.fixture(scope="session")
def keras_models():
    """The Keras networks behind the test exports: a tiny ResNet generator (instance norm,
    reflection padding; untrained, its outputs already span the range) and an AdaIN stylizer."""
    import keras
    from export_helpers import spread_stylizer

    from tf_imgtrans.networks import get_generator

    keras.utils.set_random_seed(0)
    return {
        "resnet_tiny": get_generator("resnet", n_blocks=2, ngf=8, norm="instance"),
        "adain_tiny": spread_stylizer(),
    }


@pytest.fixture(scope="session")
def models_dir(keras_models, tmp_path_factory) -> str:
    """A models folder: resnet_tiny and adain_tiny (TF.js exports, not parity-checked here: the
    browser's pixels are compared with Keras), resnet_tiny for a fixed 40×48 input, and three
    broken copies of resnet_tiny."""
    from export_helpers import require_export_tools

    from tf_imgtrans.export import export_model

    require_export_tools(tfjs=True)
    root = tmp_path_factory.mktemp("web_models")
    for name, model in keras_models.items():
        export_model(model, str(root / name), "tfjs", parity=False, verbose=False)
    export_model(
        keras_models["resnet_tiny"], str(root / "fixed_size"), "tfjs", size="40x48", parity=False
    )
    for name in ("broken_json", "missing_shard", "no_manifest"):
        shutil.copytree(root / "resnet_tiny", root / name)
    (root / "broken_json" / "model.json").write_text('{"format": "graph-model", "modelTopol')
    for shard in (root / "missing_shard").glob("*.bin"):
        shard.unlink()
    (root / "no_manifest" / "manifest.json").unlink()
    return str(root)

"""`.keras` files written by release 0.1.0 (tests/fixtures/keras_0.1.0, made by its
make_fixtures.py with that release) still load, after nothing but `import tf_imgtrans.layers`,
and compute what they computed then."""

from __future__ import annotations

import glob
import os
import subprocess
import sys

import numpy as np
import pytest

from tf_imgtrans.saving import load_keras_file

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "keras_0.1.0")
FILES = sorted(glob.glob(os.path.join(FIXTURES, "*.keras")))


def test_fixtures_cover_every_kind():
    names = {os.path.basename(f)[: -len(".keras")] for f in FILES}
    assert {"unet", "resnet", "fast_style", "stylizer", "fixed_style", "patchgan"} <= names
    assert {"unet_fast_graph", "resnet_fast_graph", "unet_folded"} <= names


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_old_file_loads_and_computes_the_same(path):
    model = load_keras_file(path)
    saved = np.load(path[: -len(".keras")] + "_io.npz")
    inputs = [saved[k] for k in sorted(saved.files) if k.startswith("input_")]
    out = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    np.testing.assert_allclose(np.asarray(out), saved["output"], atol=1e-5)


def test_importing_the_layers_package_is_enough_to_load_them():
    code = (
        "import sys, keras, tf_imgtrans.layers\n"
        "for path in sys.argv[1:]:\n"
        "    keras.models.load_model(path, compile=False, safe_mode=True)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *FILES], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-2000:]

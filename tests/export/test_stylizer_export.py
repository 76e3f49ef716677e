"""The AdaIN stylizer (content, style, alpha) exports to TF.js and matches Keras at every alpha."""

from __future__ import annotations

import json

import numpy as np
import pytest
from export_helpers import require_export_tools, spread_stylizer

from tf_imgtrans.cli import main
from tf_imgtrans.export import load_export_source
from tf_imgtrans.export.source import STYLIZER_FILE
from tf_imgtrans.export.stylizer import style_images


@pytest.fixture(scope="module")
def adain_run(tmp_path_factory):
    """A folder as `tf-imgtrans train adain` leaves it: stylizer.keras + config.json."""
    folder = tmp_path_factory.mktemp("adain_run")
    spread_stylizer().save(folder / STYLIZER_FILE)
    config = {"content": "photos", "style": "paintings", "image_size": 32, "style_weight": 10.0}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_stylizer_source_from_run_folder(adain_run):
    source = load_export_source(str(adain_run))
    assert source.is_stylizer and source.kind == "adain"
    assert source.inputs == ("content", "style", "alpha")
    assert source.multiple == 8 and source.path.endswith(STYLIZER_FILE)
    assert source.image_size == 32  # from the run's config.json


def test_stylizer_export_through_cli_matches_keras(adain_run, tmp_path, capsys):
    require_export_tools(tfjs=True, node=True)
    out = tmp_path / "adain_tfjs"
    status = main(
        ["export", "--model", str(adain_run), "--format", "tfjs", "--out", str(out)]
        + ["--parity-images", "2"]
    )
    assert status == 0, capsys.readouterr().err
    report = json.loads((out / "parity.json").read_text())
    parity = report["parity"]
    assert parity["alphas"] == [1.0, 0.5] and parity["size"] == [32, 32]
    for figures in (parity, parity["odd_size"]):
        assert figures["max_abs_error"] < 1e-4, figures
    assert parity["odd_size"]["size"] == [38, 58]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "adain"
    roles = {i["name"]: i["role"] for i in manifest["inputs"]}
    assert roles == {"content": "content", "style": "style", "alpha": "strength"}
    assert manifest["input"]["name"] == "content" and manifest["input"]["size_multiple"] == 8
    model_json = json.loads((out / "model.json").read_text())
    assert set(model_json["signature"]["inputs"]) == {"content:0", "style:0", "alpha"}


def test_stylizer_output_is_not_trivial(adain_run):
    """The decoder's outputs span the range, so the tolerance above means something; and alpha
    changes the output, so the alpha input is really wired."""
    from tf_imgtrans.networks.adain import adain_stylizer, split_stylizer

    source = load_export_source(str(adain_run))
    rng = np.random.default_rng(1)
    content = rng.uniform(-1, 1, (1, 32, 32, 3)).astype("float32")
    style = np.clip(0.2 * content[:, ::-1] + [[[[0.7, -0.5, 0.1]]]], -1, 1).astype("float32")
    encoder, decoder = split_stylizer(source.model)
    full = np.asarray(adain_stylizer(encoder, decoder, alpha=1.0)([content, style]))
    half = np.asarray(adain_stylizer(encoder, decoder, alpha=0.5)([content, style]))
    assert full.std() > 0.2 and np.abs(full - half).mean() > 0.05


@pytest.mark.parametrize("fmt", ["savedmodel", "tflite"])
def test_stylizer_other_formats_refused(adain_run, tmp_path, capsys, fmt):
    status = main(
        ["export", "--model", str(adain_run), "--format", fmt, "--out", str(tmp_path / "x")]
    )
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1
    assert "AdaIN stylizer" in err and "TF.js only" in err and "adain_generator" in err


def test_folder_without_stylizer_is_refused(tmp_path):
    with pytest.raises(ValueError, match="run folder holding stylizer.keras"):
        load_export_source(str(tmp_path))


def test_style_images_differ_from_contents():
    contents = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    assert np.array_equal(style_images(contents, contents + 0.5), contents + 0.5)
    fallback = style_images(contents, contents)  # a plain image folder has no other side
    assert np.array_equal(fallback[0], contents[1][..., ::-1])

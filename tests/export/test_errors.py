"""Bad input gets one clear error naming the problem, from Python and from the command line."""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

from tf_imgtrans.cli import main
from tf_imgtrans.export import (
    ExportToolError,
    export_model,
    export_tflite,
    find_node_modules,
    load_export_source,
)
from tf_imgtrans.networks import get_discriminator, get_generator


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad_inputs")
    generator = folder / "generator.keras"
    get_generator("resnet", n_blocks=1, ngf=4).save(generator)
    discriminator = folder / "discriminator.keras"
    get_discriminator("patch", n_layers=2, ndf=8).save(discriminator)
    damaged = folder / "damaged.keras"
    damaged.write_bytes(b"not a zip archive")
    return {
        "generator": str(generator),
        "discriminator": str(discriminator),
        "damaged": str(damaged),
    }


def test_missing_model_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No model file at .*nope.keras"):
        load_export_source(str(tmp_path / "nope.keras"))


def test_discriminator_is_not_a_generator(files):
    with pytest.raises(ValueError, match="discriminator.keras is not an image generator"):
        load_export_source(files["discriminator"])


def test_in_memory_discriminator_is_not_a_generator():
    with pytest.raises(ValueError, match="not an image generator.*6"):
        load_export_source(get_discriminator("patch", n_layers=1, ndf=4))


def test_damaged_model_file(files):
    with pytest.raises(ValueError, match="Could not load the model .*damaged.keras"):
        load_export_source(files["damaged"])


def test_int8_without_representative_data(files, tmp_path):
    with pytest.raises(ValueError, match="int8.*representative images.*--data"):
        export_tflite(files["generator"], str(tmp_path / "m.tflite"), quantize="int8")
    assert not os.path.exists(tmp_path / "m.tflite")


def test_unknown_format_and_quantization(files, tmp_path):
    with pytest.raises(ValueError, match=r"Unknown export format 'onnx'.*savedmodel"):
        export_model(files["generator"], str(tmp_path / "x"), "onnx")
    with pytest.raises(ValueError, match=r"Unknown quantization 'int4'.*float16.*dynamic.*int8"):
        export_model(files["generator"], str(tmp_path / "x.tflite"), "tflite", quantize="int4")
    with pytest.raises(ValueError, match=r"Unknown quantization 'int8' for format 'tfjs'"):
        export_model(files["generator"], str(tmp_path / "x"), "tfjs", quantize="int8")


def test_bad_size(files, tmp_path):
    with pytest.raises(ValueError, match="`size` must be"):
        export_model(files["generator"], str(tmp_path / "x"), "savedmodel", size="big")


def test_existing_folder_is_not_overwritten(files, tmp_path):
    keep = tmp_path / "photos"
    keep.mkdir()
    (keep / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="does not hold an export"):
        export_model(files["generator"], str(keep), "savedmodel", parity=False)
    assert (keep / "holiday.jpg").read_bytes() == b"precious"


def test_missing_node_modules_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("TF_IMGTRANS_NODE_MODULES", str(tmp_path))
    with pytest.raises(ExportToolError, match="npm ci --prefix web_demo"):
        find_node_modules()


def test_representative_data_that_is_not_images(files, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="empty"):
        export_tflite(files["generator"], str(tmp_path / "m.tflite"), "int8", data=str(empty))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model", "/nonexistent/g.keras", "--format", "tflite"], "No model file"),
        (["--model", "{discriminator}", "--format", "tflite"], "not an image generator"),
        (["--model", "{generator}", "--format", "tflite", "--quantize", "int8"], "int8"),
        (["--model", "{generator}", "--format", "onnx"], "Unknown export format"),
        (["--model", "{generator}", "--format", "tfjs", "--quantize", "q4"], "quantization"),
    ],
)
def test_cli_errors_are_one_line(files, tmp_path, capsys, args, message):
    args = [a.format(**files) for a in args]
    status = main(["export", *args, "--out", str(tmp_path / "out.tflite")])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith("tf-imgtrans: error:") and message in err


def test_check_generator_accepts_a_subclassed_generator():
    class Doubler(keras.Model):
        def call(self, x):
            return x * 0.5

    source = load_export_source(Doubler())
    assert source.multiple == 1
    assert np.isfinite(source.model(np.zeros((1, 4, 4, 3), np.float32))).all()

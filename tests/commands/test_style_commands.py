import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.cli import main


def write(path, size, seed):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8)).save(path)
    return str(path)


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_style")
    (root / "content").mkdir()
    (root / "styles").mkdir()
    for i in range(4):
        write(root / "content" / f"{i}.png", (40, 40), i)
    for i in range(2):
        write(root / "styles" / f"{i}.jpg", (36, 44), 10 + i)
    return {
        "root": root,
        "content": write(root / "photo.png", (30, 45), 20),
        "style": write(root / "style.jpg", (50, 40), 21),
        "style2": write(root / "style2.png", (20, 20), 22),
    }


def test_stylize_gatys_writes_image_loss_curve_and_history(tmp_path, images, capsys):
    out = str(tmp_path / "out" / "result.png")
    args = ["stylize", images["content"], images["style"], images["style2"], "--out", out]
    args += ["--size", "64", "--steps", "3", "--vgg-weights", "random", "--quiet"]
    args += ["--style-blend", "2", "1", "--scales", "2", "--preserve-color", "luminance"]
    assert main(args) == 0
    assert Image.open(out).size == (64, 43)
    history = json.load(open(str(tmp_path / "out" / "result_losses.json")))
    assert history["step"] == list(range(1, 7)) and history["size"] == [32] * 3 + [64] * 3
    assert os.path.getsize(str(tmp_path / "out" / "result_losses.png")) > 1000
    printed = capsys.readouterr().out
    assert "Final loss" in printed and "Loss curve:" in printed


def test_stylize_errors_are_one_line(tmp_path, images, capsys):
    out = str(tmp_path / "x.png")
    base = ["stylize", images["content"], images["style"], "--out", out, "--quiet"]
    assert main([*base, "--method", "adain"]) == 2
    assert "needs --model" in capsys.readouterr().err
    assert main([*base, "--vgg-weights", str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tf-imgtrans: error: VGG weights file not found") and err.count("\n") == 1
    assert main([*base, "--method", "adain", "--model", str(tmp_path)]) == 2
    assert "No AdaIN model" in capsys.readouterr().err
    assert main([*base, "--size", "40", "--scales", "2", "--vgg-weights", "random"]) == 2
    assert "need at least 16 px per side" in capsys.readouterr().err


def test_train_fast_style_then_translate(tmp_path, images):
    out = str(tmp_path / "fast")
    args = ["train", "fast-style", "--style", images["style"], "--data"]
    args += [str(images["root"] / "content"), "--out", out, "--epochs", "1", "--image-size", "32"]
    args += ["--batch-size", "2", "--filters", "4", "--n-blocks", "1", "--vgg-weights", "random"]
    args += ["--no-tensorboard", "--style-weight", "10", "--precision", "mixed_float16"]
    assert main(args) == 0
    assert json.load(open(os.path.join(out, "config.json")))["precision"] == "mixed_float16"
    translated = tmp_path / "translated"
    model = os.path.join(out, "generator.keras")
    assert main(["translate", "--model", model, images["content"], "--out", str(translated)]) == 0
    assert Image.open(translated / "photo.png").size == (45, 30)


def test_train_adain_then_stylize_with_it(tmp_path, images):
    out = str(tmp_path / "adain")
    args = ["train", "adain", "--content", str(images["root"] / "content"), "--style"]
    args += [str(images["root"] / "styles"), "--out", out, "--epochs", "1", "--image-size", "32"]
    args += ["--load-size", "40", "--batch-size", "2", "--vgg-weights", "random"]
    args += ["--no-tensorboard", "--precision", "mixed_bfloat16"]
    assert main(args) == 0
    assert json.load(open(os.path.join(out, "config.json")))["precision"] == "mixed_bfloat16"
    stylizer = keras.models.load_model(os.path.join(out, "stylizer.keras"))
    assert {layer.compute_dtype for layer in stylizer._flatten_layers()} == {"float32"}
    result = str(tmp_path / "adain.png")
    args = ["stylize", images["content"], images["style"], images["style2"], "--method", "adain"]
    args += ["--model", out, "--out", result, "--alpha", "0.5", "--style-blend", "1", "3"]
    args += ["--preserve-color", "histogram", "--style-size", "32"]
    assert main(args) == 0
    assert Image.open(result).size == (45, 30)

import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.cli import main
from tf_imgtrans.networks import get_discriminator, get_generator

DATA = "builtin:facades?n_train=4&n_val=2&n_test=2"
TINY = [
    "--image-size",
    "64",
    "--ngf",
    "8",
    "--ndf",
    "8",
    "--n-layers",
    "2",
    "--batch-size",
    "2",
    "--no-tensorboard",
]


@pytest.fixture(scope="module")
def generator_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("model") / "generator.keras")
    get_generator("unet", num_downs=5, ngf=4, norm="instance").save(path)
    return path


def test_train_then_resume_from_the_command_line(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["train", "pix2pix", "--data", DATA, "--out", out, "--epochs", "1", *TINY]) == 0
    assert os.path.isfile(os.path.join(out, "generator.keras"))
    # Without --resume the run is protected; with it, it continues at epoch 2.
    assert main(["train", "pix2pix", "--data", DATA, "--out", out, "--epochs", "2"]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["train", "pix2pix", "--out", out, "--epochs", "2", "--resume"]) == 0
    assert json.load(open(os.path.join(out, "history.json")))["epoch"] == [1, 2]


def test_translate_files_and_folders_keeps_names_sizes_and_subfolders(tmp_path, generator_file):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    Image.fromarray(np.zeros((37, 50, 3), "uint8")).save(src / "a.jpg")
    Image.fromarray(np.zeros((20, 20), "uint8")).save(src / "sub" / "b.png")  # grayscale
    single = tmp_path / "c.bmp"
    Image.fromarray(np.full((16, 24, 3), 200, "uint8")).save(single)
    out = tmp_path / "out"
    assert (
        main(["translate", "--model", generator_file, str(src), str(single), "--out", str(out)])
        == 0
    )
    assert Image.open(out / "a.png").size == (50, 37)
    assert Image.open(out / "sub" / "b.png").size == (20, 20)
    assert Image.open(out / "c.png").size == (24, 16)
    before = os.path.getmtime(out / "a.png")
    assert main(["translate", "--model", generator_file, str(src), "--out", str(out)]) == 0
    assert os.path.getmtime(out / "a.png") == before  # already done: skipped


def test_translate_errors_are_one_line(tmp_path, generator_file, capsys):
    img = tmp_path / "x.png"
    Image.fromarray(np.zeros((8, 8, 3), "uint8")).save(img)
    assert (
        main(
            [
                "translate",
                "--model",
                str(tmp_path / "missing.keras"),
                str(img),
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "No model file" in capsys.readouterr().err
    disc = str(tmp_path / "d.keras")
    get_discriminator("patch", n_layers=1, ndf=4).save(disc)
    assert main(["translate", "--model", disc, str(img), "--out", str(tmp_path)]) == 2
    assert "not an image generator" in capsys.readouterr().err
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    assert (
        main(["translate", "--model", generator_file, str(bad), "--out", str(tmp_path / "o")]) == 2
    )
    err = capsys.readouterr().err
    assert "bad.jpg" in err and "Traceback" not in err
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"zip? no")
    assert main(["translate", "--model", str(junk), str(img), "--out", str(tmp_path)]) == 2
    assert "Could not load the model" in capsys.readouterr().err


def test_unknown_model_and_data_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:  # argparse: usage error, status 2
        main(["train", "gan3000", "--out", str(tmp_path / "r")])
    assert exc.value.code == 2
    assert "invalid choice: 'gan3000'" in capsys.readouterr().err
    assert main(["train", "pix2pix", "--data", "builtin:nope", "--out", str(tmp_path / "r")]) == 2
    assert "facades" in capsys.readouterr().err


def test_demo_smoke(tmp_path):
    out = str(tmp_path / "demo")
    assert (
        main(
            [
                "demo",
                "--out",
                out,
                "--epochs",
                "1",
                "--image-size",
                "64",
                "--n-train",
                "4",
                "--steps-per-epoch",
                "2",
            ]
        )
        == 0
    )
    report = json.load(open(os.path.join(out, "demo_report.json")))
    assert set(report["scores"]) == {"model", "input", "mean_target"}
    assert report["test_images"] == 50
    assert len(os.listdir(os.path.join(out, "test_translated"))) == 50
    assert os.path.isfile(os.path.join(out, "test_grid.png"))
    keras.models.load_model(os.path.join(out, "generator.keras"))
    # report.html, refreshed at the end: the test scores and every export's parity are on it.
    page = open(os.path.join(out, "report.html")).read()
    assert "Test split" in page and "export/model_int8.parity.json" in page


def test_translate_samples_and_tiles_from_the_command_line(tmp_path, capsys):
    gen = str(tmp_path / "g.keras")
    get_generator("unet", num_downs=4, ngf=4, dropout=0.5).save(gen)
    img = tmp_path / "in.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 70, 3), dtype=np.uint8)).save(
        img
    )
    out = tmp_path / "out"
    assert (
        main(
            [
                "translate",
                "--model",
                gen,
                str(img),
                "--out",
                str(out),
                "--samples",
                "3",
                "--tile",
                "32",
                "--overlap",
                "8",
            ]
        )
        == 0
    )
    assert sorted(os.listdir(out)) == ["in_sample0.png", "in_sample1.png", "in_sample2.png"]
    assert "spread between the 3 samples" in capsys.readouterr().out
    assert Image.open(out / "in_sample1.png").size == (70, 40)

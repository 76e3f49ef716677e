"""Every kind of bad input at the command line: a one-line error naming the file (exit 2, no
traceback) or the documented handling (skip and count, or convert)."""

import io
import json
import os

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.cli import main
from tf_imgtrans.networks import get_generator


@pytest.fixture(scope="module")
def generator_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("g") / "generator.keras")
    get_generator("resnet", n_blocks=1, ngf=4).save(path)
    return path


def _rgb(h=20, w=30):
    return np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _bad_files(folder):
    """name -> bytes of files that are not decodable images."""
    png = io.BytesIO()
    Image.fromarray(_rgb()).save(png, format="PNG")
    jpg = io.BytesIO()
    Image.fromarray(_rgb()).save(jpg, format="JPEG")
    return {
        "empty.png": b"",
        "truncated.png": png.getvalue()[: len(png.getvalue()) // 2],
        "truncated.jpg": jpg.getvalue()[:200],
        "text.jpg": b"this is not an image\n",
    }


@pytest.mark.parametrize("name", ["empty.png", "truncated.png", "truncated.jpg", "text.jpg"])
def test_translate_names_each_unreadable_file(tmp_path, generator_file, capsys, name):
    path = tmp_path / name
    path.write_bytes(_bad_files(tmp_path)[name])
    assert (
        main(["translate", "--model", generator_file, str(path), "--out", str(tmp_path / "o")]) == 2
    )
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err and err.count("\n") == 1


def test_translate_folder_skips_and_counts_bad_files_unless_strict(tmp_path, generator_file):
    src = tmp_path / "in"
    src.mkdir()
    for name, data in _bad_files(tmp_path).items():
        (src / name).write_bytes(data)
    Image.fromarray(_rgb()).save(src / "good.png")
    with pytest.warns(UserWarning, match="Skipped 4 unreadable image"):
        assert (
            main(["translate", "--model", generator_file, str(src), "--out", str(tmp_path / "o")])
            == 0
        )
    assert os.listdir(tmp_path / "o") == ["good.png"]
    assert (
        main(
            [
                "translate",
                "--model",
                generator_file,
                str(src),
                "--out",
                str(tmp_path / "p"),
                "--strict",
            ]
        )
        == 2
    )


def unusual_images(src):
    """Writes gray, RGBA, palette, 16-bit, 1×1 and EXIF-rotated images of 21×33 into `src`."""
    src.mkdir(exist_ok=True)
    rgb = _rgb(21, 33)
    Image.fromarray(rgb[..., 0]).save(src / "gray.png")
    Image.fromarray(np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])).save(src / "rgba.png")
    Image.fromarray(rgb).convert("P").save(src / "palette.png")
    Image.fromarray(rgb[..., 0].astype(np.uint16) * 257).save(src / "sixteen.png")
    Image.fromarray(np.zeros((1, 1, 3), np.uint8)).save(src / "tiny.png")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    Image.fromarray(rgb).save(src / "rotated.jpg", exif=exif.tobytes())
    return src


def test_translate_converts_unusual_modes_and_sizes(tmp_path, generator_file):
    src = unusual_images(tmp_path / "in")
    assert (
        main(["translate", "--model", generator_file, str(src), "--out", str(tmp_path / "o")]) == 0
    )
    sizes = {n: Image.open(tmp_path / "o" / n).size for n in os.listdir(tmp_path / "o")}
    assert sizes == {
        "gray.png": (33, 21),
        "rgba.png": (33, 21),
        "palette.png": (33, 21),
        "sixteen.png": (33, 21),
        "tiny.png": (1, 1),
        "rotated.png": (21, 33),
    }


def test_training_skips_bad_pairs_by_default_and_stops_with_strict(tmp_path, capsys):
    data = tmp_path / "data" / "train"
    data.mkdir(parents=True)
    for i in range(3):
        Image.fromarray(_rgb(32, 64)).save(data / f"{i}.png")  # A|B side by side
    (data / "3.png").write_bytes(b"")
    args = [
        "train",
        "pix2pix",
        "--data",
        str(tmp_path / "data"),
        "--epochs",
        "1",
        "--image-size",
        "32",
        "--ngf",
        "4",
        "--ndf",
        "4",
        "--n-layers",
        "1",
        "--no-tensorboard",
    ]
    with pytest.warns(UserWarning, match=r"Skipped 1 of 4"):
        assert main([*args, "--out", str(tmp_path / "run")]) == 0
    assert json.load(open(tmp_path / "run" / "history.json"))["epoch"] == [1]
    assert main([*args, "--out", str(tmp_path / "run2"), "--strict"]) == 2
    assert "3.png" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "builtin:nope"], "Valid"),
        (["--data", "pix2pix:nope"], "facades"),
        (["--data", "/no/such/folder"], "does not exist"),
        (["--data", "weird:thing"], "prefix"),
    ],
)
def test_training_data_spec_errors(tmp_path, capsys, args, message):
    assert main(["train", "pix2pix", "--out", str(tmp_path / "r"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_empty_folders(tmp_path, generator_file, capsys):
    (tmp_path / "empty").mkdir()
    assert (
        main(
            [
                "translate",
                "--model",
                generator_file,
                str(tmp_path / "empty"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "empty" in capsys.readouterr().err
    (tmp_path / "d" / "train").mkdir(parents=True)
    assert (
        main(["train", "pix2pix", "--data", str(tmp_path / "d"), "--out", str(tmp_path / "r")]) == 2
    )
    assert str(tmp_path / "d") in capsys.readouterr().err


def test_models_with_code_are_refused_by_safe_mode(tmp_path, capsys):
    import keras

    inputs = keras.Input((None, None, 3))
    evil = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    path = str(tmp_path / "lambda.keras")
    evil.save(path)
    img = tmp_path / "x.png"
    Image.fromarray(_rgb()).save(img)
    assert main(["translate", "--model", path, str(img), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Could not load the model" in err and "safe_mode" in err
    assert not (tmp_path / "o").exists()


def test_huge_images_are_refused_with_the_limit_and_how_to_raise_it(
    tmp_path, generator_file, capsys, monkeypatch
):
    from PIL import Image as PILImage

    from tf_imgtrans.data.io import max_image_pixels

    assert max_image_pixels() == 2 * PILImage.MAX_IMAGE_PIXELS  # Pillow's bomb limit by default
    Image.fromarray(_rgb(40, 50)).save(tmp_path / "big.png")  # 2,000 pixels
    args = ["translate", "--model", generator_file, str(tmp_path / "big.png")]
    monkeypatch.setenv("TF_IMGTRANS_MAX_IMAGE_PIXELS", "1000")
    assert main([*args, "--out", str(tmp_path / "o"), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "big.png" in err and "too large" in err and "TF_IMGTRANS_MAX_IMAGE_PIXELS" in err
    assert err.count("\n") == 1
    monkeypatch.setenv("TF_IMGTRANS_MAX_IMAGE_PIXELS", "5000")
    assert main([*args, "--out", str(tmp_path / "o")]) == 0
    assert Image.open(tmp_path / "o" / "big.png").size == (50, 40)
    monkeypatch.setenv("TF_IMGTRANS_MAX_IMAGE_PIXELS", "lots")
    assert main([*args, "--out", str(tmp_path / "p")]) == 2
    assert "positive whole number" in capsys.readouterr().err

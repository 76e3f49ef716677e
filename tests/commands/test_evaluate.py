"""`tf-imgtrans evaluate`: FID/KID (+ PSNR/SSIM with ground truth) of a saved generator."""

import json

import keras
import pytest

from tf_imgtrans.cli import main
from tf_imgtrans.networks import get_generator

DATA = "builtin:facades2night?n_train=2&n_test=6"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    generator = str(folder / "generator_AtoB.keras")
    get_generator("resnet", n_blocks=1, ngf=4).save(generator)
    features = str(folder / "features.keras")
    keras.Sequential(
        [
            keras.Input((None, None, 3)),
            keras.layers.Conv2D(8, 3, strides=2, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
        ]
    ).save(features)
    return generator, features


def test_prints_fid_kid_psnr_ssim_with_ground_truth(tmp_path, files, capsys):
    generator, features = files
    report_file = str(tmp_path / "report.json")
    args = ["evaluate", "--model", generator, "--data", DATA, "--image-size", "32"]
    args += ["--feature-model", features, "--kid-subsets", "5", "--json", report_file]
    assert main(args) == 0
    out = capsys.readouterr().out
    for word in ("FID", "KID", "PSNR", "SSIM", "translated", "untranslated input"):
        assert word in out
    report = json.load(open(report_file))
    assert report["counts"] == {"inputs": 6, "targets": 6}
    assert report["settings"]["ground_truth"] is True
    assert set(report["model"]) == {"fid", "kid", "kid_std", "psnr", "ssim"}
    assert set(report["mean_target"]) == {"psnr", "ssim"}  # the mean trainB image as a baseline
    # The reverse direction, and PSNR/SSIM alone.
    assert main([*args[:-2], "--direction", "BtoA", "--limit", "4"]) == 0
    assert "(4 inputs, 4 target images)" in capsys.readouterr().out
    assert main([*args[:5], "--image-size", "32", "--no-fid"]) == 0
    assert "FID" not in capsys.readouterr().out


def test_unpaired_split_has_no_pixel_scores_and_errors_are_one_line(
    tmp_path, files, capsys, monkeypatch
):
    generator, features = files
    args = ["evaluate", "--model", generator, "--data", DATA, "--image-size", "32"]
    # The train split is unpaired: distances only.
    assert main([*args, "--split", "train", "--feature-model", features, "--kid-subsets", "2"]) == 0
    out = capsys.readouterr().out
    assert "FID" in out and "PSNR" not in out
    assert main([*args, "--split", "train", "--no-fid"]) == 2
    assert "no ground truth" in capsys.readouterr().err
    assert main([*args, "--feature-model", str(tmp_path / "none.keras")]) == 2
    assert "No feature model file" in capsys.readouterr().err

    def offline(*a, **k):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "InceptionV3 ImageNet weights" in err and "--feature-model" in err

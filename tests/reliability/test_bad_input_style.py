"""Bad input at the style-transfer and CycleGAN entry points: `stylize`, `train fast-style`,
`train adain`, `train cyclegan` (the export command's own errors are tested in tests/export)."""

import json

import pytest
from PIL import Image
from test_bad_input import _bad_files, _rgb, unusual_images  # tests/reliability, on sys.path

from tf_imgtrans.cli import main

BAD = ["empty.png", "truncated.png", "truncated.jpg", "text.jpg"]
TINY_STYLE = ["--vgg-weights", "random", "--epochs", "1", "--image-size", "32", "--no-tensorboard"]


def one_line(capsys, *names):
    err = capsys.readouterr().err
    assert err.startswith("tf-imgtrans: error:") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for name in names:
        assert name in err, err
    return err


@pytest.fixture()
def good(tmp_path):
    path = tmp_path / "good.png"
    Image.fromarray(_rgb(40, 48)).save(path)
    return str(path)


@pytest.mark.parametrize("role", ["content", "style"])
@pytest.mark.parametrize("name", BAD)
def test_stylize_names_an_unreadable_content_or_style_image(tmp_path, good, capsys, name, role):
    bad = tmp_path / name
    bad.write_bytes(_bad_files(tmp_path)[name])
    images = [str(bad), good] if role == "content" else [good, str(bad)]
    args = ["stylize", *images, "--out", str(tmp_path / "o.png"), "--vgg-weights", "random"]
    assert main([*args, "--steps", "1", "--size", "32", "--quiet"]) == 2
    one_line(capsys, name)
    assert not (tmp_path / "o.png").exists()


def test_stylize_missing_files_are_named(tmp_path, good, capsys):
    base = ["--out", str(tmp_path / "o.png"), "--vgg-weights", "random", "--quiet"]
    assert main(["stylize", str(tmp_path / "nope.jpg"), good, *base]) == 2
    one_line(capsys, "nope.jpg")
    assert main(["stylize", good, str(tmp_path / "nostyle.jpg"), *base]) == 2
    one_line(capsys, "nostyle.jpg")


def test_stylize_accepts_unusual_modes(tmp_path):
    src = unusual_images(tmp_path / "in")
    tiny = ["--vgg-weights", "random", "--steps", "1", "--quiet"]
    for content, style in [("gray.png", "rgba.png"), ("sixteen.png", "palette.png")]:
        out = tmp_path / f"{content}.png"
        args = ["stylize", str(src / content), str(src / style), "--out", str(out)]
        assert main([*args, *tiny, "--size", "32"]) == 0
        assert Image.open(out).mode == "RGB" and max(Image.open(out).size) == 32
    # EXIF orientation is applied: the picture stored 33 wide, 21 high is shown upright.
    out = tmp_path / "rotated_out.png"
    args = ["stylize", str(src / "rotated.jpg"), str(src / "gray.png"), "--out", str(out)]
    assert main([*args, *tiny, "--size", "33"]) == 0
    assert Image.open(out).size == (21, 33)


def content_folder(root, n=3):
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.fromarray(_rgb(36, 40)).save(root / f"{i}.png")
    (root / "zz_broken.jpg").write_bytes(b"this is not an image\n")
    return str(root)


def test_train_fast_style_skips_bad_content_images_unless_strict(tmp_path, good, capsys):
    data = content_folder(tmp_path / "content")
    args = ["train", "fast-style", "--style", good, "--data", data, *TINY_STYLE]
    args += ["--batch-size", "2"]
    with pytest.warns(UserWarning, match=r"Skipped 1 of 4"):
        assert main([*args, "--out", str(tmp_path / "run")]) == 0
    assert json.load(open(tmp_path / "run" / "history.json"))["epoch"] == [1]
    assert main([*args, "--out", str(tmp_path / "run2"), "--strict"]) == 2
    one_line(capsys, "zz_broken.jpg")
    bad_style = tmp_path / "style.png"
    bad_style.write_bytes(b"")
    style_args = ["--style", str(bad_style), "--data", data, "--out", str(tmp_path / "run3")]
    with pytest.warns(UserWarning, match=r"Skipped 1 of 4"):  # the content folder, again
        assert main(["train", "fast-style", *style_args, *TINY_STYLE]) == 2
    one_line(capsys, "style.png")


def test_train_adain_stops_on_bad_images_with_strict(tmp_path, capsys):
    content = content_folder(tmp_path / "content")
    style = content_folder(tmp_path / "style")
    args = ["train", "adain", "--content", content, "--style", style, *TINY_STYLE]
    assert main([*args, "--out", str(tmp_path / "run"), "--strict"]) == 2
    one_line(capsys, "zz_broken.jpg")
    (tmp_path / "empty").mkdir()
    args = ["train", "adain", "--content", content, "--style", str(tmp_path / "empty")]
    assert main([*args, *TINY_STYLE, "--out", str(tmp_path / "run2")]) == 2
    one_line(capsys, "empty")


def test_train_cyclegan_skips_bad_images_unless_strict(tmp_path, capsys):
    for domain in ("trainA", "trainB"):
        content_folder(tmp_path / "data" / domain)
    args = ["train", "cyclegan", "--data", str(tmp_path / "data"), "--epochs", "1"]
    args += ["--image-size", "32", "--ngf", "4", "--ndf", "4", "--n-blocks", "1", "--n-layers", "1"]
    args += ["--no-tensorboard"]
    with pytest.warns(UserWarning, match=r"Skipped 1 of 4"):
        assert main([*args, "--out", str(tmp_path / "run")]) == 0
    assert json.load(open(tmp_path / "run" / "history.json"))["epoch"] == [1]
    assert main([*args, "--out", str(tmp_path / "run2"), "--strict"]) == 2
    one_line(capsys, "zz_broken.jpg")
    assert main([*args, "--out", str(tmp_path / "run3"), "--data", "builtin:nope"]) == 2
    one_line(capsys, "Valid")

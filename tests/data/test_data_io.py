"""Decoding, listing, validating, normalising and saving images (tf_imgtrans.data.io)."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tf_imgtrans.data import (
    ImageDecodeError,
    list_images,
    load_image,
    probe_size,
    save_image,
    to_float,
    to_uint8,
    validate_images,
)


def _stored_mode(path: str) -> str:
    with Image.open(path) as img:
        return img.mode


def _pattern(h=6, w=8):
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (255, 0, 0)
    img[:, w // 2 :] = (0, 0, 255)
    img[0, 0] = (0, 255, 0)
    return img


# === Decoding: formats and modes ===


@pytest.mark.parametrize("ext", [".png", ".bmp", ".gif", ".PNG"])
def test_load_lossless_formats_exact(tmp_path, ext):
    path = str(tmp_path / f"img{ext}")
    Image.fromarray(_pattern()).save(path)
    out = load_image(path)
    assert out.dtype == np.uint8 and out.shape == (6, 8, 3)
    np.testing.assert_array_equal(out, _pattern())


def test_load_jpeg_close(tmp_path):
    img = np.full((16, 16, 3), (200, 100, 50), np.uint8)
    path = str(tmp_path / "img.jpg")
    Image.fromarray(img).save(path, quality=95)
    out = load_image(path)
    assert out.shape == (16, 16, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - img).max() <= 3


def test_load_animated_gif_gives_first_frame(tmp_path):
    path = str(tmp_path / "anim.gif")
    frames = [Image.new("RGB", (4, 4), c) for c in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with Image.open(path) as img:
        assert img.n_frames == 2
    np.testing.assert_array_equal(load_image(path)[0, 0], (255, 0, 0))


def test_load_grayscale_to_rgb(tmp_path):
    path = str(tmp_path / "gray.png")
    Image.fromarray(np.full((3, 5), 77, np.uint8), mode="L").save(path)
    out = load_image(path)
    assert out.shape == (3, 5, 3)
    assert (out == 77).all()


def test_load_palette_png(tmp_path):
    path = str(tmp_path / "pal.png")
    img = Image.new("P", (2, 1))
    img.putpalette([10, 20, 30, 200, 150, 100] + [0] * 762)
    img.putpixel((0, 0), 0)
    img.putpixel((1, 0), 1)
    img.save(path)
    assert _stored_mode(path) == "P"
    np.testing.assert_array_equal(load_image(path)[0], [[10, 20, 30], [200, 150, 100]])


def test_load_palette_transparency_composited_on_white(tmp_path):
    path = str(tmp_path / "pal_t.png")
    img = Image.new("P", (2, 1))
    img.putpalette([10, 20, 30, 200, 150, 100] + [0] * 762)
    img.putpixel((1, 0), 1)
    img.save(path, transparency=1)  # index 1 fully transparent
    np.testing.assert_array_equal(load_image(path)[0], [[10, 20, 30], [255, 255, 255]])


def test_load_rgba_composited_on_white(tmp_path):
    rgba = np.array([[[200, 0, 100, 128], [10, 20, 30, 0], [10, 20, 30, 255]]], np.uint8)
    path = str(tmp_path / "rgba.png")
    Image.fromarray(rgba, mode="RGBA").save(path)
    out = load_image(path)
    # Hand computation: c * a/255 + 255 * (1 - a/255), a = 128:
    # 200 -> 100.39 + 127 = 227.39; 0 -> 127; 100 -> 50.20 + 127 = 177.20.
    np.testing.assert_array_equal(out[0, 0], [227, 127, 177])
    np.testing.assert_array_equal(out[0, 1], [255, 255, 255])
    np.testing.assert_array_equal(out[0, 2], [10, 20, 30])


def test_load_la_composited_on_white(tmp_path):
    path = str(tmp_path / "la.png")
    Image.fromarray(np.array([[[100, 128]]], np.uint8), mode="LA").save(path)
    np.testing.assert_array_equal(load_image(path)[0, 0], [177, 177, 177])  # 50.2 + 127


def test_load_16bit_scaled_not_clipped(tmp_path):
    values = np.array([[65535, 32896, 0, 25800, 300]], np.uint16)
    path = str(tmp_path / "g16.png")
    Image.fromarray(values).save(path)
    assert _stored_mode(path).startswith("I")
    out = load_image(path)
    # v / 257 rounded: 255, 128, 0, 100.39 -> 100, 1.17 -> 1 (clipping would give 255 for all > 255)
    np.testing.assert_array_equal(out[0, :, 0], [255, 128, 0, 100, 1])
    assert (out[..., 0] == out[..., 2]).all()


def test_load_cmyk_jpeg(tmp_path):
    path = str(tmp_path / "cmyk.jpg")
    Image.new("CMYK", (8, 8), (255, 0, 0, 0)).save(path, quality=95)  # pure cyan
    assert _stored_mode(path) == "CMYK"
    out = load_image(path)
    assert out.shape == (8, 8, 3)
    assert out[4, 4, 0] < 10 and out[4, 4, 1] > 245 and out[4, 4, 2] > 245


def test_load_applies_exif_orientation(tmp_path):
    path = str(tmp_path / "rotated.jpg")
    stored = np.zeros((4, 8, 3), np.uint8)  # 4 tall, 8 wide: left red, right blue
    stored[:, :4] = (255, 0, 0)
    stored[:, 4:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    out = load_image(path)
    assert out.shape == (8, 4, 3)  # dims swapped
    assert out[0, 2, 0] > 200 and out[0, 2, 2] < 60  # the stored left (red) is now on top
    assert out[7, 2, 2] > 200 and out[7, 2, 0] < 60
    assert probe_size(path) == (4, 8)


# === Decoding: errors ===


def _truncated(tmp_path, ext):
    path = str(tmp_path / f"trunc{ext}")
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    return path


def _zero_byte(tmp_path):
    path = str(tmp_path / "empty.png")
    open(path, "wb").close()
    return path


def _text_as_jpg(tmp_path):
    path = str(tmp_path / "notes.jpg")
    with open(path, "w") as f:
        f.write("this is not an image\n" * 20)
    return path


@pytest.mark.parametrize(
    "make, words",
    [
        (_zero_byte, "empty"),
        (lambda p: _truncated(p, ".png"), "decode"),
        (lambda p: _truncated(p, ".jpg"), "decode"),
        (_text_as_jpg, "not an image"),
    ],
    ids=["zero-byte", "truncated-png", "truncated-jpeg", "text-as-jpg"],
)
def test_bad_files_raise_decode_error_naming_path(tmp_path, make, words):
    path = make(tmp_path)
    with pytest.raises(ImageDecodeError) as info:
        load_image(path)
    assert path in str(info.value)
    assert words in str(info.value)
    assert info.value.path == path
    assert isinstance(info.value, ValueError)


def test_missing_path_raises_file_not_found(tmp_path):
    path = str(tmp_path / "nope.png")
    with pytest.raises(FileNotFoundError, match="nope.png"):
        load_image(path)


def test_directory_path_raises(tmp_path):
    with pytest.raises(IsADirectoryError, match=str(tmp_path)):
        load_image(str(tmp_path))


# === Listing ===


def test_list_images_filters_and_sorts_naturally(tmp_path):
    for name in ["10.jpg", "2.PNG", "1.jpeg", "b.Bmp", "a.gif", "notes.txt", ".hidden.png"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "._1.jpg").write_bytes(b"x")  # macOS resource fork, not an image
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "3.png").write_bytes(b"x")
    names = [os.path.basename(p) for p in list_images(str(tmp_path))]
    assert names == ["1.jpeg", "2.PNG", "10.jpg", "a.gif", "b.Bmp"]
    deep = [os.path.relpath(p, tmp_path) for p in list_images(str(tmp_path), recursive=True)]
    assert os.path.join("sub", "3.png") in deep and len(deep) == 6


def test_list_images_empty_folder(tmp_path):
    (tmp_path / "readme.txt").write_text("no images")
    with pytest.raises(ValueError, match="No image files") as info:
        list_images(str(tmp_path))
    assert str(tmp_path) in str(info.value) and ".png" in str(info.value)


def test_list_images_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        list_images(str(tmp_path / "missing"))


# === Validation ===


def test_validate_images_strict_and_lenient(tmp_path):
    good = []
    for i in range(2):
        good.append(str(tmp_path / f"ok{i}.png"))
        Image.new("RGB", (4, 4)).save(good[-1])
    bad = [_zero_byte(tmp_path), _text_as_jpg(tmp_path)]
    paths = [good[0], bad[0], good[1], bad[1]]
    with pytest.raises(ImageDecodeError) as info:
        validate_images(paths, strict=True)
    assert info.value.path == bad[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = validate_images(paths, strict=False)
    assert kept == good
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "Skipped 2 of 4" in message and bad[0] in message and bad[1] in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate_images(good, strict=False) == good  # no warning when all are fine


# === Normalisation and saving ===


def test_to_float_to_uint8_round_trip_numpy_and_tf():
    x = np.arange(256, dtype=np.uint8)
    f = to_float(x)
    assert isinstance(f, np.ndarray) and f.dtype == np.float32
    assert f[0] == -1.0 and f[255] == 1.0 and abs(f[128] - (128 / 127.5 - 1)) < 1e-7
    np.testing.assert_array_equal(to_uint8(f), x)
    t = to_float(tf.constant(x))
    assert isinstance(t, tf.Tensor) and t.dtype == tf.float32
    np.testing.assert_allclose(t.numpy(), f)
    back = to_uint8(t)
    assert isinstance(back, tf.Tensor) and back.dtype == tf.uint8
    np.testing.assert_array_equal(back.numpy(), x)


def test_to_uint8_rounds_and_clips():
    x = np.array([-3.0, 100.4 / 127.5 - 1, 100.6 / 127.5 - 1, 2.0], np.float32)
    np.testing.assert_array_equal(to_uint8(x), [0, 100, 101, 255])
    np.testing.assert_array_equal(to_uint8(tf.constant(x)).numpy(), [0, 100, 101, 255])


def test_save_image_float_and_uint8(tmp_path):
    img = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    path = str(tmp_path / "new" / "dir" / "x.png")
    save_image(path, to_float(img))
    np.testing.assert_array_equal(load_image(path), img)
    save_image(str(tmp_path / "y.png"), tf.constant(img))
    np.testing.assert_array_equal(load_image(str(tmp_path / "y.png")), img)
    save_image(str(tmp_path / "g.jpg"), np.full((8, 8, 1), 0.0, np.float32))
    assert np.abs(load_image(str(tmp_path / "g.jpg")).astype(int) - 128).max() <= 2
    with pytest.raises(ValueError, match="extension"):
        save_image(str(tmp_path / "x.tiff"), img)
    with pytest.raises(ValueError, match="shape"):
        save_image(str(tmp_path / "x.png"), np.zeros((4, 4, 2), np.uint8))

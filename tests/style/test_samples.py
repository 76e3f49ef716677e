"""Sample photos and random crops for style-transfer examples (tf_imgtrans.style.samples)."""

import os

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.style.samples import find_vgg_weights, sample_photos, write_random_crops


def test_sample_photos_are_real_rgb_photos():
    photos = sample_photos()
    assert photos and all(p.dtype == np.uint8 and p.ndim == 3 and p.shape[2] == 3 for p in photos)
    assert photos[0].shape[:2] == (600, 512)  # matplotlib's Grace Hopper
    assert photos[0].std() > 30  # a photo, not a flat image


def test_random_crops_are_square_parts_of_the_images(tmp_path):
    image = np.arange(60 * 90 * 3, dtype=np.uint32).reshape(60, 90, 3).astype(np.uint8)
    folder = write_random_crops([image], str(tmp_path / "crops"), 5, seed=1)
    names = sorted(os.listdir(folder))
    assert names == [f"{i:04d}.png" for i in range(5)]
    for name in names:
        w, h = Image.open(os.path.join(folder, name)).size
        assert w == h and 20 <= w <= 60
    again = write_random_crops([image], str(tmp_path / "again"), 5, seed=1)
    a = np.asarray(Image.open(os.path.join(folder, "0003.png")))
    assert np.array_equal(a, np.asarray(Image.open(os.path.join(again, "0003.png"))))
    with pytest.raises(ValueError, match="n >= 1"):
        write_random_crops([image], str(tmp_path / "none"), 0)


def test_find_vgg_weights_takes_the_first_existing_file(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_IMGTRANS_VGG_WEIGHTS", raising=False)
    present = tmp_path / "w.npz"
    present.write_bytes(b"x")
    assert find_vgg_weights([None, str(tmp_path / "no.npz"), str(present)], "random") == str(
        present
    )
    assert find_vgg_weights([str(tmp_path / "no.npz")], "imagenet") == "imagenet"
    monkeypatch.setenv("TF_IMGTRANS_VGG_WEIGHTS", str(present))
    assert find_vgg_weights([None], "random") == str(present)

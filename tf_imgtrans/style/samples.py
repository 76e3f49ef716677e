"""Real photos that ship with matplotlib and scikit-image, and random crops of them: content
images for style-transfer examples and tests on a machine with no dataset."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from tf_imgtrans.data import load_image, save_image
from tf_imgtrans.networks.vgg import WEIGHTS_ENV

SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field")


def sample_photos() -> list[np.ndarray]:
    """Grace Hopper (matplotlib), and scikit-image's bundled colour photos where it is installed.

    Returns:
        list of uint8 (H, W, 3) arrays; at least one.
    """
    import matplotlib.cbook

    path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    photos = [load_image(path)]
    try:
        import skimage.data
    except ImportError:
        return photos
    for name in SKIMAGE_PHOTOS:
        try:
            photos.append(getattr(skimage.data, name)())
        except Exception:  # not bundled with this scikit-image version (it would download)
            pass
    return photos


def write_random_crops(images: Sequence[np.ndarray], folder: str, n: int, seed: int = 0) -> str:
    """Writes `n` random square crops (a third to all of the short side) of `images`, taken in
    turn, as `folder/0000.png` …; returns `folder`."""
    if not images or n < 1:
        raise ValueError(f"Need images and n >= 1. Received: {len(images)} images, n={n}")
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        image = images[i % len(images)]
        h, w = image.shape[:2]
        side = int(rng.integers(min(h, w) // 3, min(h, w) + 1))
        y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        save_image(os.path.join(folder, f"{i:04d}.png"), image[y : y + side, x : x + side])
    return folder


def find_vgg_weights(candidates: Sequence[str | None], fallback: str) -> str:
    """The first existing file of `candidates`, then of `$TF_IMGTRANS_VGG_WEIGHTS`; else
    `fallback` ("imagenet" to ask keras.applications, or "random")."""
    for path in (*candidates, os.environ.get(WEIGHTS_ENV)):
        if path and os.path.isfile(path):
            return path
    return fallback

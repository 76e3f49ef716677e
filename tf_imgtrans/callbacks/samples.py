"""Sample grids: what the generator makes of fixed images, as a PNG per epoch."""

from __future__ import annotations

import os

import keras
import numpy as np
from PIL import Image, ImageDraw

from tf_imgtrans.data.io import to_uint8


def make_grid(titles: list[str], columns: list, pad: int = 2, header: int = 14) -> np.ndarray:
    """One row per example, one column per entry of `columns` (each (N, H, W, 3) in [-1, 1]),
    with the titles written above. Images in a row are resized to the first column's size."""
    cols = [to_uint8(np.asarray(keras.ops.convert_to_numpy(c))) for c in columns]
    n, h, w = cols[0].shape[:3]
    grid = np.full((header + n * (h + pad) + pad, len(cols) * (w + pad) + pad, 3), 255, np.uint8)
    for j, col in enumerate(cols):
        for i in range(n):
            img = col[i]
            if img.shape[:2] != (h, w):
                img = np.asarray(Image.fromarray(img).resize((w, h), Image.BILINEAR))
            y0, x0 = header + pad + i * (h + pad), pad + j * (w + pad)
            grid[y0 : y0 + h, x0 : x0 + w] = img
    picture = Image.fromarray(grid)
    draw = ImageDraw.Draw(picture)
    for j, title in enumerate(titles if header else []):
        draw.text((pad + j * (w + pad) + 2, 1), title, fill=(0, 0, 0))
    return np.asarray(picture)


class SampleGrid(keras.callbacks.Callback):
    """After every `every` epochs, writes `out_dir/epoch_{NNNN}.png` with the trainer's visuals for
    a fixed batch (Pix2Pix: input | output | target, one row per example).

    Args:
        batch: tuple of arrays. A fixed batch from the validation data, e.g. `(inputs, targets)`.
        out_dir: str. Folder for the PNGs.
        every: int. Epoch interval.
    """

    def __init__(self, batch, out_dir: str, every: int = 1):
        super().__init__()
        self.batch = batch
        self.out_dir = out_dir
        self.every = every
        self.last_path: str | None = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        titles, columns = self.model.visuals(self.batch)
        os.makedirs(self.out_dir, exist_ok=True)
        path = os.path.join(self.out_dir, f"epoch_{epoch + 1:04d}.png")
        Image.fromarray(make_grid(titles, columns)).save(path)
        self.last_path = path

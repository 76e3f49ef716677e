"""Translating image files and folders with a saved generator."""

from __future__ import annotations

import os
import warnings

import keras
from tqdm import tqdm

from tf_imgtrans.data import ImageDecodeError, list_images, load_image, save_image
from tf_imgtrans.inference import DEFAULT_MAX_PIXELS, translate, translate_samples
from tf_imgtrans.messages import InputWarning
from tf_imgtrans.saving import load_keras_file


def load_generator(path: str) -> keras.Model:
    """Loads a generator saved as `.keras` (safe mode: no code from the file is run) and checks
    that it maps 3-channel images to 3-channel images."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"No model file at {path}. Pass a generator saved as .keras.")
    if not path.endswith(".keras"):
        raise ValueError(f"Expected a Keras model file ending in .keras. Received: model={path}")
    model = load_keras_file(path, "model")
    in_shape, out_shape = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
    if (
        len(model.inputs) != 1
        or len(in_shape) != 4
        or in_shape[-1] != 3
        or out_shape[-1] != 3
        or len(out_shape) != 4
    ):
        raise ValueError(
            f"{path} is not an image generator: it maps {in_shape} to {out_shape}, expected "
            "(batch, H, W, 3) to (batch, H, W, 3). A discriminator or trainer cannot translate."
        )
    return model


def collect_inputs(inputs: list[str]) -> list[tuple[str, str]]:
    """(file, name relative to its input folder) for every image in `inputs` (files or folders,
    searched recursively)."""
    found = []
    for item in inputs:
        if os.path.isdir(item):
            for path in list_images(item, recursive=True):
                found.append((path, os.path.relpath(path, item)))
        elif os.path.isfile(item):
            found.append((item, os.path.basename(item)))
        else:
            raise FileNotFoundError(f"No such file or folder: {item}")
    return found


def output_stems(names: list[str]) -> list[str]:
    """The output name (without `.png`) of each input name (relative path): its stem, or, where
    several inputs share a stem (`photo.jpg` and `photo.png`), the stem and extension
    (`photo_jpg`, `photo_png`), so that no input overwrites or hides another.

    Example:
    >>> output_stems(["a.jpg", "b.jpg", "b.png", "sub/c.gif"])
    ['a', 'b_jpg', 'b_png', 'sub/c']
    """
    stems = [os.path.splitext(n)[0] for n in names]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
    return [
        stem if counts[stem] == 1 else f"{stem}_{os.path.splitext(name)[1].lstrip('.')}"
        for stem, name in zip(stems, names)
    ]


def translate_paths(
    model: str | keras.Model,
    inputs: list[str],
    out: str,
    size: int | None = None,
    overwrite: bool = False,
    tile: int | None = None,
    overlap: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    samples: int = 1,
    strict: bool = False,
) -> tuple[list[str], int, dict[str, float]]:
    """Translates every image in `inputs` into `out` as PNG, keeping file stems and sub-folders,
    with a progress bar (inputs sharing a stem keep their extension: `photo_jpg.png`,
    `photo_png.png`). Outputs that already exist are skipped unless `overwrite`.

    With `samples` > 1, dropout stays active and each input gets `samples` outputs
    (`NAME_sample0.png`, …); the spread between them is reported per input.

    Args:
        model: a generator or the path of its `.keras` file.
        inputs: image files and/or folders (searched recursively).
        out: output folder.
        size, tile, overlap, max_pixels: as `tf_imgtrans.translate`.
        samples: int. Outputs per input.
        strict: bool. Stop at the first unreadable image; by default such files are skipped,
            counted and named in one warning (and an error is raised when none could be read).

    Returns:
        (written paths, number of inputs skipped, {input path: spread} when samples > 1).
    """
    if samples < 1:
        raise ValueError(f"`samples` must be >= 1. Received: samples={samples}")
    generator = load_generator(model) if isinstance(model, str) else model
    jobs = collect_inputs(inputs)
    written, skipped, spreads, bad = [], 0, {}, []
    options = {"size": size, "tile": tile, "overlap": overlap, "max_pixels": max_pixels}
    stems = output_stems([rel for _, rel in jobs])
    for (path, _), stem in tqdm(
        list(zip(jobs, stems)), desc="translate", unit="img", disable=len(jobs) < 2
    ):
        stem = os.path.join(out, stem)
        targets = (
            [stem + ".png"] if samples == 1 else [f"{stem}_sample{k}.png" for k in range(samples)]
        )
        if all(os.path.exists(t) for t in targets) and not overwrite:
            skipped += 1
            continue
        try:
            image = load_image(path)
        except ImageDecodeError as e:
            if strict:
                raise
            bad.append(str(e))
            continue
        if samples == 1:
            results = [translate(generator, image, **options)]
        else:
            results, spreads[path] = translate_samples(generator, image, samples, **options)
        for target, result in zip(targets, results):
            save_image(target, result)
            written.append(target)
    if bad and not written and not skipped:
        raise ValueError(f"No input image could be read. {bad[0]}")
    if bad:
        warnings.warn(
            f"Skipped {len(bad)} unreadable image(s) of {len(jobs)}: {'; '.join(bad[:3])}",
            InputWarning,
            stacklevel=2,
        )
    return written, skipped, spreads

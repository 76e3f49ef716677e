"""Built-in synthetic unpaired datasets: offline, seeded, with ground truth for the test split.

``make_synthetic_unpaired("facades2night")`` writes the CycleGAN layout (``trainA/``,
``trainB/``, ``testA/``, ``testB/`` of PNG files) once under the cache (``$TF_IMGTRANS_HOME`` or
``~/.cache/tf_imgtrans``) and returns its folder; later calls with the same arguments reuse it.

The two domains are two pictures of the same kind of hidden scene. The training sets are
unpaired: ``trainA`` and ``trainB`` show different scenes (and may hold different numbers of
images). The test set is paired: ``testA/0001.png`` and ``testB/0001.png`` show the same scene,
so a translation can be scored against the truth.

Example:

>>> root = make_synthetic_unpaired(size=64, n_train=8, n_test=2)  # doctest: +SKIP
>>> ds = load_unpaired_dataset(root, "train", image_size=64)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import numpy as np
from PIL import Image

from tf_imgtrans.checks import check_positive_int
from tf_imgtrans.data.synthetic import build_once
from tf_imgtrans.data.synthetic_night import facade_day_night

SceneFn = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]

BUILTIN_UNPAIRED: dict[str, SceneFn] = {
    "facades2night": facade_day_night,
}
"""Name -> function ``(rng, size) -> (picture in A, picture in B)`` of one random scene."""

DOMAIN_NAMES: dict[str, tuple[str, str]] = {"facades2night": ("day", "night")}

_VERSION = 1  # bump when the rendering changes, so old caches are not reused
_MIN_SIZE = 32
# Independent random streams: the scenes of trainA, trainB and test never coincide.
_STREAMS = {"trainA": 10, "trainB": 11, "test": 12}


def _write(folder: str, images: Iterable[np.ndarray], count: int) -> None:
    os.makedirs(folder, exist_ok=True)
    width = max(4, len(str(count)))
    for i, image in enumerate(images):
        path = os.path.join(folder, f"{i + 1:0{width}d}.png")
        Image.fromarray(image).save(path, compress_level=1)


def _scene(scene_fn: SceneFn, seed: int, stream: str, i: int, size: int):
    # One generator per scene: scene i does not depend on the counts or other scenes.
    return scene_fn(np.random.default_rng([seed, _STREAMS[stream], i]), size)


def make_synthetic_unpaired(
    name: str = "facades2night",
    root: str | None = None,
    size: int = 256,
    n_train: int = 400,
    n_train_b: int | None = None,
    n_test: int = 50,
    seed: int = 0,
) -> str:
    """Generates a built-in unpaired dataset once (atomically) and returns its folder.

    Args:
        name: str. A key of `BUILTIN_UNPAIRED` (``"facades2night"``: A = facades by day,
            B = facades by night).
        root: str or None. Folder to write into; default
            ``<cache>/builtin/<name>-<size>-<n_train>-<n_train_b>-<n_test>-s<seed>-v<version>``.
        size: int. Side of the square images.
        n_train: int. Images in ``trainA/`` (at least 1).
        n_train_b: int or None. Images in ``trainB/``; default `n_train`.
        n_test: int. Scenes in the paired ``testA/`` and ``testB/`` (0 leaves them out).
        seed: int. Same seed and arguments give byte-identical files.

    Returns:
        The dataset folder, holding ``trainA/``, ``trainB/``, ``testA/``, ``testB/`` and
        ``info.json``.

    Raises:
        ValueError: unknown name (the valid names are listed), bad sizes or counts, or a
            `root` that already holds something else.
    """
    if name not in BUILTIN_UNPAIRED:
        raise ValueError(
            f"Unknown built-in unpaired dataset {name!r}. Valid names: {sorted(BUILTIN_UNPAIRED)}."
        )
    n_train_b = n_train if n_train_b is None else n_train_b
    check_positive_int("size", size, minimum=_MIN_SIZE)
    check_positive_int("n_train", n_train)
    check_positive_int("n_train_b", n_train_b)
    check_positive_int("n_test", n_test, minimum=0)
    check_positive_int("seed", seed, minimum=0)
    domain_a, domain_b = DOMAIN_NAMES[name]
    info = {
        "name": name,
        "size": size,
        "n_train": n_train,
        "n_train_b": n_train_b,
        "n_test": n_test,
        "seed": seed,
        "version": _VERSION,
        "domains": {"A": domain_a, "B": domain_b},
        "paired_splits": ["test"] if n_test else [],
    }
    tag = f"{name}-{size}-{n_train}-{n_train_b}-{n_test}-s{seed}-v{_VERSION}"
    scene_fn = BUILTIN_UNPAIRED[name]

    def write(tmp: str) -> None:
        # Each training domain takes its own scenes; only the picture in its domain is kept.
        _write(
            os.path.join(tmp, "trainA"),
            (_scene(scene_fn, seed, "trainA", i, size)[0] for i in range(n_train)),
            n_train,
        )
        _write(
            os.path.join(tmp, "trainB"),
            (_scene(scene_fn, seed, "trainB", i, size)[1] for i in range(n_train_b)),
            n_train_b,
        )
        if n_test:
            pairs = [_scene(scene_fn, seed, "test", i, size) for i in range(n_test)]
            _write(os.path.join(tmp, "testA"), (a for a, _ in pairs), n_test)
            _write(os.path.join(tmp, "testB"), (b for _, b in pairs), n_test)

    return build_once(root, tag, info, write)

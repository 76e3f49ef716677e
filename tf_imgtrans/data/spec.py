"""Turns a dataset string (as typed on a command line) into a dataset folder.

Accepted forms:

- ``builtin:NAME`` -- a built-in synthetic set (`BUILTIN_PAIRED`), generated once at the
  requested image size; options may follow a ``?``: ``builtin:facades?n_train=40&seed=1``
  (keys: ``n_train``, ``n_val``, ``n_test``, ``seed``, ``size``).
- ``pix2pix:NAME`` -- a published pix2pix archive (`PIX2PIX_DATASETS`), downloaded once.
- a path to an existing folder.

`resolve_unpaired_spec` does the same for unpaired (CycleGAN) data: ``builtin:NAME`` from
`BUILTIN_UNPAIRED` (keys: ``n_train``, ``n_train_b``, ``n_test``, ``seed``, ``size``),
``cyclegan:NAME`` (a published CycleGAN archive, `CYCLEGAN_DATASETS`), ``tfds:NAME``
(TensorFlow Datasets, e.g. ``tfds:cycle_gan/horse2zebra``) or a folder with ``trainA/``,
``trainB/`` (and ``testA/``, ``testB/``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from tf_imgtrans.data.archives import (
    CYCLEGAN_DATASETS,
    PIX2PIX_DATASETS,
    download_cyclegan,
    download_pix2pix,
)
from tf_imgtrans.data.synthetic import BUILTIN_PAIRED, make_synthetic_paired
from tf_imgtrans.data.synthetic_unpaired import BUILTIN_UNPAIRED, make_synthetic_unpaired

PREFIXES = ("builtin", "pix2pix")
_BUILTIN_OPTIONS = ("n_train", "n_val", "n_test", "seed", "size")


def _forms() -> str:
    return (
        f"'builtin:NAME' with NAME in {sorted(BUILTIN_PAIRED)} (options: "
        f"'builtin:facades?n_train=40&seed=1'), 'pix2pix:NAME' with NAME in "
        f"{sorted(PIX2PIX_DATASETS)}, or the path of an existing dataset folder"
    )


def _parse_options(
    spec: str, query: str, keys: tuple[str, ...] = _BUILTIN_OPTIONS
) -> dict[str, int]:
    options: dict[str, int] = {}
    for item in filter(None, query.split("&")):
        key, sep, value = item.partition("=")
        if not sep or key not in keys or not value.strip().isdigit():
            raise ValueError(
                f"Bad option {item!r} in dataset spec {spec!r}: expected KEY=INT with KEY in "
                f"{list(keys)}. Received: spec={spec!r}"
            )
        options[key] = int(value)
    return options


def resolve_paired_spec(spec: str, image_size: int = 256) -> str:
    """Resolves a paired-dataset string to a folder, generating or downloading it if needed.

    Args:
        spec: str. ``builtin:NAME[?key=value&...]``, ``pix2pix:NAME`` or a folder path.
        image_size: int. Size the built-in set is generated at (a ``size=`` option wins).

    Returns:
        The dataset root folder (absolute for built-in and downloaded sets).

    Raises:
        ValueError: unknown prefix, unknown name (valid names listed) or a bad option.
        FileNotFoundError: a path that does not exist (the accepted forms are listed).
        DownloadError: a ``pix2pix:`` archive could not be fetched.

    Example:

    >>> resolve_paired_spec("builtin:facades?n_train=8&n_val=2", 64)  # doctest: +SKIP
    '/root/.cache/tf_imgtrans/builtin/facades-64-8-2-50-s0-v2'
    """
    return _resolve(
        spec,
        image_size,
        forms=_forms,
        prefixes=PREFIXES,
        make_builtin=make_synthetic_paired,
        option_keys=_BUILTIN_OPTIONS,
        handlers={"pix2pix": lambda spec, rest: download_pix2pix(rest)},
    )


def _resolve(
    spec: str,
    image_size: int,
    forms: Callable[[], str],
    prefixes: tuple[str, ...],
    make_builtin: Callable[..., str],
    option_keys: tuple[str, ...],
    handlers: dict[str, Callable[[str, str], str]],
    check_folder: Callable[[str], None] | None = None,
) -> str:
    """The resolution shared by paired and unpaired specs: ``builtin:``, the prefixes of
    `handlers` (called with the spec and what follows the prefix), then a folder path."""
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"Dataset spec must be a non-empty string: {forms()}. Received: {spec!r}")
    prefix, sep, rest = spec.partition(":")
    if sep and prefix == "builtin":
        name, _, query = rest.partition("?")
        options = {"size": image_size, **_parse_options(spec, query, option_keys)}
        return make_builtin(name, **options)
    if sep and prefix in handlers:
        return handlers[prefix](spec, rest)
    path = os.path.expanduser(spec)
    if os.path.isdir(path):
        if check_folder is not None:
            check_folder(path)
        return path
    if os.path.exists(path):
        raise NotADirectoryError(f"Dataset path must be a folder, got a file: {path}. {forms()}.")
    # "c:" (a Windows drive) is a path, "foo:bar" a misspelt prefix.
    if sep and len(prefix) > 1 and os.sep not in prefix and "/" not in prefix:
        raise ValueError(
            f"Unknown dataset prefix {prefix!r} in {spec!r}; valid prefixes are "
            f"{[p + ':' for p in prefixes]}. Accepted forms: {forms()}."
        )
    raise FileNotFoundError(f"Dataset folder does not exist: {path}. Accepted forms: {forms()}.")


UNPAIRED_PREFIXES = ("builtin", "cyclegan", "tfds")
_UNPAIRED_OPTIONS = ("n_train", "n_train_b", "n_test", "seed", "size")


def _unpaired_forms() -> str:
    return (
        f"'builtin:NAME' with NAME in {sorted(BUILTIN_UNPAIRED)} (options: "
        f"'builtin:facades2night?n_train=40&n_test=10&seed=1'), 'cyclegan:NAME' with NAME in "
        f"{sorted(CYCLEGAN_DATASETS)}, 'tfds:cycle_gan/NAME' (TensorFlow Datasets), or the path "
        "of a folder holding trainA/ and trainB/ (and testA/, testB/)"
    )


def resolve_unpaired_spec(spec: str, image_size: int = 256) -> str:
    """Resolves an unpaired-dataset string to a dataset root for `load_unpaired_dataset`,
    generating or downloading the data if needed.

    Args:
        spec: str. ``builtin:NAME[?key=value&...]``, ``cyclegan:NAME``, ``tfds:NAME`` or a folder.
        image_size: int. Size the built-in set is generated at (a ``size=`` option wins).

    Returns:
        The dataset root folder (absolute for built-in and downloaded sets), or the spec itself
        for ``tfds:`` (tfds prepares the data when it is first loaded).

    Raises:
        ValueError: unknown prefix, unknown name (valid names listed) or a bad option, or a
            folder without the CycleGAN layout.
        FileNotFoundError: a path that does not exist (the accepted forms are listed).
        DownloadError: a ``cyclegan:`` archive could not be fetched.

    Example:

    >>> resolve_unpaired_spec("builtin:facades2night?n_train=8&n_test=2", 64)  # doctest: +SKIP
    '/root/.cache/tf_imgtrans/builtin/facades2night-64-8-8-2-s0-v1'
    """
    from tf_imgtrans.data.tfds import check_tfds_name
    from tf_imgtrans.data.unpaired import unpaired_splits

    def tfds_spec(spec: str, rest: str) -> str:
        check_tfds_name(rest)
        return spec

    def check_folder(path: str) -> None:
        if not unpaired_splits(path):
            raise ValueError(
                f"{path} is not an unpaired dataset: it holds no <split>A/ and <split>B/ "
                f"folders (e.g. trainA/ and trainB/). Accepted forms: {_unpaired_forms()}."
            )

    return _resolve(
        spec,
        image_size,
        forms=_unpaired_forms,
        prefixes=UNPAIRED_PREFIXES,
        make_builtin=make_synthetic_unpaired,
        option_keys=_UNPAIRED_OPTIONS,
        handlers={"cyclegan": lambda spec, rest: download_cyclegan(rest), "tfds": tfds_spec},
        check_folder=check_folder,
    )

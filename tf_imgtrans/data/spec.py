"""Turns a dataset string (as typed on a command line) into a dataset folder.

Accepted forms:

- ``builtin:NAME`` -- a built-in synthetic set (`BUILTIN_PAIRED`), generated once at the
  requested image size; options may follow a ``?``: ``builtin:facades?n_train=40&seed=1``
  (keys: ``n_train``, ``n_val``, ``n_test``, ``seed``, ``size``).
- ``pix2pix:NAME`` -- a published pix2pix archive (`PIX2PIX_DATASETS`), downloaded once.
- a path to an existing folder.
"""

from __future__ import annotations

import os

from tf_imgtrans.data.archives import PIX2PIX_DATASETS, download_pix2pix
from tf_imgtrans.data.synthetic import BUILTIN_PAIRED, make_synthetic_paired

PREFIXES = ("builtin", "pix2pix")
_BUILTIN_OPTIONS = ("n_train", "n_val", "n_test", "seed", "size")


def _forms() -> str:
    return (
        f"'builtin:NAME' with NAME in {sorted(BUILTIN_PAIRED)} (options: "
        f"'builtin:facades?n_train=40&seed=1'), 'pix2pix:NAME' with NAME in "
        f"{sorted(PIX2PIX_DATASETS)}, or the path of an existing dataset folder"
    )


def _parse_options(spec: str, query: str) -> dict[str, int]:
    options: dict[str, int] = {}
    for item in filter(None, query.split("&")):
        key, sep, value = item.partition("=")
        if not sep or key not in _BUILTIN_OPTIONS or not value.strip().isdigit():
            raise ValueError(
                f"Bad option {item!r} in dataset spec {spec!r}: expected KEY=INT with KEY in "
                f"{list(_BUILTIN_OPTIONS)}. Received: spec={spec!r}"
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
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"Dataset spec must be a non-empty string: {_forms()}. Received: {spec!r}")
    prefix, sep, rest = spec.partition(":")
    if sep and prefix == "builtin":
        name, _, query = rest.partition("?")
        options = {"size": image_size, **_parse_options(spec, query)}
        return make_synthetic_paired(name, **options)
    if sep and prefix == "pix2pix":
        return download_pix2pix(rest)
    path = os.path.expanduser(spec)
    if os.path.isdir(path):
        return path
    if os.path.exists(path):
        raise NotADirectoryError(f"Dataset path must be a folder, got a file: {path}. {_forms()}.")
    # "c:" (a Windows drive) is a path, "foo:bar" a misspelt prefix.
    if sep and len(prefix) > 1 and os.sep not in prefix and "/" not in prefix:
        raise ValueError(
            f"Unknown dataset prefix {prefix!r} in {spec!r}; valid prefixes are "
            f"{[p + ':' for p in PREFIXES]}. Accepted forms: {_forms()}."
        )
    raise FileNotFoundError(f"Dataset folder does not exist: {path}. Accepted forms: {_forms()}.")

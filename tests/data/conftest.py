"""Shared fixtures for the data tests: an isolated cache and tiny paired datasets on disk."""

from __future__ import annotations

import io
import os
import tarfile

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every data test gets its own cache root, so nothing touches ~/.cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("TF_IMGTRANS_HOME", str(home))
    monkeypatch.delenv("TF_IMGTRANS_PIX2PIX_URL", raising=False)
    return home


def _pair_colours(i: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Distinct flat colours for pair i: A is red, B blue, the green channel encodes i."""
    return (200, 10 * i, 0), (0, 10 * i, 200)


@pytest.fixture
def pair_colours():
    """The colours `make_aligned` and `make_folders` give pair i: ``pair_colours(i) -> (a, b)``."""
    return _pair_colours


@pytest.fixture
def make_aligned():
    """Writes ``root/<split>/<i>.png`` files: A (left) and B (right) flat colours of pair i."""

    def make(root, split="train", n=3, size=16, ext=".png"):
        folder = os.path.join(root, split)
        os.makedirs(folder, exist_ok=True)
        for i in range(n):
            a, b = _pair_colours(i)
            img = np.zeros((size, 2 * size, 3), np.uint8)
            img[:, :size] = a
            img[:, size:] = b
            Image.fromarray(img).save(os.path.join(folder, f"{i + 1}{ext}"))
        return str(root)

    return make


@pytest.fixture
def make_folders():
    """Writes ``base/A/<i:04d>.png`` and ``base/B/<i:04d>.jpg``-style pairs of different sizes."""

    def make(base, n=3, size_a=16, size_b=24, stems=None, stems_b=None):
        stems = stems or [f"{i:04d}" for i in range(n)]
        stems_b = stems if stems_b is None else stems_b
        for side, names, size, ext in (
            ("A", stems, size_a, ".png"),
            ("B", stems_b, size_b, ".bmp"),
        ):
            os.makedirs(os.path.join(base, side), exist_ok=True)
            for name in names:
                i = int(name) if name.isdigit() else 0
                colour = _pair_colours(i)[0 if side == "A" else 1]
                img = np.full((size, size, 3), colour, np.uint8)
                Image.fromarray(img).save(os.path.join(base, side, name + ext))
        return str(base)

    return make


def _jpeg_bytes(colour) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((8, 16, 3), colour, np.uint8)).save(buf, format="JPEG")
    return buf.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes = b"", **fields) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in fields.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data) if data else None)


def _make_archive(folder, name="facades", extra=(), members=None) -> str:
    """Writes ``folder/<name>.tar.gz`` holding ``<name>/{train,val,test}/<i>.jpg``."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        if members is None:
            members = [f"{name}/{s}/{i}.jpg" for s in ("train", "val", "test") for i in (1, 2)]
        for member in members:
            _add(tar, member, _jpeg_bytes((200, 40, 40)))
        for member_name, fields in extra:
            _add(tar, member_name, b"owned", **fields)
    return path


@pytest.fixture
def make_archive():
    """Writes a pix2pix-style ``<name>.tar.gz`` into a folder (see `_make_archive`)."""
    return _make_archive

"""Files written atomically (a temporary file or folder beside the target, renamed into place),
with the permissions the user's umask gives any other new file or folder."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any


def _read_umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for all threads)
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_mode(directory: bool = False) -> int:
    """The mode `open()` / `os.mkdir()` would give a new file (0o666) or folder (0o777) under the
    current umask. `tempfile` creates 0o600 files and 0o700 folders instead."""
    return (0o777 if directory else 0o666) & ~_read_umask()


def temporary_file(folder: str, prefix: str = ".tmp-", suffix: str = "") -> tuple[int, str]:
    """`tempfile.mkstemp` in `folder` (created if needed), with the umask's file mode."""
    os.makedirs(folder, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.fchmod(fd, new_mode())
    return fd, path


def temporary_dir(parent: str, prefix: str = ".tmp-", suffix: str = "") -> str:
    """`tempfile.mkdtemp` in `parent` (created if needed), with the umask's folder mode, so the
    folder renamed into place from it looks like any other."""
    os.makedirs(parent, exist_ok=True)
    path = tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent)
    os.chmod(path, new_mode(directory=True))
    return path


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Writes `data` to `path` so that readers see either the old or the new file, never a part
    (also after a kill: the temporary file is left under a `.tmp-` name)."""
    fd, tmp = temporary_file(os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def atomic_write_text(path: str, text: str) -> None:
    """`atomic_write_bytes` of `text` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str, data: Any) -> None:
    """`atomic_write_text` of `data` as indented JSON with a final newline."""
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")

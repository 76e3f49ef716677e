"""The record of one export: what was written, from what, and how close it is to Keras."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from collections.abc import Iterator
from typing import Any

from tf_imgtrans._version import __version__
from tf_imgtrans.files import atomic_write_json, temporary_dir


@dataclasses.dataclass
class ExportResult:
    """One exported artefact.

    Attributes:
        format: str. "savedmodel", "tflite" or "tfjs".
        quantize: str. "float32" (none), "float16", "dynamic", "int8" or "uint8".
        path: str. The file (TFLite) or folder (SavedModel, TF.js) written.
        input: dict. Shape, dtype, value range, size multiple of the input.
        source: dict. The generator and run it came from (`ExportSource.describe`).
        details: dict. Format-specific facts (signatures, TFLite ops kept in float, …).
        parity: dict or None. Errors against Keras and latency, once checked.
        report_path: str or None. Where the JSON report was written.
    """

    format: str
    quantize: str
    path: str
    input: dict
    source: dict
    details: dict = dataclasses.field(default_factory=dict)
    parity: dict | None = None
    report_path: str | None = None

    @property
    def size_bytes(self) -> int:
        return path_size(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "quantize": self.quantize,
            "path": os.path.abspath(self.path),
            "size_bytes": self.size_bytes,
            "input": self.input,
            "source": self.source,
            "details": self.details,
            "parity": self.parity,
            "tf_imgtrans_version": __version__,
        }

    def write_report(self) -> str:
        """Writes the JSON report next to the export (see `report_path_for`); returns its path."""
        self.report_path = report_path_for(self.path)
        write_json(self.report_path, self.to_dict())
        return self.report_path


def report_path_for(path: str) -> str:
    """`DIR/parity.json` inside an exported folder, `STEM.parity.json` beside an exported file."""
    if os.path.isdir(path):
        return os.path.join(path, "parity.json")
    return os.path.splitext(path)[0] + ".parity.json"


def path_size(path: str) -> int:
    """Bytes of a file, or of all files under a folder."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for folder, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


def write_json(path: str, data: Any) -> None:
    """Writes JSON atomically (a temporary file renamed into place)."""
    atomic_write_json(path, data)


def prepare_output(path: str, marker: str) -> None:
    """Makes room for an export at `path`: a previous export there (a folder holding `marker`, or
    a file) is replaced; any other existing folder is an error, so that nothing else is lost."""
    if os.path.isdir(path):
        entries = os.listdir(path)
        if entries and marker not in entries:
            raise FileExistsError(
                f"{path} is a folder that does not hold an export ({marker} missing); "
                "choose another --out or empty it first."
            )
        shutil.rmtree(path)
    elif os.path.exists(path) and marker:
        raise FileExistsError(f"{path} exists and is a file; an export folder goes there.")
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


@contextlib.contextmanager
def staging_dir(out: str, prefix: str) -> Iterator[str]:
    """A temporary folder beside `out` (its parent created if needed) to build an export in and
    rename into place; removed afterwards with whatever is left in it, also on an error."""
    tmp = temporary_dir(os.path.dirname(os.path.abspath(out)), prefix=prefix)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

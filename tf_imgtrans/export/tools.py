"""The optional tools exports need, found or explained."""

from __future__ import annotations

import types
from importlib import metadata


class ExportToolError(RuntimeError):
    """A tool an export needs (LiteRT, the TF.js converter, Node.js and its packages) is missing;
    the message says how to install it."""


def require_litert() -> types.ModuleType:
    """`ai_edge_litert.interpreter` (`ai-edge-litert`): its `Interpreter` runs `.tflite` models."""
    try:
        # Imported here, not at the top: ai-edge-litert is optional (the `export` extra), and the
        # modules that import this one (tflite, runners, parity, api) must import without it.
        from ai_edge_litert import interpreter
    except ImportError as e:
        raise ExportToolError(
            "Running TFLite models needs the LiteRT interpreter: pip install "
            f"'ai-edge-litert==2.3.0' (or pip install -e '.[export]'). ({e})"
        ) from e
    return interpreter


def tool_version(distribution: str) -> str:
    """The installed version of a tool's distribution (e.g. "ai-edge-litert"), for reports."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - metadata missing in odd installs
        return "unknown"

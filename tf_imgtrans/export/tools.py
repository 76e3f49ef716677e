"""The optional tools exports need, found or explained."""

from __future__ import annotations


class ExportToolError(RuntimeError):
    """A tool an export needs (LiteRT, the TF.js converter, Node.js and its packages) is missing;
    the message says how to install it."""


def require_litert():
    """The LiteRT interpreter class (`ai-edge-litert`), which runs `.tflite` models."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as e:
        raise ExportToolError(
            "Running TFLite models needs the LiteRT interpreter: pip install "
            f"'ai-edge-litert==2.3.0' (or pip install -e '.[export]'). ({e})"
        ) from e
    return Interpreter

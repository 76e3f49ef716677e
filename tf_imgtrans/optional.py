"""Optional packages: found before any work starts, or one line saying how to get them."""

from __future__ import annotations

import importlib.util


class MissingDependencyError(ImportError):
    """An optional package that the requested feature needs is not installed. The message is one
    line naming the package, the feature and the fix (the command line prints it as an error)."""


def require(module: str, feature: str, fix: str) -> None:
    """Raises `MissingDependencyError` unless `module` can be imported (checked without importing
    it), e.g. `require("tensorboard", "TensorBoard logging", "pip install tensorboard, or pass
    --no-tensorboard")`."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingDependencyError(
            f"{feature} needs the Python package '{module}', which is not installed: {fix}."
        )

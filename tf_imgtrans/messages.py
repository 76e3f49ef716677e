"""What the package tells its user besides errors: warnings about the user's input (skipped
files, a split served from the training pairs, an epoch without checkpoint)."""

from __future__ import annotations

import contextlib
import warnings


class InputWarning(UserWarning):
    """Something in the user's data or run that was handled (skipped, substituted, not saved)
    and that the user should know about. Python code can filter or catch it by this class; the
    command line prints it as one plain line, `tf-imgtrans: warning: …`."""


@contextlib.contextmanager
def plain_input_warnings(prog: str = "tf-imgtrans"):
    """Within the block, `InputWarning`s print as `PROG: warning: MESSAGE` on stderr (no source
    line, no class name); other warnings print as usual. It sets `warnings.formatwarning`, which
    both Python's default display and `logging.captureWarnings` (which TensorFlow's import may
    switch on) use."""
    previous = warnings.formatwarning

    def format_warning(message, category, filename, lineno, line=None):
        if issubclass(category, InputWarning):
            return f"{prog}: warning: {message}\n"
        return previous(message, category, filename, lineno, line)

    warnings.formatwarning = format_warning
    try:
        yield
    finally:
        warnings.formatwarning = previous

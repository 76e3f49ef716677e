"""What the package tells its user besides errors: warnings about the user's input (skipped
files, a split served from the training pairs, an epoch without checkpoint)."""

from __future__ import annotations

import contextlib
import sys
import warnings


class InputWarning(UserWarning):
    """Something in the user's data or run that was handled (skipped, substituted, not saved)
    and that the user should know about. Python code can filter or catch it by this class; the
    command line prints it as one plain line, `tf-imgtrans: warning: …`."""


@contextlib.contextmanager
def plain_input_warnings(prog: str = "tf-imgtrans"):
    """Within the block, `InputWarning`s print as `PROG: warning: MESSAGE` on stderr (no source
    line, no class name); other warnings print as usual."""
    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, InputWarning):
            print(f"{prog}: warning: {message}", file=file or sys.stderr)
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous

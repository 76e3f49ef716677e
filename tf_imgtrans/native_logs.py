"""Keeps TensorFlow's C++ (absl) log lines off the command line's terminal.

TensorFlow 2.21 writes start-up notices (oneDNN, CPU features) and optimiser messages from C++
straight to file descriptor 2, before and regardless of `TF_CPP_MIN_LOG_LEVEL`, and some of its
libraries do so twice. `quiet_native_logs()` puts a pipe in front of descriptor 2 and forwards
everything except those lines: Python's own output (tracebacks, warnings, progress bars, this
package's messages) and native fatal (`F`) lines pass unchanged. `tf-imgtrans --verbose` (or
`TF_IMGTRANS_VERBOSE=1`) leaves descriptor 2 alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading

# absl's line prefix, e.g. "I0000 00:00:1796621373.888566    5553 port.cc:153] ...", for the
# levels INFO, WARNING and ERROR; absl's notice printed before its logging is initialised; the
# second line of TensorFlow's CPU-feature notice; and LiteRT's minimal logger at INFO level
# ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.").
NATIVE_LINE = re.compile(
    rb"^(?:[IWE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^ \]]+:\d+\] "
    rb"|INFO: "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|To enable the following instructions: .* rebuild TensorFlow with the appropriate "
    rb"compiler flags\.)"
)
# A partial line that may still become a native one is held until its end arrives.
_MAYBE_NATIVE = re.compile(
    rb"^(?:[IWE]\d{0,4}(?: |$)|W(?:A|AR|ARN|ARNI|ARNIN|ARNING)?:?|I(?:N|NF|NFO)?:?|To )"
)
# Python loggers of TensorFlow and absl that repeat C++ notices at INFO/WARNING level.
PYTHON_LOGGERS = ("tensorflow", "absl", "h5py")


def is_native_line(line: bytes) -> bool:
    """Whether `line` (bytes, without its newline) is a TensorFlow/absl C++ log line that
    `quiet_native_logs` drops."""
    return bool(NATIVE_LINE.match(line.lstrip(b"\r")))


class _Pump:
    """Reads the pipe that replaced descriptor `fd` and writes what is not a native log line to
    the original descriptor."""

    def __init__(self, fd: int):
        self.fd = fd
        sys.stderr.flush()
        self.original = os.dup(fd)
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        self.read_end = read_end
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, name="native-log-filter", daemon=True)
        self.thread.start()

    def _write(self, data: bytes) -> None:
        while data:
            data = data[os.write(self.original, data) :]

    def _run(self) -> None:
        pending = b""
        while True:
            chunk = os.read(self.read_end, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            out = []
            for line in lines:
                if is_native_line(line):
                    self.dropped += 1
                else:
                    out.append(line + b"\n")
            # Progress bars rewrite one line with "\r" and no newline: pass them on at once.
            if pending and not _MAYBE_NATIVE.match(pending.lstrip(b"\r")):
                out.append(pending)
                pending = b""
            if out:
                self._write(b"".join(out))
        if pending and not is_native_line(pending):
            self._write(pending)
        os.close(self.read_end)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os.dup2(self.original, self.fd)  # closes this process's last write end of the pipe
        self.thread.join(timeout=5)
        os.close(self.original)


@contextlib.contextmanager
def quiet_native_logs(enabled: bool = True, fd: int = 2):
    """Within the block, TensorFlow's C++ INFO/WARNING/ERROR log lines written to descriptor
    `fd` (stderr) are dropped and TensorFlow's and absl's Python loggers show errors only;
    everything else written to stderr passes. With `enabled=False` it does nothing."""
    if not enabled:
        yield
        return
    levels = {name: logging.getLogger(name).level for name in PYTHON_LOGGERS}
    for name in PYTHON_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        pump = _Pump(fd)
    except OSError:  # no usable descriptor 2 (e.g. closed): nothing to filter
        pump = None
    try:
        yield
    finally:
        if pump is not None:
            pump.stop()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def verbose_from_env() -> bool:
    return os.environ.get("TF_IMGTRANS_VERBOSE", "").strip().lower() not in ("", "0", "false")

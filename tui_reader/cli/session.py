"""One served session in a child forked by the zygote (:mod:`tui_reader.cli.zygote`).

The child starts as a copy of the zygote: the reader is imported, nothing else is set up. It
becomes what ``python -P -m tui_reader ARGS`` in a fresh pty would be: the leader of a new
session whose controlling terminal is the pty (so a hang-up sends it SIGHUP, and a resize
SIGWINCH), with that pty as stdin, stdout and stderr, the cwd ``/``, the environment the
server built for it and nothing more, Python's default signal handling, and fresh ``sys``
streams on the terminal. Then it runs the reader and returns its exit status; the interpreter
then exits as any reader does.
"""

from __future__ import annotations

import fcntl
import io
import os
import signal
import sys
import termios
from collections.abc import Sequence

__all__ = ["run_session"]

# Signals the zygote may have changed; a reader starts from Python's defaults for them.
_DEFAULTS = (signal.SIGHUP, signal.SIGTERM, signal.SIGCHLD, signal.SIGWINCH, signal.SIGUSR1)


def run_session(args: Sequence[str], env: dict[str, str], tty: int) -> int:
    """Turn this forked child into the reader's process on ``tty``; run it; its exit status."""
    os.setsid()
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    for target in (0, 1, 2):
        os.dup2(tty, target)
    if tty > 2:
        os.close(tty)
    os.chdir("/")
    os.environ.clear()
    os.environ.update(env)
    for signum in _DEFAULTS:
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _fresh_streams()
    sys.argv = ["tui-reader", *args]
    from tui_reader.cli.main import main

    return main(list(args))


def _fresh_streams() -> None:
    """New ``sys`` streams on fds 0-2 (now the terminal), set up as Python does for a tty."""
    encoding = sys.stdout.encoding if sys.stdout is not None else "utf-8"
    streams = {
        "stdin": io.TextIOWrapper(
            io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding, "strict"
        ),
        "stdout": io.TextIOWrapper(
            io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding, "strict",
            line_buffering=True,
        ),
        "stderr": io.TextIOWrapper(
            io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding, "backslashreplace",
            line_buffering=True,
        ),
    }  # fmt: skip
    for name, stream in streams.items():
        # sys.__stdout__ and friends too: Textual's driver writes to sys.__stderr__.
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)

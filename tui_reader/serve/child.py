"""The reader child of a session: its environment, built from scratch, and its terminal.

No Textual: the child is started as ``python -P -m tui_reader`` in its own pty; this module
only prepares what it is started with.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import termios
from collections.abc import Mapping
from pathlib import Path

from tui_reader.core.config import ENV_ALLOW_PRIVATE, ENV_SERVED

__all__ = ["CTTY_SHIM", "child_env", "set_winsize"]

# Runs in the child after setsid (start_new_session): take the pty on fd 0 as the controlling
# terminal, then exec the reader. A shim instead of preexec_fn keeps fork safe with threads.
CTTY_SHIM = ";".join(
    [
        "import fcntl, os, sys, termios",
        "fcntl.ioctl(0, termios.TIOCSCTTY, 0)",
        "os.execvp(sys.argv[1], sys.argv[1:])",
    ]
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding tui_reader/
_TERM_RE = re.compile(r"[A-Za-z0-9._+-]{1,64}")
_COLORTERM_RE = re.compile(r"[A-Za-z0-9._-]{1,32}")
# Server environment that must not leak into a reader: it describes the operator, not the client.
_DROP_PREFIXES = ("SSH_", "TUI_READER_", "TEXTUAL_")
_DROP_NAMES = frozenset({"TERM", "COLORTERM", "NO_COLOR", "COLUMNS", "LINES"})


def set_winsize(fd: int, cols: int, rows: int, px_width: int = 0, px_height: int = 0) -> None:
    """Set the window size of the terminal behind ``fd``; the kernel then sends SIGWINCH."""
    cols = max(1, min(cols, 1000))
    rows = max(1, min(rows, 1000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, px_width, px_height))


def child_env(
    term: str,
    client_env: Mapping[str, str],
    data_dir: str,
    user: str,
    *,
    allow_private: bool = False,
) -> dict[str, str]:
    """Build a reader's environment: the server's, minus operator-specific terminal variables,
    plus the client's TERM and COLORTERM (validated), the user's data dir, and the marks that
    it is served (so its fetches refuse private addresses unless ``allow_private``)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_DROP_PREFIXES) and k not in _DROP_NAMES
    }
    env["TERM"] = term if _TERM_RE.fullmatch(term) else "xterm"
    colorterm = client_env.get("COLORTERM", "")
    if _COLORTERM_RE.fullmatch(colorterm):
        env["COLORTERM"] = colorterm
    if "NO_COLOR" in client_env:
        env["NO_COLOR"] = "1"
    env["TUI_READER_DATA_DIR"] = data_dir
    # The reader must import the same tui_reader as this server, installed or not.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    env["TUI_READER_USER"] = user
    env[ENV_SERVED] = "1"  # no screenshots, no internal addresses (tui_reader.core.config)
    if allow_private:
        env[ENV_ALLOW_PRIVATE] = "1"
    return env

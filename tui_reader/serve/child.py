"""A reader of ``tui-reader serve``: its environment, built from scratch, its terminal's size,
and what the server holds of its process.

No Textual: the reader runs in another process (forked by the launcher, see
:mod:`tui_reader.serve.launcher`); this module only prepares what it is started with.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import termios
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from tui_reader.core.config import ENV_ALLOW_PRIVATE, ENV_SERVED

__all__ = ["ReaderProcess", "child_env", "launcher_env", "set_winsize"]

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding tui_reader/
_TERM_RE = re.compile(r"[A-Za-z0-9._+-]{1,64}")
_COLORTERM_RE = re.compile(r"[A-Za-z0-9._-]{1,32}")
# All a reader takes from the server's environment: where the operator keeps the readers'
# shared settings and caches, a PATH, and the locale. Nothing else (no SSH_*, no TEXTUAL_*,
# no secrets an operator may have exported) reaches a session.
_OPERATOR_KEEP = (
    "HOME", "PATH", "LANG", "TMPDIR",
    "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
)  # fmt: skip
_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"


class ReaderProcess(Protocol):
    """The server's handle on one reader process, however it was started."""

    pid: int

    @property
    def running(self) -> bool:
        """Whether the reader has not been seen to exit yet."""

    async def wait(self) -> int | None:
        """Wait for the reader to exit; its status (negative: the signal), None if unknown."""

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the reader; nothing happens once it is gone."""


def set_winsize(fd: int, cols: int, rows: int, px_width: int = 0, px_height: int = 0) -> None:
    """Set the window size of the terminal behind ``fd``; the kernel then sends SIGWINCH."""
    cols = max(1, min(cols, 1000))
    rows = max(1, min(rows, 1000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, px_width, px_height))


def _operator_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in _OPERATOR_KEEP if os.environ.get(k)}
    env.setdefault("PATH", _DEFAULT_PATH)
    env.setdefault("LANG", "C.UTF-8")
    return env


def launcher_env() -> dict[str, str]:
    """The launcher's environment: the operator's part of a reader's, and where to import
    ``tui_reader`` from (the same one as this server, installed or not)."""
    env = _operator_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    return env


def child_env(
    term: str,
    client_env: Mapping[str, str],
    data_dir: str,
    user: str,
    *,
    allow_private: bool = False,
) -> dict[str, str]:
    """Build a reader's environment from scratch: the operator's settings and cache folders,
    the client's TERM and COLORTERM (validated) and NO_COLOR, the user's data dir, and the
    marks that it is served (so its fetches refuse private addresses unless ``allow_private``).
    """
    env = _operator_env()
    env["TERM"] = term if _TERM_RE.fullmatch(term) else "xterm"
    colorterm = client_env.get("COLORTERM", "")
    if _COLORTERM_RE.fullmatch(colorterm):
        env["COLORTERM"] = colorterm
    if "NO_COLOR" in client_env:
        env["NO_COLOR"] = "1"
    env["TUI_READER_DATA_DIR"] = data_dir
    env["TUI_READER_USER"] = user
    env[ENV_SERVED] = "1"  # no screenshots, no internal addresses (tui_reader.core.config)
    if allow_private:
        env[ENV_ALLOW_PRIVATE] = "1"
    return env

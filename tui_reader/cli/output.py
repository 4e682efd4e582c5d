"""What the command line prints: every line passes the terminal-safety filter.

Feed names, URLs, server answers, file names and stored errors all come from outside; a raw
``ESC ]0;...`` in one of them would retitle the user's terminal or write their clipboard. The
CLI prints only through :func:`say` and :func:`err`.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tui_reader.core.textsafe import sanitize_line

__all__ = ["err", "say"]


def _write(text: str, stream: TextIO) -> None:
    lines = str(text).split("\n")
    # Each line keeps its leading indent; control characters (escapes, C1, bidi) are dropped.
    safe = [line[: len(line) - len(line.lstrip(" "))] + sanitize_line(line) for line in lines]
    print("\n".join(safe), file=stream)


def say(text: str) -> None:
    """Print ``text`` (one or more lines) on standard output, made terminal-safe."""
    _write(text, sys.stdout)


def err(text: str) -> None:
    """Print ``text`` on standard error as ``tui-reader: <text>``, made terminal-safe."""
    _write(f"tui-reader: {text}", sys.stderr)

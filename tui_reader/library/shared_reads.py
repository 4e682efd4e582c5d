"""Cache files read once by the serve launcher and shared with every reader it forks.

``tui-reader serve`` forks each session's reader from one warm process
(:mod:`tui_reader.cli.zygote`). Every reader of a shared stories folder would read and parse
the same library index (~100 ms and ~5 MB of rows for 10,000 stories): read once before the
fork, the rows are shared copy-on-write instead. A kept read is used only while the file is
the one that was read: same inode, modification time and size (index files are replaced
whole, by rename, so a rewrite always changes the inode). Anything else reads the file again.

Pure module: no Textual. Nothing runs at import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["keep", "kept"]

_Signature = tuple[int, int, int]
_kept: dict[tuple[str, str], tuple[_Signature, Any]] = {}


def _signature(info: os.stat_result) -> _Signature:
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def keep(path: Path, parse: Callable[[bytes], Any], context: str = "") -> bool:
    """Read ``path`` and keep ``parse(its bytes)`` for :func:`kept`; False (nothing kept) if it
    cannot be read. ``context`` names what else the parse depended on (the stories folder as
    given, which the rows' paths start with). The signature is taken from the open file, so it
    matches what was read."""
    try:
        with open(path, "rb") as file:
            signature = _signature(os.fstat(file.fileno()))
            data = file.read()
    except OSError:
        return False
    _kept[os.fspath(path), context] = (signature, parse(data))
    return True


def kept(path: Path, context: str = "") -> Any | None:
    """What :func:`keep` parsed from ``path`` in ``context``, if the file is still the one it
    read; else None.

    The value is shared (with the launcher and every reader forked from it): never change it.
    """
    found = _kept.get((os.fspath(path), context))
    if found is None:
        return None
    try:
        current = _signature(os.stat(path))
    except OSError:
        return None
    return found[1] if current == found[0] else None

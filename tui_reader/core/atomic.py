"""Replace a file whole or not at all: the one atomic write (store files, stories, caches).

Write a hidden temp file beside the target, optionally fsync it, optionally run a step just
before the rename (the store keeps the old file as its backup there), rename it over the
target, and for durable writes fsync the folder so the rename itself survives a crash.
A failure removes the temp file and leaves the target as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "fsync_dir", "private_name"]


def private_name(name: str, kind: str) -> str:
    """A hidden name beside ``name`` for a file of this process only (``.name.kind-PID-RANDOM``).

    The random part is ``os.urandom``'s, as :mod:`secrets` gives it, without importing that
    module (with ``random``, ``base64`` and ``hmac``: ~6 ms of a command's start).
    """
    return f".{name}.{kind}-{os.getpid()}-{os.urandom(4).hex()}"


def fsync_dir(path: Path) -> None:
    """Flush a directory entry change (rename, unlink) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o600,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> os.stat_result:
    """Replace ``path`` with ``data`` atomically.

    Args:
        path: The file to write (its folder must exist).
        data: The new contents.
        mode: Permissions of the new file (exact, whatever the umask).
        durable: fsync the data and the folder, so a crash after return cannot lose it; off
            for caches, which are rebuilt if a crash leaves them stale.
        before_replace: Called after the data is written and before the rename.

    Returns:
        The stat of the written file (taken before the rename: same inode).

    Raises:
        OSError: the file could not be written; ``path`` is unchanged.
    """
    folder = path.parent
    tmp = folder / private_name(path.name, "tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
            info = os.fstat(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(folder)
    return info

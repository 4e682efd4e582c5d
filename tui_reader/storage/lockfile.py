"""The data dir's lock between processes: ``flock`` on ``store.lock``.

On POSIX this is an ``fcntl.flock`` and a retry loop, which is all the ``filelock`` package
does there too: its import cost 10-20 ms of every start of the reader, on the path to the
first frame. Both take the same ``flock`` on the same file, so a reader using either one
excludes the other. Elsewhere (Windows) the ``filelock`` package does the work.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

__all__ = ["DataDirLock", "LockTimeout"]


class LockTimeout(Exception):
    """Another process held the lock for longer than the timeout."""


class DataDirLock:
    """An exclusive, re-entrant (within one object) lock on ``path``, shared by processes.

    Args:
        path: the lock file (created with ``mode`` if missing; never deleted).
        timeout: seconds :meth:`acquire` waits before raising :class:`LockTimeout`.
        mode: permissions of a lock file this creates.
        poll: seconds between attempts while another process holds it.
    """

    def __init__(self, path: Path, timeout: float, mode: int, poll: float = 0.001) -> None:
        self.lock_file = str(path)
        self._timeout = timeout
        self._mode = mode
        self._poll = poll
        self._fd = -1
        self._depth = 0
        self._portable: Any = None
        """The ``filelock.FileLock`` held where there is no ``fcntl``."""

    def acquire(self) -> None:
        """Take the lock, waiting up to the timeout.

        Raises:
            LockTimeout: another process holds it still.
            OSError: the lock file cannot be opened (e.g. a folder is in its place).
        """
        if self._depth:
            self._depth += 1
            return
        try:
            import fcntl
        except ImportError:  # not POSIX
            return self._acquire_portable()
        # O_NOFOLLOW: a symlink in place of the lock file is refused, as filelock refuses it.
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.lock_file, flags, self._mode)
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(self.lock_file) from None
                time.sleep(self._poll)
            except OSError:
                os.close(fd)
                raise
        self._fd, self._depth = fd, 1

    def _acquire_portable(self) -> None:
        import filelock

        lock = filelock.FileLock(self.lock_file, timeout=self._timeout, mode=self._mode)
        try:
            lock.acquire(poll_interval=self._poll)
        except filelock.Timeout:
            raise LockTimeout(self.lock_file) from None
        self._portable, self._depth = lock, 1

    def release(self) -> None:
        """Let the lock go (once every :meth:`acquire` of this object has been matched)."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth:
            return
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)  # closing the only descriptor drops the flock
        else:
            self._portable.release()

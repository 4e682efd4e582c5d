"""The data dir's lock: the same flock as the filelock package, so either excludes the other."""

from __future__ import annotations

from pathlib import Path

import filelock
import pytest

from tui_reader.storage.lockfile import DataDirLock, LockTimeout


def test_it_and_filelock_exclude_each_other(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    ours = DataDirLock(path, timeout=0.05, mode=0o600)
    theirs = filelock.FileLock(str(path), timeout=0.05)
    with theirs, pytest.raises(LockTimeout):
        ours.acquire()
    ours.acquire()
    with pytest.raises(filelock.Timeout):
        theirs.acquire()
    ours.release()
    with theirs:
        pass


def test_it_is_reentrant_and_lets_go_on_the_last_release(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"
    lock, other = DataDirLock(path, 0.05, 0o600), DataDirLock(path, 0.05, 0o600)
    lock.acquire()
    lock.acquire()
    lock.release()
    with pytest.raises(LockTimeout):
        other.acquire()  # still held: one acquire is unmatched
    lock.release()
    other.acquire()
    other.release()
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_symlink_in_place_of_the_lock_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    (tmp_path / "store.lock").symlink_to(target)
    with pytest.raises(OSError):
        DataDirLock(tmp_path / "store.lock", 0.05, 0o600).acquire()

"""The store's files, its lock, and the read-modify-write protocol every write goes through.

:class:`StoreBase` owns opening and recovering the data dir, noticing other processes' changes
and the locked, durable write (:meth:`StoreBase._writing`); :class:`tui_reader.storage.store.Store`
builds bookmarks, annotations, reading state and the draft on top of it. Together with
:mod:`tui_reader.storage.files` (the atomic, locked file layer) these are the only modules that
touch TinyDB.

Layout of the data dir (see :mod:`tui_reader.core.paths` for where it is)::

    store.lock            one file lock, held across every read-modify-write
    bookmarks.json        table "bookmarks", keyed by story id
    state.json            tables "read", "positions" (keyed by story id), "session", "searches"
                          (saved searches by name), "settings" (choices made in the app) and
                          "migrations" (data migrations that needed the library, by name)
    draft.json            table "draft": the note being typed when the process was hung up
    feeds.json            table "feeds": subscribed feeds and their fetch state, keyed by name
    annotations/00.json   16 shards; an annotation lives in shard hash(story_id) % 16,
    ...                   keyed by its UUID
    annotations/15.json
    <file>.bak            last-good copy of each file, rotated (hard link) on every write

Why split: every write rewrites one whole file (atomically, see :mod:`tui_reader.storage.files`),
so the common write, saving a note, should touch a small file. With 10,000 notes a shard holds ~600.
All of one story's notes share a shard, so ``annotations_for`` reads one file.

Concurrency: every write takes ``store.lock``, re-reads the files it touches if another process
changed them (stat check), applies the change and writes durably before returning. Reads use
memory; :meth:`StoreBase.refresh` picks up other sessions' changes. Public methods are
thread-safe.

Errors: a write that cannot be saved raises :class:`StoreError` (message fit for the user) and
leaves memory as it is on disk. Problems found when reading are recovered from and described in
``notices``; files that could not be read, or are from a newer version, are never overwritten:
what could be read is shown, :attr:`StoreBase.durable` is False, and writes to those files raise
:class:`StoreError` (so the UI never says "saved" for a note that is not on disk).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from tui_reader.core.paths import FILE_MODE, ensure_private_dir
from tui_reader.storage.files import JsonFile, StoreError
from tui_reader.storage.lockfile import DataDirLock, LockTimeout

__all__ = ["ANN", "LOCK_TIMEOUT", "SHARDS", "StoreBase", "shard_number"]

SHARDS = 16
"""Number of annotation files; a story's annotations all live in one of them."""
LOCK_TIMEOUT = 10.0
"""Seconds to wait for ``store.lock`` before a write fails with :class:`StoreError`."""
ANN = "annotations"
"""The table holding annotations in each shard file."""
_WRITE_FAILURES = (OSError, TypeError, ValueError, OverflowError, RecursionError)
"""What a durable write can raise: the file system, or orjson refusing the data."""


def shard_number(story_id: str) -> int:
    """The annotation file (``annotations/<nn>.json``) a story's annotations live in."""
    return int.from_bytes(hashlib.blake2b(story_id.encode(), digest_size=2).digest()) % SHARDS


class StoreBase:
    """The data dir's files and lock; subclassed by :class:`tui_reader.storage.store.Store`."""

    def __init__(self, data_dir: Path) -> None:
        """Describe the store; prefer :meth:`open`, which also loads and recovers files."""
        self.data_dir = data_dir
        #: Human-readable messages about recovery and read-only files, oldest first.
        self.notices: list[str] = []
        self._mutex = threading.RLock()
        self._lock = DataDirLock(data_dir / "store.lock", timeout=LOCK_TIMEOUT, mode=FILE_MODE)
        self._bookmarks = JsonFile(
            data_dir / "bookmarks.json", "bookmarks", "bookmarks", ("bookmarks",)
        )
        state_tables = ("read", "positions", "session", "searches", "settings", "migrations")
        self._state = JsonFile(data_dir / "state.json", "state", "reading state", state_tables)
        self._draft = JsonFile(data_dir / "draft.json", "draft", "draft note", ("draft",))
        self._feeds = JsonFile(data_dir / "feeds.json", "feeds", "feed list", ("feeds",))
        self._shards = [
            JsonFile(
                data_dir / "annotations" / f"{i:02d}.json",
                "annotations",
                "annotations",
                ("annotations",),
            )
            for i in range(SHARDS)
        ]
        self._files = [self._bookmarks, self._state, self._draft, self._feeds, *self._shards]

    @staticmethod
    def holds_store(data_dir: Path) -> bool:
        """Whether ``data_dir`` is a folder a reader has used (it has the lock or a data file).

        A reader that opened the dir and saved nothing still left its lock file there.
        """
        names = ("store.lock", "bookmarks.json", "state.json", "feeds.json", "annotations")
        return data_dir.is_dir() and any((data_dir / name).exists() for name in names)

    @classmethod
    def open(cls, data_dir: Path) -> Self:
        """Open (never create) the store in ``data_dir``; recover bad files, clean temp files.

        Never raises for bad data: problems are described in ``notices``.
        """
        store = cls(data_dir)
        with store._mutex:
            if not data_dir.is_dir():
                for f in store._files:
                    f.storage.signature = None
                if data_dir.exists():
                    store.notices.append(
                        f"{data_dir} is not a directory, so nothing can be saved this session."
                    )
                return store
            try:
                with store._locked():
                    for f in store._files:
                        f.remove_orphans()
                        f.load(store.notices, can_fix=True)
            except (StoreError, OSError) as exc:
                store.notices.append(f"{exc} Changes will not be saved this session.")
                for f in store._files:
                    f.load(store.notices, can_fix=False)
        return store

    @property
    def durable(self) -> bool:
        """False when some file is read-only this session (see ``notices``)."""
        return not any(f.storage.read_only for f in self._files)

    def close(self) -> None:
        """Release resources; every write was already durable, so nothing is flushed."""
        with self._mutex:
            for f in self._files:
                f.db.close()

    def refresh(self) -> bool:
        """Re-read files another process changed (a cheap stat check when nothing did).

        Waits for the store lock only when something changed (up to ``LOCK_TIMEOUT``).

        Returns:
            True when something was re-read.
        """
        with self._mutex:
            changed = [f for f in self._files if f.changed()]
            if not changed:
                return False
            try:
                with self._locked():
                    for f in changed:
                        f.sync(self.notices, can_fix=True)
            except StoreError:
                return False  # the lock is busy or gone: keep what we have, retry next time
            return True

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except LockTimeout as exc:
            raise StoreError(
                f"Another tui-reader process has held {self._lock.lock_file} for over "
                f"{LOCK_TIMEOUT:.0f} s."
            ) from exc
        except OSError as exc:
            raise StoreError(f"Cannot lock {self.data_dir} ({exc.strerror or exc}).") from exc
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def _writing(self, *files: JsonFile) -> Iterator[None]:
        """Lock, bring ``files`` up to date, run the change; on failure reload and raise."""
        with self._mutex:
            try:
                ensure_private_dir(self.data_dir)
                for f in files:
                    ensure_private_dir(f.path.parent)
            except OSError as exc:
                raise StoreError(f"Cannot create {self.data_dir} ({exc.strerror}).") from exc
            with self._locked():
                for f in files:
                    f.sync(self.notices, can_fix=True)
                    if f.storage.read_only:
                        raise StoreError(
                            f"{f.label.capitalize()} cannot be saved this session: {f.path} "
                            "could not be read or is from a newer tui-reader (see the notices)."
                        )
                try:
                    yield
                except _WRITE_FAILURES as exc:
                    # Whatever failed (the disk, or the serializer on odd data), memory goes
                    # back to what is on disk and the caller gets the store's own error.
                    for f in files:
                        f.load(self.notices, can_fix=True)
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    raise StoreError(f"Could not save to {self.data_dir}: {reason}") from exc

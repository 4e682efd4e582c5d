"""Where each note's passage was last found in its story, so an export need not find it again.

A Markdown export lists a story's notes in the story's order, and its orphans apart: that needs
every note anchored on its story's text, and so every story file read and parsed (most of an
export's time). This cache keeps the outcome: for each story file, as it was
(``(mtime_ns, size)``), and its notes, as they were (a digest of their ids and selectors), the
offset each passage starts at, or that it has none. While neither has changed, the export takes
the offsets from here and does not open the story. One row per story (its notes as JSON), all
read in one query when the export starts. Each export fills it, and so do the reader (each
story it opens, once its notes are placed: :meth:`~.service.AnnotationService.keep_places`)
and ``import`` (the stories it attached notes to), with the same anchoring on the same text:
the first export after a reading session or an import reads no story they already placed.

Derived and disposable, like the library's index: a SQLite file in the cache dir, one per data
dir. A missing, locked, broken or other-version file is never an error: the export anchors as
if there were no cache (a broken file is deleted and made again). A story rewritten in place
within one clock tick, to the same size, goes unnoticed (the library's index takes the same
risk). Anchoring here is always the strict policy the export uses. No Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import orjson

from tui_reader.core.paths import folders_digest
from tui_reader.storage.records import Annotation

__all__ = ["VERSION", "AnchorCache", "FileStamp", "Row", "file_stamp", "is_row"]

VERSION = 2
"""Bumped when what is kept changes (or anchoring does); a file of another version is emptied."""

FileStamp = tuple[int, int]
"""A story file as it was: ``(mtime_ns, size)``."""

Row = tuple[str, str, int, int, str]
"""A story's row: its id, its file's path, mtime_ns and size, and its notes' places (JSON)."""

_DDL = f"""
CREATE TABLE IF NOT EXISTS placed(story_id TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL,
  mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, notes TEXT NOT NULL) WITHOUT ROWID;
PRAGMA user_version = {VERSION};
"""


def file_stamp(path: str) -> FileStamp | None:
    """The ``(mtime_ns, size)`` of the file at ``path``; None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def is_row(value: object) -> bool:
    """Whether ``value`` (which crossed a pipe as JSON) has the shape of a :data:`Row`."""
    return (
        isinstance(value, list | tuple)
        and len(value) == 5
        and all(type(v) is t for v, t in zip(value, (str, str, int, int, str), strict=True))
    )


def _digest(annotation: Annotation) -> str:
    """What tells whether a note's selectors changed (its note text does not matter)."""
    return hashlib.blake2b(orjson.dumps(annotation.selectors), digest_size=12).hexdigest()


class AnchorCache:
    """The offsets of notes' passages in their stories, as last found (see the module).

    Every method swallows the cache's own failures: the worst a broken cache does is make an
    export as slow as without one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._opened = False
        self._learnt: dict[str, Row] = {}
        self._known: dict[str, tuple[str, int, int, str]] | None = None
        """Every story's row, read at the first look (one query, not one per story)."""

    @classmethod
    def beside(cls, cache_dir: Path, data_dir: Path) -> AnchorCache:
        """The cache of the notes in ``data_dir``, kept in ``cache_dir``."""
        return cls(cache_dir / f"anchors-{folders_digest([data_dir])}.sqlite")

    def _connect(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        for attempt in range(2):
            try:
                self._db = self._open()
                return self._db
            except (OSError, sqlite3.Error) as exc:
                self._drop()
                # Exactly DatabaseError: not a database, or a broken one (a locked one is an
                # OperationalError, and is left alone).
                if attempt or type(exc) is not sqlite3.DatabaseError:
                    break
                self._delete()
        return None

    def _delete(self) -> None:
        """Delete a broken cache: it is disposable, and made again from nothing."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _failed(self, exc: sqlite3.Error) -> None:
        """After ``exc``: a broken file is deleted (the next export makes it again)."""
        if type(exc) is sqlite3.DatabaseError:
            self._drop()
            self._delete()

    def _drop(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Private like the notes (its ids say which stories were annotated).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
        db = sqlite3.connect(self.path, timeout=0.2, isolation_level=None)
        self._db = db
        # WAL: a crashed process never breaks the file. Nothing waits for the disk, not even
        # the checkpoint when the last connection closes (30 of the 35 ms it took for 10,000
        # notes): the cache is derived. After a power loss it may be behind (the next export
        # finds it again), or broken (then it is deleted and made again, see _connect).
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, VERSION):
            db.execute("DROP TABLE IF EXISTS placed")
        db.executescript(_DDL)
        return db

    def knows_file(self, story_id: str, path: str, stamp: FileStamp) -> bool:
        """Whether notes of ``story_id`` were placed in the file at ``path`` as it is now
        (which notes, :meth:`places` says). Reads every row at the first call: call it
        before forking, and the child has them too (it never touches the database)."""
        known = self._rows()
        row = known.get(story_id) if known is not None else None
        return row is not None and row[:3] == (path, *stamp)

    def places(
        self, story_id: str, path: str, stamp: FileStamp, notes: Sequence[Annotation]
    ) -> list[int | None] | None:
        """Each note's start offset (None: orphaned) if every one is known for the file at
        ``path`` as it is (``stamp``); None when any is not."""
        known = self._rows()
        row = known.get(story_id) if known is not None else None
        if row is None or row[:3] != (path, *stamp):
            return None
        try:
            kept = orjson.loads(row[3])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(kept, dict):
            return None
        starts: list[int | None] = []
        for note in notes:
            entry = kept.get(note.id)
            if type(entry) is not list or len(entry) != 2 or entry[0] != _digest(note):
                return None
            start = entry[1]
            if start is not None and type(start) is not int:
                return None
            starts.append(start)
        return starts

    def _rows(self) -> dict[str, tuple[str, int, int, str]] | None:
        """Every story's row, read at the first look."""
        if self._known is not None:
            return self._known
        db = self._connect()
        if db is None:
            return None
        try:
            rows = db.execute("SELECT story_id, path, mtime_ns, size, notes FROM placed")
            self._known = {sid: (at, mtime, size, notes) for sid, at, mtime, size, notes in rows}
        except sqlite3.Error as exc:
            self._failed(exc)
            self._known = {}  # not asked again for every story: this export finds them all
        return self._known

    @staticmethod
    def row(
        story_id: str,
        path: str,
        stamp: FileStamp,
        notes: Sequence[Annotation],
        starts: Sequence[int | None],
    ) -> Row:
        """What :meth:`keep` keeps of where ``notes`` were found in the file at ``path`` as
        it was (``stamp``). No database: a forked child makes its stories' rows."""
        kept = {note.id: (_digest(note), start) for note, start in zip(notes, starts, strict=True)}
        return (story_id, path, stamp[0], stamp[1], orjson.dumps(kept).decode())

    def keep(self, row: Row) -> None:
        """Keep a :meth:`row`; written when the cache is closed, in one transaction."""
        self._learnt[row[0]] = row

    def remember(
        self,
        story_id: str,
        path: str,
        stamp: FileStamp,
        notes: Sequence[Annotation],
        starts: Sequence[int | None],
    ) -> None:
        """Keep where ``notes`` were found in the file at ``path`` as it was (``stamp``);
        written when the cache is closed, in one transaction."""
        self.keep(self.row(story_id, path, stamp, notes, starts))

    def close(self) -> None:
        """Write what was learnt and close (the cache can be used again after)."""
        learnt, self._learnt = self._learnt, {}
        db = self._connect() if learnt else self._db
        self._db, self._opened, self._known = None, False, None
        if db is None:
            return
        broken = False
        try:
            with db:  # one transaction: all of it or, on any failure, none
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO placed VALUES (?, ?, ?, ?, ?)",
                               learnt.values())  # fmt: skip
        except sqlite3.Error as exc:  # locked by another export, a full disk...: found again
            broken = type(exc) is sqlite3.DatabaseError
        with contextlib.suppress(sqlite3.Error):
            db.close()
        if broken:
            self._delete()

    def __enter__(self) -> AnchorCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

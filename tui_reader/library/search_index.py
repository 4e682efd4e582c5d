"""The full-text index of a library and the reader's notes: SQLite FTS5, derived and disposable.

One SQLite file per library (its folders and its data dir) in the cache dir, beside the
library index: ``search-<hash>.sqlite``. It holds nothing that is not in the story files and
the store, so a missing, outdated or corrupt file is simply deleted and built again
(:meth:`SearchIndex.open`). Two sessions on one data dir share it safely through SQLite's own
locking (WAL mode, a busy timeout, one short transaction per batch).

* Stories: title, byline and body (Markdown reduced to text) in ``story_fts`` (unicode61 with
  diacritics removed, so ``cafe`` finds ``café``; CJK characters are tokens of their own, see
  :mod:`tui_reader.core.textfold`), plus a ``docs`` row per file with what the filters need
  (story id, date, feed, byline, tags) and the ``(mtime_ns, size)`` it was read at.
* Notes: each annotation's note and quoted passage in ``note_fts``, with a ``notes`` row.

Searching is :mod:`tui_reader.library.search_run`; this module owns the file and its writes.
Pure module: no Textual. Nothing happens at import.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tui_reader.core.paths import folders_digest
from tui_reader.core.stories import StoryError, StoryMeta
from tui_reader.core.textfold import spaced_cjk
from tui_reader.library.search_errors import IndexBroken, TooSlow
from tui_reader.library.search_text import (
    Cancelled,
    Indexed,
    Reader,
    day_of,
    quote_of,
    read_for_index,
    stamp_of,
)
from tui_reader.storage.records import Annotation

__all__ = [
    "SCHEMA",
    "IndexBroken",
    "SearchIndex",
    "Sync",
    "TooSlow",
    "index_path",
]

SCHEMA = 2
"""Bumped when what is indexed changes; an index of another version is rebuilt."""
BATCH = 200
"""Stories per write transaction while building (another session's write waits this long)."""
BUSY_MS = 5000

_TOKENIZER = "unicode61 remove_diacritics 2"
_DDL = f"""
CREATE TABLE docs(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, story_id TEXT NOT NULL,
  mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, day INTEGER, feed TEXT NOT NULL,
  byline TEXT NOT NULL, tags TEXT NOT NULL);
CREATE INDEX docs_story ON docs(story_id);
CREATE VIRTUAL TABLE story_fts USING fts5(title, byline, body, tokenize='{_TOKENIZER}');
CREATE TABLE notes(id INTEGER PRIMARY KEY, ann_id TEXT UNIQUE NOT NULL, story_id TEXT NOT NULL,
  stamp TEXT NOT NULL);
CREATE INDEX notes_story ON notes(story_id);
CREATE VIRTUAL TABLE note_fts USING fts5(note, quote, tokenize='{_TOKENIZER}');
PRAGMA user_version = {SCHEMA};
"""


def index_path(cache_dir: Path, roots: Sequence[Path], data_dir: Path) -> Path:
    """The index file of a library (its folders) and a data dir (its notes)."""
    return cache_dir / f"search-{folders_digest([*roots, data_dir])}.sqlite"


@dataclass(frozen=True)
class Sync:
    """What :meth:`SearchIndex.plan` found to do: files to (re)read and paths to forget."""

    changed: list[StoryMeta]
    gone: list[str]

    @property
    def empty(self) -> bool:
        """Nothing to do."""
        return not self.changed and not self.gone


class SearchIndex:
    """The search index file; every public method is safe to call from any thread.

    Two SQLite connections, each used by one thread at a time: one for reading (searches
    never wait for a build: WAL mode) and one for writing (short transactions).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._dbs: dict[str, sqlite3.Connection] = {}
        self._known: dict[str, tuple[int, int]] | None = None
        """Path -> (mtime_ns, size) of what is indexed, kept after the first :meth:`plan`."""
        self._locks = {"read": threading.RLock(), "write": threading.RLock()}
        self.rebuilt = False
        """True when :meth:`open` found the file missing, outdated or corrupt and started over."""

    # ----- the file ------------------------------------------------------------------------

    def open(self) -> None:
        """Make sure the file is a usable index of this version; start over if it is not.

        Raises:
            IndexBroken: the cache dir cannot hold an index at all.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._usable():
                return
            self.close()
            self.remove_files()
            with self._locks["write"]:
                self._db("write").executescript(f"BEGIN IMMEDIATE; {_DDL} COMMIT;")
            self.rebuilt = True
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise IndexBroken(f"cannot create the search index {self.path}: {exc}") from exc

    def _usable(self) -> bool:
        if not self.path.exists():
            return False
        try:
            with self.reading() as db:
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                    return False
                db.execute("SELECT count(*) FROM docs").fetchone()
                for table in ("story_fts", "note_fts"):
                    db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH 'x' LIMIT 1")
            return True
        except sqlite3.DatabaseError:
            return False  # not a database, malformed, or from another version: rebuilt

    def remove_files(self) -> None:
        """Delete the index file and SQLite's side files (it is only a cache)."""
        self._known = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _db(self, role: str) -> sqlite3.Connection:
        db = self._dbs.get(role)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = wal")
            db.execute("PRAGMA synchronous = normal")  # a cache: losing the last commit is fine
            self._dbs[role] = db
        return db

    @contextmanager
    def reading(self, deadline: float | None = None) -> Iterator[sqlite3.Connection]:
        """The reading connection, for one thread at a time.

        Args:
            deadline: a ``time.perf_counter()`` value: the statements run in the block are
                stopped once it has passed, and :class:`TooSlow` is raised (as it is when
                another thread holds the connection until then).
        """
        if deadline is None:
            with self._locks["read"]:
                yield self._db("read")
            return
        lock = self._locks["read"]
        if not lock.acquire(timeout=max(deadline - time.perf_counter(), 0.0)):
            raise TooSlow("the index is busy with another search")
        try:
            if time.perf_counter() > deadline:  # a short statement may never be interrupted
                raise TooSlow("the search ran past its deadline")
            db = self._db("read")
            db.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
            try:
                yield db
            except sqlite3.OperationalError as exc:
                if time.perf_counter() > deadline:  # interrupted by the handler above
                    raise TooSlow("the search ran past its deadline") from exc
                raise
            finally:
                db.set_progress_handler(None, 0)
        finally:
            lock.release()

    def close(self) -> None:
        """Close the connections (they reopen on next use)."""
        with self._locks["read"], self._locks["write"]:
            for db in self._dbs.values():
                try:
                    db.close()
                except sqlite3.Error:
                    continue  # closing a broken handle: nothing left to release
            self._dbs.clear()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._locks["write"]:
            db = self._db("write")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def size_bytes(self) -> int:
        """The index's size on disk (file and write-ahead log)."""
        return sum(
            os.stat(f"{self.path}{s}").st_size
            for s in ("", "-wal")
            if os.path.exists(f"{self.path}{s}")
        )

    # ----- stories -------------------------------------------------------------------------

    def plan(self, items: Iterable[StoryMeta | StoryError]) -> Sync:
        """Compare the library's files (as last scanned) with what the index holds."""
        known = self._known
        if known is None:
            with self.reading() as db:
                rows = db.execute("SELECT path, mtime_ns, size FROM docs").fetchall()
            known = self._known = {path: (mtime, size) for path, mtime, size in rows}
        changed: list[StoryMeta] = []
        seen: set[str] = set()
        for item in items:
            if isinstance(item, StoryError):
                continue
            key = str(item.path)
            seen.add(key)
            if known.get(key) != (item.mtime_ns, item.size):
                changed.append(item)
        return Sync(changed, [path for path in known if path not in seen])

    def forget_cache(self) -> None:
        """Read what is indexed from the file again at the next :meth:`plan` (another process
        may have written it)."""
        self._known = None

    def apply(
        self,
        sync: Sync,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        read: Reader | None = None,
    ) -> int:
        """Read the changed files and write them (and the removals) in short transactions.

        Args:
            sync: from :meth:`plan`.
            progress: called with ``(done, total)`` after each batch.
            cancel: set it to stop after the current batch (what is written stays).
            read: how a batch of files is read (:func:`read_for_index` on each, in order);
                the build process reads with a pool of processes.

        Returns:
            How many files were (re)indexed.
        """
        if sync.gone:
            with self._write() as db:
                self._forget(db, sync.gone)
            for path in sync.gone:
                (self._known or {}).pop(path, None)
        total, done = len(sync.changed), 0
        for start in range(0, total, BATCH):
            if cancel is not None and cancel.is_set():
                break
            batch = sync.changed[start : start + BATCH]
            paths = [meta.path for meta in batch]
            read_all = read or (lambda files: [read_for_index(f, cancel) for f in files])
            try:
                stories = list(zip(batch, read_all(paths), strict=True))  # outside the lock
            except Cancelled:
                break  # quitting: what this batch read is dropped, nothing half-written
            known = self._known if self._known is not None else {}
            with self._write() as db:
                for meta, story in stories:
                    self._put(db, meta, story, fresh=str(meta.path) not in known)
            for meta, story in stories:
                if isinstance(story, StoryError):
                    known.pop(str(meta.path), None)
                else:
                    known[str(meta.path)] = (meta.mtime_ns, meta.size)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return done

    @staticmethod
    def _forget(db: sqlite3.Connection, paths: Sequence[str]) -> None:
        for path in paths:
            row = db.execute("SELECT id FROM docs WHERE path = ?", (path,)).fetchone()
            if row is not None:
                db.execute("DELETE FROM story_fts WHERE rowid = ?", row)
                db.execute("DELETE FROM docs WHERE id = ?", row)

    @staticmethod
    def _put(
        db: sqlite3.Connection, meta: StoryMeta, story: Indexed | StoryError, *, fresh: bool = False
    ) -> None:
        path = str(meta.path)
        if isinstance(story, StoryError):
            SearchIndex._forget(db, [path])
            return
        row = db.execute(
            "INSERT INTO docs(path, story_id, mtime_ns, size, day, feed, byline, tags) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "story_id = excluded.story_id, mtime_ns = excluded.mtime_ns, size = excluded.size,"
            " day = excluded.day, feed = excluded.feed, byline = excluded.byline,"
            " tags = excluded.tags RETURNING id",
            (
                path,
                meta.story_id,
                meta.mtime_ns,
                meta.size,
                story.day if story.day is not None else day_of(meta),
                story.feed,
                story.by,
                story.tags,
            ),
        ).fetchone()
        if not fresh:  # a new file has no text to replace
            db.execute("DELETE FROM story_fts WHERE rowid = ?", row)
        db.execute(
            "INSERT INTO story_fts(rowid, title, byline, body) VALUES (?, ?, ?, ?)",
            (row[0], story.title, story.byline, story.body),
        )

    def count(self) -> int:
        """How many stories are indexed."""
        with self.reading() as db:
            return int(db.execute("SELECT count(*) FROM docs").fetchone()[0])

    # ----- notes ---------------------------------------------------------------------------

    def sync_notes(self, annotations: Iterable[Annotation]) -> int:
        """Make the indexed notes exactly ``annotations`` (every one in the store).

        Returns:
            How many were added, changed or removed.
        """
        with self.reading() as db:
            known = dict(db.execute("SELECT ann_id, stamp FROM notes").fetchall())
        wanted = {a.id: a for a in annotations}
        stale = [a for a in wanted.values() if known.get(a.id) != stamp_of(a)]
        gone = [ann_id for ann_id in known if ann_id not in wanted]
        if not stale and not gone:
            return 0
        with self._write() as db:
            self._remove_notes(db, gone + [a.id for a in stale])
            for annotation in stale:
                self._put_note(db, annotation)
        return len(stale) + len(gone)

    def set_story_notes(self, story_id: str, annotations: Iterable[Annotation]) -> None:
        """Replace one story's indexed notes (after a note was saved, edited or deleted)."""
        with self._write() as db:
            ids = [r[0] for r in db.execute("SELECT ann_id FROM notes WHERE story_id = ?",
                                            (story_id,))]  # fmt: skip
            self._remove_notes(db, ids)
            for annotation in annotations:
                self._put_note(db, annotation)

    @staticmethod
    def _remove_notes(db: sqlite3.Connection, ann_ids: Sequence[str]) -> None:
        for ann_id in ann_ids:
            row = db.execute("SELECT id FROM notes WHERE ann_id = ?", (ann_id,)).fetchone()
            if row is not None:
                db.execute("DELETE FROM note_fts WHERE rowid = ?", row)
                db.execute("DELETE FROM notes WHERE id = ?", row)

    @staticmethod
    def _put_note(db: sqlite3.Connection, annotation: Annotation) -> None:
        row = db.execute(
            "INSERT INTO notes(ann_id, story_id, stamp) VALUES (?, ?, ?) RETURNING id",
            (annotation.id, annotation.story_id, stamp_of(annotation)),
        ).fetchone()
        db.execute(
            "INSERT INTO note_fts(rowid, note, quote) VALUES (?, ?, ?)",
            (row[0], spaced_cjk(annotation.note), spaced_cjk(quote_of(annotation))),
        )

"""Bookmarks, annotations, reading state and the unsaved-note draft, kept with TinyDB.

This module and :mod:`tui_reader.storage` (the atomic, locked file layer) are the only ones that
touch TinyDB; callers get plain dataclasses (:mod:`tui_reader.store_records`).

Layout of the data dir (see :mod:`tui_reader.paths` for where it is)::

    store.lock            one file lock, held across every read-modify-write
    bookmarks.json        table "bookmarks", keyed by story id
    state.json            tables "read", "positions" (keyed by story id) and "session"
    draft.json            table "draft": the note being typed when the process was hung up
    annotations/00.json   16 shards; an annotation lives in shard hash(story_id) % 16,
    ...                   keyed by its UUID
    annotations/15.json
    <file>.bak            last-good copy of each file, rotated (hard link) on every write

Why split: every write rewrites one whole file (atomically, see :mod:`tui_reader.storage`), so the
common write, saving a note, should touch a small file. With 10,000 notes a shard holds ~600.
All of one story's notes share a shard, so ``annotations_for`` reads one file.

Concurrency: every write takes ``store.lock``, re-reads the files it touches if another process
changed them (stat check), applies the change and writes durably before returning. Reads use
memory; :meth:`Store.refresh` picks up other sessions' changes. Public methods are thread-safe.

Errors: a write that cannot be saved raises :class:`StoreError` (message fit for the user) and
leaves memory as it is on disk. Problems found when reading are recovered from and described in
``Store.notices``; files that could not be read, or are from a newer version, are never
overwritten: what could be read is shown, :attr:`Store.durable` is False, and writes to those
files raise :class:`StoreError` (so the UI never says "saved" for a note that is not on disk).

Story identity is the caller's (``Story.story_id``); :meth:`Store.relink` moves everything from
an old id to a new one when the UI finds a story, by path, whose id changed.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import filelock

from tui_reader.paths import FILE_MODE, ensure_private_dir
from tui_reader.storage import JsonFile, StoreError
from tui_reader.store_records import (
    Annotation,
    Bookmark,
    Draft,
    annotation_doc,
    annotation_from,
    bookmark_from,
    checked_selectors,
    copy_selectors,
    draft_doc,
    draft_from,
    now_iso,
)

__all__ = ["Annotation", "Bookmark", "Draft", "Store", "StoreError"]

SHARDS = 16
LOCK_TIMEOUT = 10.0
ANN = "annotations"


def _shard(story_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(story_id.encode(), digest_size=2).digest()) % SHARDS


class Store:
    """The reader's persistent data in one data dir. Create with :meth:`Store.open`."""

    def __init__(self, data_dir: Path) -> None:
        """Describe the store; prefer :meth:`open`, which also loads and recovers files."""
        self.data_dir = data_dir
        #: Human-readable messages about recovery and read-only files, oldest first.
        self.notices: list[str] = []
        self._mutex = threading.RLock()
        self._lock = filelock.FileLock(
            data_dir / "store.lock", timeout=LOCK_TIMEOUT, mode=FILE_MODE, poll_interval=0.001
        )
        self._bookmarks = JsonFile(
            data_dir / "bookmarks.json", "bookmarks", "bookmarks", ("bookmarks",)
        )
        self._state = JsonFile(
            data_dir / "state.json", "state", "reading state", ("read", "positions", "session")
        )
        self._draft = JsonFile(data_dir / "draft.json", "draft", "draft note", ("draft",))
        self._shards = [
            JsonFile(
                data_dir / "annotations" / f"{i:02d}.json",
                "annotations",
                "annotations",
                ("annotations",),
            )
            for i in range(SHARDS)
        ]
        self._files = [self._bookmarks, self._state, self._draft, *self._shards]

    @classmethod
    def open(cls, data_dir: Path) -> Store:
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
        except filelock.Timeout as exc:
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
                except OSError as exc:
                    for f in files:
                        f.load(self.notices, can_fix=True)
                    raise StoreError(f"Could not save to {self.data_dir}: {exc}") from exc

    # Bookmarks

    def set_bookmark(
        self,
        story_id: str,
        on: bool,
        *,
        tags: Sequence[str] = (),
        title: str = "",
        path: str = "",
    ) -> Bookmark | None:
        """Bookmark a story (replacing tags, title and path) or remove its bookmark.

        Returns:
            The bookmark now stored, or None when removed.
        """
        with self._writing(self._bookmarks):
            old = self._bookmarks.raw("bookmarks").get(story_id)
            if not on:
                if old is not None:
                    self._bookmarks.delete("bookmarks", [story_id])
                return None
            created = str(old.get("created", "")) if old else now_iso()
            doc = {"tags": list(tags), "title": title, "path": path, "created": created}
            self._bookmarks.put("bookmarks", story_id, doc)
            return bookmark_from(story_id, doc)

    def is_bookmarked(self, story_id: str) -> bool:
        """Whether ``story_id`` is bookmarked (as of the last refresh or write)."""
        with self._mutex:
            return story_id in self._bookmarks.raw("bookmarks")

    def bookmarks(self) -> dict[str, Bookmark]:
        """All bookmarks by story id."""
        with self._mutex:
            return {k: bookmark_from(k, d) for k, d in self._bookmarks.raw("bookmarks").items()}

    # Annotations

    def add_annotation(
        self,
        story_id: str,
        selectors: Sequence[Mapping[str, Any]],
        note: str,
        *,
        story_title: str = "",
        story_path: str = "",
    ) -> Annotation:
        """Store a new highlight or note; it is on disk when this returns.

        Raises:
            StoreError: it could not be saved. ValueError: selectors are not JSON data.
        """
        now = now_iso()
        sel = checked_selectors(selectors)
        ann = Annotation(str(uuid.uuid4()), story_id, sel, note, now, now, story_title, story_path)
        shard = self._shards[_shard(story_id)]
        with self._writing(shard):
            shard.put(ANN, ann.id, annotation_doc(ann))
        return replace(ann, selectors=copy_selectors(sel))

    def _find(self, ann_id: str) -> JsonFile | None:
        return next((s for s in self._shards if ann_id in s.raw(ANN)), None)

    def update_annotation(
        self,
        ann_id: str,
        *,
        note: str | None = None,
        selectors: Sequence[Mapping[str, Any]] | None = None,
    ) -> Annotation:
        """Change a note's text and/or selectors; durable on return.

        Raises:
            KeyError: no annotation has that id (another session may have deleted it).
        """
        fields: dict[str, Any] = {"updated": now_iso()}
        if note is not None:
            fields["note"] = note
        if selectors is not None:
            fields["selectors"] = checked_selectors(selectors)
        with self._writing(*self._shards):
            shard = self._find(ann_id)
            if shard is None:
                raise KeyError(ann_id)
            shard.patch(ANN, [ann_id], fields)
            return annotation_from(ann_id, shard.raw(ANN)[ann_id])

    def delete_annotation(self, ann_id: str) -> Annotation | None:
        """Delete an annotation; returns it (for undo), or None if it was not there."""
        with self._writing(*self._shards):
            shard = self._find(ann_id)
            if shard is None:
                return None
            ann = annotation_from(ann_id, shard.raw(ANN)[ann_id])
            shard.delete(ANN, [ann_id])
            return ann

    def restore_annotation(self, ann: Annotation) -> None:
        """Put back a deleted annotation with the same id (undo of :meth:`delete_annotation`)."""
        shard = self._shards[_shard(ann.story_id)]
        doc = annotation_doc(replace(ann, selectors=checked_selectors(ann.selectors)))
        with self._writing(shard):
            shard.put(ANN, ann.id, doc)

    def annotations_for(self, story_id: str) -> list[Annotation]:
        """A story's annotations, oldest first."""
        with self._mutex:
            found = self._shards[_shard(story_id)].find(ANN, "story_id", story_id)
            anns = [annotation_from(ann_id, doc) for ann_id, doc in found]
        return sorted(anns, key=lambda a: (a.created, a.id))

    def get_annotation(self, ann_id: str) -> Annotation | None:
        """The annotation with this id, or None."""
        with self._mutex:
            shard = self._find(ann_id)
            return None if shard is None else annotation_from(ann_id, shard.raw(ANN)[ann_id])

    def all_annotations(self) -> list[Annotation]:
        """Every annotation, ordered by story id then creation time."""
        with self._mutex:
            seen: dict[str, Annotation] = {}
            for shard in self._shards:
                for ann_id, doc in shard.raw(ANN).items():
                    seen.setdefault(ann_id, annotation_from(ann_id, doc))
        return sorted(seen.values(), key=lambda a: (a.story_id, a.created, a.id))

    def annotation_counts(self) -> dict[str, int]:
        """Number of annotations per story id (stories without any are absent)."""
        counts: dict[str, int] = {}
        with self._mutex:
            for shard in self._shards:
                for doc in shard.raw(ANN).values():
                    sid = str(doc.get("story_id", ""))
                    counts[sid] = counts.get(sid, 0) + 1
        return counts

    # Reading state

    def mark_read(self, story_id: str, read: bool = True) -> None:
        """Mark a story read or unread; durable on return."""
        with self._writing(self._state):
            if (story_id in self._state.raw("read")) == read:
                return
            if read:
                self._state.put("read", story_id, {"at": now_iso()})
            else:
                self._state.delete("read", [story_id])

    def read_ids(self) -> set[str]:
        """Ids of stories marked read."""
        with self._mutex:
            return set(self._state.raw("read"))

    def set_position(self, story_id: str, offset: int) -> None:
        """Remember the reading position in a story (a durable write: call it on leave/pause)."""
        with self._writing(self._state):
            if self.position(story_id) != offset:
                self._state.put("positions", story_id, {"offset": int(offset), "at": now_iso()})

    def position(self, story_id: str) -> int | None:
        """The remembered reading position of a story, or None."""
        with self._mutex:
            offset = self._state.raw("positions").get(story_id, {}).get("offset")
        return offset if isinstance(offset, int) else None

    def set_last_open(self, story_id: str) -> None:
        """Remember the story that is open, to reopen it on the next start."""
        with self._writing(self._state):
            if self.last_open() != story_id:
                doc = {"story_id": story_id, "at": now_iso()}
                self._state.put("session", "last_open", doc)

    def last_open(self) -> str | None:
        """The story that was open last, or None."""
        with self._mutex:
            sid = self._state.raw("session").get("last_open", {}).get("story_id")
        return sid if isinstance(sid, str) else None

    # Draft

    def save_draft(self, draft: Draft) -> Draft:
        """Durably keep the note being typed (e.g. from a SIGHUP handler); returns it stamped."""
        stamped = replace(draft, selectors=checked_selectors(draft.selectors), saved_at=now_iso())
        with self._writing(self._draft):
            self._draft.put("draft", "current", draft_doc(stamped))
        return stamped

    def draft(self) -> Draft | None:
        """The saved draft, or None."""
        with self._mutex:
            doc = self._draft.raw("draft").get("current")
        return None if doc is None else draft_from(doc)

    def clear_draft(self) -> None:
        """Forget the draft (after it was saved as a note or discarded)."""
        with self._writing(self._draft):
            if "current" in self._draft.raw("draft"):
                self._draft.delete("draft", ["current"])

    # Identity

    def relink(self, old_story_id: str, new_story_id: str) -> int:
        """Move bookmark, annotations and reading state from one story id to another.

        Idempotent, so calling it again completes a relink interrupted by a crash.

        Returns:
            The number of annotations moved.
        """
        if old_story_id == new_story_id:
            return 0
        old, new = old_story_id, new_story_id
        src, dst = self._shards[_shard(old)], self._shards[_shard(new)]
        with self._writing(self._bookmarks, self._state, src, dst):
            self._relink_bookmark(old, new)
            self._relink_state(old, new)
            moving = {k: d for k, d in src.raw(ANN).items() if d.get("story_id") == old}
            if moving and src is dst:
                src.patch(ANN, moving, {"story_id": new})
            elif moving:  # copy first: a crash in between leaves a duplicate, never a loss
                copies = {k: {**d, "story_id": new} for k, d in moving.items()}
                dst.insert_many(ANN, {k: d for k, d in copies.items() if k not in dst.raw(ANN)})
                src.delete(ANN, moving)
            return len(moving)

    def _relink_bookmark(self, old: str, new: str) -> None:
        raw = self._bookmarks.raw("bookmarks")
        if old not in raw:
            return
        a = bookmark_from(old, raw[old])
        b = bookmark_from(new, raw[new]) if new in raw else a
        doc = {
            "tags": list(dict.fromkeys(b.tags + a.tags)),
            "title": b.title or a.title,
            "path": b.path or a.path,
            "created": min(a.created, b.created),
        }
        self._bookmarks.put("bookmarks", new, doc)
        self._bookmarks.delete("bookmarks", [old])

    def _relink_state(self, old: str, new: str) -> None:
        for name in ("read", "positions"):
            raw = self._state.raw(name)
            if old in raw:
                if new not in raw:
                    self._state.put(name, new, dict(raw[old]))
                self._state.delete(name, [old])
        if self.last_open() == old:
            self._state.put("session", "last_open", {"story_id": new, "at": now_iso()})

"""Bookmarks, annotations, reading state and the unsaved-note draft, kept with TinyDB.

:class:`Store` is the one entry point the app uses; callers get plain dataclasses
(:mod:`tui_reader.storage.records`). The files, their layout in the data dir, the lock and the
durable read-modify-write every method below goes through are :mod:`tui_reader.storage.base`;
moving data between story ids is :mod:`tui_reader.storage.identities` (on top of
:mod:`tui_reader.storage.relink`).

Errors: a write that cannot be saved raises :class:`StoreError` (message fit for the user) and
leaves memory as it is on disk; files that could not be read are never overwritten, and
:attr:`Store.durable` is False (see :mod:`tui_reader.storage.base`).

Story identity is the caller's (``Story.story_id``); :meth:`Store.relink` moves everything from
an old id to a new one when the UI finds a story, by path, whose id changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any

from tui_reader.storage.base import ANN, LOCK_TIMEOUT, SHARDS
from tui_reader.storage.base import shard_number as _shard
from tui_reader.storage.feeds_store import FeedsStore
from tui_reader.storage.files import JsonFile, NotFound, StoreError
from tui_reader.storage.records import (
    Annotation,
    Bookmark,
    Draft,
    FeedRecord,
    annotation_doc,
    annotation_from,
    bookmark_doc,
    bookmark_from,
    checked_selectors,
    copy_selectors,
    draft_doc,
    draft_from,
    now_iso,
)
from tui_reader.storage.relink import Owner
from tui_reader.storage.story_notes import StoryNotes

__all__ = [
    "LOCK_TIMEOUT",
    "SHARDS",
    "Annotation",
    "Bookmark",
    "Draft",
    "FeedRecord",
    "NotFound",
    "Owner",
    "Store",
    "StoreError",
]


class Store(FeedsStore):
    """The reader's persistent data in one data dir. Create with :meth:`Store.open`."""

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
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        """Change a note's text, selectors and/or tags; durable on return.

        Raises:
            NotFound: no annotation has that id (another session may have deleted it).
            StoreError: it could not be saved.
        """
        fields: dict[str, Any] = {"updated": now_iso()}
        if note is not None:
            fields["note"] = note
        if selectors is not None:
            fields["selectors"] = checked_selectors(selectors)
        if tags is not None:
            fields["tags"] = [str(tag) for tag in tags]
        with self._writing(*self._shards):
            shard = self._find(ann_id)
            if shard is None:
                raise NotFound(f"The note {ann_id} is not in the store any more.")
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

    def import_notes(
        self, annotations: Sequence[Annotation], bookmarks: Sequence[Bookmark] = ()
    ) -> tuple[list[Annotation], list[Bookmark]]:
        """Add annotations (with their own ids and times) and bookmarks, all or none.

        Ones whose id (or story id, for bookmarks) is already stored are left alone, so
        importing the same notes twice adds nothing.

        Returns:
            The annotations and bookmarks that were added.

        Raises:
            StoreError: nothing could be saved; what had been written is taken back (if even
                that fails, importing again completes the import without duplicates).
            ValueError: selectors are not JSON data.
        """
        docs = [(ann, annotation_doc(replace(ann, selectors=checked_selectors(ann.selectors))))
                for ann in annotations]  # fmt: skip
        with self._writing(self._bookmarks, *self._shards):
            stored = {ann_id for shard in self._shards for ann_id in shard.raw(ANN)}
            added: list[Annotation] = []
            per_shard: dict[int, dict[str, dict[str, Any]]] = {}
            for ann, doc in docs:
                if ann.id not in stored:
                    stored.add(ann.id)
                    per_shard.setdefault(_shard(ann.story_id), {})[ann.id] = doc
                    added.append(ann)
            marks = self._bookmarks.raw("bookmarks")
            new_marks = {b.story_id: b for b in bookmarks if b.story_id not in marks}
            done: list[tuple[JsonFile, list[str]]] = []
            try:
                for number, shard_docs in sorted(per_shard.items()):
                    self._shards[number].insert_many(ANN, shard_docs)
                    done.append((self._shards[number], list(shard_docs)))
                if new_marks:
                    self._bookmarks.insert_many(
                        "bookmarks", {sid: bookmark_doc(b) for sid, b in new_marks.items()}
                    )
            except (OSError, TypeError, ValueError):
                for shard, ids in done:  # all or none: take back what was written
                    with suppress(OSError):
                        shard.delete(ANN, ids)
                raise
        return added, list(new_marks.values())

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

    def story_notes(self) -> list[StoryNotes]:
        """Every annotated story's annotations, by story id, as :meth:`all_annotations`
        orders them, but made into records only when a story's are asked for (an export
        shares that work with a forked child). For a caller that only reads the store."""
        by_story: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
        with self._mutex:
            seen: set[str] = set()
            for shard in self._shards:
                for ann_id, doc in shard.raw(ANN).items():
                    if ann_id in seen:
                        continue  # the first shard's copy, as all_annotations keeps it
                    seen.add(ann_id)
                    get = doc.get
                    story_id, created = str(get("story_id", "")), str(get("created", ""))
                    by_story.setdefault(story_id, []).append((created, ann_id, doc))
        return [
            StoryNotes(story_id, sorted(docs, key=lambda d: d[:2]))
            for story_id, docs in sorted(by_story.items())
        ]

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

    def mark_read_many(self, story_ids: Sequence[str], read: bool = True) -> list[str]:
        """Mark many stories read (or unread) in one durable write.

        Returns:
            The ids whose state changed (what an undo must put back).
        """
        with self._writing(self._state):
            marked = self._state.raw("read")
            changed = [sid for sid in dict.fromkeys(story_ids) if (sid in marked) != read]
            if changed and read:
                at = now_iso()
                self._state.insert_many("read", {sid: {"at": at} for sid in changed})
            elif changed:
                self._state.delete("read", changed)
            return changed

    def read_ids(self) -> set[str]:
        """Ids of stories marked read."""
        with self._mutex:
            return set(self._state.raw("read"))

    def set_position(self, story_id: str, offset: int, caret: int | None = None) -> None:
        """Remember the reading position in a story (the text at the top of the view) and
        where its caret was (a durable write: call it on leave/pause)."""
        with self._writing(self._state):
            if (self.position(story_id), self.caret(story_id)) != (offset, caret):
                doc: dict[str, object] = {"offset": int(offset), "at": now_iso()}
                if caret is not None:
                    doc["caret"] = int(caret)
                self._state.put("positions", story_id, doc)

    def position(self, story_id: str) -> int | None:
        """The remembered reading position of a story, or None."""
        with self._mutex:
            offset = self._state.raw("positions").get(story_id, {}).get("offset")
        return offset if isinstance(offset, int) else None

    def caret(self, story_id: str) -> int | None:
        """Where the caret was when the story was left, or None (not remembered)."""
        with self._mutex:
            caret = self._state.raw("positions").get(story_id, {}).get("caret")
        return caret if isinstance(caret, int) and not isinstance(caret, bool) else None

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

"""The store's writes that move saved data between story ids, and the record of data
migrations that needed the library to run.

:class:`IdentityStore` sits between :class:`~tui_reader.storage.base.StoreBase` (files, lock,
durable writes) and :class:`~tui_reader.storage.store.Store`; how each kind of record is moved
or merged is :mod:`tui_reader.storage.relink`. Deciding *where* data belongs needs the stories'
texts, so it is the notes layer's job (:mod:`tui_reader.notes.regroup`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui_reader.storage.base import ANN, StoreBase, shard_number
from tui_reader.storage.files import JsonFile
from tui_reader.storage.records import now_iso
from tui_reader.storage.relink import (
    Owner,
    move_annotations,
    relink_bookmark,
    relink_state,
    split_annotations,
    split_bookmark,
    split_state,
)

__all__ = ["IdentityStore"]


class IdentityStore(StoreBase):
    """Moving, sharing out and listing what is saved per story id."""

    def _shard_of(self, story_id: str) -> JsonFile:
        return self._shards[shard_number(story_id)]

    def relink(self, old_story_id: str, new_story_id: str) -> int:
        """Move bookmark, annotations and reading state from one story id to another.

        Idempotent, so calling it again completes a relink interrupted by a crash.

        Returns:
            The number of annotations moved.
        """
        if old_story_id == new_story_id:
            return 0
        old, new = old_story_id, new_story_id
        src, dst = self._shard_of(old), self._shard_of(new)
        with self._writing(self._bookmarks, self._state, src, dst):
            relink_bookmark(self._bookmarks, old, new)
            relink_state(self._state, old, new)
            return move_annotations(src, dst, old, new)

    def split_story(
        self,
        old_story_id: str,
        annotations: Mapping[str, Sequence[Owner]],
        bookmark: Sequence[str] = (),
        state: Sequence[str] = (),
    ) -> int:
        """Share out what is saved under one story id among the stories it belongs to.

        Used when two files had the same id: each annotation goes to its owners (the first
        keeps it, the others get a copy with an id of its own), the bookmark to each of
        ``bookmark``, the read mark and reading position to each of ``state``. Idempotent, and
        a crash part-way leaves duplicates, never a loss (see :mod:`.relink`).

        Returns:
            The number of copies made.
        """
        with self._writing(self._bookmarks, self._state, *self._shards):
            copies = split_annotations(self._shard_of, old_story_id, annotations)
            split_bookmark(self._bookmarks, old_story_id, bookmark)
            split_state(self._state, old_story_id, state)
            return copies

    def stored_ids(self) -> set[str]:
        """Every story id something is saved under: notes, bookmark, read mark, position."""
        with self._mutex:
            ids = {str(d.get("story_id", "")) for s in self._shards for d in s.raw(ANN).values()}
            ids |= set(self._bookmarks.raw("bookmarks"))
            ids |= set(self._state.raw("read")) | set(self._state.raw("positions"))
            last = self._state.raw("session").get("last_open", {}).get("story_id")
        return ids | ({last} if isinstance(last, str) else set())

    def migration(self, name: str) -> dict[str, Any] | None:
        """What was recorded when the data migration ``name`` ran, or None if it never did."""
        with self._mutex:
            doc = self._state.raw("migrations").get(name)
        return dict(doc) if isinstance(doc, Mapping) else None

    def record_migration(self, name: str, summary: Mapping[str, Any]) -> None:
        """Record that the data migration ``name`` ran (with ``summary``); durable on return."""
        with self._writing(self._state):
            self._state.put("migrations", name, {**summary, "at": now_iso()})

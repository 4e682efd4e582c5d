"""Bookmarks, tags, read marks and reading positions: the reader's other writes, as outcomes.

No Textual. Like :mod:`tui_reader.notes.service`, every write comes back as ``Saved`` or
``Failed`` (with the reason), never as an exception the UI must remember to catch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_reader.core.stories import Story
from tui_reader.core.story import base_of
from tui_reader.notes.outcomes import Failed, Saved
from tui_reader.notes.service import Target
from tui_reader.storage.store import Bookmark, Store, StoreError

__all__ = ["Marked", "ReadingState"]


@dataclass(frozen=True)
class Marked:
    """Stories were marked read or unread; ``changed`` is what an undo puts back."""

    changed: tuple[str, ...]
    read: bool


class ReadingState:
    """What a reader marks while reading, kept in the store."""

    def __init__(self, store: Store, *, mark_read_on_open: bool = True) -> None:
        self.store = store
        self.mark_read_on_open = mark_read_on_open
        """Opening a story counts as reading it (``mark_read_on_open`` in config)."""

    def mark(self, story_ids: Sequence[str], read: bool) -> Marked | Failed:
        """Mark stories read or unread in one write."""
        try:
            changed = self.store.mark_read_many(story_ids, read)
        except StoreError as exc:
            return Failed("the read marks", str(exc))
        return Marked(tuple(changed), read)

    def undo(self, marked: Marked) -> Marked | Failed:
        """Put back what :meth:`mark` changed."""
        return self.mark(marked.changed, not marked.read)

    def bookmark(
        self, target: Target, on: bool, tags: Sequence[str] | None = None
    ) -> Saved | Failed:
        """Bookmark a story (keeping its tags unless ``tags`` is given) or remove the bookmark."""
        what = "the bookmark" if tags is None else "the tags"
        if tags is None:
            old = self.store.bookmarks().get(target.story_id)
            tags = old.tags if old is not None else ()
        try:
            self.store.set_bookmark(
                target.story_id, on, tags=tags, title=target.title, path=target.path
            )
        except StoreError as exc:
            return Failed(what, str(exc))
        return Saved()

    def bookmark_of(self, story_id: str) -> Bookmark | None:
        """The story's bookmark, if it has one."""
        return self.store.bookmarks().get(story_id)

    def opened(self, story: Story) -> Failed | None:
        """A story was opened: it counts as read (unless configured otherwise) and is the one
        to reopen next time."""
        try:
            if self.mark_read_on_open:
                self.store.mark_read(story.story_id)
            self.store.set_last_open(story.story_id)
        except StoreError as exc:
            return Failed("the reading state", str(exc))
        return None

    def left_at(self, story_id: str, offset: int, caret: int | None = None) -> Failed | None:
        """Remember how far a story was read (``offset``: the text at the top of the view) and
        where its caret was."""
        try:
            self.store.set_position(story_id, offset, caret)
        except StoreError as exc:
            return Failed("the reading position", str(exc))
        return None

    def follow_identity(self, story: Story, listed: frozenset[str]) -> None:
        """Keep the notes of a story whose id changed (e.g. a story without a URL retitled).

        Whatever was saved for this same file under another id moves to the new id, but only
        when neither id is a source URL (a different URL means a different story) and the old
        id belongs to no story in the library (``listed``) any more. An old id made from the
        same identity (two files shared it) is :mod:`tui_reader.notes.regroup`'s to sort out,
        note by note. A store that cannot be written leaves the notes under the old id.
        """
        if story.story_id.startswith("url:"):
            return
        path = str(story.path)
        old_ids = {a.story_id for a in self.store.all_annotations() if a.story_path == path}
        old_ids |= {b.story_id for b in self.store.bookmarks().values() if b.path == path}
        for old in old_ids - listed - {story.story_id}:
            if not old.startswith("url:") and base_of(old) != story.identity:
                try:
                    self.store.relink(old, story.story_id)
                except StoreError:
                    return  # read-only store: the notes stay under the old id

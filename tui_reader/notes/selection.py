"""Which notes an export takes: one story, a tag, changed since a date; each with its story.

Pure module: no Textual. The notes come out grouped by story (story id order), oldest first
within a story, as the store keeps them, and formats write them as they come; Markdown takes
them story by story, stories by title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from tui_reader.core.stories import normalize_url
from tui_reader.notes.library_lookup import Lookup
from tui_reader.notes.sources import StoryInfo, StoryResolver, story_id_of_source, web_url
from tui_reader.storage.records import Annotation, Bookmark
from tui_reader.storage.store import Store
from tui_reader.storage.story_notes import StoryNotes

__all__ = ["Filter", "Selected", "parse_since", "story_key"]


def story_key(value: str) -> str:
    """The story id ``--story`` names: a story id as shown by ``export``, or the story's URL."""
    value = value.strip()
    if web_url(value) or value.startswith("urn:"):
        return story_id_of_source(value) or value
    if "://" not in value and value.partition(":")[0] not in ("url", "meta", "path"):
        norm = normalize_url("//" + value)  # example.org/a, as a URL without its scheme
        return "url:" + norm if norm else value
    return value


def parse_since(value: str) -> dt.datetime:
    """A ``--since`` date (``2026-11-29``) or time (``2026-11-29T10:00``, local unless it
    says otherwise).

    Raises:
        ValueError: with a message for the user.
    """
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"--since {value!r}: give a date like 2026-11-29") from None
    return when if when.tzinfo else when.astimezone()


def _stamp(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Filter:
    """What to export; the default takes everything."""

    story: str | None = None
    """Only this story id (see :func:`story_key`)."""
    tag: str | None = None
    """Only notes with this tag, or on a story whose bookmark has it (any case)."""
    since: dt.datetime | None = None
    """Only notes changed (bookmarks made) at or after this time."""

    @property
    def takes_all(self) -> bool:
        """Whether this is the default filter, which takes every note and bookmark."""
        return self.story is None and self.tag is None and self.since is None

    def _tagged(self, tags: tuple[str, ...]) -> bool:
        return self.tag is None or self.tag.casefold() in (t.casefold() for t in tags)

    def _recent(self, stamp: str) -> bool:
        when = _stamp(stamp) if self.since is not None else None
        return self.since is None or (when is not None and when >= self.since)

    def takes(self, annotation: Annotation, story: StoryInfo) -> bool:
        """Whether ``annotation`` (on ``story``) is exported."""
        if self.story is not None and annotation.story_id != self.story:
            return False
        tagged = self._tagged(annotation.tags) or self._tagged(story.tags)
        return tagged and self._recent(annotation.updated)

    def takes_bookmark(self, bookmark: Bookmark) -> bool:
        """Whether ``bookmark`` is exported."""
        if self.story is not None and bookmark.story_id != self.story:
            return False
        return self._tagged(bookmark.tags) and self._recent(bookmark.created)


class Selected:
    """The notes and bookmarks of a store that a filter takes, with their stories."""

    def __init__(
        self, store: Store, wanted: Filter | None = None, known: Lookup | None = None
    ) -> None:
        """``known``: stories the library's index knows (their files need not be read)."""
        self.store = store
        self.wanted = wanted or Filter()
        self.stories = StoryResolver(store.bookmarks(), known)
        # Made once and kept as long as this selection: a command that exports and ends
        # never frees them one by one (see cli/export.py).
        self._taken: list[tuple[Annotation, StoryInfo]] | None = None
        self._groups: list[tuple[StoryInfo, StoryNotes]] | None = None

    def bookmarks(self) -> Iterator[tuple[Bookmark, StoryInfo]]:
        """The bookmarks taken, by story id."""
        marks = self.stories.bookmarks
        for sid in sorted(marks):
            if self.wanted.takes_bookmark(marks[sid]):
                yield marks[sid], self.stories.of_bookmark(marks[sid])

    def annotations(self) -> list[tuple[Annotation, StoryInfo]]:
        """The annotations taken, grouped by story (story id order), oldest first."""
        if self._taken is None:
            info, takes = self.stories.info, self.wanted.takes
            self._taken = [
                (annotation, story)
                for annotation in self.store.all_annotations()
                if takes(annotation, story := info(annotation))
            ]
        return self._taken

    def by_story(self) -> list[tuple[StoryInfo, StoryNotes]]:
        """Every annotated story (of the story asked for, if one is), stories by title.

        A story's notes become records, and go through the rest of the filter, only in
        :meth:`taken`: the Markdown export shares that with its forked child, story by story.
        """
        if self._groups is None:
            info, only = self.stories.info, self.wanted.story
            groups = [
                (info(stored.first), stored)
                for stored in self.store.story_notes()
                if only is None or stored.story_id == only
            ]
            self._groups = sorted(groups, key=lambda g: (g[0].title.casefold(), g[0].story_id))
        return self._groups

    def taken(self, story: StoryInfo, stored: StoryNotes) -> list[Annotation]:
        """The notes of a story of :meth:`by_story` that the filter takes, oldest first."""
        if self.wanted.takes_all:
            return stored.notes()  # none is asked: ~1 us a note, of 10,000
        takes = self.wanted.takes
        return [annotation for annotation in stored.notes() if takes(annotation, story)]

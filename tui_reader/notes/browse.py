"""Every note and highlight across all stories, for the notes browser: newest first, filtered
by words and ``#tags``, and copied as Markdown. Pure module: no Textual.

Stories are described from the library's metadata (no story file is read here); a note whose
story is not in the library keeps the title it was saved with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tui_reader.core.stories import StoryMeta
from tui_reader.core.textsafe import sanitize_line
from tui_reader.notes.citation import quote_of
from tui_reader.notes.formats.markdown import note_markdown
from tui_reader.notes.sources import StoryInfo
from tui_reader.storage.records import Annotation, Bookmark
from tui_reader.storage.store import Store

__all__ = ["NoteItem", "Query", "catalog", "parse_query"]


@dataclass(frozen=True)
class NoteItem:
    """One note or highlight with its story."""

    annotation: Annotation
    story: StoryInfo
    in_library: bool
    """Its story is in the library (so it can be opened)."""

    @property
    def quote(self) -> str:
        """The passage."""
        return quote_of(self.annotation.selectors)

    def markdown(self) -> str:
        """The note as Markdown to paste: quote, note, tags and time, citation link."""
        return note_markdown(self.annotation, self.story)

    def tags(self) -> tuple[str, ...]:
        """The note's tags and its story's bookmark tags."""
        return tuple(dict.fromkeys([*self.annotation.tags, *self.story.tags]))


@dataclass(frozen=True)
class Query:
    """What the filter line asks for: words (all must appear) and tags (all must be there)."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def matches(self, item: NoteItem) -> bool:
        """Whether ``item`` passes (case-insensitive)."""
        if self.tags:
            have = {t.casefold() for t in item.tags()}
            if not all(tag in have for tag in self.tags):
                return False
        if self.words:
            note = item.annotation
            haystack = f"{item.quote}\n{note.note}\n{item.story.title}".casefold()
            return all(word in haystack for word in self.words)
        return True


def parse_query(text: str) -> Query:
    """``climate #policy #later`` -> words ``climate``, tags ``policy`` and ``later``."""
    words, tags = [], []
    for word in sanitize_line(text).casefold().split():
        if word.startswith("#") and len(word) > 1:
            tags.append(word[1:])
        elif word != "#":
            words.append(word)
    return Query(tuple(words), tuple(tags))


def _info(annotation: Annotation, meta: StoryMeta | None, mark: Bookmark | None) -> StoryInfo:
    tags = mark.tags if mark else ()
    if meta is not None:
        return StoryInfo(
            meta.story_id, meta.title, meta.url, meta.byline, meta.date, str(meta.path), tags, True
        )
    sid = annotation.story_id
    url = "https://" + sid.removeprefix("url:") if sid.startswith("url:") else None
    title = sanitize_line(annotation.story_title) or (mark.title if mark else "") or sid
    return StoryInfo(sid, title, url, path=annotation.story_path, tags=tags)


def catalog(store: Store, library: Mapping[str, StoryMeta]) -> list[NoteItem]:
    """Every annotation in ``store``, newest change first, with its story from ``library``
    (story id -> metadata)."""
    marks = store.bookmarks()
    items = [
        NoteItem(
            a,
            _info(a, library.get(a.story_id), marks.get(a.story_id)),
            a.story_id in library,
        )
        for a in store.all_annotations()
    ]
    items.sort(key=lambda item: (item.annotation.updated, item.annotation.id), reverse=True)
    return items

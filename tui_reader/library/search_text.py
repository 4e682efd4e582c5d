"""What stories and notes look like to the search index: Markdown reduced to the text a reader
sees, CJK spaced for the tokenizer, the filters' fields folded.

Pure functions (no Textual, no SQLite): :func:`read_for_index` also runs in the build
process's pool of parsers (:mod:`tui_reader.library.build`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from tui_reader.core.stories import Story, StoryError, StoryMeta, StoryReader
from tui_reader.core.textfold import fold, spaced_cjk
from tui_reader.storage.records import Annotation

__all__ = [
    "INDEX_BODY_CHARS",
    "Cancelled",
    "Indexed",
    "Reader",
    "day_of",
    "indexed",
    "plain_body",
    "quote_of",
    "read_for_index",
    "stamp_of",
]

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(?:https?|ftp)://[^>\s]+>", re.I)
_BLOCK_MARKS = re.compile(r"(?m)^ {0,3}(?:#{1,6}|>|[-*+]|\d+[.)])[ \t]+")


def plain_body(markdown: str) -> str:
    """A story's Markdown as the text a reader sees (for snippets): link text kept, URLs,
    heading, quote and list marks and bold/code marks dropped. The tokenizer ignores marks
    anyway; this is for the eye, and cheap (10,000 stories are indexed at once)."""
    text = _AUTOLINK.sub("", _LINK.sub(r"\1", markdown) if "](" in markdown else markdown)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return _BLOCK_MARKS.sub("", text)


class Indexed(NamedTuple):
    """A story file as the index stores it: text ready for the tokenizer, filters folded."""

    title: str
    byline: str
    body: str
    day: int | None
    feed: str
    by: str
    tags: str


Reader = Callable[[list[Path]], list["Indexed | StoryError"]]
"""Reads a batch of story files for the index, in order."""


INDEX_BODY_CHARS = 2_000_000
"""How much of a story's body is searchable: any real article whole; a hostile 30 MB story
would otherwise take seconds to index and bloat the index."""


class Cancelled(Exception):
    """The reading was stopped (the reader is quitting): nothing of it may be written."""


def read_for_index(path: Path, cancel: threading.Event | None = None) -> Indexed | StoryError:
    """Read one story file as the index stores it (runs in a pool of processes too).

    Reads in steps and stops once :data:`INDEX_BODY_CHARS` of its body are in; with
    ``cancel`` set, raises :class:`Cancelled` between steps.
    """
    reader = StoryReader(path)
    for _ in reader.open():
        if cancel is not None and cancel.is_set():
            raise Cancelled
    story = reader.story
    if not isinstance(story, Story):
        return story or StoryError(path, "cannot read file")
    pieces: list[str] = []
    size = 0
    for piece in reader.body():
        if cancel is not None and cancel.is_set():
            raise Cancelled
        pieces.append(piece)
        size += len(piece)
        if size >= INDEX_BODY_CHARS:
            break
    return indexed(replace(story, body="".join(pieces)[:INDEX_BODY_CHARS]))


def indexed(story: Story) -> Indexed:
    """A parsed story as the index stores it."""
    return Indexed(
        title=spaced_cjk(story.title),
        byline=spaced_cjk(story.byline or ""),
        body=spaced_cjk(plain_body(story.body)),
        day=story.date.toordinal() if story.date else None,
        feed=fold(story.feed or ""),
        by=fold(story.byline or ""),
        tags="\x1f".join(fold(tag) for tag in story.tags),
    )


def day_of(meta: StoryMeta) -> int | None:
    """The story's date as a day number, or None."""
    return meta.date.toordinal() if meta.date else None


def quote_of(annotation: Annotation) -> str:
    """The passage a note quotes (its TextQuoteSelector's ``exact``), or ""."""
    for selector in annotation.selectors:
        if selector.get("type") == "TextQuoteSelector":
            return str(selector.get("exact", ""))
    return ""


def stamp_of(annotation: Annotation) -> str:
    """What tells that an indexed note is out of date."""
    # The story id is part of it: a note relinked to another story is indexed again.
    return f"{annotation.updated}\x1f{annotation.story_id}"

"""One row of the story list: what it shows for a story (or a file that could not be read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["StoryRow"]


@dataclass(frozen=True)
class StoryRow:
    """What the list shows for one file: a story, or an error row."""

    key: str
    """Unique key of the row (the file path)."""
    story_id: str
    title: str
    date: dt.date | None = None
    source: str = ""
    """What the source column shows: the feed's name, else the URL's domain."""
    error: str | None = None
    feed: str = ""
    """The feed the story came from; "" for a local file."""
    detail: str = ""
    """Where a search matched: a few words of the story (or of the reader's note)."""
    in_note: bool = False
    """The search matched the reader's own note, not the story."""

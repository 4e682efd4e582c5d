"""How a note or a story is quoted and cited: the quote of a note, its time, a citation."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import Any

from tui_reader.core.stories import Story

__all__ = ["citation", "local_time", "quote_of"]


def quote_of(selectors: Sequence[Mapping[str, Any]]) -> str:
    """The exact quoted text of an annotation's selectors ("" when it has no quote)."""
    for selector in selectors:
        if selector.get("type") == "TextQuoteSelector":
            return str(selector.get("exact", ""))
    return ""


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SECOND = dt.timedelta(seconds=1)


def local_time(stamp: str) -> str:
    """A short local time (``2026-11-29 14:05``) for an ISO-8601 stamp; the stamp if unreadable."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        # What astimezone() finds (the local time of the same whole second), without building
        # a timezone and a datetime for each note (the same C strftime formats both).
        local = time.localtime((when - _EPOCH) // _SECOND)
        if 1 <= local.tm_year <= 9999:  # else astimezone() says it is out of range
            return time.strftime("%Y-%m-%d %H:%M", local)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def citation(story: Story, quote: str | None = None) -> str:
    """A quote (if any) with title, byline, date and URL, ready to paste."""
    parts = [story.title]
    if story.byline:
        parts.append(f"by {story.byline}")
    if story.date:
        parts.append(story.date.strftime("%B %-d, %Y"))
    cite = ", ".join(parts) + (f". {story.url}" if story.url else "")
    if quote is None:
        return cite
    return f"“{quote}”\n— {cite}"

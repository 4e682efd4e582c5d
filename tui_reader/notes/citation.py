"""How a note or a story is quoted and cited: the quote of a note, its time, a citation."""

from __future__ import annotations

import datetime as dt
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


def local_time(stamp: str) -> str:
    """A short local time (``2026-11-29 14:05``) for an ISO-8601 stamp; the stamp if unreadable."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
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

"""The orders the story list can be sorted in.

Pure module: no Textual. Files that could not be read always come last.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Literal

from tui_reader.core.stories import StoryError
from tui_reader.library.index import Item, sort_newest_first

__all__ = ["LABELS", "SORTS", "Sort", "parse_sort", "sort_items"]

Sort = Literal["newest", "oldest", "title", "feed", "unread"]
SORTS: tuple[Sort, ...] = ("newest", "oldest", "title", "feed", "unread")
"""Every order, in the order the sort key cycles through them."""
LABELS: dict[str, str] = {
    "newest": "newest first",
    "oldest": "oldest first",
    "title": "by title",
    "feed": "by feed",
    "unread": "unread first",
    "relevance": "best match first",
}


def parse_sort(value: str) -> Sort | None:
    """The order named ``value`` (``newest``, ``oldest``, ``title``, ``feed``, ``unread``)."""
    return next((s for s in SORTS if s == value.strip().casefold()), None)


def sort_items(items: Iterable[Item], order: Sort, read: Collection[str] = ()) -> list[Item]:
    """``items`` in ``order``; ties (and undated stories) fall back to newest first.

    Args:
        items: the rows to sort.
        order: one of :data:`SORTS`.
        read: ids of stories already read (for ``unread`` first).
    """
    newest = sort_newest_first(items)
    if order == "newest":
        return newest
    stories = [item for item in newest if not isinstance(item, StoryError)]
    errors = [item for item in newest if isinstance(item, StoryError)]
    if order == "oldest":
        dated = [s for s in stories if s.date is not None]
        undated = [s for s in stories if s.date is None]
        stories = dated[::-1] + undated
    elif order == "title":
        stories.sort(key=lambda s: s.title.casefold())
    elif order == "feed":
        stories.sort(
            key=lambda s: (not (s.feed or s.source), (s.feed or s.source or "").casefold())
        )
    elif order == "unread":
        stories.sort(key=lambda s: s.story_id in read)
    return [*stories, *errors]

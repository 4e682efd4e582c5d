"""Bookmark keys: ``b`` toggles a bookmark, ``t`` edits its tags (of the open story when the
article has focus, else of the story under the list's cursor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from tui_reader.notes.outcomes import Failed
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.service import Target
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["BookmarksPart"]


class BookmarksPart:
    """Turns ``b`` and ``t`` into bookmark writes and shows what they came to."""

    def __init__(
        self, host: Screen[Any], reading: ReadingState, changed: Callable[[], None]
    ) -> None:
        self.host = host
        self.reading = reading
        self._changed = changed
        """Called after a bookmark changed (the list redraws its stars or refilters)."""

    def target(self) -> Target | None:
        """The story a bookmark key applies to: the open one in the article, else the list's."""
        article = self.host.query_one(Article)
        if article.has_focus and article.story is not None:
            return Target.of(article.story)
        row = self.host.query_one(StoryList).current
        if row is None or row.error is not None:
            return None
        return Target(row.story_id, row.title, row.key)

    def toggle(self) -> None:
        """Bookmark the story, or remove its bookmark."""
        target = self.target()
        if target is None:
            return
        on = self.reading.bookmark_of(target.story_id) is None
        outcome = self.reading.bookmark(target, on)
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
            return
        self.host.notify(("Bookmarked: " if on else "Bookmark removed: ") + target.title, timeout=3)
        self.show(target.story_id)
        self._changed()

    def show(self, story_id: str) -> None:
        """Redraw the star and tags in the article header if ``story_id`` is open."""
        article = self.host.query_one(Article)
        if article.story is not None and article.story.story_id == story_id:
            bookmark = self.reading.bookmark_of(story_id)
            article.set_bookmarked(bookmark is not None, bookmark.tags if bookmark else ())

    def tag(self) -> None:
        """Tag the story's bookmark (bookmarking it if needed)."""
        target = self.target()
        if target is None:
            return
        bookmark = self.reading.bookmark_of(target.story_id)

        def done(tags: tuple[str, ...] | None) -> None:
            if tags is None:
                return
            outcome = self.reading.bookmark(target, True, tags)
            if isinstance(outcome, Failed):
                self.host.notify(outcome.message, severity="error", timeout=20)
                return
            shown = ", ".join(tags) or "no tags"
            self.host.notify(f"Bookmarked with {shown}: {target.title}", timeout=3)
            self.show(target.story_id)
            self._changed()

        from tui_reader.ui.screens.tags import TagsScreen  # loaded on first use

        self.host.app.push_screen(TagsScreen(target.title, bookmark.tags if bookmark else ()), done)

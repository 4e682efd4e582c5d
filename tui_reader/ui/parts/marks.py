"""Read state and the list's order: ``m`` marks read/unread, ``M`` marks everything listed as
read (``u`` undoes it), ``H`` hides read stories, ``S`` changes the order. The choices are
remembered in the store (:class:`~tui_reader.notes.searches.Choices`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from tui_reader.library.order import LABELS, SORTS, Sort
from tui_reader.notes.outcomes import Failed
from tui_reader.notes.reading import Marked, ReadingState
from tui_reader.notes.searches import Choices
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["MarksPart"]


class MarksPart:
    """Turns the read-state and order keys into writes and says what they came to."""

    def __init__(self, host: Screen[Any], reading: ReadingState, choices: Choices,
                 changed: Callable[[bool], None]) -> None:  # fmt: skip
        self.host = host
        self.reading = reading
        self.choices = choices
        self._changed = changed
        """Called after marks changed; True when the list itself must be rebuilt."""
        self.undoable: Marked | None = None
        """The last "mark all as read", until something else is done."""

    def _failed(self, outcome: object) -> bool:
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
            return True
        return False

    def toggle(self) -> None:
        """Mark the open story (article focused) or the list's story read, or unread again."""
        article = self.host.query_one(Article)
        if article.has_focus and article.story is not None:
            story_id, title = article.story.story_id, article.story.title
        else:
            row = self.host.query_one(StoryList).current
            if row is None or row.error is not None:
                return
            story_id, title = row.story_id, row.title
        read = story_id not in self.reading.store.read_ids()
        if self._failed(self.reading.mark([story_id], read)):
            return
        self.undoable = None
        self.host.notify(("Marked read: " if read else "Marked unread: ") + title, timeout=3)
        self._changed(False)

    def mark_all(self) -> None:
        """Mark every story listed as read (``u`` undoes it)."""
        rows = self.host.query_one(StoryList).rows
        outcome = self.reading.mark([r.story_id for r in rows if r.error is None], True)
        if self._failed(outcome) or not isinstance(outcome, Marked):
            return
        if not outcome.changed:
            self.host.notify("Every story listed is read already", timeout=3)
            return
        self.undoable = outcome
        count = len(outcome.changed)
        self.host.notify(f"Marked {count} {'story' if count == 1 else 'stories'} read. "
                         "u undoes it.", timeout=8)  # fmt: skip
        self._changed(True)

    def undo(self) -> bool:
        """Undo the last "mark all as read"; False when there is none (``u`` undoes notes)."""
        marked, self.undoable = self.undoable, None
        if marked is None:
            return False
        if not self._failed(self.reading.undo(marked)):
            count = len(marked.changed)
            self.host.notify(f"Unread again: {count} {'story' if count == 1 else 'stories'}",
                             timeout=4)  # fmt: skip
            self._changed(True)
        return True

    def next_sort(self, current: Sort | None, *, relevance: bool) -> Sort | None:
        """The order after ``current`` (with ``relevance``, None means best match first)."""
        cycle: list[Sort | None] = [None, *SORTS] if relevance else list(SORTS)
        following = cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else cycle[0]
        self.host.notify(f"Sorted {LABELS[following or 'relevance']}", timeout=2)
        return following

    def remember_sort(self, order: Sort) -> None:
        """Keep the list's order for the next session."""
        self._failed(self.choices.remember_sort(order))

    def remember_hide_read(self, hide: bool) -> None:
        """Keep whether read stories are hidden."""
        self._failed(self.choices.remember_hide_read(hide))
        self.host.notify("Showing unread stories only" if hide else "Showing read stories too",
                         timeout=2)  # fmt: skip

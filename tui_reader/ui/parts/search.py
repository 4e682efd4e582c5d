"""The ``/`` search: typing it, running it on the search index, and showing what it found.

Keys are taken by the app in arrival order, before any pane sees them, so a burst typed right
after ``/`` over SSH is never lost (no widget has to take focus first).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.events import Key
from textual.screen import Screen

from tui_reader.library.finder import SNIPPETS, Finder, Found, TooSlow, metas_by_path
from tui_reader.library.index import Item
from tui_reader.library.order import Sort
from tui_reader.library.search_errors import IndexBroken
from tui_reader.storage.store import Store
from tui_reader.ui.parts.apply import Apply
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from tui_reader.library.query import Query

__all__ = ["SearchPart", "Typed", "search_key"]

ON_THE_SPOT = 0.05
"""Seconds a query may take on the UI thread: most take a few ms on 10,000 stories, and then
the results are drawn in the very frame that shows the query. One that takes longer is
stopped and run again in the background ("searching…"), so typing never stalls longer."""

LONG_STORY = 100_000
"""Bytes past which a story's snippet is left to the background (it reads the whole story:
a 55,000-word read costs more than all the other rows in view together)."""


@dataclass(frozen=True)
class Typed:
    """What a key did to the search being typed."""

    query: str
    typing: bool
    """False once enter kept the search or esc cleared it."""


def search_key(event: Key, query: str) -> Typed | None:
    """Apply ``event`` to ``query`` while typing; None for keys the search does not take
    (arrows, page keys: they still move in the list)."""
    if event.key == "enter":
        return Typed(query, False)
    if event.key == "escape":
        return Typed("", False)
    if event.key == "backspace":
        return Typed(query[:-1], True)
    if event.is_printable and event.character:
        return Typed(query + event.character, True)
    return None


class SearchPart:
    """The ``/`` search: the query being typed, running it on the index, its results.

    Each change of the query runs it at once on the UI thread, given :data:`ON_THE_SPOT`
    seconds; past that, or while the index is still being built, it runs in a thread worker,
    and a result for an older query is dropped. A query that cannot run leaves an error
    (shown instead of rows, never as an empty list). The list's place before the search is
    kept, so ``esc`` goes back exactly there.
    """

    def __init__(self, host: Screen[Any], finder: Finder, store: Store,
                 items: Callable[[], Sequence[Item]], changed: Callable[[], None],
                 broken: Callable[[], None]) -> None:  # fmt: skip
        self.host = host
        self._changed = changed
        """Called when the results (or the error) changed: the list and the line redraw."""
        self._broken = broken
        """Called when the index turned out damaged (it is rebuilt)."""
        self.finder = finder
        self.store = store
        self._library = items
        """The library's rows (the search answers with those)."""
        self.text = ""
        """The query as typed."""
        self.typing = False
        self.error = ""
        self.found: Found | None = None
        self.query: Query | None = None
        """The parsed query (None when there is no search, or it does not parse)."""
        self.order: Sort | None = None
        """The order of results: None for best match first, or one of the list's orders."""
        self.number = 0
        self._running = False
        """A query runs in a worker (the line says "searching…")."""
        self._queued = False
        self._again = False
        """The query changed while one was running: run the newest when it ends."""
        self._before: tuple[str | None, float] | None = None
        self.pending: Callable[[], int] = lambda: 0
        """How many typed keys wait to be handed out (the screen's key gate says)."""
        self.line: Callable[[], None] = lambda: None
        """Redraws the search line alone (a query typed while another one runs)."""
        self._metas: tuple[Sequence[Item], dict[str, Item]] | None = None
        """The library's rows by path, kept while the rows are the same list."""

    @property
    def queued(self) -> bool:
        """True when the query typed will run soon (and draw the line then, once per burst)."""
        return self._queued

    @property
    def active(self) -> bool:
        """True when a search narrows the list (or failed and says why)."""
        return bool(self.text.strip())

    def open(self, story_list: StoryList) -> None:
        """Start typing; remember where the list was, to come back to it."""
        if not self.active:
            current = story_list.current
            self._before = (current.key if current else None, story_list.scroll_y)
        self.typing = True

    def key(self, event: Key) -> bool:
        """Apply a key typed while searching; True when it was taken."""
        typed = search_key(event, self.text) if self.typing else None
        if typed is None:
            return False
        changed = typed.query != self.text
        self.typing, self.text = typed.typing, typed.query
        if changed and not self._queued:
            # Keys that came in one burst (a paste, a fast typist over SSH) are all in the
            # app's queue already: the query runs once, after the last of them.
            self._queued = True
            self.host.app.call_later(self._run_typed)
        return True

    def _run_typed(self) -> None:
        if self.typing and self.pending():
            # More keys of the burst wait to be handed out (they came in after the gate took
            # the rest): look again after them, so the query runs once, on the last of them.
            self.host.app.call_later(self._run_typed)
            return
        self._queued = False
        self.order = None  # a new search is ranked by relevance first
        self.run()

    def run(self, text: str | None = None) -> None:
        """Run the query (``text``, or the one typed): on the spot when it is quick, else in
        the background."""
        from tui_reader.library.query import QueryError, parse  # loaded by the first search

        if text is not None:
            self.text, self.order = text, None
        self.number += 1
        self.error, self.query = "", None
        try:
            query = parse(self.text)
        except QueryError as exc:
            self.error, self.found = str(exc), None
            self._changed()
            return
        if query.empty:
            self.found = None
            self._changed()
            return
        self.query = query
        if self._running:
            self._again = True  # typed faster than searched: only the newest query runs next
            self.line()  # the query as typed shows at once; its results when it has run
            return
        number, order, metas = self.number, self.order, self._by_path()
        if self.finder.complete:  # else the index is being written: leave the UI thread be
            try:
                deadline = time.perf_counter() + ON_THE_SPOT
                found, failed = self._find(query, metas, order, deadline, 0)
            except TooSlow:
                pass  # the worker below runs it without a deadline
            else:
                self._took(number, found, failed, on_the_spot=True)
                return
        self._running = True
        self._changed()  # the line says "searching…"

        def work() -> None:
            found: Found | None = None
            failed = "The search failed unexpectedly; try again."  # unless it ends below
            try:
                found, failed = self._find(query, metas, order, None, SNIPPETS)
            finally:  # always, so the next query can run
                self.host.post_message(Apply(lambda: self._took(number, found, failed)))

        self.host.run_worker(work, thread=True, group="search", exit_on_error=False)

    def _find(self, query: Query, metas: dict[str, Item], order: Sort | None,
              deadline: float | None, snippets: int) -> tuple[Found | None, str]:  # fmt: skip
        """The answer, or None and why not ("" when the index is damaged: it is rebuilt)."""
        try:
            found = self.finder.find(query, self.store, metas, order, snippets=snippets,
                                     deadline=deadline)  # fmt: skip
            return found, ""
        except IndexBroken:
            return None, ""
        except sqlite3.Error as exc:
            return None, f"The search could not run ({exc}); try again."

    def _snippets(self, number: int, on_the_spot: bool) -> None:
        """Snippets for the rows in view now (``on_the_spot``, if quick), and for those and
        the first screens of results in the background."""
        found = self.found
        if found is None or found.query.fts() is None:
            return  # no words: nothing to show around them
        story_list = self.host.query_one(StoryList)
        top = int(story_list.scroll_y)
        view = {row.key for row in story_list.rows[top : top + max(story_list.size.height, 1)]}
        if on_the_spot:
            try:
                deadline = time.perf_counter() + ON_THE_SPOT
                filled = self.finder.fill(found, view, deadline, longest=LONG_STORY)
            except (TooSlow, sqlite3.Error):
                pass  # the background fill below does them
            else:
                if filled is not found:  # rows in view had no snippet yet
                    self.found = found = filled
                    self._changed()  # still this frame: only rows that gained one redraw
        wanted = view | {m.hit.path for m in found.matches[:SNIPPETS]}
        if not wanted <= found.snipped:
            self.host.call_after_refresh(self._fill, number, found, wanted)

    def _fill(self, number: int, found: Found, wanted: set[str]) -> None:
        """After the answer is drawn: the snippets still ``wanted``, in the background."""

        def work() -> None:
            try:
                filled = self.finder.fill(found, wanted)
            except sqlite3.Error:
                return  # the rows stay without those snippets; the search itself stands
            self.host.post_message(Apply(lambda: self._filled(number, found, filled)))

        if number == self.number:
            self.host.run_worker(work, thread=True, group="search", exit_on_error=False)

    def _filled(self, number: int, found: Found, filled: Found) -> None:
        if number == self.number and self.found is found:  # else the search changed since
            self.found = filled
            self._changed()  # only rows in view that gained a snippet are redrawn

    def _by_path(self) -> dict[str, Item]:
        items = self._library()
        if self._metas is None or self._metas[0] is not items:  # the library was reloaded
            self._metas = (items, metas_by_path(items))
        return self._metas[1]

    def _took(
        self, number: int, found: Found | None, failed: str = "", *, on_the_spot: bool = False
    ) -> None:
        self._running = False
        if self._again:
            self._again = False
            if self.query is not None:
                self.run()
        if number != self.number:
            return  # the query changed since: a stale result is dropped
        if failed:
            self.error = failed
        elif found is None:
            self.error = "The search index is damaged; it is being rebuilt. Try again shortly."
            self._broken()
        if on_the_spot and found is not None:
            found, on_the_spot = self._first_screen(found)
        self.found = found
        self._changed()
        self._snippets(number, on_the_spot)

    def _first_screen(self, found: Found) -> tuple[Found, bool]:
        """``found`` with the snippets of the rows it will show in view, if quick: the rows
        are then listed once, with their snippets (they are checked again once listed: a
        filter may have hidden some). False when that was not quick: the rest are left to
        the background, not tried again on the UI thread."""
        if found.query.fts() is None:
            return found, True
        paths = [match.hit.path for match in found.matches]
        first = {paths[i] for i in self.host.query_one(StoryList).view_of(paths)}
        try:
            deadline = time.perf_counter() + ON_THE_SPOT
            return self.finder.fill(found, first, deadline, longest=LONG_STORY), True
        except (TooSlow, sqlite3.Error):
            return found, False

    def clear(self, story_list: StoryList) -> tuple[str | None, float] | None:
        """Drop the search; returns where the list was before it (to restore)."""
        self.text, self.typing, self.error, self.found, self.query = "", False, "", None, None
        self.number += 1
        before, self._before = self._before, None
        return before

    def show(self, line: SearchLine) -> None:
        """Draw the search line."""
        line.visible = self.typing or self.active
        status = self.error
        if not status and self._running:
            status = "searching…"
        elif not status and self.found is not None:
            count = len(self.found.matches)
            status = f"{count} {'story' if count == 1 else 'stories'}"
            if not self.found.complete:
                status += " so far (indexing…)"
        line.show(self.text, self.typing, status, bool(self.error))

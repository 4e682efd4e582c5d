"""What the story list shows, as one part of the main screen: its filters (``B``, ``F``,
``H``), its order (``S``), the search (``/``) and read marks (``m``, ``M``).

The screen's list keys are one action, ``list(NAME)`` (:meth:`Listing.run`), so each key keeps
its own binding id for the keymap, ``?`` and the palette. The order and "hide read" are
remembered in the store; the config gives their first values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.screen import Screen

from tui_reader.core.config import Config
from tui_reader.core.stories import Story
from tui_reader.library.finder import Finder
from tui_reader.library.index import LibraryIndex
from tui_reader.library.order import Sort, parse_sort
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.searches import Choices
from tui_reader.storage.store import Store
from tui_reader.ui.parts.feeds import FeedsPart
from tui_reader.ui.parts.finding import Finding
from tui_reader.ui.parts.library import Filters, LibraryPart
from tui_reader.ui.parts.marks import MarksPart
from tui_reader.ui.screens.feed_picker import ALL
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["Listing"]


class Listing:
    """The list's state and the keys that change it."""

    def __init__(self, host: Screen[Any], roots: Sequence[Path], index: LibraryIndex,
                 store: Store, finder: Finder, reading: ReadingState, feeds: FeedsPart,
                 story: Callable[[], Story | None], config: Config,
                 regrouped: Callable[[], None] = lambda: None) -> None:  # fmt: skip
        self.host = host
        self.store = store
        self._story = story
        """The open story (it stays listed while read stories are hidden)."""
        self.choices = Choices(store)
        self.library = LibraryPart(host, roots, index, store, regrouped)
        self.marks = MarksPart(host, reading, self.choices, self._marks_changed)
        self.finding = Finding(host, finder, store, self.choices, feeds, roots,
                               lambda: self.library.items,
                               lambda: self.show(marks=False))  # fmt: skip
        self.bookmarks_only = False
        """Show only bookmarked stories (``B``)."""
        self.feed_filter = ALL
        """Show only this feed's stories (``F``): a feed name, ``ALL`` or ``LOCAL``."""
        self.sort: Sort = self.choices.sort(parse_sort(config.sort) or "newest")
        """The list's order (``S``)."""
        self.hide_read = self.choices.hide_read(config.hide_read)
        """List only unread stories (``H``)."""

    def run(self, name: str) -> None:
        """The list key ``name`` was pressed (see the screen's bindings)."""
        if name == "bookmarks_only":
            self.bookmarks_only = not self.bookmarks_only
            self.show()
            self.host.query_one(StoryList).focus()
        elif name == "pick_feed":
            self.pick_feed()
        elif name == "mark_read":
            self.marks.toggle()
        elif name == "mark_all_read":
            self.marks.mark_all()
        elif name == "hide_read":
            self.hide_read = not self.hide_read
            self.marks.remember_hide_read(self.hide_read)
            self.show()
        elif name == "sort":
            self.next_sort()
        elif name == "save_search":
            self.finding.save()
        elif name == "find":
            self.finding.open_find()

    def loaded(self, message: LibraryPart.Loaded, *, reopen: bool) -> None:
        """A stage of loading the library arrived (the final one also updates the index)."""
        if self.library.loaded(message):
            self.show()
        if message.stage == "final" and message.generation == self.library.generation:
            self.finding.index.sync(self.library.items)
            if self.library.finished(self.host.query_one(StoryList), reopen=reopen):
                self.show()  # empty: the list says so

    def show(self, *, marks: bool = True) -> None:
        """Redraw the list for the current filters, order and search (``marks`` False: the
        marks are as last drawn, e.g. only the search's results changed; every change of a
        mark redraws them through :meth:`refresh_marks`)."""
        marked = frozenset(self.store.bookmarks()) if self.bookmarks_only else None
        hide = frozenset(self.store.read_ids()) if self.hide_read else None
        story = self._story()
        if hide is not None and story is not None:
            hide = hide - {story.story_id}  # the story being read stays listed
        search = self.finding.search
        filters = Filters(bookmarked=marked, feed=self.feed_filter, search=search.text.strip(),
                          found=search.found, error=search.error, order=self.sort,
                          search_order=search.order, hide=hide)  # fmt: skip
        self.library.show(self.host.query_one(StoryList), filters, marks=marks)

    def refresh_marks(self) -> None:
        """Redraw the bookmark, unread and note markers (the rows stay)."""
        self.library.show_marks(self.host.query_one(StoryList))

    def bookmarks_changed(self) -> None:
        """A bookmark changed: with the bookmarks-only filter on, the list itself changes."""
        (self.show if self.bookmarks_only else self.refresh_marks)()

    def _marks_changed(self, rebuild: bool) -> None:
        (self.show if rebuild and self.hide_read else self.refresh_marks)()

    def next_sort(self) -> None:
        """``S``: the next order, of the search results while searching, else of the list."""
        search = self.finding.search
        if search.query is not None:
            search.order = self.marks.next_sort(search.order, relevance=True)
            search.run()
        else:
            self.set_sort(self.marks.next_sort(self.sort, relevance=False) or "newest")

    def set_sort(self, order: Sort) -> None:
        """Sort the list in ``order`` and remember it."""
        self.sort = order
        self.marks.remember_sort(order)
        self.show()

    def back(self) -> None:
        """``esc`` in the list: end the search, the list back where it was before it."""
        if self.finding.search.active:
            self.finding.end_search()

    def pick_feed(self) -> None:
        """``F``: show one feed's stories, a saved search, or all stories again."""
        counts = self.library.feed_counts()
        feeds = self.finding.picking.feeds.feeds()
        if not counts[0] and not feeds and not self.choices.searches():
            self.host.notify("No stories from feeds here. Add a feed: tui-reader feeds add URL")
            return

        def chosen(choice: str) -> None:
            self.feed_filter = choice
            self.show()
            self.host.query_one(StoryList).focus()

        self.finding.pick(self.library.items, counts, self.feed_filter, chosen)

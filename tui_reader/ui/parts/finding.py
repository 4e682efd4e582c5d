"""Finding things, as one part of the main screen: the ``/`` search over the index, the find
in the open story (``f``), the index upkeep behind them, and saved searches in ``F``.

It owns the search line over the key bar (a search and a find share it: the find wins while it
is shown) and the list's place before a search, so ``esc`` goes back exactly there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.events import Key
from textual.screen import Screen

from tui_reader.library.finder import Finder
from tui_reader.library.index import Item
from tui_reader.notes.searches import Choices
from tui_reader.storage.store import Store
from tui_reader.ui.parts.feeds import Counts, FeedsPart
from tui_reader.ui.parts.find import FindPart
from tui_reader.ui.parts.indexing import IndexPart
from tui_reader.ui.parts.picking import PickPart
from tui_reader.ui.parts.search import SearchPart
from tui_reader.ui.screens.feed_picker import ALL
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["Finding"]


class Finding:
    """Search, find, index and saved searches for the main screen."""

    def __init__(self, host: Screen[Any], finder: Finder, store: Store, choices: Choices,
                 feeds: FeedsPart, roots: Sequence[Path], items: Callable[[], list[Item]],
                 show_rows: Callable[[], None]) -> None:  # fmt: skip
        self.host = host
        self._show_rows = show_rows
        """Redraws the story list (the results changed)."""
        self.index = IndexPart(host, finder, store, roots, self._indexed)
        self.search = SearchPart(host, finder, store, items, self._changed, self.index.broken)
        self.search.line = self.show_line
        self.find = FindPart(host, self.show_line)
        self.picking = PickPart(host, finder, choices, feeds)
        self.choices = choices

    @property
    def typing(self) -> bool:
        """True while a search (or a find in the story) is being typed."""
        return self.search.typing or self.find.typing

    def open_search(self) -> None:
        """``/``: start typing a search; printable keys go to the query."""
        self.find.clear(self.host.query_one(Article))
        self.search.open(self.host.query_one(StoryList))
        self.show_line()

    def open_find(self) -> None:
        """``f``: start typing what to find in the open story."""
        self.find.open(self.host.query_one(Article))
        self.show_line()

    def key(self, event: Key) -> bool:
        """Take a key while typing a search or a find; True when it was used."""
        used = self.find.key(event, self.host.query_one(Article)) or self.search.key(event)
        if used and event.key == "escape" and not self.find.active and not self.search.active:
            self.end_search()
        if used and not self.search.queued:
            # Else the query typed runs once the burst it came in is taken, and draws the line
            # then: one line drawn per burst, not one per key (a paste of 40 keys drew 40).
            self.show_line()
        return used

    def show_line(self) -> None:
        """Draw the search line (the find's while it is shown)."""
        line = self.host.query_one(SearchLine)
        (self.find if self.find.active else self.search).show(line)

    def end_search(self) -> None:
        """Drop the search; the list goes back exactly where it was before it."""
        story_list = self.host.query_one(StoryList)
        before = self.search.clear(story_list)
        self._show_rows()
        if before is not None:
            story_list.restore(*before)
        self.show_line()

    def _changed(self) -> None:
        self._show_rows()
        self.show_line()

    def _indexed(self) -> None:
        if self.search.query is not None:
            self.search.run()  # what was searched while indexing may match more now

    def opened(self) -> None:
        """A story was opened: show the search's words in it, if it came from a search."""
        query = self.search.query
        if query is not None and self.search.found is not None:
            self.find.highlight(self.host.query_one(Article), query.find_words())

    def reached(self, message: Article.MatchReached) -> None:
        """``n``/``N`` went to a match (or ``esc`` cleared them)."""
        self.find.reached(message)
        self.show_line()

    def save(self) -> None:
        """``+``: save the search being shown under a name."""
        self.picking.save(self.search.text if not self.search.error else "")

    def pick(self, items: list[Item], counts: tuple[dict[str, Counts], Counts], current: str,
             feed_chosen: Callable[[str], None]) -> None:  # fmt: skip
        """``F``: pick a feed (``feed_chosen``) or a saved search (it runs)."""

        def chosen(choice: str) -> None:
            saved = self.picking.saved_name(choice)
            if saved is None:
                feed_chosen(choice)
                return
            feed_chosen(ALL)
            if not self.search.active:
                self.search.open(self.host.query_one(StoryList))
                self.search.typing = False
            self.search.run(self.choices.searches().get(saved, ""))
            self.show_line()

        self.picking.pick(items, counts, current, chosen)

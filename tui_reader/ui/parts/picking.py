"""``F``: pick a feed or a saved search, each with its unread and total stories; ``+`` saves
the search being shown under a name. Saved searches are counted in a thread worker."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from textual.screen import Screen

from tui_reader.library.finder import Finder, metas_by_path
from tui_reader.library.index import Item
from tui_reader.library.search_errors import IndexBroken
from tui_reader.notes.outcomes import Failed
from tui_reader.notes.searches import Choices
from tui_reader.ui.parts.feeds import Counts, FeedsPart
from tui_reader.ui.screens.feed_picker import FORGET, SEARCH

__all__ = ["PickPart"]


class PickPart:
    """The feed picker with saved searches, and saving a search."""

    def __init__(self, host: Screen[Any], finder: Finder, choices: Choices,
                 feeds: FeedsPart) -> None:  # fmt: skip
        self.host = host
        self.finder = finder
        self.choices = choices
        self.feeds = feeds

    def pick(self, items: Sequence[Item], counts: tuple[dict[str, Counts], Counts],
             current: str, chosen: Callable[[str], None]) -> None:  # fmt: skip
        """Count the saved searches (in a worker), then show the picker."""
        searches = self.choices.searches()
        store = self.choices.store

        def answered(choice: str | None) -> None:
            if choice is not None and choice.startswith(FORGET):
                self.forget(choice.removeprefix(FORGET))
            elif choice is not None:
                chosen(choice)

        if not searches:  # nothing to count: show it at once
            self.feeds.pick(counts[0], counts[1], current, answered, {})
            return

        def work() -> None:
            from tui_reader.library.query import QueryError, parse  # in the worker, when used

            found: dict[str, Counts] = {}
            read = store.read_ids()
            metas = metas_by_path(items)
            for name, text in searches.items():
                try:
                    matches = self.finder.find(parse(text), store, metas, "newest", snippets=0)
                except (QueryError, IndexBroken, sqlite3.Error):
                    found[name] = (0, 0)
                    continue
                ids = [m.meta.story_id for m in matches.matches]
                found[name] = (sum(i not in read for i in ids), len(ids))
            self.host.app.call_from_thread(
                self.feeds.pick, counts[0], counts[1], current, answered, found
            )

        self.host.run_worker(work, thread=True, group="pick", exclusive=True, exit_on_error=False)

    def forget(self, name: str) -> None:
        """Delete a saved search."""
        outcome = self.choices.delete_search(name)
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
        else:
            self.host.notify(f"Deleted the saved search “{name}”", timeout=4)

    def save(self, query: str) -> None:
        """Ask for a name and save ``query`` under it."""
        if not query.strip():
            self.host.notify("Search first (/), then + saves that search", timeout=4)
            return
        from tui_reader.ui.screens.name_prompt import NamePrompt  # loaded on first use

        def named(name: str | None) -> None:
            if name is None:
                return
            outcome = self.choices.save_search(name, query)
            if isinstance(outcome, Failed):
                self.host.notify(outcome.message, severity="error", timeout=10)
            else:
                self.host.notify(f"Saved “{name.strip()}”: F shows it with the feeds", timeout=4)

        self.host.app.push_screen(NamePrompt(query), named)

    @staticmethod
    def saved_name(choice: str) -> str | None:
        """The saved search a picker choice names, if it names one."""
        return choice.removeprefix(SEARCH) if choice.startswith(SEARCH) else None

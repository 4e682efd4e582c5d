"""Saved searches and the list's sort order: the reader's choices, kept in the store.

No Textual. Writes come back as ``Saved`` or ``Failed`` (with the reason).
"""

from __future__ import annotations

from tui_reader.core.textsafe import sanitize_line
from tui_reader.library.order import SORTS, Sort
from tui_reader.notes.outcomes import Failed, Saved
from tui_reader.storage.store import Store, StoreError

__all__ = ["Choices"]

SORT_SETTING = "sort"
HIDE_READ_SETTING = "hide_read"


class Choices:
    """Saved searches, the sort order and hiding read stories, remembered across sessions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def searches(self) -> dict[str, str]:
        """Saved searches: query by name."""
        return self.store.saved_searches()

    def save_search(self, name: str, query: str) -> Saved | Failed:
        """Save ``query`` under ``name`` (a query that does not parse is refused)."""
        from tui_reader.library.query import QueryError, parse  # not needed at start-up

        name = sanitize_line(name).strip()
        if not name:
            return Failed("the search", "it needs a name")
        try:
            parse(query)
        except QueryError as exc:
            return Failed("the search", str(exc))
        if parse(query).empty:
            return Failed("the search", "type a search first (/), then save it")
        try:
            self.store.save_search(name, query)
        except StoreError as exc:
            return Failed("the search", str(exc))
        return Saved()

    def delete_search(self, name: str) -> Saved | Failed:
        """Forget a saved search."""
        try:
            self.store.delete_search(name)
        except StoreError as exc:
            return Failed("the saved searches", str(exc))
        return Saved()

    def sort(self, default: Sort) -> Sort:
        """The sort order chosen last time, else ``default`` (from the config)."""
        chosen = self.store.setting(SORT_SETTING)
        return next((s for s in SORTS if s == chosen), default)

    def remember_sort(self, order: Sort) -> Saved | Failed:
        """Remember the sort order for the next session."""
        return self._set(SORT_SETTING, order, "the sort order")

    def hide_read(self, default: bool) -> bool:
        """Whether read stories were hidden last time, else ``default`` (from the config)."""
        chosen = self.store.setting(HIDE_READ_SETTING)
        return default if chosen is None else chosen == "on"

    def remember_hide_read(self, hide: bool) -> Saved | Failed:
        """Remember whether read stories are hidden."""
        return self._set(HIDE_READ_SETTING, "on" if hide else "off", "the setting")

    def _set(self, name: str, value: str, what: str) -> Saved | Failed:
        try:
            self.store.set_setting(name, value)
        except StoreError as exc:
            return Failed(what, str(exc))
        return Saved()

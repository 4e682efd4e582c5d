"""What the reader chose in the app, kept in ``state.json``: saved searches, settings (e.g. the
sort order) and the layout. A layer of :class:`~tui_reader.storage.store.Store`, in its own
module so each file has one job."""

from __future__ import annotations

from collections.abc import Mapping

from tui_reader.storage.identities import IdentityStore
from tui_reader.storage.records import now_iso

__all__ = ["ChoicesStore"]


class ChoicesStore(IdentityStore):
    """Saved searches, settings and layout choices: each durable on return."""

    def saved_searches(self) -> dict[str, str]:
        """Saved searches: query by name, in name order."""
        with self._mutex:
            docs = self._state.raw("searches")
            return {n: str(docs[n].get("query", "")) for n in sorted(docs, key=str.casefold)}

    def save_search(self, name: str, query: str) -> None:
        """Save (or replace) a named search; durable on return."""
        with self._writing(self._state):
            self._state.put("searches", name, {"query": query, "at": now_iso()})

    def delete_search(self, name: str) -> bool:
        """Forget a saved search; False if there was none by that name."""
        with self._writing(self._state):
            if name not in self._state.raw("searches"):
                return False
            self._state.delete("searches", [name])
            return True

    def setting(self, name: str) -> str | None:
        """A choice the reader made in the app (e.g. the sort order), or None."""
        with self._mutex:
            value = self._state.raw("settings").get(name, {}).get("value")
        return value if isinstance(value, str) else None

    def set_setting(self, name: str, value: str) -> None:
        """Remember a choice made in the app; durable on return."""
        with self._writing(self._state):
            if self.setting(name) != value:
                self._state.put("settings", name, {"value": value, "at": now_iso()})

    def layout(self) -> dict[str, object]:
        """The reader's remembered layout choices (a plain mapping; {} when none)."""
        with self._mutex:
            doc = self._state.raw("session").get("layout", {})
        return dict(doc) if isinstance(doc, dict) else {}

    def set_layout(self, choices: Mapping[str, object]) -> None:
        """Remember layout choices (merged into the saved ones); durable on return."""
        with self._writing(self._state):
            if {**self.layout(), **choices} != self.layout():
                self._state.put("session", "layout", dict(choices))

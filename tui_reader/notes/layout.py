"""The reader's layout choices that outlive a session: the notes sidebar, the list width, the
theme. Read once at start; each change is written as it is made and comes back as an outcome.

No Textual: the UI turns a :class:`LayoutChoice` into panes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_reader.notes.outcomes import Failed
from tui_reader.storage.store import Store, StoreError

__all__ = ["SIDEBAR_CHOICES", "LayoutChoice", "LayoutMemory", "SidebarChoice"]

SidebarChoice = Literal["auto", "shown", "hidden"]
SIDEBAR_CHOICES: tuple[SidebarChoice, ...] = ("auto", "shown", "hidden")
"""``auto``: the sidebar opens by itself when the story has notes; else as the user left it."""


@dataclass(frozen=True)
class LayoutChoice:
    """What the reader chose for the layout."""

    sidebar: SidebarChoice = "auto"
    list_width: int = 0
    """Columns of the story list beside the article; 0 for the default share."""
    theme: str = ""
    """The Textual theme's name; "" for the config's (or the default)."""


class LayoutMemory:
    """Loads and remembers :class:`LayoutChoice` in the store's session table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.current = LayoutChoice()
        """The choice in force: the loaded one, then each one remembered (even if unsaved)."""

    def load(self) -> LayoutChoice:
        """The remembered choice; defaults for anything missing or unusable."""
        raw = self.store.layout()
        sidebar = raw.get("sidebar")
        width = raw.get("list_width")
        theme = raw.get("theme")
        self.current = LayoutChoice(
            sidebar=next((c for c in SIDEBAR_CHOICES if c == sidebar), "auto"),
            list_width=width if isinstance(width, int) and 0 <= width <= 500 else 0,
            theme=theme if isinstance(theme, str) and len(theme) < 100 else "",
        )
        return self.current

    def remember(self, choice: LayoutChoice) -> Failed | None:
        """Write ``choice``; a store that cannot be written says so (the layout still applies)."""
        self.current = choice
        try:
            self.store.set_layout(
                {"sidebar": choice.sidebar, "list_width": choice.list_width, "theme": choice.theme}
            )
        except StoreError as exc:
            return Failed("the layout", str(exc))
        return None

"""The ``/`` search line: shows the words the story list is filtered by.

Typing goes to the screen, not to a focused input: over SSH the keys typed right after ``/``
often arrive in the same packet, before a new widget could take focus, and none may be lost.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui_reader.ui.widgets.inert import plain


class SearchLine(Static):
    """One line under the panes while a search is typed or kept."""

    def show(self, query: str, typing: bool) -> None:
        """Draw the query (with a cursor while typing) and the keys that end it."""
        line = Text("/", style="bold")
        line.append(plain(query))  # typed by the user: shown literally
        if typing:
            line.append("▏", style="reverse")
            line.append("   enter keeps · esc clears", style="dim")
        else:
            line.append("   / to change it, then esc to clear it", style="dim")
        self.update(line)

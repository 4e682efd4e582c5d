"""The search line: the ``/`` search (or the find in the open story) being typed or kept.

Typing goes to the screen, not to a focused input: over SSH the keys typed right after ``/``
often arrive in the same packet, before a new widget could take focus, and none may be lost.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui_reader.ui.widgets.inert import plain


class SearchLine(Static):
    """One line over the key bar while a search is typed or kept."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002  (Textual's name)
        super().__init__(id=id)
        self._shown = Text()
        """What the line shows."""

    def show(
        self, query: str, typing: bool, status: str = "", error: bool = False, *, prompt: str = "/"
    ) -> None:
        """Draw the query (with a cursor while typing), what it found, and the keys that end it.

        ``status`` says what the query found, or (``error``) why it cannot run.
        """
        line = Text(prompt, style="bold")
        line.append(plain(query))  # typed by the user: shown literally
        if typing:
            line.append("▏", style="reverse")
        if status:
            line.append("  ")
            line.append(plain(status), style="bold red" if error else "dim")
        if typing:
            line.append("   enter keeps · esc clears", style="dim")
        elif prompt == "/":
            line.append("   S sorts · + saves · esc clears", style="dim")
        else:
            line.append("   n/N next/previous · esc clears", style="dim")
        if line != self._shown:  # e.g. snippets filled in after the results: nothing to redraw
            self._shown = line
            self.update(line, layout=False)  # one line, always: no layout pass per key typed

"""A box of text to read (and copy by hand), closed with esc, q or enter."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.widgets.inert import inert, inert_lines


class MessageScreen(ModalScreen[None]):
    """Show ``body`` (plain text, never markup) under ``title``.

    | Key | Action |
    | --- | --- |
    | `esc` / `q` / `enter` | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", id="message.close"),
    ]

    def __init__(
        self, title: str, body: Text | str, *, lines: bool = False, note: Text | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body if isinstance(body, Text) else inert_lines(body)
        self.lines = lines
        """Each line of ``body`` stays one line (URLs to copy by hand): the box spans the
        screen without side borders, and scrolls sideways for a longer line."""
        self.note = note
        """Wrapped text under the body."""

    def compose(self) -> ComposeResult:
        """The title and the body in a scrollable box."""
        with ScrollableContainer(classes="dialog lines" if self.lines else "dialog") as box:
            box.border_title = inert(self.title_text)
            box.can_focus = True
            if self.lines:
                self.body.no_wrap, self.body.overflow = True, "ignore"
            yield Static(self.body, classes="body")
            if self.note is not None:
                yield Static(self.note, classes="note")
            yield Static(Text("esc / q / enter = close", style="dim"), classes="note")

    def action_close(self) -> None:
        """Close the box."""
        self.dismiss(None)

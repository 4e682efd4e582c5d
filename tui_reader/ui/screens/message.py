"""A box of text to read (and copy by hand), closed with esc, q or enter."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
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

    def __init__(self, title: str, body: Text | str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body if isinstance(body, Text) else inert_lines(body)

    def compose(self) -> ComposeResult:
        """The title and the body in a scrollable box."""
        with VerticalScroll(classes="dialog") as box:
            box.border_title = inert(self.title_text)
            box.can_focus = True
            yield Static(self.body)
            yield Static(Text("esc / q / enter = close", style="dim"))

    def action_close(self) -> None:
        """Close the box."""
        self.dismiss(None)

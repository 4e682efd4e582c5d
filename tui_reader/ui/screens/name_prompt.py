"""Ask for one short line: the name to save a search under."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_reader.ui.widgets.inert import inert


class NamePrompt(ModalScreen[str | None]):
    """Name a saved search; ``enter`` saves, ``esc`` cancels.

    | Key | Action |
    | --- | --- |
    | `enter` | save under this name |
    | `esc` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name.cancel"),
    ]

    def __init__(self, query: str, name: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.initial = name

    def compose(self) -> ComposeResult:
        """The query, the name field and the keys."""
        with Vertical(classes="dialog") as box:
            box.border_title = "Save this search (it shows in F)"
            yield Static(inert(f"/{self.query_text}", style="bold"))  # typed: never markup
            yield Input(self.initial, placeholder="a name, e.g. unread from Lagos")
            yield Static(Text("enter = save · esc = cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)

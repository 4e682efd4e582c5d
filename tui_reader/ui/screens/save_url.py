"""Ask for a web page's address to save as a story (``S``, or "Save a URL…" in the palette)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["SaveUrlScreen"]


class SaveUrlScreen(ModalScreen[str | None]):
    """One line for a URL (paste it or type it); ``enter`` saves, ``esc`` cancels.

    | Key | Action |
    | --- | --- |
    | `enter` | fetch the page and save its article as a story |
    | `esc` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save.cancel"),
    ]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        """Where the story will be written, shown so the reader knows where to find it."""

    def compose(self) -> ComposeResult:
        """The address field, where the story goes, and the keys."""
        with Vertical(classes="dialog") as box:
            box.border_title = "Save a web page as a story"
            yield Input(placeholder="https://…", id="save-url")
            yield Static(Text(f"into {self.where}", style="dim"))
            yield Static(Text("enter = save · esc = cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save the page at the address typed (nothing typed: nothing to do)."""
        url = event.value.strip()
        self.dismiss(url or None)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

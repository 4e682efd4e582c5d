"""The note editor: a multi-line text area for an annotation's note."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.widgets.inert import inert


class NoteEditor(ModalScreen[str | None]):
    """Edit a note; dismisses with the text on save, None on cancel.

    | Key | Action |
    | --- | --- |
    | `ctrl+s` | save |
    | `esc` | cancel (asks first when the note has text) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="editor.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="editor.cancel"),
    ]

    def __init__(self, quote: str, note: str = "", *, title: str = "New note") -> None:
        super().__init__()
        self.quote = quote
        self.initial = note
        self.title_text = title

    def compose(self) -> ComposeResult:
        """The quoted passage, the text area and the keys."""
        quote = " ".join(self.quote.split())
        if len(quote) > 200:
            quote = quote[:199] + "…"
        with Vertical(classes="dialog editor") as box:
            box.border_title = self.title_text
            yield Static(inert("“" + quote + "”", style="italic"), id="editor-quote")
            yield TextArea(self.initial, id="editor-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Text("ctrl+s = save    esc = cancel", style="dim"))

    def on_mount(self) -> None:
        """Start typing at once."""
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """The note as typed so far."""
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        """Save the note."""
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        """Cancel; a non-empty changed note asks before it is thrown away."""
        if not self.text.strip() or self.text == self.initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this note?"), answered)

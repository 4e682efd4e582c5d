"""The note editor: a multi-line text area for an annotation's note.

It saves through the annotation service and closes only once the note is on disk; when the
save fails it stays open with the text, says why, and the reader can retry or copy the text
out. Every change is reported to the service, so a hang-up keeps the text as a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tui_reader.notes.outcomes import Failed, Saved
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.widgets.inert import inert

__all__ = ["NoteEditor"]


class NoteEditor(ModalScreen[Saved | None]):
    """Edit a note; dismisses with the ``Saved`` outcome, or None when the reader cancels.

    | Key | Action |
    | --- | --- |
    | `ctrl+s` | save |
    | `esc` | cancel (asks first when the text changed) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="editor.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="editor.cancel"),
    ]

    def __init__(
        self,
        quote: str,
        note: str = "",
        *,
        title: str = "New note",
        save: Callable[[str], Saved | Failed],
        typed: Callable[[str], None] = lambda text: None,
        editing: bool = False,
    ) -> None:
        super().__init__()
        self.quote = quote
        self.initial = note
        self.title_text = title
        self._save = save
        self._typed = typed
        self.editing = editing
        """True for a change to an existing note (esc then asks about the changes)."""

    def compose(self) -> ComposeResult:
        """The quoted passage, the text area, a line for problems and the keys."""
        quote = " ".join(self.quote.split())
        if len(quote) > 200:
            quote = quote[:199] + "…"
        with Vertical(classes="dialog editor") as box:
            box.border_title = self.title_text
            yield Static(inert("“" + quote + "”", style="italic"), id="editor-quote")
            yield TextArea(self.initial, id="editor-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="editor-problem")
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

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        self._typed(event.text_area.text)

    def action_save(self) -> None:
        """Save the note; on failure stay open with the text and say why."""
        outcome = self._save(self.text)
        if isinstance(outcome, Saved):
            self.dismiss(outcome)
            return
        problem = self.query_one("#editor-problem", Static)
        problem.update(inert(f"{outcome.message}. Your text is kept: ctrl+s retries.", "bold red"))
        self.notify(outcome.message, severity="error", timeout=20)

    def action_cancel(self) -> None:
        """Cancel; changed text asks before it is thrown away."""
        if self.text == self.initial or not self.text.strip() and not self.editing:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = "Discard your changes to this note?" if self.editing else "Discard this note?"
        self.app.push_screen(ConfirmScreen(question), answered)

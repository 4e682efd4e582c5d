"""A yes/no question answered by keyboard."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.widgets.inert import inert_lines


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; ``y`` answers yes, ``n`` or ``esc`` no.

    | Key | Action |
    | --- | --- |
    | `y` | yes |
    | `n` / `esc` | no |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """A box with the question and the keys."""
        with Vertical(classes="dialog"):
            yield Static(inert_lines(self.question))  # may quote a note or a title
            yield Static(Text("y = yes    n / esc = no", style="dim"))

    def action_answer(self, answer: bool) -> None:
        """Close with ``answer``."""
        self.dismiss(answer)

"""Ask for tags (a bookmark's, or a note's): one line, comma-separated."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_reader.core.textsafe import sanitize_line
from tui_reader.ui.widgets.inert import inert


def parse_tags(text: str) -> tuple[str, ...]:
    """Split ``"a, b,,c "`` into ``("a", "b", "c")``, keeping order, dropping repeats."""
    tags = (sanitize_line(tag) for tag in text.replace(";", ",").split(","))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """Edit the tags of a bookmark (or of a note); ``enter`` saves, ``esc`` cancels.

    | Key | Action |
    | --- | --- |
    | `enter` | save the tags (for a bookmark: and bookmark the story) |
    | `esc` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel"),
    ]

    def __init__(self, title: str, tags: tuple[str, ...], *, what: str = "Bookmark tags") -> None:
        super().__init__()
        self.story_title = title
        """What is being tagged (a story's title, a note's passage): shown as plain text."""
        self.tags = tags
        self.what = what
        """The dialog's title."""

    def compose(self) -> ComposeResult:
        """The story title, the tags field and the keys."""
        with Vertical(classes="dialog") as box:
            box.border_title = self.what
            yield Static(inert(self.story_title, style="bold"))
            yield Input(", ".join(self.tags), placeholder="e.g. afghanistan, to-read")
            yield Static(Text("comma-separated · enter = save · esc = cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save."""
        self.dismiss(parse_tags(event.value))

    def action_cancel(self) -> None:
        """Cancel."""
        self.dismiss(None)

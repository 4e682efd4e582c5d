"""The ``?`` screen: every key, taken from the live bindings (so a user keymap shows too)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.screens.note_editor import NoteEditor
from tui_reader.ui.screens.notes_browser import NotesBrowser
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.inert import inert
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

EXTRA = (
    "Over SSH nothing opens on the server: y copies through your terminal (OSC 52; in tmux "
    "set -g set-clipboard on), o shows the URL to copy by hand. Notes are on disk the moment "
    "the reader says “saved”."
)


def _keys(binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id or "", binding.key)
    names = {
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "question_mark": "?",
        "slash": "/",
    }
    return " ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """All keys, by pane.

    | Key | Action |
    | --- | --- |
    | `esc` / `q` / `?` | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        """One table per pane."""
        keymap = dict(getattr(self.app, "_keymap", {}) or {})
        with VerticalScroll(classes="dialog help") as box:
            box.border_title = "Keys (esc closes)"
            for title, bindings in self.sections:
                table = Table(title=title, show_header=False, box=None, title_justify="left")
                table.add_column(style="bold", no_wrap=True)
                table.add_column()
                for binding in bindings:
                    if isinstance(binding, Binding):
                        # Keys may come from the user's keymap: shown as typed, never markup.
                        table.add_row(inert(_keys(binding, keymap)), Text(binding.description))
                yield Static(table)
            yield Static(Text(EXTRA, style="dim"))

    def action_scroll(self, amount: int) -> None:
        """Scroll the help."""
        self.query_one(VerticalScroll).scroll_relative(y=amount, animate=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)


def help_sections(
    app_bindings: list[BindingType], screen_bindings: list[BindingType]
) -> list[tuple[str, list[BindingType]]]:
    """The sections the help screen shows, in reading order."""
    return [
        ("Everywhere", [*app_bindings, *screen_bindings]),
        ("Story list", list(StoryList.BINDINGS)),
        ("Article", list(Article.BINDINGS)),
        ("Notes sidebar", list(NotesSidebar.BINDINGS)),
        ("Note editor", list(NoteEditor.BINDINGS)),
        ("All notes (S)", list(NotesBrowser.BINDINGS)),
    ]

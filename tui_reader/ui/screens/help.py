"""The ``?`` screen: every key by context with its binding id (the name a ``[keymap]`` entry in
the config uses), taken from the live bindings, so a user's keymap shows too."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.keys import key_names
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


SEARCH_HELP = (
    "Search (/): words must all match, in titles, bylines, story text and your notes; "
    '"an exact phrase"; harb* (words starting so); -word leaves out. Filters: is:unread '
    "is:read is:bookmarked has:note has:highlight tag:NAME feed:NAME by:NAME "
    "since:2021-09-01 until:2021-09 (a day, month or year) in:notes in:title; -tag:x leaves "
    "out. Results are best match first: O changes the order, + saves the search (F lists it), "
    "esc goes back to the list as it was. In a story, f finds words; n/N move between matches."
)


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
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="help.top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(
        self, sections: list[tuple[str, list[BindingType]]], keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}
        """The user's ``[keymap]``: binding id -> keys."""

    def compose(self) -> ComposeResult:
        """One table per context: keys, what they do, the binding id."""
        with VerticalScroll(classes="dialog help") as box:
            box.border_title = "Keys · esc closes · dim: the ids a keymap in config.toml uses"
            for title, bindings in self.sections:
                table = Table(title=title, show_header=False, box=None, title_justify="left")
                table.add_column(style="bold", no_wrap=True)
                table.add_column(ratio=1)
                table.add_column(style="dim", no_wrap=True)
                for binding in bindings:
                    if isinstance(binding, Binding):
                        keys = self.keymap.get(binding.id or "", binding.key)
                        # Keys may come from the user's keymap: shown as typed, never markup.
                        table.add_row(
                            inert(key_names(keys)), Text(binding.description), binding.id or ""
                        )
                yield Static(table)
            yield Static(Text(SEARCH_HELP))
            yield Static(Text(EXTRA, style="dim"))

    def action_scroll(self, amount: int) -> None:
        """Scroll the help by rows."""
        self.query_one(VerticalScroll).scroll_relative(y=amount, animate=False)

    def action_page(self, pages: int) -> None:
        """Scroll the help by pages."""
        box = self.query_one(VerticalScroll)
        box.scroll_relative(
            y=pages * max(box.scrollable_content_region.height - 1, 1), animate=False
        )

    def action_edge(self, bottom: int) -> None:
        """Go to the top (0) or the bottom (1) of the help."""
        box = self.query_one(VerticalScroll)
        if bottom:
            box.scroll_end(animate=False, immediate=True)
        else:
            box.scroll_home(animate=False, immediate=True)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)


PALETTE = Binding("ctrl+p", "command_palette", "Palette (themes…)", id="app.command_palette")
"""Textual's own binding, listed here so it is found with the others."""
SELECTING = frozenset(
    {
        "article.select_paragraph",
        "article.word_forward",
        "article.word_end",
        "article.word_back",
        "article.sentence_forward",
        "article.sentence_back",
        "article.paragraph_forward",
        "article.paragraph_back",
        "article.annotate",
        "article.highlight",
        "article.cancel",
    }
)
"""Article keys that act on a selection (after ``v``): listed under their own heading."""


def help_sections(
    app_bindings: list[BindingType], screen_bindings: list[BindingType]
) -> list[tuple[str, list[BindingType]]]:
    """The sections the help screen shows, in reading order."""
    article = [b for b in Article.BINDINGS if isinstance(b, Binding)]
    copy = [b for b in screen_bindings if isinstance(b, Binding) and b.id == "reader.copy"]
    lines = [
        Binding("j,down", "down", "Extend by a line down", id="article.down"),
        Binding("k,up", "up", "Extend by a line up", id="article.up"),
    ]
    return [
        ("Everywhere", [*app_bindings, PALETTE, *screen_bindings]),
        ("Story list", list(StoryList.BINDINGS)),
        ("Article", [b for b in article if b.id not in SELECTING]),
        (
            "Selecting (after v)",
            [*(b for b in article if b.id in SELECTING), *lines, *copy],
        ),
        ("Notes sidebar", list(NotesSidebar.BINDINGS)),
        ("Note editor", list(NoteEditor.BINDINGS)),
        ("All notes (A)", list(NotesBrowser.BINDINGS)),
    ]

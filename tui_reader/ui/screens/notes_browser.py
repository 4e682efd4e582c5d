"""The notes browser (``S``): every note and highlight across all stories, newest first.

Each entry shows the quote, the note, its story, date and tags. ``/`` filters by words and
``#tags``; ``enter`` opens the story at the passage (the screen dismisses with the note's id);
``y`` copies the note as Markdown (quote, note, citation link) through the terminal (OSC 52).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.notes.browse import NoteItem, parse_query
from tui_reader.notes.citation import local_time
from tui_reader.ui.widgets.inert import inert, inert_lines

__all__ = ["SHOWN", "NotesBrowser"]

SHOWN = 300
"""Entries drawn at once; more are reached by narrowing the filter (SSH links stay quick)."""
EMPTY = "No notes yet. In a story: v starts a selection, a adds a note, h highlights."


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entry(item: NoteItem) -> Text:
    """How one note is drawn: quote, note (three lines at most), then story, date and tags."""
    text = Text(end="")
    text.append_text(inert("“" + _excerpt(item.quote, 150) + "”", style="italic"))
    note = item.annotation.note.strip()
    if note:
        lines = note.splitlines()
        shown = "\n".join(_excerpt(line, 200) for line in lines[:3])
        text.append("\n")
        text.append_text(inert_lines(shown + (" …" if len(lines) > 3 else "")))
    else:
        text.append("\n(highlight)", style="dim")
    meta = Text(end="")
    meta.append_text(inert(item.story.title, style="bold dim"))
    meta.append(" · " + local_time(item.annotation.updated), style="dim")
    tags = " ".join("#" + "-".join(tag.split()) for tag in item.tags())
    if tags:
        meta.append(" · ", style="dim")
        meta.append_text(inert(tags, style="dim"))
    if not item.in_library:
        meta.append(" · not in the library", style="dim red")
    return text.append("\n").append_text(meta)


class NotesBrowser(Screen[str | None]):
    """All notes; dismisses with the id of the note to open, or None.

    | Key | Action |
    | --- | --- |
    | `j` / `k`, arrows | move |
    | `/` | filter: words and `#tags` (enter or esc returns to the list) |
    | `enter` | open the story at the passage |
    | `y` | copy the note as Markdown (OSC 52) |
    | `esc` / `q` | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="browser.close"),
        Binding("slash", "filter", "Filter", id="browser.filter"),
        Binding("y", "copy", "Copy as Markdown", id="browser.copy"),
        Binding("j", "down", "Down", show=False, id="browser.down"),
        Binding("k", "up", "Up", show=False, id="browser.up"),
    ]

    class Loaded(Message):
        """The notes are read."""

        def __init__(self, items: list[NoteItem]) -> None:
            super().__init__()
            self.items = items

    def __init__(self, load: Callable[[], list[NoteItem]]) -> None:
        """``load`` reads every note (it runs in a thread)."""
        super().__init__()
        self._load = load
        self.items: list[NoteItem] | None = None
        """Every note, newest first (None until read)."""
        self.shown: list[NoteItem] = []
        """The notes the filter leaves, in list order."""

    def compose(self) -> ComposeResult:
        """Title, filter, the list, and the keys."""
        yield Static(Text("All notes", style="bold"), id="browser-title")
        yield Input(placeholder="/ filter: words, #tag", id="browser-filter", select_on_focus=False)
        yield OptionList(Option(Text("Reading notes…", style="dim"), disabled=True))
        yield Footer()

    def on_mount(self) -> None:
        """Read the notes in the background; the list has the keys."""
        self.query_one(OptionList).focus()
        self._read()

    @work(thread=True, exit_on_error=False, group="browser")
    def _read(self) -> None:
        self.post_message(self.Loaded(self._load()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.items = message.items
        self._show()

    @on(Input.Changed)
    def _filter_changed(self) -> None:
        self._show()

    def _show(self) -> None:
        if self.items is None:
            return
        query = parse_query(self.query_one(Input).value)
        self.shown = [item for item in self.items if query.matches(item)]
        options: list[Option | None] = []
        for item in self.shown[:SHOWN]:
            options += [Option(entry(item), id=item.annotation.id), None]  # None: a rule
        if len(self.shown) > SHOWN:
            more = f"… {len(self.shown) - SHOWN} more: / narrows the list"
            options.append(Option(Text(more, style="dim"), disabled=True))
        if not self.items:
            options.append(Option(Text(EMPTY, style="dim"), disabled=True))
        elif not self.shown:
            options.append(Option(Text("No note matches the filter.", style="dim"), disabled=True))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(options)
        if self.shown:
            listing.highlighted = 0
        title = f"All notes ({len(self.items)})"
        if query.words or query.tags:
            title += f" · {len(self.shown)} match"
        self.query_one("#browser-title", Static).update(Text(title, style="bold"))

    @property
    def current(self) -> NoteItem | None:
        """The highlighted note."""
        listing = self.query_one(OptionList)
        index = listing.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen note's story at its passage."""
        event.stop()
        item = self.current
        if item is None:
            return
        if not item.in_library:
            self.notify(
                f"“{item.story.title}” is not in the library, so it cannot be opened; "
                "y copies the note.",
                timeout=5,
            )
            return
        self.dismiss(item.annotation.id)

    @on(Input.Submitted)
    def _filter_done(self) -> None:
        self.query_one(OptionList).focus()

    def action_filter(self) -> None:
        """Type a filter."""
        self.query_one(Input).focus()

    def action_copy(self) -> None:
        """Copy the highlighted note as Markdown with its citation."""
        item = self.current
        if item is None:
            return
        self.app.copy_to_clipboard(item.markdown())
        self.notify("Copied the note as Markdown to your terminal's clipboard (OSC 52).", timeout=3)

    def action_down(self) -> None:
        """Next note."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Previous note."""
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        """Back to the list from the filter; else back to the reader."""
        if self.query_one(Input).has_focus:
            self.query_one(OptionList).focus()
            return
        self.dismiss(None)

"""The notes sidebar: the open story's annotations in document order, then the unanchored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui_reader.ui.widgets.inert import inert, inert_lines

EMPTY_HELP = (
    "No notes on this story yet.\n\n"
    "In the article: v starts a selection, w/e/)/} extend it, "
    "a adds a note, h highlights. n/N jump between notes."
)


@dataclass(frozen=True)
class NoteEntry:
    """One annotation as the sidebar shows it."""

    annotation_id: str
    quote: str
    note: str
    when: str
    """Short local time of the last change."""
    start: int | None
    """Where it is anchored in the document text; None when orphaned."""
    tags: tuple[str, ...] = ()
    """The note's own tags."""


def _excerpt(quote: str, limit: int = 90) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


class NotesSidebar(OptionList):
    """Lists annotations; moving here scrolls the article to the passage.

    | Key | Action |
    | --- | --- |
    | `j` / `k` | next / previous note |
    | `enter` | edit the note |
    | `t` | tag the note |
    | `d` | delete (`u` undoes) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="notes.down"),
        Binding("k", "cursor_up", "Up", show=False, id="notes.up"),
        Binding("enter", "edit", "Edit", id="notes.edit"),
        Binding("t", "tags", "Tag note", id="notes.tags"),
        Binding("d,delete", "delete", "Delete", id="notes.delete"),
    ]

    class NoteChosen(Message):
        """A note was highlighted (``edit`` False) or asked to be edited/deleted."""

        def __init__(self, sidebar: NotesSidebar, annotation_id: str, intent: str) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.annotation_id = annotation_id
            self.intent = intent
            """One of ``show``, ``edit``, ``tags``, ``delete``."""

        @property
        def control(self) -> NotesSidebar:
            """The sidebar that posted the message."""
            return self.sidebar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[NoteEntry] = []
        self.border_title = "Notes"

    def on_mount(self) -> None:
        """Start with the empty-state help."""
        self.show_entries([])

    def show_entries(self, entries: Sequence[NoteEntry], *, keep: str | None = None) -> None:
        """Replace the list: anchored notes in document order, then an Unanchored section."""
        anchored = sorted((e for e in entries if e.start is not None), key=lambda e: e.start or 0)
        orphans = [e for e in entries if e.start is None]
        self.entries = anchored + orphans
        options: list[Option | None] = []
        for entry in anchored:
            options.append(self._option(entry))
        if orphans:
            options.append(
                Option(Text("Unanchored (text changed)", style="bold red"), disabled=True)
            )
            options.extend(self._option(entry) for entry in orphans)
        if not self.entries:
            options.append(Option(Text(EMPTY_HELP, style="dim"), disabled=True))
        self.clear_options()
        self.add_options([o for o in options if o is not None])
        self.border_title = f"Notes ({len(self.entries)})" if self.entries else "Notes"
        if keep is not None:
            self.select_id(keep)
        if self.highlighted is None and self.entries:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = 0

    def _option(self, entry: NoteEntry) -> Option:
        # Quotes and notes are shown as typed: never markup, never a control character.
        text = inert("“" + _excerpt(entry.quote) + "”", style="italic")
        if entry.note:
            text.append("\n")
            text.append_text(inert_lines(entry.note.strip()))
        else:
            text.append("\n(highlight)", style="dim")
        if entry.tags:  # typed by the reader, or imported: never markup
            text.append("\n")
            text.append_text(inert(" ".join(f"#{tag}" for tag in entry.tags), style="cyan"))
        text.append(f"\n{entry.when}", style="dim")
        return Option(text, id=entry.annotation_id)

    def select_id(self, annotation_id: str) -> None:
        """Highlight the entry for ``annotation_id`` without announcing it."""
        try:
            index = self.get_option_index(annotation_id)
        except OptionDoesNotExist:
            return  # the note is gone: keep the cursor where it is
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = index

    @property
    def current_id(self) -> str | None:
        """The id of the highlighted note."""
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return option.id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving in the sidebar shows the passage in the article."""
        event.stop()
        if event.option.id:
            self.post_message(self.NoteChosen(self, event.option.id, "show"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a note edits it."""
        event.stop()
        if event.option.id:
            self.post_message(self.NoteChosen(self, event.option.id, "edit"))

    def action_edit(self) -> None:
        """Edit the highlighted note."""
        if self.current_id:
            self.post_message(self.NoteChosen(self, self.current_id, "edit"))

    def action_tags(self) -> None:
        """Tag the highlighted note."""
        if self.current_id:
            self.post_message(self.NoteChosen(self, self.current_id, "tags"))

    def action_delete(self) -> None:
        """Delete the highlighted note."""
        if self.current_id:
            self.post_message(self.NoteChosen(self, self.current_id, "delete"))

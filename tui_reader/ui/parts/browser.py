"""The notes browser from the reader: opening it, and opening a story at the note chosen there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tui_reader.core.stories import StoryMeta
from tui_reader.storage.store import Store
from tui_reader.ui.parts.library import LibraryPart, to_row
from tui_reader.ui.parts.notes import NotesPart
from tui_reader.ui.widgets.story_list import StoryRow

if TYPE_CHECKING:
    from tui_reader.notes.browse import NoteItem

__all__ = ["BrowserPart"]


class BrowserPart:
    """Shows every note (``S``) and opens the story of the one chosen, at its passage."""

    def __init__(
        self,
        host: Screen[Any],
        store: Store,
        library: LibraryPart,
        notes_ui: NotesPart,
        open_row: Callable[[StoryRow], None],
    ) -> None:
        self.host = host
        self.store = store
        self.library = library
        self.notes_ui = notes_ui
        self.open_row = open_row

    def _stories(self) -> dict[str, StoryMeta]:
        items = self.library.items
        return {item.story_id: item for item in items if isinstance(item, StoryMeta)}

    def show(self) -> None:
        """Open the notes browser."""
        # Loaded on first use: the catalog's Markdown export (and YAML) is not needed to start.
        from tui_reader.notes.browse import catalog
        from tui_reader.ui.screens.notes_browser import NotesBrowser

        def load() -> list[NoteItem]:  # in a thread, with the library as loaded by then
            return catalog(self.store, self._stories())

        self.host.app.push_screen(NotesBrowser(load), self.chosen)

    def chosen(self, annotation_id: str | None) -> None:
        """Open the story of ``annotation_id`` and show the note there."""
        if annotation_id is None:
            return
        annotation = self.store.get_annotation(annotation_id)
        meta = self._stories().get(annotation.story_id) if annotation else None
        if annotation is None or meta is None:
            self.host.notify("That note's story is not in the library any more.", timeout=4)
            return
        self.notes_ui.reveal(annotation_id)
        self.open_row(to_row(meta))

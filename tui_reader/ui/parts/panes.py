"""How the three panes share the terminal: side by side when wide, stacked when narrow (a
compact list without border when short), the article alone in reading mode, a message when too
small; focus moving between them; and the choices the reader made, remembered.

Sizes are computed here, not in ``app.tcss``: each pane keeps a usable minimum, and the list
and sidebar give way to the article's reading measure before it gives way to them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from tui_reader.notes.layout import LayoutChoice, LayoutMemory
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.footer import KeyBar
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "NARROW_WIDTH", "Panes"]

NARROW_WIDTH = 110
"""Below this many columns the panes stack and the notes sidebar becomes a toggle."""
COMPACT_HEIGHT = 26
"""At or below this many rows a stacked list drops its border: every row shows a story."""
MIN_WIDTH, MIN_HEIGHT = 30, 10
"""Below this the panes would be garbage; a clear message is shown instead."""
MIN_LIST, MAX_LIST = 24, 80
"""The story list beside the article: never narrower or wider than this."""
MIN_ARTICLE = 40
"""The article beside the list and sidebar keeps at least this many columns."""
LIST_STEP = 4
"""Columns ``<`` and ``>`` take from or give to the list."""
BROWSE_ROWS = 15
"""Rows a compact list shows while browsing (the article gets what is left, if useful)."""


class Panes:
    """Lays out a reader screen's panes and remembers what the reader chose.

    Args:
        screen: the reader screen (its panes: a ``StoryList``, an ``Article``, a
            ``NotesSidebar``, and a ``#too-small`` message).
        memory: where the choices are remembered (its ``current`` is the one in force).
        measure: the article's reading measure, to size the list around it.
    """

    def __init__(self, screen: Screen[Any], memory: LayoutMemory, measure: int) -> None:
        self.screen = screen
        self.memory = memory
        self.measure = measure
        self.has_notes = False
        """The open story has notes: with the ``auto`` choice, the sidebar shows."""
        self.reading_mode = False
        """The article has the whole screen (``z``)."""
        self.notes_narrow = False
        """The notes are shown in a narrow terminal (there ``s`` is a toggle for the session)."""
        self.reading = False
        """The article (or the notes) has the focus, not the list. A flag, not a CSS class:
        no style uses it, and a class on the screen would restyle every widget on each open."""

    # ----- what shows ------------------------------------------------------------------------

    @property
    def choice(self) -> LayoutChoice:
        """The reader's choices in force."""
        return self.memory.current

    @property
    def narrow(self) -> bool:
        """Whether the panes are stacked."""
        return self.screen.size.width < NARROW_WIDTH

    def sidebar_shown(self) -> bool:
        """Whether the notes sidebar is on screen under the current choices."""
        if self.reading_mode:
            return False
        if self.narrow:
            return self.notes_narrow
        return self.choice.sidebar == "shown" or (self.choice.sidebar == "auto" and self.has_notes)

    def apply(self) -> None:
        """Size and show the panes for the screen's current size and choices."""
        screen = self.screen
        width, height = screen.size
        narrow = width < NARROW_WIDTH
        compact = narrow and height <= COMPACT_HEIGHT
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        wanted = {
            "narrow": narrow,
            "compact": compact,
            "reading-mode": self.reading_mode,
            "too-small": too_small,
        }
        changed = [name for name, on in wanted.items() if screen.has_class(name) != on]
        for name in changed:
            screen.set_class(wanted[name], name, update=False)
        # One restyle of the screen for them all, not one per class; none before the screen's
        # first resume (stack_updates 0), which restyles the whole screen anyway.
        if changed and screen.stack_updates:
            screen.update_node_styles()
        if too_small:  # hidden otherwise: updating it would only cost a layout pass per resize
            screen.query_one("#too-small", Static).update(
                f"Terminal too small ({width}x{height}).\n"
                f"tui-reader needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window "
                "(or make the font smaller)."
            )
        stories, article = screen.query_one(StoryList), screen.query_one(Article)
        notes = screen.query_one(NotesSidebar)
        notes_shown = self.sidebar_shown()
        # A short, stacked screen has no rows for the list beside the article and the notes.
        stories.display = not (self.reading_mode or (compact and notes_shown))
        notes.display = notes_shown
        # Narrow footers pack their keys, so "? Keys" stays on screen.
        screen.query_one(KeyBar).compact = width < 100
        if narrow:
            self._stack(stories, article, notes, height, compact)
        else:
            self._side_by_side(stories, article, notes, width)

    def _side_by_side(
        self, stories: StoryList, article: Article, notes: NotesSidebar, width: int
    ) -> None:
        side = (34 if width >= 160 else 28) if notes.display else 0
        # By default the article gets its measure (plus border and a spare column); the list what
        # is left, within bounds. A width the reader chose (< >) wins, within the same bounds.
        wanted = self.choice.list_width or width - side - (self.measure or 76) - 4
        room = width - side - MIN_ARTICLE
        list_width = max(MIN_LIST, min(wanted, MAX_LIST if self.choice.list_width else 60, room))
        stories.styles.width, stories.styles.height = list_width, "100%"
        article.styles.width, article.styles.height = "1fr", "100%"
        notes.styles.width, notes.styles.height = side or 28, "100%"

    def _stack(
        self,
        stories: StoryList,
        article: Article,
        notes: NotesSidebar,
        height: int,
        compact: bool,
    ) -> None:
        rows = max(height - 1, 1)  # the footer takes one
        if self.reading:
            list_rows = 4 if compact else 5  # three stories: the open one and its neighbours
        elif compact:
            list_rows = max(BROWSE_ROWS + 1, rows * 2 // 3)  # and the list's title
            if rows - list_rows < 6:  # too few rows to show any of the story: the list has all
                list_rows = rows
        else:
            list_rows = max(rows // 3, 3)
        stories.styles.width, stories.styles.height = "100%", list_rows
        note_rows = max(8, rows * 2 // 5) if notes.display else 0
        article.styles.width, article.styles.height = "100%", "1fr"
        notes.styles.width, notes.styles.height = "100%", note_rows or 8

    # ----- the reader's keys -----------------------------------------------------------------

    def toggle_sidebar(self) -> None:
        """``s``: show or hide the notes (remembered when beside the article)."""
        if self.reading_mode:
            self.reading_mode = False
            if self.narrow:
                self.notes_narrow = True
            elif not self.sidebar_shown():
                self._remember(replace(self.choice, sidebar="shown"))
        elif self.narrow:
            self.notes_narrow = not self.notes_narrow
        else:
            self._remember(
                replace(self.choice, sidebar="hidden" if self.sidebar_shown() else "shown")
            )
        self.apply()
        notes = self.screen.query_one(NotesSidebar)
        if notes.display and notes.entries:
            notes.focus()
        elif not notes.display and notes.has_focus:
            self.screen.query_one(Article).focus()

    def sidebar_auto(self) -> None:
        """Let the sidebar open by itself again, for stories with notes."""
        self._remember(replace(self.choice, sidebar="auto"))
        self.apply()

    def toggle_reading_mode(self) -> None:
        """``z``: the article alone on the screen, or the panes back."""
        self.reading_mode = not self.reading_mode
        self.apply()
        if self.reading_mode:
            self.screen.query_one(Article).focus()

    def resize_list(self, step: int) -> str | None:
        """``<`` / ``>``: the list narrower or wider by a few columns; None, or why not."""
        if self.narrow or self.reading_mode:
            return "The list's width changes when it is beside the article (a wider terminal)."
        current = self.screen.query_one(StoryList).styles.width
        now = int(current.value) if current is not None else MIN_LIST
        self._remember(replace(self.choice, list_width=max(MIN_LIST, min(now + step, MAX_LIST))))
        self.apply()
        return None

    def story_opening(self, has_notes: bool) -> bool:
        """A story with (or without) notes is being opened; True if the panes change."""
        before = self.sidebar_shown()
        self.has_notes = has_notes
        if before == self.sidebar_shown():
            return False
        self.apply()
        return True

    def notes_shown(self, count: int) -> None:
        """The open story's notes are in: a first note opens the sidebar (``auto``)."""
        if count and not self.has_notes:
            self.story_opening(True)

    def focus_moved(self, to_article: bool) -> None:
        """While reading in a stacked layout, the list gives the article its rows."""
        if self.reading != to_article:
            self.reading = to_article
            if self.narrow:
                self.apply()

    def cycle_focus(self, step: int) -> None:
        """Move focus to the next (or previous) visible pane."""
        screen = self.screen
        panes: list[StoryList | Article | NotesSidebar] = [screen.query_one(Article)]
        if screen.query_one(StoryList).display:
            panes.insert(0, screen.query_one(StoryList))
        if screen.query_one(NotesSidebar).display:
            panes.append(screen.query_one(NotesSidebar))
        current = next((i for i, pane in enumerate(panes) if pane.has_focus), 0)
        panes[(current + step) % len(panes)].focus()

    def _remember(self, choice: LayoutChoice) -> None:
        if choice == self.choice:
            return
        failed = self.memory.remember(choice)
        if failed is not None:
            self.screen.notify(failed.message, severity="error", timeout=10)

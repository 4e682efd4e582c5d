"""The story list: a virtual, line-API list that redraws only the rows that change.

Textual's list-view widget mounts a widget per row (a minute for 10,000 stories) and OptionList
repaints the whole list per key (~10 KB over a pty); this draws rows on demand and, on a
cursor step, refreshes just the old and the new row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.textcells import fit
from tui_reader.ui.widgets.inert import plain

CURSOR_FOCUSED = Style(reverse=True, bold=True)
CURSOR_BLURRED = Style(underline=True, bold=True)
ERROR_STYLE = Style(color="red")
UNREAD_STYLE = Style(bold=True)
DIM = Style(dim=True)


@dataclass(frozen=True)
class StoryRow:
    """What the list shows for one file: a story, or an error row."""

    key: str
    """Unique key of the row (the file path)."""
    story_id: str
    title: str
    date: dt.date | None = None
    source: str = ""
    """What the source column shows: the feed's name, else the URL's domain."""
    error: str | None = None
    feed: str = ""
    """The feed the story came from; "" for a local file."""


class StoryList(ScrollView, can_focus=True):
    """A keyboard-driven list of stories: newest first, with bookmark/unread/notes markers.

    | Key | Action |
    | --- | --- |
    | `j` / `down` | next story |
    | `k` / `up` | previous story |
    | `pgdn` / `pgup` | page |
    | `g` / `G` | first / last |
    | `enter` | open the story |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
    ]

    class Highlighted(Message):
        """The cursor moved to ``row``."""

        def __init__(self, story_list: StoryList, row: StoryRow | None) -> None:
            super().__init__()
            self.story_list = story_list
            self.row = row

        @property
        def control(self) -> StoryList:
            """The list that posted the message."""
            return self.story_list

    class Selected(Message):
        """The reader pressed enter (or clicked) on ``row``."""

        def __init__(self, story_list: StoryList, row: StoryRow) -> None:
            super().__init__()
            self.story_list = story_list
            self.row = row

        @property
        def control(self) -> StoryList:
            """The list that posted the message."""
            return self.story_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[StoryRow] = []
        self.cursor = 0
        """Index of the highlighted row."""
        self.bookmarked: set[str] = set()
        self.read: set[str] = set()
        self.note_counts: dict[str, int] = {}
        self.empty_message = "Loading stories…"
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._cache_width = 0

    # ----- data ----------------------------------------------------------------------------

    @property
    def current(self) -> StoryRow | None:
        """The highlighted row, if any."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_rows(self, rows: Sequence[StoryRow], *, keep: str | None = None) -> None:
        """Replace the rows, keeping the cursor on the row with key ``keep`` if present."""
        rows = list(rows)
        if rows == self.rows and (keep is None or (self.current and self.current.key == keep)):
            return  # e.g. the whole index after its first rows, on a small library: no repaint
        keep = keep if keep is not None else (self.current.key if self.current else None)
        self.rows = rows
        self.cursor = 0
        if keep is not None:
            for index, row in enumerate(self.rows):
                if row.key == keep:
                    self.cursor = index
                    break
        self._cache.clear()
        # No horizontal extent: rows are cut to the width, so no horizontal scrollbar appears.
        self.virtual_size = Size(0, len(self.rows))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def set_marks(
        self, *, bookmarked: set[str], read: set[str], note_counts: dict[str, int]
    ) -> None:
        """Update the markers; only rows whose markers changed are redrawn."""
        changed = (
            (bookmarked ^ self.bookmarked)
            | (read ^ self.read)
            | {
                k
                for k in set(note_counts) | set(self.note_counts)
                if note_counts.get(k) != self.note_counts.get(k)
            }
        )
        self.bookmarked, self.read, self.note_counts = set(bookmarked), set(read), note_counts
        if not changed:
            return
        top = int(self.scroll_y)
        for index in range(top, min(top + self.size.height, len(self.rows))):
            if self.rows[index].story_id in changed:
                self._cache.pop((index, True), None)
                self._cache.pop((index, False), None)
                self.refresh_line(index)

    def select_key(self, key: str) -> None:
        """Move the cursor to the row with ``key`` (if listed)."""
        for index, row in enumerate(self.rows):
            if row.key == key:
                self.move_to(index)
                return

    # ----- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` of the view."""
        width = self.scrollable_content_region.width
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        index = int(self.scroll_y) + y
        if not self.rows:
            text = plain(self.empty_message) if y == 0 else ""
            return Strip([Segment(fit(text, width), DIM)], width)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        key = (index, is_cursor)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(self.rows[index], width, is_cursor)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = strip
        return strip

    def _draw(self, row: StoryRow, width: int, is_cursor: bool) -> Strip:
        # One style run per row: every extra run costs a colour sequence and a reset on each
        # cursor step over SSH (~60-70 bytes), so markers, title and date share one style.
        base = self.rich_style
        if is_cursor:
            base = base + (CURSOR_FOCUSED if self.has_focus else CURSOR_BLURRED)
        if row.error is not None:
            text = fit(" ✗ " + plain(f"{row.title}: {row.error}"), width)
            return Strip([Segment(text, base + ERROR_STYLE)], width)
        count = self.note_counts.get(row.story_id, 0)
        unread = row.story_id not in self.read
        marks = (
            ("★" if row.story_id in self.bookmarked else " ")
            + ("●" if unread else " ")
            + (f"{min(count, 9)}" if count else " ")
        )
        date = row.date.isoformat() if row.date else ""
        show_source = width >= 70 and row.source
        # Titles and feed names come from files and feeds (also via the index cache): the
        # row is drawn as plain segments, so it must not carry a control character.
        right = f" {date:>10}" + (f"  {fit(plain(row.source), 18)}" if show_source else "")
        title_width = max(width - 4 - len(right), 5)
        line = fit(f"{marks} {fit(plain(row.title), title_width)}{right}", width)
        return Strip([Segment(line, base + UNREAD_STYLE if unread else base)], width)

    # ----- movement ------------------------------------------------------------------------

    def _scroll_cursor_into_view(self) -> None:
        # Leaving the view re-centres the cursor: the whole list is redrawn once per half
        # page instead of on every step past the edge.
        height = max(self.size.height, 1)
        top = int(self.scroll_y)
        if not top <= self.cursor < top + height:
            self.scroll_to(y=max(self.cursor - height // 2, 0), animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index``, redrawing only the two rows involved."""
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        for row in (old, index):
            self._cache.pop((row, True), None)
            self._cache.pop((row, False), None)
        self._scroll_cursor_into_view()
        self.refresh_line(old)
        self.refresh_line(index)
        self.post_message(self.Highlighted(self, self.current))

    def action_cursor_down(self) -> None:
        """Next story."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous story."""
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        """Down a page."""
        self.move_to(self.cursor + max(self.size.height - 1, 1))

    def action_page_up(self) -> None:
        """Up a page."""
        self.move_to(self.cursor - max(self.size.height - 1, 1))

    def action_first(self) -> None:
        """First story."""
        self.move_to(0)

    def action_last(self) -> None:
        """Last story."""
        self.move_to(len(self.rows) - 1)

    def action_open(self) -> None:
        """Open the highlighted story."""
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: Click) -> None:
        """Clicking a row highlights it; a second click opens it."""
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.rows):
            if index == self.cursor:
                self.action_open()
            else:
                self.move_to(index)

    def on_resize(self) -> None:
        """Keep the cursor row in view when the list grows or shrinks."""
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        """Redraw the cursor row in its focused style."""
        self._cache.pop((self.cursor, True), None)
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        """Redraw the cursor row in its unfocused style."""
        self._cache.pop((self.cursor, True), None)
        self.refresh_line(self.cursor)

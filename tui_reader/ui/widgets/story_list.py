"""The story list: a virtual, line-API list that redraws only the rows that change.

Textual's list-view widget mounts a widget per row (a minute for 10,000 stories) and OptionList
repaints the whole list per key (~10 KB over a pty); this draws rows on demand and, on a
cursor step, refreshes just the old and the new row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.ui.textcells import fit
from tui_reader.ui.widgets.inert import plain
from tui_reader.ui.widgets.story_lines import DIM, draw_error, draw_match
from tui_reader.ui.widgets.story_row import StoryRow

__all__ = ["OPEN_MARK", "StoryList", "StoryRow"]

OPEN_MARK = "▶"
"""Drawn before the title of the story the article shows."""


class StoryList(ScrollView, can_focus=True):
    """A keyboard-driven list of stories: newest first, with bookmark/unread/notes markers.

    | Key | Action |
    | --- | --- |
    | `j` / `down` | next story |
    | `k` / `up` | previous story |
    | `pgdn` / `pgup` | page |
    | `g` / `G` | first / last |
    | `n` | next unread story |
    | `enter` | open the story |
    """

    # Component classes, so every theme restyles them; reverse, underline and bold carry the
    # state where there is no colour (NO_COLOR, 16 colours).
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "story-list--cursor",
        "story-list--cursor-blurred",
        "story-list--unread",
        "story-list--error",
    }
    DEFAULT_CSS = """
    StoryList > .story-list--cursor { text-style: reverse bold; }
    StoryList > .story-list--cursor-blurred { text-style: underline bold; }
    StoryList > .story-list--unread { text-style: bold; }
    StoryList > .story-list--error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("n", "next_unread", "Next unread", show=False, id="list.next_unread"),
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
        self.open_key: str | None = None
        """The key of the row whose story the article shows (marked ``▶``)."""
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._cache_width = 0
        self._styles: dict[str, Style] = {}
        self._pass: tuple[int, Style] | None = None
        """The width and base style while a frame's rows are drawn, looked up once for all
        (``rich_style`` walks up the ancestors: it cost as much as drawing the row)."""

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
        if self._same_keys(rows) and (keep is None or keep == self.rows[self.cursor].key):
            # The same stories, some drawn differently (a search's snippets filled in): only
            # the rows in view that changed are redrawn; the rest are drawn when scrolled to.
            top = int(self.scroll_y)
            view = range(top, min(top + self.size.height, len(rows)))
            changed = [index for index in view if rows[index] != self.rows[index]]
            self.rows = rows
            self._cache.clear()  # rows out of view may have changed too
            for index in changed:
                self.refresh_line(index)
            return
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

    def view_of(self, keys: Sequence[str]) -> range:
        """The rows that will be in view once rows with these ``keys`` are set (as
        :meth:`set_rows` places the cursor and scrolls), by index in ``keys``."""
        keep = self.current.key if self.current else None
        cursor = next((i for i, key in enumerate(keys) if key == keep), 0)
        height = max(self.size.height, 1)
        last_top = max(len(keys) - height, 0)
        top = min(int(self.scroll_y), last_top)
        if not top <= cursor < top + height:
            top = min(max(cursor - height // 2, 0), last_top)
        return range(top, min(top + height, len(keys)))

    def _same_keys(self, rows: list[StoryRow]) -> bool:
        return (bool(rows) and len(rows) == len(self.rows)
                and all(a.key == b.key for a, b in zip(rows, self.rows, strict=True)))  # fmt: skip

    def set_marks(
        self, *, bookmarked: set[str], read: set[str], note_counts: dict[str, int]
    ) -> None:
        """Update the markers; only rows whose markers changed are redrawn."""
        # Equal marks (most calls: a redraw of the list) are told by C-level comparisons; the
        # rows that changed are only looked for when something did.
        changed: set[str] = set()
        if bookmarked != self.bookmarked:
            changed |= bookmarked ^ self.bookmarked
        if read != self.read:
            changed |= read ^ self.read
        if note_counts != self.note_counts:
            changed |= {
                k
                for k in note_counts.keys() | self.note_counts.keys()
                if note_counts.get(k) != self.note_counts.get(k)
            }
        self.bookmarked, self.read, self.note_counts = set(bookmarked), set(read), note_counts
        if not changed:
            return
        top = int(self.scroll_y)
        for index in range(top, min(top + self.size.height, len(self.rows))):
            if self.rows[index].story_id in changed:
                self._cache.pop((index, True), None)
                self._cache.pop((index, False), None)
                self.refresh_line(index)

    def restore(self, key: str | None, top: float) -> None:
        """Put the cursor back on ``key`` with the view scrolled to ``top`` (after a search)."""
        index = next((i for i, row in enumerate(self.rows) if row.key == key), None)
        if index is None:
            return
        self.cursor = index
        self._cache.clear()

        def scroll() -> None:  # once the new rows' height is laid out, or it is clamped
            self.scroll_to(y=top, animate=False, immediate=True)
            self._scroll_cursor_into_view()
            self.refresh()

        self.call_after_refresh(scroll)
        self.post_message(self.Highlighted(self, self.current))

    def set_open(self, key: str | None) -> None:
        """Mark the row with ``key`` as the open story (redrawing the old and the new one)."""
        old, self.open_key = self.open_key, key
        for index, row in enumerate(self.rows):
            if row.key in (old, key):
                self._cache.pop((index, True), None)
                self._cache.pop((index, False), None)
                self.refresh_line(index)

    def notify_style_update(self) -> None:
        """A theme change: rows are redrawn in the new colours."""
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def select_key(self, key: str) -> None:
        """Move the cursor to the row with ``key`` (if listed)."""
        for index, row in enumerate(self.rows):
            if row.key == key:
                self.move_to(index)
                return

    # ----- drawing -------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the rows in ``crop`` (the width and the base style are looked up once)."""
        self._pass = (self.scrollable_content_region.width, self.rich_style)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None  # a theme or a resize may change them before the next frame

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` of the view."""
        width, base = self._pass or (self.scrollable_content_region.width, self.rich_style)
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        index = int(self.scroll_y) + y
        if not self.rows:
            text = plain(self.empty_message) if y == 0 else ""
            return Strip([Segment(fit(text, width), DIM)], width)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, is_cursor)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(self.rows[index], width, is_cursor, base)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = strip
        return strip

    def _draw(self, row: StoryRow, width: int, is_cursor: bool, base: Style) -> Strip:
        # One style run per row: every extra run costs a colour sequence and a reset on each
        # cursor step over SSH (~60-70 bytes), so markers, title and date share one style.
        if is_cursor:
            focused = self.has_focus
            base = base + self._style(f"story-list--cursor{'' if focused else '-blurred'}")
        if row.error is not None:
            return draw_error(row, width, base + self._style("story-list--error"))
        count = self.note_counts.get(row.story_id, 0)
        unread = row.story_id not in self.read
        marks = (
            ("★" if row.story_id in self.bookmarked else " ")
            + ("●" if unread else " ")
            + (f"{min(count, 9)}" if count else " ")
        )
        # A narrow list (beside an article and its notes) gives the title the date's room.
        date = row.date.isoformat() if row.date and width >= 36 else ""
        if row.detail:
            unread_style = base + self._style("story-list--unread") if unread else base
            here = OPEN_MARK if row.key == self.open_key else " "
            return draw_match(row, marks + here, date, width, unread_style)
        # Titles and feed names come from files and feeds (also via the index cache): the
        # row is drawn as plain segments, so it must not carry a control character.
        show_source = width >= 70 and row.source
        right = (f" {date:>10}" if date else "") + (
            f"  {fit(plain(row.source), 18)}" if show_source else ""
        )
        title_width = max(width - 4 - len(right), 5)
        here = OPEN_MARK if row.key == self.open_key else " "
        line = fit(f"{marks}{here}{fit(plain(row.title), title_width)}{right}", width)
        style = base + self._style("story-list--unread") if unread else base
        return Strip([Segment(line, style)], width)

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

    def action_next_unread(self) -> None:
        """Move to the next unread story (from the top again after the last)."""
        count = len(self.rows)
        for step in range(1, count + 1):
            index = (self.cursor + step) % count
            row = self.rows[index]
            if row.error is None and row.story_id not in self.read:
                self.move_to(index)
                return
        self.notify("No unread stories in this list", timeout=3)

    def action_open(self) -> None:
        """Open the highlighted story."""
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: Click) -> None:
        """Clicking a row highlights it; a second click opens it."""
        content = event.get_content_offset(self)  # event.y counts the border row too
        if content is None:
            return
        index = int(self.scroll_y) + content.y
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

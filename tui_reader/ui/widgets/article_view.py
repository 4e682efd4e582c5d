"""The article view: a line-API pane that shows one story with a cursor and highlights.

It knows layout, drawing, scrolling and the text cursor; :class:`~tui_reader.ui.widgets.article.
Article` adds selection, motions and annotation on top.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.core.document import Document
from tui_reader.core.stories import Story
from tui_reader.ui.article_layout import Line, Prepared, column_of, layout, offset_at

# Reverse and underline survive NO_COLOR and 16-colour terminals; colour is a bonus.
SELECTION_STYLE = Style(reverse=True)
CURSOR_STYLE = Style(reverse=True, underline=True)
HIGHLIGHT_STYLE = Style(underline=True, bgcolor="yellow", color="black")
NOTE_STYLE = Style(underline=True, bold=True, bgcolor="yellow", color="black")
CURRENT_NOTE_STYLE = Style(underline=True, bold=True, bgcolor="bright_yellow", color="black")

EMPTY_HINT = (
    "",
    " Pick a story in the list (j/k) and press enter.",
    " ? shows every key; q quits.",
)


@dataclass(frozen=True)
class Highlight:
    """An anchored annotation as the article draws it."""

    start: int
    end: int
    annotation_id: str
    has_note: bool


class ArticleView(ScrollView, can_focus=True):
    """Shows a story, scrolled like a pager; the cursor stays on screen.

    | Key | Action |
    | --- | --- |
    | `j` / `k` | scroll a line (extend the selection by a line when selecting) |
    | `space` / `pgdn` / `pgup` | page down / up |
    | `g` / `G` | top / bottom |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "down", "Down", show=False, id="article.down"),
        Binding("k,up", "up", "Up", show=False, id="article.up"),
        Binding("space,pagedown", "page_down", "Page", show=False, id="article.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("g,home", "top", "Top", show=False, id="article.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="article.bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.story: Story | None = None
        self.document: Document | None = None
        self.bookmarked = False
        self.tags: tuple[str, ...] = ()
        self.cursor = 0
        """Offset in the document text of the character after the text cursor."""
        self.select_from: int | None = None
        """Where the selection started, or None when not selecting."""
        self.highlights: list[Highlight] = []
        self.current_annotation: str | None = None
        self._lines: list[Line] = []
        self._starts: list[int] = []
        self._line_index: list[int] = []
        self._width = 0
        self._strips: dict[int, Strip] = {}

    # ----- content -------------------------------------------------------------------------

    def show_story(self, prepared: Prepared, *, offset: int = 0) -> None:
        """Display a prepared story and put the cursor (and the view) at ``offset``."""
        self.story = prepared.story
        self.document = prepared.document
        self.bookmarked, self.tags = prepared.bookmarked, prepared.tags
        self.select_from = None
        self.highlights = []
        self.current_annotation = None
        self.cursor = max(0, min(offset, len(prepared.document.text)))
        if prepared.width == self._content_width():
            self._lines = prepared.lines  # laid out in the worker: no wrapping on this thread
            self._relayout()
        else:
            self._relayout(force=True)
        self.scroll_to(y=0, animate=False, immediate=True)
        if self._starts and self.cursor > self._starts[0]:
            # A restored reading position: the new height reaches the scroll limits only after
            # the next layout pass, so scroll then (now it would be clamped to the top).
            self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        self.scroll_to(y=max(self._row_of(self.cursor) - 2, 0), animate=False, immediate=True)

    def complete_story(self, prepared: Prepared) -> None:
        """Swap a first screenful for the complete layout, keeping the view where it is."""
        if prepared.story is not self.story:
            return
        self.document = prepared.document
        if prepared.width == self._content_width():
            self._lines = prepared.lines
            self._relayout()
        else:
            self._relayout(force=True)
        self.refresh()

    def layout_width(self) -> int:
        """The width a story should be prepared for to show without re-wrapping."""
        return self._content_width()

    def set_bookmarked(self, bookmarked: bool, tags: tuple[str, ...] = ()) -> None:
        """Update the bookmark star (and tags) in the header."""
        if (bookmarked, tags) != (self.bookmarked, self.tags):
            self.bookmarked, self.tags = bookmarked, tags
            self._relayout(force=True)
            self.refresh()

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace the drawn annotations."""
        self.highlights = sorted(highlights, key=lambda h: (h.start, h.end))
        self._strips.clear()
        self.refresh()

    def scroll_to_offset(self, offset: int, annotation_id: str | None = None) -> None:
        """Move the cursor to ``offset`` and scroll so it is visible."""
        self.current_annotation = annotation_id
        self._strips.clear()
        self._move_cursor(offset, center=True)
        self.refresh()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected ``[start, end)`` range, or None when not selecting."""
        if self.select_from is None:
            return None
        return (min(self.select_from, self.cursor), max(self.select_from, self.cursor))

    @property
    def top_offset(self) -> int:
        """The document offset of the first text row in view (saved as reading position)."""
        for row in range(int(self.scroll_y), len(self._lines)):
            if self._lines[row].selectable:
                return self._lines[row].start
        return 0

    # ----- layout --------------------------------------------------------------------------

    def _content_width(self) -> int:
        return max(self.scrollable_content_region.width - 1, 10)

    def _relayout(self, force: bool = False) -> None:
        width = self._content_width()
        if self.story is None or self.document is None:
            self._lines = []
        elif force or (width != self._width and self._lines):
            self._lines = layout(
                self.story,
                self.document,
                width,
                self.app.console,
                bookmarked=self.bookmarked,
                tags=self.tags,
            )
        self._width = width
        self._line_index = [i for i, line in enumerate(self._lines) if line.selectable]
        self._starts = [self._lines[i].start for i in self._line_index]
        self._strips.clear()
        # Empty (no story yet), its size does not follow the width: a resize at start-up
        # then costs no layout pass and no full repaint.
        self.virtual_size = Size(width if self._lines else 0, len(self._lines))

    def on_resize(self) -> None:
        """Re-wrap for the new width, keeping the cursor in view."""
        if self._content_width() != self._width:
            self._relayout()
            self._ensure_visible(self._row_of(self.cursor))
        self.refresh()

    def _row_of(self, offset: int) -> int:
        """The row showing ``offset`` (the first text row for offsets in gaps)."""
        if not self._starts:
            return 0
        index = max(bisect_right(self._starts, offset) - 1, 0)
        return self._line_index[index]

    # ----- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` of the view."""
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if self.story is None:
            hint = EMPTY_HINT[y] if y < len(EMPTY_HINT) else ""
            hint_style = self.rich_style + Style(dim=True)
            return Strip([Segment(hint, hint_style)]).crop_extend(0, width, self.rich_style)
        if row >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._draw(self._lines[row], width)
            self._strips[row] = strip
        return strip

    def _overlays(self, line: Line) -> list[tuple[int, int, Style]]:
        start, end = line.start, line.end
        found: list[tuple[int, int, Style]] = []
        for mark in self.highlights:
            if mark.start < max(end, start + 1) and mark.end > start:
                if mark.annotation_id == self.current_annotation:
                    style = CURRENT_NOTE_STYLE
                else:
                    style = NOTE_STYLE if mark.has_note else HIGHLIGHT_STYLE
                found.append((mark.start, mark.end, style))
        selection = self.selection
        if selection is not None and selection[0] < end and selection[1] > start:
            found.append((selection[0], selection[1], SELECTION_STYLE))
        if self.has_focus and start <= self.cursor < max(end, start + 1):
            found.append((self.cursor, self.cursor + 1, CURSOR_STYLE))
        return found

    def _draw(self, line: Line, width: int) -> Strip:
        text = line.text
        if line.selectable:
            overlays = self._overlays(line)
            if overlays:
                text = text.copy()
                if not text.plain:
                    text.append(" ")
                for start, end, style in overlays:
                    text.stylize(style, max(start - line.start, 0), end - line.start)
        console = self.app.console
        base = self.rich_style
        segments = [
            # The widget's own colours under every segment (and a style on each one, which
            # Textual's NO_COLOR filter needs).
            Segment(segment.text, base + segment.style if segment.style else base)
            for segment in (*line.prefix.render(console), *text.render(console))
        ]
        strip = Strip(Segment.simplify(segments))
        return strip.crop_extend(0, width, base)

    def _refresh_rows(self, *offsets: int) -> None:
        for offset in offsets:
            row = self._row_of(offset)
            self._strips.pop(row, None)
            self.refresh_line(row)

    def _refresh_range(self, a: int, b: int) -> None:
        first, last = self._row_of(min(a, b)), self._row_of(max(a, b))
        for row in range(first, last + 1):
            self._strips.pop(row, None)
        self.refresh_lines(first, last - first + 1)

    def on_focus(self) -> None:
        """Show the cursor."""
        self._refresh_rows(self.cursor)

    def on_blur(self) -> None:
        """Hide the cursor."""
        self._refresh_rows(self.cursor)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolling outside a selection keeps the cursor on screen, like a pager."""
        super().watch_scroll_y(old_value, new_value)
        if self.select_from is None and self._starts:
            top = int(new_value)
            bottom = top + self.scrollable_content_region.height - 1
            row = self._row_of(self.cursor)
            if row < top or row > bottom:
                self.cursor = self._first_text_offset(top if row < top else bottom, row < top)

    def _first_text_offset(self, row: int, forward: bool) -> int:
        rows = range(row, len(self._lines)) if forward else range(row, -1, -1)
        for r in rows:
            if self._lines[r].selectable:
                return self._lines[r].start
        return self.cursor

    # ----- movement ------------------------------------------------------------------------

    def _ensure_visible(self, row: int, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if center and not top <= row < top + height:
            self.scroll_to(y=max(row - height // 3, 0), animate=False, immediate=True)
        elif row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _move_cursor(self, offset: int, center: bool = False) -> None:
        if self.document is None:
            return
        offset = max(0, min(offset, max(len(self.document.text) - 1, 0)))
        old = self.cursor
        self.cursor = offset
        self._ensure_visible(self._row_of(offset), center=center)
        if self.select_from is not None:
            self._refresh_range(
                min(old, offset, self.select_from), max(old, offset, self.select_from)
            )
        else:
            self._refresh_rows(old, offset)

    def _scroll_lines(self, amount: int) -> None:
        if self.select_from is not None:
            self._move_by_rows(amount)
            return
        self.scroll_to(y=self.scroll_y + amount, animate=False, immediate=True)

    def _move_by_rows(self, amount: int) -> None:
        row = self._row_of(self.cursor)
        column = column_of(self._lines[row], self.cursor) if self._lines else 0
        position = bisect_left(self._line_index, row) + amount
        position = max(0, min(position, len(self._line_index) - 1))
        target = self._lines[self._line_index[position]]
        self._move_cursor(offset_at(target, column))

    def action_down(self) -> None:
        """Scroll down a line (or extend the selection a line)."""
        self._scroll_lines(1)

    def action_up(self) -> None:
        """Scroll up a line (or extend the selection a line)."""
        self._scroll_lines(-1)

    def action_page_down(self) -> None:
        """Scroll down a page."""
        self._scroll_lines(max(self.scrollable_content_region.height - 2, 1))

    def action_page_up(self) -> None:
        """Scroll up a page."""
        self._scroll_lines(-max(self.scrollable_content_region.height - 2, 1))

    def action_top(self) -> None:
        """Go to the top."""
        if self.select_from is not None and self._starts:
            self._move_cursor(self._starts[0])
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        """Go to the bottom."""
        if self.select_from is not None and self.document is not None:
            self._move_cursor(len(self.document.text))
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

"""The article view: a line-API pane that shows one story with a caret and highlights.

It knows layout, drawing, scrolling and the caret; :class:`~tui_reader.ui.widgets.article.
Article` adds selection, motions and annotation on top.

The caret is where a selection starts (``v``), so there is one, always drawn, always on screen:
``j``/``k``, the page keys and ``g``/``G`` move it and the view follows, as in vim; scrolling
with the mouse wheel brings it along to the edge of the view.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.core.stories import Story
from tui_reader.ui.article_layout import (
    Line,
    Prepared,
    column_of,
    layout,
    offset_at,
    with_header,
)
from tui_reader.ui.widgets.after_draw import AfterDraw
from tui_reader.ui.widgets.article_marks import Highlight, Marks
from tui_reader.ui.widgets.article_rows import DrawnRows, draw_line
from tui_reader.ui.widgets.article_style import ARTICLE_CSS, MARK_CLASSES, MarkStyles, empty_row

if TYPE_CHECKING:
    from tui_reader.core.document import Document

DRAWN_AFTER = 0.5
"""Seconds after which :meth:`ArticleView.when_drawn` callbacks run even if it was not drawn."""


class ArticleView(ScrollView, can_focus=True):
    """Shows a story with a caret; the view follows the caret (keys: :class:`Article`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(MARK_CLASSES.values())
    DEFAULT_CSS = ARTICLE_CSS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.story: Story | None = None
        self.document: Document | None = None
        self.bookmarked = False
        self.tags: tuple[str, ...] = ()
        self.cursor = 0
        """The caret: offset in the document text of the character it is on."""
        self.complete = True
        """False while only the first screens of a long story are laid out."""
        self.select_from: int | None = None
        """Where the selection started, or None when not selecting."""
        self.highlights: list[Highlight] = []
        self.current_annotation: str | None = None
        self.matches: list[tuple[int, int]] = []
        """What a search found in the story, ``[start, end)`` in text order (``n``/``N``)."""
        self.current_match: int | None = None
        self._match_ends: list[int] = []
        self._lines: list[Line] = []
        self._starts: list[int] = []
        self._line_index: list[int] = []
        self._width = 0
        self._rows = DrawnRows(self, self._draw_row, self._view)
        self._styles = MarkStyles(self)
        self.measure = 0
        """The widest a body line gets, in cells (0: the pane's width)."""
        self.align = "center"
        """Where the text column sits in a wider pane: ``center`` or ``left``."""
        self.margin = 0
        """Blank cells drawn left of the text column."""
        self._column: int | None = None
        """The column ``j``/``k`` keep across short lines (None: the caret's own)."""
        self._own_scroll = False
        """True while the view scrolls to follow the caret (not the mouse wheel)."""
        self._on_drawn = AfterDraw(self, DRAWN_AFTER)

    # ----- content -------------------------------------------------------------------------

    def show_story(self, prepared: Prepared, *, offset: int = 0, caret: int | None = None) -> None:
        """Display a prepared story with ``offset`` (a reading position) at the top of the
        view and the caret at ``caret`` (default: the start of the body, or ``offset``)."""
        self.story = prepared.story
        self.document = prepared.document
        self.complete = prepared.complete
        self.bookmarked, self.tags = prepared.bookmarked, prepared.tags
        self.select_from = None
        self.highlights = []
        self.current_annotation = None
        self.matches, self._match_ends, self.current_match = [], [], None
        length = len(prepared.document.text)
        self.cursor = max(0, min(offset if caret is None else caret, length))
        self._column = None
        # Laid out in the worker: no wrapping on this thread, unless the width changed since.
        self._lines, self._width = prepared.lines, prepared.width
        self._relayout()
        self._scroll(0)
        if self._starts and offset > self._starts[0]:
            # A restored reading position: the new height reaches the scroll limits only after
            # the next layout pass, so scroll then (now it would be clamped to the top).
            self.call_after_refresh(self._restore_view, self._row_of(offset))
        self.refresh()

    def when_drawn(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the view has drawn its rows in a frame (after that frame is
        written): work started then does not compete with drawing it. Should the view not be
        drawn (hidden: a terminal too small for the panes), it is called after a while."""
        self._on_drawn.add(callback)

    def _restore_view(self, top: int) -> None:
        # The caret was on screen when the position was kept. The pane may still be at its
        # browsing height (it grows once it has the focus): following the caret now would
        # move the view; a resize brings the caret into view if it is still off screen.
        self._scroll(top)

    def complete_story(self, prepared: Prepared) -> None:
        """Swap a first screenful for the complete layout, keeping the view where it is."""
        if prepared.story is not self.story:
            return
        self.document = prepared.document
        self._lines, self._width = prepared.lines, prepared.width
        self.complete = True
        laid_out, shown = (prepared.bookmarked, prepared.tags), (self.bookmarked, self.tags)
        if laid_out != shown:  # bookmarked (or tagged) while the rest was laid out
            self._lines = with_header(self._lines, prepared.story, self._width, laid_out, shown)
        self._relayout()
        self.refresh()

    def layout_width(self) -> int:
        """The width a story should be prepared for to show without re-wrapping."""
        return self._content_width()

    def set_bookmarked(self, bookmarked: bool, tags: tuple[str, ...] = ()) -> None:
        """Update the bookmark star (and tags) in the header."""
        old, new = (self.bookmarked, self.tags), (bookmarked, tags)
        if new != old:
            self.bookmarked, self.tags = new
            if self.story is not None and self._lines:
                self._lines = with_header(self._lines, self.story, self._width, old, new)
            self._relayout()
            self.refresh()

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace the drawn annotations."""
        self.highlights = sorted(highlights, key=lambda h: (h.start, h.end))
        self._rows.clear()
        self.refresh()

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        """Replace what a search found in the story (sorted, not overlapping)."""
        self.matches = matches
        self._match_ends = [end for _, end in matches]
        self.current_match = None
        self._rows.clear()
        self.refresh()

    def scroll_to_offset(self, offset: int, annotation_id: str | None = None) -> None:
        """Move the cursor to ``offset`` and scroll so it is visible."""
        self.current_annotation = annotation_id
        self._rows.clear()
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
        width = max(self.scrollable_content_region.width - 1, 10)
        return min(width, self.measure) if self.measure > 0 else width

    def _margin_for(self, width: int) -> int:
        spare = self.scrollable_content_region.width - width
        if spare <= 1:
            return 0
        return spare // 2 if self.align == "center" else 1

    def set_measure(self, measure: int, align: str) -> None:
        """Wrap body text at ``measure`` cells (0: the pane), its column aligned ``align``."""
        self.measure, self.align = measure, align
        if self.is_mounted:
            self.on_resize()

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
        self.margin = self._margin_for(width)
        self._line_index = [i for i, line in enumerate(self._lines) if line.selectable]
        self._starts = [self._lines[i].start for i in self._line_index]
        self._rows.clear()
        # Empty (no story yet), its size does not follow the width: a resize at start-up
        # then costs no layout pass and no full repaint.
        self.virtual_size = Size(width if self._lines else 0, len(self._lines))

    def on_resize(self) -> None:
        """Re-wrap for the new width, keeping the reading position at the top of the view."""
        if self._content_width() != self._width:
            # The text at the top stays at the top: showing or hiding a pane must not move
            # the reader in the story (the cursor was on screen, so it stays near it).
            top = self.top_offset if self.scroll_y > 0 else None
            self._relayout()
            if top is not None:
                self.scroll_to(y=self._row_of(top), animate=False, immediate=True)
            self._ensure_visible(self._row_of(self.cursor))
        else:
            if self._margin_for(self._width) != self.margin:
                self.margin = self._margin_for(self._width)
                self._rows.clear()
            if self._lines:
                self._ensure_visible(self._row_of(self.cursor))  # a new height: the caret stays
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme (or CSS) change: drawn rows and mark styles are redrawn in the new one."""
        super().notify_style_update()
        self._styles.clear()
        self._rows.clear()

    def _row_of(self, offset: int) -> int:
        """The row showing ``offset`` (the first text row for offsets in gaps)."""
        if not self._starts:
            return 0
        index = max(bisect_right(self._starts, offset) - 1, 0)
        return self._line_index[index]

    # ----- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` of the view; the rows around the view are drawn ahead after this.

        Only rows that changed come here: Textual asks every pane for its lines on every frame
        (a key in the list included) and answers from its cache for the rest, so a frame that
        draws nothing of the article starts no drawing ahead.
        """
        row = int(self.scroll_y) + y
        self._on_drawn.drawing()  # the callbacks waiting for a frame run once this one is out
        if self.story is not None:
            self._rows.drawn()
        strip = self._rows.get(row)  # first: the pane's width alone costs more than this
        if strip is not None:
            return strip
        width = self.scrollable_content_region.width
        if self.story is None:
            # Wrapped, never cut: the only words on the screen a new reader may see.
            return empty_row(y, width, self.rich_style)
        if row >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._draw(self._lines[row], width, row == self._row_of(self.cursor))
        self._rows.keep(row, strip)
        return strip

    def _draw_row(self, row: int, width: int) -> Strip | None:
        """Row ``row`` as it looks now, drawn ahead of being shown (None: no such row)."""
        if self.story is None or not 0 <= row < len(self._lines):
            return None
        return self._draw(self._lines[row], width, row == self._row_of(self.cursor))

    def _view(self) -> tuple[int, int, int, int]:
        region = self.scrollable_content_region  # none ahead while the rest is laid out:
        height = region.height if self.complete else 0  # its layout replaces these rows
        return int(self.scroll_y), height, len(self._lines), region.width

    def _overlays(self, line: Line, caret: bool) -> list[tuple[int, int, Style]]:
        caret_at = self.cursor if caret else None
        marks = Marks(self.highlights, self.current_annotation, self.matches, self._match_ends,
                      self.current_match, self.selection, caret_at)  # fmt: skip
        return marks.on(line.start, line.end, self._styles.mark)

    def _draw(self, line: Line, width: int, caret: bool = False) -> Strip:
        overlays = self._overlays(line, caret) if line.selectable else []
        caret_at = self.cursor if caret else None
        base = self._styles.base()
        return draw_line(line, overlays, caret_at, self.margin, width, base, self.app.console)

    def _refresh_rows(self, *offsets: int) -> None:
        for offset in offsets:
            row = self._row_of(offset)
            self._rows.forget(row)
            self.refresh_line(row)

    def _refresh_range(self, a: int, b: int) -> None:
        first, last = self._row_of(min(a, b)), self._row_of(max(a, b))
        for row in range(first, last + 1):
            self._rows.forget(row)
        self.refresh_lines(first, last - first + 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled by the mouse wheel or the scrollbar: the caret comes along to the edge of
        the view (while selecting it stays, so the selection is not changed by a scroll)."""
        super().watch_scroll_y(old_value, new_value)
        if self._own_scroll or self.select_from is not None or not self._starts:
            return
        top = int(new_value)
        bottom = top + self.scrollable_content_region.height - 1
        row = self._row_of(self.cursor)
        if row < top or row > bottom:
            target = self._text_row(top if row < top else bottom, forward=row < top)
            index = self._line_index
            self._move_by_rows(bisect_left(index, target) - bisect_left(index, row), follow=False)

    # ----- movement ------------------------------------------------------------------------

    def _scroll(self, y: float) -> None:
        """Scroll the view (to follow the caret: the caret itself stays)."""
        self._own_scroll = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._own_scroll = False

    def _ensure_visible(self, row: int, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if self._line_index and row == self._line_index[0] and row < height:
            self._scroll(0)  # the first line of text: the header above it shows too
        elif center and not top <= row < top + height:
            self._scroll(max(row - height // 3, 0))
        elif row < top:
            self._scroll(row)
        elif row >= top + height:
            self._scroll(row - height + 1)

    def _text_row(self, row: int, forward: bool) -> int:
        """The text row nearest ``row`` (looking ``forward`` first), within the text rows."""
        index = self._line_index
        if not index:
            return row
        at = bisect_left(index, row)
        if forward:
            return index[at] if at < len(index) else index[-1]
        if at < len(index) and index[at] == row:
            return row
        return index[at - 1] if at > 0 else index[0]

    def _move_cursor(self, offset: int, center: bool = False) -> None:
        """Put the caret at ``offset`` and scroll so it is visible."""
        if self.document is None:
            return
        offset = max(0, min(offset, len(self.document.text)))
        old = self.cursor
        self.cursor = offset
        self._column = None
        self._ensure_visible(self._row_of(offset), center=center)
        if self.select_from is not None:
            self._refresh_range(
                min(old, offset, self.select_from), max(old, offset, self.select_from)
            )
        else:
            self._refresh_rows(old, offset)

    def _move_by_rows(self, amount: int, follow: bool = True) -> None:
        """Move the caret ``amount`` text rows, keeping its column (as j/k do in vim)."""
        if not self._line_index:
            return
        row = self._row_of(self.cursor)
        column = self._column
        if column is None:
            column = column_of(self._lines[row], self.cursor)
        position = bisect_left(self._line_index, row) + amount
        position = max(0, min(position, len(self._line_index) - 1))
        target = self._lines[self._line_index[position]]
        if follow:
            self._move_cursor(offset_at(target, column))
        else:
            old, self.cursor = self.cursor, offset_at(target, column)
            self._refresh_rows(old, self.cursor)
        self._column = column

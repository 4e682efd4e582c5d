"""The article pane: a line-API view of one story with a text cursor, selection and highlights."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.document import Document, sentence_starts, word_ends, word_starts
from tui_reader.stories import Story
from tui_reader.widgets.article_layout import Line, column_of, layout, offset_at

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


class Article(ScrollView, can_focus=True):
    """Shows a story; ``v`` selects text by keyboard, ``a``/``h`` annotate the selection.

    | Key | Action |
    | --- | --- |
    | `j` / `k` | scroll a line (extend the selection by a line when selecting) |
    | `space` / `pgdn` / `pgup` | page down / up |
    | `g` / `G` | top / bottom |
    | `v` / `V` | start a selection / select the paragraph |
    | `w` `b` `e` `(` `)` `{` `}` | move the cursor by word, sentence, paragraph |
    | `a` / `h` | annotate / highlight the selection |
    | `n` / `N` | next / previous annotation |
    | `esc` | cancel the selection |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "down", "Down", show=False, id="article.down"),
        Binding("k,up", "up", "Up", show=False, id="article.up"),
        Binding("space,pagedown", "page_down", "Page", show=False, id="article.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("g,home", "top", "Top", show=False, id="article.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="article.bottom"),
        Binding("v", "select", "Select", id="article.select"),
        Binding("V", "select_paragraph", "Paragraph", show=False, id="article.select_paragraph"),
        Binding("w", "word_forward", "Word", show=False, id="article.word_forward"),
        Binding("e", "word_end", "Word end", show=False, id="article.word_end"),
        Binding("b", "word_back", "Word back", show=False, id="article.word_back"),
        Binding(")", "sentence_forward", "Sentence", show=False, id="article.sentence_forward"),
        Binding("(", "sentence_back", "Sentence back", show=False, id="article.sentence_back"),
        Binding("}", "paragraph_forward", "Paragraph", show=False, id="article.paragraph_forward"),
        Binding("{", "paragraph_back", "Para back", show=False, id="article.paragraph_back"),
        Binding("a", "annotate", "Annotate", id="article.annotate"),
        Binding("h", "highlight", "Highlight", show=False, id="article.highlight"),
        Binding("n", "next_note", "Next note", show=False, id="article.next_note"),
        Binding("N", "previous_note", "Prev note", show=False, id="article.previous_note"),
        Binding("escape", "cancel", "Cancel", show=False, id="article.cancel"),
    ]

    class AnnotateRequested(Message):
        """The reader asked to annotate ``[start, end)`` of the document text."""

        def __init__(self, article: Article, start: int, end: int, with_note: bool) -> None:
            super().__init__()
            self.article = article
            self.start = start
            self.end = end
            self.with_note = with_note

        @property
        def control(self) -> Article:
            """The article that posted the request."""
            return self.article

    class NoteReached(Message):
        """The cursor jumped to an annotation (``n``/``N``)."""

        def __init__(self, article: Article, annotation_id: str) -> None:
            super().__init__()
            self.article = article
            self.annotation_id = annotation_id

        @property
        def control(self) -> Article:
            """The article that posted the message."""
            return self.article

    class Notice(Message):
        """Something the reader should be told (e.g. "select a passage first")."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.story: Story | None = None
        self.document: Document | None = None
        self.bookmarked = False
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
        self._words: list[int] = []
        self._word_ends: list[int] = []
        self._sentences: list[int] = []

    # ----- content -------------------------------------------------------------------------

    def show_story(
        self, story: Story, document: Document, *, offset: int = 0, bookmarked: bool = False
    ) -> None:
        """Display ``story`` and put the cursor (and the view) at ``offset``."""
        self.story = story
        self.document = document
        self.bookmarked = bookmarked
        self.select_from = None
        self.highlights = []
        self.current_annotation = None
        self.cursor = max(0, min(offset, len(document.text)))
        self._words = word_starts(document.text)
        self._word_ends = word_ends(document.text)
        self._sentences = sentence_starts(document)
        self._relayout(force=True)
        self.scroll_to(y=max(self._row_of(self.cursor) - 2, 0), animate=False, immediate=True)
        self.refresh()

    def set_bookmarked(self, bookmarked: bool) -> None:
        """Update the bookmark star in the header."""
        if bookmarked != self.bookmarked:
            self.bookmarked = bookmarked
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
        elif force or width != self._width:
            self._lines = layout(
                self.story, self.document, width, self.app.console, bookmarked=self.bookmarked
            )
        self._width = width
        self._line_index = [i for i, line in enumerate(self._lines) if line.selectable]
        self._starts = [self._lines[i].start for i in self._line_index]
        self._strips.clear()
        self.virtual_size = Size(width, len(self._lines))

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
            return Strip([Segment(hint, Style(dim=True))]).crop_extend(0, width, self.rich_style)
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

    def _next(self, points: list[int], default: int) -> int:
        index = bisect_right(points, self.cursor)
        return points[index] if index < len(points) else default

    def _previous(self, points: list[int]) -> int:
        index = bisect_left(points, self.cursor) - 1
        return points[index] if index >= 0 else 0

    def _text_end(self) -> int:
        return len(self.document.text) if self.document else 0

    def action_word_forward(self) -> None:
        """Move to the start of the next word."""
        self._move_cursor(self._next(self._words, self._text_end()))

    def action_word_end(self) -> None:
        """Move just past the end of this (or the next) word."""
        self._move_cursor(self._next(self._word_ends, self._text_end()))

    def action_word_back(self) -> None:
        """Move to the start of the previous word (while selecting; else ``b`` bookmarks)."""
        if self.select_from is None:
            raise SkipAction()
        self._move_cursor(self._previous(self._words))

    def action_sentence_forward(self) -> None:
        """Move to the start of the next sentence."""
        self._move_cursor(self._next(self._sentences, self._text_end()))

    def action_sentence_back(self) -> None:
        """Move to the start of the previous sentence."""
        self._move_cursor(self._previous(self._sentences))

    def _block_bounds(self) -> tuple[list[int], list[int]]:
        blocks = self.document.blocks if self.document else ()
        return [b.start for b in blocks], [b.end for b in blocks]

    def action_paragraph_forward(self) -> None:
        """Move to the end of this paragraph, or of the next one."""
        self._move_cursor(self._next(self._block_bounds()[1], self._text_end()))

    def action_paragraph_back(self) -> None:
        """Move to the start of this paragraph, or of the previous one."""
        self._move_cursor(self._previous(self._block_bounds()[0]))

    def action_select(self) -> None:
        """Start a selection at the cursor (or cancel the one in progress)."""
        if self.document is None:
            return
        if self.select_from is not None:
            self.clear_selection()
            return
        self._ensure_visible(self._row_of(self.cursor))
        self.select_from = self.cursor
        self._refresh_rows(self.cursor)

    def action_select_paragraph(self) -> None:
        """Select the whole paragraph under the cursor."""
        if self.document is None or not self.document.blocks:
            return
        block = self.document.blocks[self.document.block_at(self.cursor)]
        old = self.selection or (self.cursor, self.cursor)
        self.select_from = block.start
        self.cursor = block.end
        self._refresh_range(min(old[0], block.start), max(old[1], block.end))

    def action_cancel(self) -> None:
        """Drop the selection (``esc`` goes to the screen when nothing is selected)."""
        if self.select_from is None:
            raise SkipAction()
        else:
            old = self.selection or (self.cursor, self.cursor)
            self.select_from = None
            self._refresh_range(*old)

    def _request(self, with_note: bool) -> None:
        selection = self.selection
        if selection is None or self.document is None:
            self.post_message(self.Notice("Select a passage first: v, then w/e/)/} or V"))
            return
        start, end = selection
        text = self.document.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            self.post_message(self.Notice("The selection is empty: extend it with w, e, ) or }"))
            return
        self.post_message(self.AnnotateRequested(self, start, end, with_note))

    def clear_selection(self) -> None:
        """Called once an annotation was saved from the selection."""
        if self.select_from is not None:
            self.action_cancel()

    def action_annotate(self) -> None:
        """Annotate the selection with a note."""
        self._request(with_note=True)

    def action_highlight(self) -> None:
        """Highlight the selection without a note."""
        self._request(with_note=False)

    def _jump_note(self, forward: bool) -> None:
        if not self.highlights:
            self.post_message(self.Notice("This story has no notes yet"))
            return
        if forward:
            later = [h for h in self.highlights if h.start > self.cursor]
            target = later[0] if later else self.highlights[0]
        else:
            earlier = [h for h in self.highlights if h.start < self.cursor]
            target = earlier[-1] if earlier else self.highlights[-1]
        self.scroll_to_offset(target.start, target.annotation_id)
        self.post_message(self.NoteReached(self, target.annotation_id))

    def action_next_note(self) -> None:
        """Jump to the next annotation."""
        self._jump_note(forward=True)

    def action_previous_note(self) -> None:
        """Jump to the previous annotation."""
        self._jump_note(forward=False)

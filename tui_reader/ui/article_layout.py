"""Lay out a story as wrapped, styled lines that remember their plain-text offsets.

Each content line knows the ``[start, end)`` range of ``Document.text`` it shows, so the
article can draw highlights, a cursor and a selection on exact characters, and turn a
screen row back into an offset. Uses Rich only (no Textual), so it is cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tui_reader.core.stories import Story
from tui_reader.core.textsafe import sanitize_line
from tui_reader.ui.article_wrap import WRAP_WINDOW, wrap_rows

if TYPE_CHECKING:
    from tui_reader.core.document import Block, Document, Span

_SPAN_STYLES = {
    "strong": Style(bold=True),
    "em": Style(italic=True),
    "code": Style(bold=True, color="cyan"),
    "strike": Style(strike=True),
}
_HEADING_STYLES = {
    1: Style(bold=True, underline=True, color="bright_magenta"),
    2: Style(bold=True, color="bright_magenta"),
}
_HEADING_DEFAULT = Style(bold=True, color="magenta")
_QUOTE_STYLE = Style(italic=True, color="bright_black")
_CODE_STYLE = Style(color="green")
_DIM = Style(dim=True)


@dataclass(frozen=True, slots=True)
class Line:
    """One screen row of the article.

    A content row is a slice ``[a, b)`` of its block's styled text; the slice is cut only when
    the row is drawn, because a 50,000-word story has ~10,000 rows and most are never seen.
    """

    source: Text
    """The styled text this row shows a slice of (no highlight or selection yet)."""
    prefix: Text
    """Decoration drawn before the content (indent, list marker, quote bar)."""
    start: int = -1
    """Offset in the document text of the row's first character; -1 for decoration rows."""
    a: int = 0
    """Where the row starts in ``source``."""
    b: int | None = None
    """Where the row ends in ``source`` (None: at its end)."""

    @property
    def plain(self) -> str:
        """The row's characters."""
        return self.source.plain[self.a : self.b]

    @property
    def text(self) -> Text:
        """The row's styled text."""
        if self.a == 0 and self.b is None:
            return self.source
        return self.source[self.a : len(self.source) if self.b is None else self.b]

    @property
    def end(self) -> int:
        """Offset just past the row's last character (-1 for decoration rows)."""
        if self.start < 0:
            return -1
        stop = len(self.source) if self.b is None else self.b
        return self.start + stop - self.a

    @property
    def selectable(self) -> bool:
        """True when the row shows document text a reader can select."""
        return self.start >= 0


def _span_style(span: Span) -> Style | None:
    if span.style == "link":
        # OSC 8 hyperlink: clickable in terminals that support it, plain elsewhere.
        target = span.url if span.url and not span.url.startswith("#") else None
        return Style(underline=True, color="blue", link=target)
    return _SPAN_STYLES.get(span.style)


def _kind_style(block: Block) -> Style | None:
    if block.kind == "heading":
        return _HEADING_STYLES.get(block.level, _HEADING_DEFAULT)
    return {"quote": _QUOTE_STYLE, "code": _CODE_STYLE}.get(block.kind)


def _block_text(block: Block) -> Text:
    text = Text(block.text, end="")
    for span in block.spans:
        style = _span_style(span)
        if style is not None:
            text.stylize(style, span.start, span.end)
    kind_style = _kind_style(block)
    if kind_style is not None:
        text.stylize(kind_style)
    return text


class _Slicer:
    """Styled slices of a long block, cut in increasing order without copying the whole.

    Slicing one styled text of the whole block (``text[a:b]``) copies all of it every time:
    quadratic on a 30 MB paragraph. The spans are swept once instead.
    """

    def __init__(self, block: Block) -> None:
        self._block = block
        self._spans = [(span, _span_style(span)) for span in block.spans]
        self._order = sorted(range(len(self._spans)), key=lambda i: self._spans[i][0].start)
        self._next = 0
        self._open: list[int] = []
        self._kind_style = _kind_style(block)

    def text(self, lo: int, hi: int) -> Text:
        """The block's ``[lo, hi)`` as ``_block_text(block)[lo:hi]`` would give it."""
        spans, order = self._spans, self._order
        while self._next < len(order) and spans[order[self._next]][0].start < hi:
            self._open.append(order[self._next])
            self._next += 1
        self._open = [i for i in self._open if spans[i][0].end > lo]
        text = Text(self._block.text[lo:hi])
        for i in sorted(self._open):  # in the block's order: a later style wins, as in Rich
            span, style = spans[i]
            if style is not None and span.start < hi:
                text.stylize(style, max(span.start - lo, 0), min(span.end, hi) - lo)
        if self._kind_style is not None:
            text.stylize(self._kind_style)
        return text


def _prefixes(block: Block) -> tuple[Text, Text]:
    """Return the prefix for the first row of a block and for the rows after it."""
    quote = Text("▌ " * block.quote_depth, style=_QUOTE_STYLE)
    if block.kind == "item":
        indent = "  " * max(block.level - 1, 0)
        marker = f"{block.marker} " if block.marker else ""
        pad = " " * max(len(marker), 2)
        first = quote + Text(indent + (marker or pad), style=Style(bold=True))
        return first, quote + Text(indent + pad)
    if block.kind == "code":
        bar = quote + Text("│ ", style=_DIM)
        return bar, bar
    return quote, quote


def _wrap_block(block: Block, width: int) -> Iterator[Line]:
    first_prefix, next_prefix = _prefixes(block)
    long = len(block.text) > WRAP_WINDOW
    text = None if long else _block_text(block)
    slicer = _Slicer(block) if long else None
    first = True
    position = 0
    for piece in block.text.split("\n"):
        prefix = first_prefix if first else next_prefix
        available = max(width - prefix.cell_len, 8)
        if not piece:
            yield Line(Text(""), prefix, block.start + position)
            first = False
        for lo, hi, breaks in wrap_rows(piece, available) if piece else ():
            if slicer is not None:
                source, base = slicer.text(position + lo, position + hi), lo
            else:
                assert text is not None
                source, base = text[position : position + len(piece)], 0
            points = [lo, *breaks, hi]
            for a, b in zip(points, points[1:], strict=False):
                if a == b:
                    continue
                prefix = first_prefix if first else next_prefix
                first = False
                yield Line(source, prefix, block.start + position + a, a - base, b - base)
        position += len(piece) + 1


def _table_lines(block: Block, width: int, console: Console) -> Iterable[Line]:
    if not block.rows:
        return
    table = Table(show_edge=True, expand=False, header_style="bold")
    header, *rows = block.rows
    for cell in header:
        table.add_column(Text(cell), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    options = console.options.update_width(max(width, 10))
    for segments in console.render_lines(table, options, pad=False):
        line = Text(end="")
        for segment in segments:
            line.append(segment.text, segment.style)
        yield Line(line, Text(""))


def header_lines(
    story: Story, width: int, *, bookmarked: bool = False, tags: tuple[str, ...] = ()
) -> list[Line]:
    """The article header: title, byline, date and feed, and the source URL."""
    lines: list[Line] = []
    title = Text(("★ " if bookmarked else "") + story.title, style=Style(bold=True))
    for a, b in _pairs(divide_line(title.plain, width, fold=True), len(title.plain)):
        lines.append(Line(title[a:b], Text("")))
    meta = " · ".join(
        part
        for part in (
            f"By {story.byline}" if story.byline else "",
            story.date.strftime("%B %-d, %Y") if story.date else "",
            f"from {story.feed}" if story.feed else "",
        )
        if part
    )
    if meta:
        meta_text = Text(meta, style=Style(italic=True))
        for a, b in _pairs(divide_line(meta, width, fold=True), len(meta)):
            lines.append(Line(meta_text[a:b], Text("")))
    if story.url:
        url = Text(story.url)
        # A span, not the Text's base style: Rich drops a base style's link when rendering.
        url.stylize(Style(color="blue", underline=True, link=story.url))
        for a, b in _pairs(divide_line(story.url, width, fold=True), len(story.url)):
            lines.append(Line(url[a:b], Text("")))
    if tags or story.tags:
        # Bookmark tags were typed by the user (or came from another session's file).
        shown = ", ".join(dict.fromkeys(sanitize_line(tag) for tag in (*tags, *story.tags)))
        tag_text = Text(f"Tags: {shown}", style=Style(color="cyan"))
        for a, b in _pairs(divide_line(tag_text.plain, width, fold=True), len(tag_text.plain)):
            lines.append(Line(tag_text[a:b], Text("")))
    for warning in story.warnings:
        # Wrapped, not cut: a warning says what to do, and its end is often the point.
        for row in wrap_words(f"⚠ {warning}", width):
            lines.append(Line(Text(row, style=Style(color="yellow")), Text("")))
    lines.append(Line(Text("─" * width, style=_DIM), Text("")))
    return lines


def with_header(
    lines: list[Line],
    story: Story,
    width: int,
    old: tuple[bool, tuple[str, ...]],
    new: tuple[bool, tuple[str, ...]],
) -> list[Line]:
    """``lines`` laid out with header flags ``old`` (bookmarked, tags), with ``new`` ones.

    Only the header changes: a story of 400,000 rows is not laid out again for a star.
    """
    old_header = header_lines(story, width, bookmarked=old[0], tags=old[1])
    return header_lines(story, width, bookmarked=new[0], tags=new[1]) + lines[len(old_header) :]


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` wrapped at word boundaries into rows of at most ``width`` cells."""
    rows = [text[a:b].rstrip() for a, b in _pairs(divide_line(text, width, fold=True), len(text))]
    return rows or [""]


def _pairs(offsets: list[int], length: int) -> list[tuple[int, int]]:
    points = [0, *offsets, length]
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if b > a]


def body_lines(blocks: Iterable[Block], width: int, console: Console) -> Iterator[Line]:
    """The rows of ``blocks`` under the header, lazily: a blank row, then each block's rows.

    Lazy so a caller can show the first rows of a long story, or stop, before the rest.
    """
    width = max(width, 10)
    blank = Line(Text(""), Text(""))
    for block in blocks:
        yield blank
        if block.kind == "rule":
            yield Line(Text("─" * min(width, 40), style=_DIM), Text(""))
        elif block.kind == "table":
            yield from _table_lines(block, width, console)
        else:
            yield from _wrap_block(block, width)


def no_text_lines() -> list[Line]:
    """What a story without a body shows."""
    return [Line(Text(""), Text("")), Line(Text("(This story has no text.)", style=_DIM), Text(""))]


def take_enough(lines: list[Line], rows: Iterator[Line], enough: tuple[int, int]) -> bool:
    """Move rows from ``rows`` to ``lines`` until there are enough for a first screen.

    Args:
        lines: the rows so far (extended in place).
        rows: the rows still to come.
        enough: ``(count, offset)``: stop once ``lines`` holds ``count`` rows and ``count // 2``
            of them show text past ``offset`` (the reading position).

    Returns:
        True when that many were reached (False: ``rows`` ran out first).
    """
    count, offset = enough
    past = sum(1 for line in lines if line.start > offset)
    if len(lines) >= count and past >= count // 2:
        return True
    for line in rows:
        lines.append(line)
        if line.start > offset:
            past += 1
            if len(lines) >= count and past >= count // 2:
                return True
    return False


def layout(
    story: Story,
    document: Document,
    width: int,
    console: Console,
    *,
    bookmarked: bool = False,
    tags: tuple[str, ...] = (),
) -> list[Line]:
    """Lay out the whole article for ``width`` cells.

    Args:
        story: the story (for the header).
        document: its parsed body.
        width: the content width in cells.
        console: the console whose options render tables.
        bookmarked: whether to mark the title as bookmarked.
        tags: the bookmark's tags, shown with the story's own.

    Returns:
        The rows of the article, header first.
    """
    width = max(width, 10)
    lines = header_lines(story, width, bookmarked=bookmarked, tags=tags)
    lines.extend(body_lines(document.blocks, width, console))
    if not document.blocks:
        lines.extend(no_text_lines())
    return lines


def column_of(line: Line, offset: int) -> int:
    """Return the cell column (after the prefix) where ``offset`` is drawn on ``line``."""
    plain = line.plain
    inside = max(0, min(offset - line.start, len(plain)))
    return line.prefix.cell_len + cell_len(plain[:inside])


def offset_at(line: Line, column: int) -> int:
    """Return the document offset under cell ``column`` of a selectable ``line``."""
    column -= line.prefix.cell_len
    plain = line.plain
    used = 0
    for index, char in enumerate(plain):
        used += cell_len(char)
        if used > column:
            return line.start + index
    return line.start + max(len(plain) - 1, 0)


@dataclass(frozen=True)
class Prepared:
    """Everything slow about showing a story, computed once, off the UI thread."""

    story: Story
    document: Document
    width: int
    """The content width ``lines`` were laid out for."""
    lines: list[Line]
    bookmarked: bool
    tags: tuple[str, ...]
    complete: bool
    """False for a first screenful; the complete one follows."""

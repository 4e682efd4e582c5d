"""Lay out a story as wrapped, styled lines that remember their plain-text offsets.

Each content line knows the ``[start, end)`` range of ``Document.text`` it shows, so the
article can draw highlights, a cursor and a selection on exact characters, and turn a
screen row back into an offset. Uses Rich only (no Textual), so it is cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tui_reader.core.document import Block, Document, sentence_starts, word_ends, word_starts
from tui_reader.core.stories import Story
from tui_reader.core.textsafe import sanitize_line

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


@dataclass(frozen=True)
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


def _block_text(block: Block) -> Text:
    text = Text(block.text, end="")
    for span in block.spans:
        style = _SPAN_STYLES.get(span.style)
        if span.style == "link":
            # OSC 8 hyperlink: clickable in terminals that support it, plain elsewhere.
            target = span.url if span.url and not span.url.startswith("#") else None
            style = Style(underline=True, color="blue", link=target)
        if style is not None:
            text.stylize(style, span.start, span.end)
    if block.kind == "heading":
        text.stylize(_HEADING_STYLES.get(block.level, _HEADING_DEFAULT))
    elif block.kind == "quote":
        text.stylize(_QUOTE_STYLE)
    elif block.kind == "code":
        text.stylize(_CODE_STYLE)
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


def _wrap_block(block: Block, width: int) -> Iterable[Line]:
    first_prefix, next_prefix = _prefixes(block)
    text = _block_text(block)
    plain = block.text
    first = True
    position = 0
    for piece in plain.split("\n"):
        prefix = first_prefix if first else next_prefix
        available = max(width - prefix.cell_len, 8)
        piece_text = text[position : position + len(piece)]
        if not piece:
            yield Line(Text(""), prefix, block.start + position)
            first = False
        else:
            offsets = [0, *divide_line(piece, available, fold=True), len(piece)]
            for a, b in zip(offsets, offsets[1:], strict=False):
                if a == b:
                    continue
                prefix = first_prefix if first else next_prefix
                first = False
                yield Line(piece_text, prefix, block.start + position + a, a, b)
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
        lines.append(Line(Text(f"⚠ {warning}", style=Style(color="yellow")), Text("")))
    lines.append(Line(Text("─" * width, style=_DIM), Text("")))
    return lines


def _pairs(offsets: list[int], length: int) -> list[tuple[int, int]]:
    points = [0, *offsets, length]
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if b > a]


def layout(
    story: Story,
    document: Document,
    width: int,
    console: Console,
    *,
    bookmarked: bool = False,
    tags: tuple[str, ...] = (),
    enough: tuple[int, int] | None = None,
) -> list[Line]:
    """Lay out the article for ``width`` cells.

    Args:
        story: the story (for the header).
        document: its parsed body.
        width: the content width in cells.
        console: the console whose options render tables.
        bookmarked: whether to mark the title as bookmarked.
        tags: the bookmark's tags, shown with the story's own.
        enough: ``(rows, offset)`` to stop early, once ``rows`` rows are laid out and the text
            up to ``offset`` is covered: enough for a first screen while the rest follows.

    Returns:
        The rows of the article, header first (all of them unless ``enough`` stopped it).
    """
    width = max(width, 10)
    lines = header_lines(story, width, bookmarked=bookmarked, tags=tags)
    blank = Line(Text(""), Text(""))
    for block in document.blocks:
        if enough is not None and len(lines) >= enough[0] and block.start > enough[1]:
            break
        lines.append(blank)
        if block.kind == "rule":
            lines.append(Line(Text("─" * min(width, 40), style=_DIM), Text("")))
        elif block.kind == "table":
            lines.extend(_table_lines(block, width, console))
        else:
            lines.extend(_wrap_block(block, width))
    if not document.blocks:
        lines.append(blank)
        lines.append(Line(Text("(This story has no text.)", style=_DIM), Text("")))
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
    """False for a first screenful (no motion indexes yet); the complete one follows."""
    words: list[int]
    """Where words start (``w``/``b`` motions)."""
    word_ends: list[int]
    """Just past each word (``e``)."""
    sentences: list[int]
    """Where sentences start (``(``/``)``)."""


def prepare(
    story: Story,
    document: Document,
    width: int,
    console: Console,
    *,
    bookmarked: bool = False,
    tags: tuple[str, ...] = (),
    enough: tuple[int, int] | None = None,
) -> Prepared:
    """Lay out ``story`` for ``width`` and index it for the selection motions.

    With ``enough`` (see :func:`layout`) only the first rows are laid out and nothing is
    indexed: a quick first screen for a long read, to be replaced by the complete one.
    """
    lines = layout(story, document, width, console, bookmarked=bookmarked, tags=tags, enough=enough)
    complete = enough is None
    return Prepared(
        story=story,
        document=document,
        width=width,
        lines=lines,
        bookmarked=bookmarked,
        tags=tags,
        complete=complete,
        words=word_starts(document.text) if complete else [],
        word_ends=word_ends(document.text) if complete else [],
        sentences=sentence_starts(document) if complete else [],
    )

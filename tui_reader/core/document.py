"""A story body as a list of blocks over one plain text.

The plain text (``Document.text``) is what annotations anchor to: every character a reader can
select has exactly one offset in it. Blocks carry their own slice of that text plus inline style
spans, so the UI can render Markdown formatting and still map any screen cell back to an offset.

Pure module: uses markdown-it-py (already a dependency of Rich), never Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from tui_reader.core.html.fragments import block_html, inline_html
from tui_reader.core.markdown_text import BLOCK_SEPARATOR
from tui_reader.core.markup import MarkupCleaner

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


BlockKind = Literal["heading", "paragraph", "item", "quote", "code", "table", "rule"]


@dataclass(frozen=True, slots=True)
class Span:
    """An inline style over ``[start, end)`` of a block's text."""

    start: int
    end: int
    style: str
    """One of ``strong``, ``em``, ``code``, ``link``, ``strike``."""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One rendered unit: a heading, a paragraph, a list item, a code block, a table..."""

    kind: BlockKind
    text: str
    start: int
    """Offset of ``text`` in the document's plain text."""
    spans: tuple[Span, ...] = ()
    level: int = 0
    """Heading level, or list nesting depth."""
    quote_depth: int = 0
    marker: str = ""
    """List marker drawn before the first line ("•", "3."); not part of the plain text."""
    rows: tuple[tuple[str, ...], ...] = ()
    """Table cells, first row is the header."""

    @property
    def end(self) -> int:
        """Offset just past this block's text."""
        return self.start + len(self.text)


@dataclass(frozen=True)
class Document:
    """A parsed story body: blocks in order and the plain text they index into."""

    blocks: tuple[Block, ...]
    text: str
    links: tuple[str, ...] = field(default_factory=tuple)

    def block_at(self, offset: int) -> int:
        """Return the index of the block containing (or nearest after) ``offset``."""
        lo, hi = 0, len(self.blocks) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.blocks[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return max(lo, 0)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Imported on first use: it is not needed until a story is opened.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    # html is on only to be recognised: raw HTML is shown as its text, never interpreted
    # (html_block and html_inline tokens are reduced to text below).
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return parser.use(footnote_plugin)


def warm_up() -> None:
    """Load the Markdown parser ahead of the first story (it is left out of start-up)."""
    _parser()


def _inline(token: Token) -> tuple[str, tuple[Span, ...], list[str]]:
    """Flatten an inline token into plain text, style spans and link targets."""
    parts: list[str] = []
    spans: list[Span] = []
    links: list[str] = []
    open_at: dict[str, list[tuple[int, str]]] = {}
    length = 0

    def push(text: str) -> None:
        nonlocal length
        parts.append(text)
        length += len(text)

    for child in token.children or []:
        kind = child.type
        if kind == "text":
            push(child.content)
        elif kind == "html_inline":
            push(inline_html(child.content))
        elif kind == "footnote_ref":
            push(f"[{int(child.meta.get('id', 0)) + 1}]")
        elif kind == "softbreak":
            push(" ")
        elif kind == "hardbreak":
            push("\n")
        elif kind == "code_inline":
            start = length
            push(child.content)
            spans.append(Span(start, length, "code"))
        elif kind == "image":
            alt = child.content or str(child.attrs.get("alt", ""))
            push(f"[image: {alt}]" if alt.strip() else "[image]")
        elif kind.endswith("_open"):
            name = {"strong": "strong", "em": "em", "link": "link", "s": "strike"}.get(
                kind[: -len("_open")], ""
            )
            url = str(child.attrs.get("href", "")) if name == "link" else ""
            open_at.setdefault(kind[: -len("_open")], []).append((length, url))
            if url and not url.startswith("#"):
                links.append(url)
        elif kind.endswith("_close"):
            base = kind[: -len("_close")]
            stack = open_at.get(base)
            if stack:
                start, url = stack.pop()
                style = {"strong": "strong", "em": "em", "link": "link", "s": "strike"}.get(base)
                if style and length > start:
                    spans.append(Span(start, length, style, url))
    return "".join(parts), tuple(spans), links


def _table_rows(tokens: list[Token], index: int) -> tuple[tuple[tuple[str, ...], ...], int]:
    """Collect the cell texts of the table starting at ``tokens[index]``; return rows and end."""
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            rows.append(tuple(row))
        elif token.type == "inline":
            row.append(_inline(token)[0])
        index += 1
    return tuple(rows), index


def _blocks(markdown: str) -> Iterator[tuple[BlockKind, str, tuple[Span, ...], dict[str, object]]]:
    tokens = _parser().parse(markdown)
    lists: list[list[int | str]] = []  # per open list: [kind, next number]
    footnote = ""  # the marker of the footnote being read ("[2]"), for its first paragraph
    quote_depth = 0
    item_fresh = False
    heading_level = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(str(token.attrs.get("start", 1) or 1))
            lists.append(["bullet" if kind.startswith("bullet") else "ordered", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            item_fresh = True
        elif kind == "footnote_block_open":
            yield "rule", "", (), {}
        elif kind == "footnote_open":
            footnote = f"[{int(token.meta.get('id', 0)) + 1}]"
            lists.append(["footnote", 0])
        elif kind == "footnote_close":
            lists.pop()
        elif kind == "html_block":
            text = block_html(token.content)
            if text:
                yield (
                    ("quote" if quote_depth else "paragraph"),
                    text,
                    (),
                    {"quote_depth": quote_depth},
                )
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "inline":
            text, spans, links = _inline(token)
            extra: dict[str, object] = {"quote_depth": quote_depth, "links": links}
            if heading_level:
                yield "heading", text, spans, {**extra, "level": heading_level}
            elif lists:
                marker = ""
                if footnote:
                    marker, footnote = footnote, ""
                elif item_fresh:
                    current = lists[-1]
                    if current[0] == "bullet":
                        marker = "•"
                    else:
                        marker = f"{current[1]}."
                        current[1] = int(current[1]) + 1
                    item_fresh = False
                yield "item", text, spans, {**extra, "level": len(lists), "marker": marker}
            else:
                yield ("quote" if quote_depth else "paragraph"), text, spans, extra
        elif kind in ("fence", "code_block"):
            extra = {"quote_depth": quote_depth, "level": len(lists)}
            yield "code", token.content.rstrip("\n"), (), extra
        elif kind == "hr":
            yield "rule", "", (), {"quote_depth": quote_depth}
        elif kind == "table_open":
            rows, index = _table_rows(tokens, index)
            text = "\n".join("\t".join(cells) for cells in rows)
            yield "table", text, (), {"quote_depth": quote_depth, "rows": rows}
        index += 1


class DocumentBuilder:
    """Builds one :class:`Document` from consecutive pieces of a body, a piece at a time.

    Feeding the pieces :func:`tui_reader.core.markdown_text.chunk_ends` cuts gives the document
    :func:`build_document` gives for the whole body: same blocks, same offsets.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        """The blocks parsed so far, in order."""
        self._pieces: list[str] = []
        self._links: dict[str, None] = {}
        self._offset = 0
        self._cleaner = MarkupCleaner()

    def add(self, markdown: str) -> int:
        """Parse the next piece of the body; returns the index of its first block in ``blocks``."""
        first = len(self.blocks)
        for kind, text, spans, extra in _blocks(self._cleaner.feed(markdown)):
            if self._pieces:
                self._pieces.append(BLOCK_SEPARATOR)
                self._offset += len(BLOCK_SEPARATOR)
            found = extra.get("links")
            if isinstance(found, list):
                self._links.update(dict.fromkeys(str(url) for url in found))
            rows = extra.get("rows")
            self.blocks.append(
                Block(
                    kind=kind,
                    text=text,
                    start=self._offset,
                    spans=spans,
                    level=int(str(extra.get("level", 0))),
                    quote_depth=int(str(extra.get("quote_depth", 0))),
                    marker=str(extra.get("marker", "")),
                    rows=rows if isinstance(rows, tuple) else (),
                )
            )
            self._pieces.append(text)
            self._offset += len(text)
        return first

    def document(self) -> Document:
        """The document of every piece added so far."""
        return Document(tuple(self.blocks), "".join(self._pieces), tuple(self._links))


# A line that can only start a new top-level block after a blank line: not indented (list
# continuation, indented code) and not a list marker (the same list, continued). Digits, "-",
# "+" and "*" are ruled out whole: a cut is an optimisation, so missing one is harmless.
_CUT_BEFORE = re.compile(r"[^\s\-+*\d]")
_FENCE_LINE = re.compile(r"(`{3,}|~{3,})([^\n]*)")
_FENCE_LINE_AFTER_NEWLINE = re.compile(r"\n(`{3,}|~{3,})([^\n]*)")
# A fence marker after indentation or a container marker (a quote, a list item): a fence a
# column-0 scan would misread. No cut is made after one.
_NESTED_FENCE = re.compile(r"[ \t>*+\-\d.)]+(?:`{3}|~{3})")
_NESTED_FENCE_AFTER_NEWLINE = re.compile(r"\n[ \t>*+\-\d.)]+(?:`{3}|~{3})")
# What may run across a blank line, so no cut is made after one: an HTML block that ends at
# its closing tag (pre, script, style, textarea, <? ?>, <!X >, CDATA) and a shortcode block
# whose content is code or hidden (highlight, raw, comment); see tui_reader.core.markup.
_SPANS_BLANK_LINES = re.compile(
    r"(?:^|\n) {0,3}<(?:pre|script|style|textarea|\?|![A-Za-z]|!\[CDATA\[)"
    r"|\{(?:\{[<%]|%)-?\s*(?:highlight|code|raw|comment)\b",
    re.I,
)


class Chunker:
    """Gathers a Markdown text arriving in pieces into chunks that parse alone as in the whole.

    A cut is made only between pieces, after a blank line, outside fenced code, before a line
    that can only start a new top-level block: no block spans it, so :class:`DocumentBuilder`
    fed the chunks builds the document :func:`build_document` builds from the whole text.
    Pieces must not split a line. Link reference definitions (``[label]: url``) apply to the
    whole text: a caller whose text may hold one asks for no cuts (``cut=False``).
    """

    def __init__(self, first: int, size: int, *, cut: bool = True) -> None:
        """Cut once ``first`` characters are gathered, then every ``size`` characters or so."""
        self._parts: list[str] = []
        self._length = 0
        self._target = first
        self._size = size
        self._cut = cut
        self._fence = ""
        self._line_start = True

    def feed(self, piece: str) -> str | None:
        """Take the next piece; returns a complete chunk when one ends just before it."""
        chunk = None
        if (
            self._cut
            and self._parts
            and self._length >= self._target
            and not self._fence
            and self._parts[-1].endswith("\n\n")
            and _CUT_BEFORE.match(piece)
        ):
            chunk = self.finish()
            self._target = self._size
        self._scan(piece)
        self._parts.append(piece)
        self._length += len(piece)
        return chunk

    def finish(self) -> str:
        """Everything gathered and not returned yet (the last chunk)."""
        chunk = "".join(self._parts)
        self._parts, self._length = [], 0
        return chunk

    def _scan(self, piece: str) -> None:
        """Follow fenced code through ``piece`` the way markdown-it does (column-0 fences)."""
        starts_line = self._line_start
        self._line_start = piece.endswith("\n")
        if ("<" in piece or "{" in piece) and _SPANS_BLANK_LINES.search(piece):
            self._cut = False
        if (starts_line and _NESTED_FENCE.match(piece)) or _NESTED_FENCE_AFTER_NEWLINE.search(
            piece
        ):
            self._cut = False
        first = _FENCE_LINE.match(piece) if starts_line else None
        lines = _FENCE_LINE_AFTER_NEWLINE.finditer(piece)
        for line in ([first] if first else []) + list(lines):
            marker, rest = line[1], line[2]
            if self._fence:
                # Closes: the same character, at least as long, nothing after but spaces.
                same = marker[0] == self._fence[0] and len(marker) >= len(self._fence)
                if same and not rest.strip(" \t"):
                    self._fence = ""
            elif not (marker[0] == "`" and "`" in rest):  # a backtick fence's info has none
                self._fence = marker


def build_document(markdown: str) -> Document:
    """Parse a Markdown body into blocks over a single plain text.

    Args:
        markdown: the story body (already sanitized of control characters).

    Returns:
        The document; ``document.text`` is the string annotations anchor to.
    """
    builder = DocumentBuilder()
    builder.add(markdown)
    return builder.document()

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

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


BlockKind = Literal["heading", "paragraph", "item", "quote", "code", "table", "rule"]

BLOCK_SEPARATOR = "\n\n"
"""Joins blocks in the plain text; a paragraph boundary for selection motions."""


@dataclass(frozen=True)
class Span:
    """An inline style over ``[start, end)`` of a block's text."""

    start: int
    end: int
    style: str
    """One of ``strong``, ``em``, ``code``, ``link``, ``strike``."""
    url: str = ""


@dataclass(frozen=True)
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

    # html is off: raw HTML in a story is shown as literal text, never interpreted.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


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
        if kind == "text" or kind == "html_inline":
            push(child.content)
        elif kind == "softbreak":
            push(" ")
        elif kind == "hardbreak":
            push("\n")
        elif kind == "code_inline":
            start = length
            push(child.content)
            spans.append(Span(start, length, "code"))
        elif kind == "image":
            push(child.content or str(child.attrs.get("alt", "")) or "[image]")
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
                if item_fresh:
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


def build_document(markdown: str) -> Document:
    """Parse a Markdown body into blocks over a single plain text.

    Args:
        markdown: the story body (already sanitized of control characters).

    Returns:
        The document; ``document.text`` is the string annotations anchor to.
    """
    blocks: list[Block] = []
    pieces: list[str] = []
    links: list[str] = []
    offset = 0
    for kind, text, spans, extra in _blocks(markdown):
        if pieces:
            pieces.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        found = extra.get("links")
        if isinstance(found, list):
            links.extend(str(url) for url in found)
        rows = extra.get("rows")
        blocks.append(
            Block(
                kind=kind,
                text=text,
                start=offset,
                spans=spans,
                level=int(str(extra.get("level", 0))),
                quote_depth=int(str(extra.get("quote_depth", 0))),
                marker=str(extra.get("marker", "")),
                rows=rows if isinstance(rows, tuple) else (),
            )
        )
        pieces.append(text)
        offset += len(text)
    return Document(tuple(blocks), "".join(pieces), tuple(dict.fromkeys(links)))


_WORD = re.compile(r"\w+|[^\w\s]+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def word_starts(text: str) -> list[int]:
    """Offsets where words (or runs of punctuation) start, for ``w``/``b`` motions."""
    return [m.start() for m in _WORD.finditer(text)]


def word_ends(text: str) -> list[int]:
    """Offsets just past each word, for the ``e`` motion."""
    return [m.end() for m in _WORD.finditer(text)]


def sentence_starts(document: Document) -> list[int]:
    """Offsets where sentences start: block starts and after sentence punctuation."""
    starts: list[int] = []
    text = document.text
    for block in document.blocks:
        starts.append(block.start)
        for match in _SENTENCE_END.finditer(block.text):
            after = block.start + match.end()
            while after < block.end and text[after].isspace():
                after += 1
            if after < block.end:
                starts.append(after)
    return starts

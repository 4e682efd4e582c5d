"""Plain text from a story's Markdown: what header parsing and body clean-up need.

Owns stripping inline markup (links, emphasis) from a heading or byline, finding the first
heading outside code fences, and rejoining paragraphs that scraping broke mid-sentence.
Pure module: no Textual, no IO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from tui_reader.core.text_lines import visible_end
from tui_reader.core.textsafe import sanitize_line

__all__ = [
    "BLOCK_SEPARATOR",
    "MAX_JOINED_CHARS",
    "first_heading",
    "inline_text",
    "join_broken_paragraphs",
    "rejoined",
]

BLOCK_SEPARATOR = "\n\n"
"""Joins a document's blocks in its plain text (what notes anchor to); a paragraph boundary
for selection motions."""

MAX_JOINED_CHARS = 10_000
"""A paragraph rejoined from broken pieces stops growing at this length: scraping breaks a
paragraph into a few pieces, a hostile file breaks one into a million."""

_MAX_FIELD = 1000
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")
_SPECIAL = re.compile(r" {4}|\t| {0,3}(?:[#>|<]|```|~~~|[-*+](?:\s|$)|\d+[.)](?:\s|$)|[=_-]{3})")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# "\n" first: a search for a newline runs at C speed; "^" with re.M tries every position.
_FENCE_AFTER_NEWLINE = re.compile(r"\n {0,3}(?:`{3,}|~{3,})")
_FENCE_OR_HEADING = re.compile(r" {0,3}(?:`{3,}|~{3,})|# ")
_FENCE_OR_HEADING_LINE = re.compile(r"\n(?: {0,3}(?:`{3,}|~{3,})|# )")
_SPECIAL_AFTER_NEWLINE = re.compile(f"\n(?:{_SPECIAL.pattern})")
# A line is blank when it holds nothing but white space (what str.strip() removes).
_GAP = re.compile(r"\n(?:[^\S\n]*\n)+")
_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_SENTENCE_END = frozenset('.!?:;"”’…')


def inline_text(text: str) -> str:
    """Return one line of Markdown as plain text: link text kept, emphasis and code marks dropped.

    Only the first 1000 characters are read; the result is sanitized
    (:func:`tui_reader.core.textsafe.sanitize_line`).
    """
    text = text[:_MAX_FIELD]  # bounds the regexes below on hostile one-line files
    # Each pattern only where its first character occurs (found at C speed): most headings
    # and bylines hold no markup at all.
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS.sub(r"\2", text)
    return sanitize_line(text)


def first_heading(text: str) -> str:
    """Return the plain text of the first ``# `` heading outside fenced code, or ``""``.

    Only lines that open or close a fence or start with ``# `` are looked at (found by one
    regular expression), so a text of a million lines costs no Python loop over all of them.
    """
    fence = ""
    first = [0] if _FENCE_OR_HEADING.match(text) else []
    for start in chain(first, (m.start() + 1 for m in _FENCE_OR_HEADING_LINE.finditer(text))):
        end = text.find("\n", start)
        line = text[start : len(text) if end < 0 else end]
        m = _FENCE.match(line)
        if m and (not fence or m[1].startswith(fence)):
            fence = "" if fence else m[1]
        elif not fence and line.startswith("# "):
            return inline_text(line[2:].strip().rstrip("#"))
    return ""


def _is_prose(block: list[str]) -> bool:
    return not any(_SPECIAL.match(line) or "|" in line for line in block)


def _line_blocks(text: str) -> Iterator[tuple[str, bool]]:
    """The blank-line-separated blocks of ``text`` (fenced code stays one block, blank lines
    and all), each with whether it is plain prose. Reads ``text`` line by line."""
    current: list[str] = []
    fence = ""
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence:
            current.append(line)
            if m and m[1].startswith(fence) and not line.strip(" `~"):
                fence = ""
        elif m:
            current.append(line)
            fence = m[1]
        elif line.strip():
            current.append(line)
        elif current:
            yield "\n".join(current), _is_prose(current)
            current = []
    if current:
        yield "\n".join(current), _is_prose(current)


def _rejoin_blocks(blocks: Iterator[tuple[str, bool]]) -> Iterator[str]:
    """Join ``blocks`` (see :func:`rejoined`); yields each resulting block and its separator."""
    parts: list[str] = []
    prose, last, size = False, "", 0
    for block, block_prose in blocks:
        if (
            parts
            and prose
            and block_prose
            and size < MAX_JOINED_CHARS
            and block[:1].islower()
            and last not in _SENTENCE_END
        ):
            # The last part is a block, whose trailing spaces are those of its last line.
            parts[-1] = parts[-1].rstrip()
            parts += (" ", block)
            size += 1
        else:
            if parts:
                parts.append("\n\n")
                yield "".join(parts)
            parts, prose, size = [block], block_prose, 0
        last = block.rstrip()[-1:] if block[-1:].isspace() else block[-1:]
        size += len(block)
    if parts:
        yield "".join(parts)


_MARK_WINDOW = 1 << 16


def _not_prose_marks(text: str) -> Iterator[tuple[int, bool]]:
    """Offsets in ``text``, in order, one in each line that keeps its block from being prose.

    Searched a window at a time, as far as the caller has come; after each window comes
    ``(window end, False)``, a mark that marks nothing, so no search runs to the end at once.
    """
    if _SPECIAL.match(text):
        yield 0, True
    for low in range(0, len(text), _MARK_WINDOW):
        high = low + _MARK_WINDOW
        found: list[int] = []
        # A line start follows a newline in [low, high). The search may read a little past
        # ``high``; a match that reached its end is checked again without the limit.
        limit = min(len(text), high + 64)
        for line in _SPECIAL_AFTER_NEWLINE.finditer(text, low, limit):
            if line.start() >= high:
                break
            if line.end() < limit or _SPECIAL.match(text, line.start() + 1):
                found.append(line.start() + 1)
        bar = text.find("|", low, high)
        while bar >= 0:  # one "|" per line is enough
            found.append(bar)
            end = text.find("\n", bar, high)
            bar = text.find("|", end, high) if end >= 0 else -1
        for mark in sorted(found):
            yield mark, True
        yield high, False


def _block_spans(text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    for gap in _GAP.finditer(text, start, stop):
        yield start, gap.start()
        start = gap.end()
    yield start, stop


def _rejoin_gaps(text: str, step: int) -> Iterator[str]:
    """:func:`rejoined` for text without fenced code, read gap by gap between its blocks.

    A million one-line paragraphs are a million blocks: they are found by one regular
    expression and copied in long slices, not split into a million strings.
    """
    start = _LEADING_BLANK_LINES.match(text).end()  # type: ignore[union-attr]  # always matches
    visible = visible_end(text, start, len(text))
    if visible == start:
        return  # nothing but white space
    line_end = text.find("\n", visible)
    stop = len(text) if line_end < 0 else line_end  # the end of the last line with text
    marks = _not_prose_marks(text)
    mark, real = 0, False  # the next line that is not prose, at or after ``block``
    pieces: list[str] = []
    done = start  # the text before this is in pieces (or yielded)
    last_start, last_end, last_prose, size, flush = start, start, False, 0, step
    for count, (block, end) in enumerate(_block_spans(text, start, stop)):
        while mark < block or (not real and mark < end):
            mark, real = next(marks, (stop, False))
        prose = not (real and mark < end)
        if count:
            visible = last_end
            if text[visible - 1].isspace():
                visible = visible_end(text, last_start, last_end)
            if (
                last_prose
                and prose
                and size < MAX_JOINED_CHARS
                and text[block].islower()
                and text[visible - 1] not in _SENTENCE_END
            ):
                pieces += (text[done:visible], " ")
                done, size = block, size + 1
            else:
                if block - last_end != 2:  # the gap is not a single blank line already
                    pieces += (text[done:last_end], "\n\n")
                    done = block
                size = 0
                if count >= flush:  # a piece ends where a paragraph does
                    pieces.append(text[done:block])
                    done, flush = block, count + step
                    yield "".join(pieces)
                    pieces = []
        size += end - block
        last_start, last_end, last_prose = block, end, prose
    pieces.append(text[done:stop])
    yield "".join(pieces)


def rejoined(text: str, step: int = 2048) -> Iterator[str]:
    """The blocks of ``text``, rejoined where scraping split a sentence in two, in pieces.

    Blocks are separated by blank lines. Two are joined when both are plain prose (no
    heading, list item, quote, table, code fence, indented code or HTML), the first does not
    end in sentence punctuation, and the second starts with a lower-case letter. Fenced code
    is kept verbatim, blank lines included. A rejoined paragraph stops growing at
    :data:`MAX_JOINED_CHARS`. Linear, and lazy so a caller may stop between pieces.

    Yields:
        Consecutive pieces of the result: the blocks, separated by one blank line each. Each
        piece but the last ends with that blank line (``"\\n\\n"``): no block spans two.
    """
    if _FENCE.match(text) or _FENCE_AFTER_NEWLINE.search(text):
        yield from _rejoin_blocks(_line_blocks(text))  # one piece per block
    else:
        yield from _rejoin_gaps(text, step)


def join_broken_paragraphs(text: str) -> str:
    """Rejoin the paragraphs of ``text`` that scraping broke (see :func:`rejoined`)."""
    return "".join(rejoined(text))

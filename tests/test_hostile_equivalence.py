"""The fast paths for hostile story sizes give what the simple, slow ways gave.

Each is checked against a plain reference over generated input: rejoining broken paragraphs
(against the line-by-line implementation it replaced), reading lines from both ends of a text,
parsing in chunks (against one parse of the whole), wrapping a window at a time (against
Rich's ``divide_line`` on the whole line), drawing slices of a long block, and the motions
(against the sorted word and sentence indexes they replaced).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._wrap import divide_line
from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui_reader.core import markdown_text, motions
from tui_reader.core.document import Block, Chunker, DocumentBuilder, Span, build_document
from tui_reader.core.markdown_text import MAX_JOINED_CHARS, join_broken_paragraphs, rejoined
from tui_reader.core.text_lines import TextLines
from tui_reader.ui.article_layout import body_lines
from tui_reader.ui.article_wrap import WRAP_WINDOW, wrap_rows

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

# --- the reference: paragraph joining as it was, line by line -------------------------------

_SPECIAL = re.compile(r" {4}|\t| {0,3}(?:[#>|<]|```|~~~|[-*+](?:\s|$)|\d+[.)](?:\s|$)|[=_-]{3})")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SENTENCE_END = frozenset('.!?:;"”’…')


def reference_join(text: str) -> str:
    """The implementation before issue 11 (quadratic, no cap), on ``text.split("\\n")``."""

    def is_prose(block: list[str]) -> bool:
        return not any(_SPECIAL.match(line) or "|" in line for line in block)

    blocks: list[list[str]] = []
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
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out: list[list[str]] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and block[0][:1].islower()
            and prev[-1].rstrip()[-1:] not in _SENTENCE_END
            and is_prose(prev)
            and is_prose(block)
        ):
            prev[-1] = prev[-1].rstrip() + " " + block[0]
            prev.extend(block[1:])
        else:
            out.append(block)
    return "\n\n".join("\n".join(block) for block in out)


LINES = [
    "lower case goes on",
    "Upper case.",
    "ends with a comma,",
    "p0",
    "é accented",
    "Élan",
    "a|b",
    "- item",
    "1. one",
    "12) twelve",
    "    indented code",
    "\tTab",
    "# Heading",
    "> quote",
    "  two spaces",
    "trailing spaces   ",
    "<div>",
    "===",
    "***",
    "--",
    "```",
    "~~~~",
    "``` info",
    "",
    "",
    "",
    "   ",
    "\u00a0",
    "words\u00a0",
]
texts = st.lists(st.sampled_from(LINES), max_size=40).map("\n".join)
prose_texts = st.lists(
    st.sampled_from([x for x in LINES if "`" not in x and "~" not in x]), max_size=40
).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(1, 4))
def test_rejoining_gives_what_the_line_by_line_join_gave(text: str, step: int) -> None:
    pieces = list(rejoined(text, step))
    assert "".join(pieces) == reference_join(text)
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])  # no paragraph is split


@settings(max_examples=200, deadline=None)
@given(prose_texts, st.integers(1, 4), st.integers(1, 9))
def test_rejoining_prose_by_gaps_looks_for_marks_window_by_window(
    text: str, step: int, window: int
) -> None:
    # Small windows: lines that are not prose are found across window edges too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_text, "_MARK_WINDOW", window)
        assert "".join(rejoined(text, step)) == reference_join(text)


def test_a_rejoined_paragraph_stops_growing_at_the_cap() -> None:
    text = "\n\n".join(f"p{i}" for i in range(30_000))
    paragraphs = join_broken_paragraphs(text).split("\n\n")
    assert 10 < len(paragraphs) < 40
    assert all(len(p) < MAX_JOINED_CHARS + 10 for p in paragraphs)
    assert " ".join(paragraphs) == " ".join(f"p{i}" for i in range(30_000))


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_lines_read_from_either_end_are_the_split_lines(text: str, data: st.DataObject) -> None:
    lines, split = TextLines(text), text.split("\n")
    assert len(lines) == len(split)
    for index in data.draw(st.lists(st.integers(0, len(split) - 1), max_size=12)):
        assert lines[index] == split[index]
        assert lines.blank(index) == (not split[index].strip())
        start, end = lines.bounds(index)
        assert text[start:end] == split[index].strip()
    first = data.draw(st.integers(0, len(split)))
    stop = data.draw(st.integers(first, len(split)))
    skip = set(data.draw(st.lists(st.integers(0, len(split)), max_size=4)))
    kept = [split[i] for i in range(first, stop) if i not in skip]
    assert lines.join(first, stop, skip) == "\n".join(kept)


# --- parsing in chunks ------------------------------------------------------------------------

MARKDOWN_LINES = [
    *LINES,
    "## Two",
    "+ plus",
    "2. two",
    "> > deep",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "```py",
    "``` a`b",
    "   ```",
    "- ```",
    "> ```",
    "````",
    "```` ```",
    "[ref]: /url",
    "see [x][ref]",
    "**bold** text",
    "*em",
    "`code`",
    "![img](x.png)",
    "[l](http://a.example)",
    "a\\",
]
markdown = st.lists(st.sampled_from(MARKDOWN_LINES), max_size=60).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(markdown, st.integers(1, 3), st.integers(0, 40), st.integers(0, 40))
def test_chunked_parse_builds_the_document_of_the_whole(
    text: str, step: int, first: int, size: int
) -> None:
    pieces = list(rejoined(text, step))
    body = "".join(pieces)
    chunker = Chunker(first, size, cut="]:" not in body)
    builder = DocumentBuilder()
    for piece in pieces:
        chunk = chunker.feed(piece)
        if chunk is not None:
            builder.add(chunk)
    builder.add(chunker.finish())
    assert builder.document() == build_document(body)


def test_chunks_are_cut_where_they_can_be() -> None:
    body = "\n\n".join(f"Paragraph {i}." for i in range(1000))
    chunker = Chunker(100, 100)
    chunks = [c for piece in rejoined(body, 10) if (c := chunker.feed(piece)) is not None]
    assert len(chunks) > 10
    assert "".join([*chunks, chunker.finish()]) == body


# --- wrapping a window at a time --------------------------------------------------------------

WRAP_PIECES = ["a", "b", " ", "  ", "\t", "漢", "日本語の文章", "é", "e\u0301", "\u200d", "\ufe0f"]
WRAP_PIECES += ["👍", "x" * 30, " " * 25, "\u0301", "word "]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WRAP_PIECES), min_size=1, max_size=60).map("".join),
    st.integers(1, 40),
    st.integers(1, 30),
)
def test_wrapping_by_windows_breaks_where_rich_breaks_the_whole(
    piece: str, width: int, window: int
) -> None:
    breaks: list[int] = []
    covered = 0
    for lo, hi, inner in wrap_rows(piece, width, window):
        assert lo == covered
        breaks += [lo, *inner] if lo else inner
        covered = hi
    assert covered == len(piece)
    # Rich may repeat a break (an empty row, which the layout skips).
    assert sorted(set(breaks)) == sorted(set(divide_line(piece, width, fold=True)))


def test_a_long_block_draws_as_slices_of_its_whole_styled_text() -> None:
    words = " ".join(f"w{i}" for i in range(WRAP_WINDOW // 2))
    spans = (Span(3, 40, "strong"), Span(20, 9000, "em"), Span(8000, 30_000, "link", "https://e.x"))
    block = Block("quote", words, 0, spans, quote_depth=1)
    whole = Text(words, end="")
    for span in spans:
        style = Style(underline=True, color="blue", link="https://e.x")
        whole.stylize(
            {"strong": Style(bold=True), "em": Style(italic=True)}.get(span.style, style),
            span.start,
            span.end,
        )
    whole.stylize(Style(italic=True, color="bright_black"))
    lines = [line for line in body_lines([block], 60, Console(width=62)) if line.selectable]
    assert len(lines) > 100 and lines[-1].end == len(words)
    for line in lines:
        want = whole[line.start : line.end]
        assert line.text.plain == want.plain
        assert line.text.spans == want.spans


# --- motions ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+|[^\w\s]+")
_SENTENCE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def reference_sentences(text: str, blocks: tuple[Block, ...]) -> list[int]:
    """Sentence starts as the index before issue 11 listed them."""
    starts = []
    for block in blocks:
        starts.append(block.start)
        for match in _SENTENCE.finditer(block.text):
            after = block.start + match.end()
            while after < block.end and text[after].isspace():
                after += 1
            if after < block.end:
                starts.append(after)
    return starts


MOTION_PIECES = ["a", "é", " ", "  ", "\n", ".", "!", "?", "…", '"', "”", ")", "]", ",", "-"]
MOTION_PIECES += ["word", "Next", "\u00a0", "*x*", "\n\n", "# h\n\n", "- i\n", "a. ", "..."]
MOTION_PIECES += [" " * 300, "z" * 300]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(MOTION_PIECES), max_size=40).map("".join))
def test_motions_land_where_the_indexes_put_them(md: str) -> None:
    document = build_document(md)
    text = document.text
    starts = [m.start() for m in _WORD.finditer(text)]
    ends = [m.end() for m in _WORD.finditer(text)]
    sentences = reference_sentences(text, document.blocks)
    block_starts = [b.start for b in document.blocks]
    block_ends = [b.end for b in document.blocks]

    def after(points: list[int], cursor: int) -> int:
        index = bisect_right(points, cursor)
        return points[index] if index < len(points) else len(text)

    def before(points: list[int], cursor: int) -> int:
        index = bisect_left(points, cursor) - 1
        return points[index] if index >= 0 else 0

    for cursor in range(max(len(text), 1)):
        assert motions.next_word_start(text, cursor) == after(starts, cursor)
        assert motions.next_word_end(text, cursor) == after(ends, cursor)
        assert motions.previous_word_start(text, cursor) == before(starts, cursor)
        assert motions.next_sentence_start(document, cursor) == after(sentences, cursor)
        assert motions.previous_sentence_start(document, cursor) == before(sentences, cursor)
        assert motions.next_paragraph_end(document, cursor) == after(block_ends, cursor)
        assert motions.previous_paragraph_start(document, cursor) == before(block_starts, cursor)

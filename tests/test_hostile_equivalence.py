"""The fast paths for hostile story sizes give what the simple, slow ways gave.

Each is checked against a plain reference over generated input: rejoining broken paragraphs
(against the line-by-line implementation it replaced) and reading lines from both ends of a
text (against ``str.split``).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader import markdown_text
from tui_reader.markdown_text import MAX_JOINED_CHARS, join_broken_paragraphs, rejoined
from tui_reader.text_lines import TextLines

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


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(1, 4))
def test_rejoining_gives_what_the_line_by_line_join_gave(text: str, step: int) -> None:
    pieces = list(rejoined(text, step))
    assert "".join(pieces) == reference_join(text)
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])  # no paragraph is split


@settings(max_examples=300, deadline=None)
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


@settings(max_examples=300, deadline=None)
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

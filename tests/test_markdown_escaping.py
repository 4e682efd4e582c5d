"""Markdown escaping: the quick path (text with nothing to escape, checked once per text) gives
exactly what escaping line by line gave before it existed, for any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui_reader.core.textsafe import sanitize, sanitize_line
from tui_reader.notes.formats.text import md_inline, md_lines

# The escaping as it was before the quick path (every line sanitized, searched and escaped):
# the reference the property below compares with.
_SPECIAL = re.compile(r"[\\`*\[\]|~#]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)|<(?=[A-Za-z/!?])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def _old_escaped(line: str) -> str:
    line = _SPECIAL.sub(r"\\\g<0>", " ".join(line.split()))
    if line[:1] in (">", "+", "=", "-"):
        return "\\" + line
    return _ORDERED.sub(r"\1\\\2", line) if line[:1].isdigit() else line


def _old_lines(text: str) -> list[str]:
    lines = [_old_escaped(line) for line in sanitize(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


# Plain words and digits with every character the escaping treats specially (alone and where
# it is syntax: entities, tags, snake_case, list numbers), controls, line breaks of every kind,
# bidi controls, surrogates and non-ASCII white space mixed in.
_TRICKY = "\\`*[]|~#_&<>+=-.);:\t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u2029\u202e\ufeff\ud800 "
_PIECES = ["&amp;", "&#35;", "<b>", "</i", "snake_case", "_x_", "1.", "22)", "é", "ab9", " "]
texts = st.lists(
    st.sampled_from(_TRICKY) | st.sampled_from(_PIECES) | st.characters(), max_size=30
).map("".join)


@settings(max_examples=300)
@given(texts)
@example("Note 1: worth checking against last year's figures before quoting.")
@example("  - a list?\n\n1. one\n> quote\n+ plus\n= rule\n2) two\n")
@example("caf\u00e9 na\u00efve \u00a0spaced\u2028next")
@example("x\x85y \ud800 z\r\nw")
def test_quick_path_escapes_exactly_as_before(text: str) -> None:
    assert md_lines(text) == _old_lines(text)
    assert md_inline(text) == _old_escaped(sanitize_line(text))


@pytest.mark.parametrize("char", sorted("\\`*[]|~#_&<\r\x0b\x7f\x85\u2028\u202e\ufeff"))
def test_every_character_that_needs_work_leaves_the_quick_path(char: str) -> None:
    # Each one alone, in otherwise quiet ASCII and in otherwise quiet non-ASCII text.
    for text in (f"a {char}b;", f"é {char}b;"):
        assert md_lines(text) == _old_lines(text), repr(text)
        assert md_inline(text) == _old_escaped(sanitize_line(text)), repr(text)

"""The quick paths of text safety and of a heading's plain text give exactly what the regular
expressions they skip gave, for any text (they run for every title, byline, note and story)."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui_reader.core.markdown_text import inline_text
from tui_reader.core.textsafe import UNSAFE_CHARS, sanitize, sanitize_line

# The functions as they were before the quick paths: the references compared with below.
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")


def _old_sanitize(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    return _SURROGATE.sub("\ufffd", _UNSAFE.sub("", text))


def _old_sanitize_line(text: str) -> str:
    return _WHITESPACE.sub(" ", _old_sanitize(text)).strip()


def _old_inline_text(text: str) -> str:
    text = _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text[:1000]))
    return _old_sanitize_line(_EMPHASIS.sub(r"\2", text))


_TRICKY = "\t\n\r\x0b\x0c\x1b\x1c\x7f\x85\x9b\xa0\u2000\u2028\u2029\u202e\u3000\ufeff\ud800 "
_PIECES = ["[a](b)", "![i](x)", "<https://x.org>", "<ftp://y>", "**b**", "__u__", "`c`", "*e*"]
texts = st.lists(
    st.sampled_from(_TRICKY) | st.sampled_from(_PIECES) | st.sampled_from("ab[]()<>*_`!") |
    st.characters(), max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=200)
@given(texts)
@example("Lima Startups Back Water Tariffs")
@example("By [Farah Kowalski](#) and <https://a.org> **now**")
@example("<[](y)https://a.org>")  # a link removed leaves an autolink behind
@example("  tab\there \x1b[2J cr\r\nlf\u2028 \ud800 \x85 end  ")
def test_quick_paths_give_what_the_regular_expressions_gave(text: str) -> None:
    assert sanitize(text) == _old_sanitize(text)
    assert sanitize_line(text) == _old_sanitize_line(text)
    assert inline_text(text) == _old_inline_text(text)


def test_str_split_breaks_at_exactly_what_backslash_s_matches() -> None:
    # sanitize_line folds white space with str.split(): it must be the set "\s" stands for.
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    spaces = set(re.findall(r"\s", every))
    assert spaces == {c for c in every if c.isspace()}
    assert "".join(every.split()) == "".join(c for c in every if c not in spaces)

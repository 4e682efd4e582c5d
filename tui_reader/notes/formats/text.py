"""Text made safe for each format: Markdown that reads back as what was typed, spreadsheet
cells that are never formulas, and JSON with no raw control character a terminal would obey.

Notes, quotes and titles come from stories, feeds and other tools: every field is passed
through :func:`tui_reader.core.textsafe.sanitize` first, so an exported file printed on a
terminal cannot move the cursor, retitle the window or write the clipboard.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui_reader.core.textsafe import UNSAFE_CHARS, is_plain, sanitize, sanitize_line

__all__ = ["csv_cell", "csv_row", "json_safe", "md_inline", "md_lines", "md_tag", "md_url"]

# Characters that start Markdown syntax anywhere in a line. "_" is left alone between two
# letters or digits (it cannot start emphasis there), so snake_case stays readable; "&" and
# "<" only where they would start an entity or a tag/autolink; "#" always (a tag in vaults).
_SPECIAL = re.compile(r"[\\`*\[\]|~#]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)|<(?=[A-Za-z/!?])")
# Every character _SPECIAL can match: most text has none, and this plain class is searched
# about ten times faster than _SPECIAL's lookarounds (which made a Markdown export slow).
_MAYBE_SPECIAL = re.compile(r"[\\`*\[\]|~#_&<]")
# At the start of a line, ">", "+", "=" and "-" start a quote, a list or a heading underline
# (escaped in _escaped), and so does a number followed by "." or ")":
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
# Escaped in JSON strings: C1 controls, line/paragraph separators, bidi controls, BOMs
# (JSON allows them raw; a terminal showing the file must not see them).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Text is "quiet" when sanitize() leaves it as it is and no character in it is Markdown syntax
# anywhere in a line (_MAYBE_SPECIAL): most notes and quotes. Then only the start of each line
# needs a look. Checked once per text, not per line: printable ASCII (with tab and newline) by
# deleting the quiet bytes in C; other text by one search for anything that needs work.
_QUIET_ASCII = bytes(c for c in (9, 10, *range(32, 127)) if chr(c) not in "\\`*[]|~#_&<")
_LOUD = re.compile(f"[{UNSAFE_CHARS}\r\u2028\u2029\ud800-\udfff\\\\`*\\[\\]|~#_&<]")


def _quiet(text: str) -> bool:
    """Whether ``text`` is unchanged by ``sanitize`` and holds no Markdown syntax character."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _QUIET_ASCII)
    return _LOUD.search(text) is None


def _started(line: str) -> str:
    """A folded line whose only syntax may be at its start, escaped there."""
    if line[:1] in (">", "+", "=", "-"):
        return "\\" + line
    return _ORDERED.sub(r"\1\\\2", line) if line[:1].isdigit() else line


def _escaped(line: str) -> str:
    """One sanitized line, folded and escaped."""
    return _started(_backslashed(" ".join(line.split())))


def md_inline(text: str) -> str:
    """One line of literal text for Markdown: syntax characters backslash-escaped."""
    if _quiet(text):  # sanitize_line would only fold its white space, as _escaped does
        return _started(" ".join(text.split()))
    return _escaped(sanitize_line(text))


def md_lines(text: str) -> list[str]:
    """Literal text as Markdown lines (blank lines kept: they separate paragraphs).

    Leading spaces are dropped (four would start a code block), as are trailing ones (two
    would force a line break).
    """
    if "\n" not in text and _quiet(text):  # most notes and quotes: one quiet line
        line = " ".join(text.split())
        return [_started(line)] if line else []
    if _quiet(text):
        lines = [_started(" ".join(line.split())) for line in text.split("\n")]
    else:
        lines = [_escaped(line) for line in sanitize(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def md_tag(tag: str) -> str:
    """``#tag`` for a vault: spaces become ``-``; syntax characters are escaped."""
    word = "-".join(sanitize_line(tag).split())
    return "#" + _backslashed(word)


def _backslashed(text: str) -> str:
    """``text`` with a backslash before every Markdown syntax character (:data:`_SPECIAL`)."""
    if _MAYBE_SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(r"\\\g<0>", text)


def md_url(url: str) -> str:
    """A link destination in angle brackets, with what would end it percent-encoded."""
    safe = sanitize_line(url).replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return f"<{safe}>"


def csv_cell(text: str) -> str:
    """A spreadsheet cell: terminal-safe, and never read as a formula (``=``, ``+``, ``-``,
    ``@`` at the start get a leading ``'``, as OWASP advises for CSV files)."""
    cell = sanitize(text)
    return "'" + cell if cell.startswith(_FORMULA) else cell


def csv_row(texts: Sequence[str]) -> list[str]:
    """:func:`csv_cell` of each of ``texts``; a row of printable ASCII (most rows) is looked
    at once, in C, instead of once per cell."""
    if is_plain("\t".join(texts)):
        return ["'" + text if text.startswith(_FORMULA) else text for text in texts]
    return [csv_cell(text) for text in texts]


def json_safe(encoded: str) -> str:
    """JSON text with C1 and bidi controls written as ``\\uXXXX`` escapes (same data).

    They can only occur inside strings, where the escape means the same character.
    """
    if encoded.isascii() and "\x7f" not in encoded:
        return encoded  # the common case, checked at C speed
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)

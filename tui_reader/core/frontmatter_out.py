"""YAML front matter written without PyYAML's emitter (the notes vault: title, author, ...).

PyYAML's pure-Python emitter took ~6 ms for five fields, longer than everything else a story's
file costs. This writes a flat block mapping of known keys whose values are text, ``None`` or a
list of text, and ``yaml.safe_load`` reads it back to exactly those values (a property test
holds it to that). Where a value has only printable characters the output is the one
``yaml.safe_dump`` gives (plain or single-quoted, folded at 80 columns as it folds), so files
exported before stay the same byte for byte; text with a control character, a line break or
the like (which sanitized text does not have) is double-quoted with escapes, on one line.
Pure module: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

__all__ = ["front_matter_yaml", "yaml_scalar"]

Value = str | None | Sequence[str]

_WIDTH = 80
"""Where PyYAML folds a long plain scalar (its default ``width``)."""

# Characters PyYAML escapes (with allow_unicode): all but \x20-\x7e, \xa0-\ud7ff, \ue000-\ufffd
# and \U00010000-\U0010fffe, and also the line separators (U+2028/9) and the byte-order mark,
# which YAML treats specially. Written as the few ranges left out rather than as the ranges
# kept: a class of wide ranges costs ~5 ms to compile, at every start of an export.
_UNPRINTABLE_CHARS = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\U0010ffff"
_UNPRINTABLE = re.compile(f"[{_UNPRINTABLE_CHARS}]")
# PyYAML's reasons (in block context, on one line) not to write text plain: an indicator first,
# a mapping value or a comment inside, a document marker, spaces at either end.
_NOT_PLAIN = re.compile(r"^(?:---|\.\.\.|[#,\[\]{}&*!|>'\"%@`]|[-?:](?: |$)| )|: |:$| #| $")
_ESCAPES = {"\\": "\\\\", '"': '\\"'}
_NEEDS_ESCAPE = re.compile(f'[{_UNPRINTABLE_CHARS}"\\\\]')
# What PyYAML's resolver reads as something other than text when it is written plain (bool,
# float, int, merge key, null, timestamp, value, and its "yaml" tag): the union of the YAML 1.1
# patterns in yaml/resolver.py, each of which already starts with one of the first characters
# PyYAML looks them up by. Copied rather than imported: importing PyYAML costs ~25 ms (its
# reader compiles a wide class of its own), more than a vault's front matter takes to write; a
# test compares the two.
_RESOLVED = re.compile(
    r"""^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |<<
    |~|null|Null|NULL|(?#the empty text)
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[ \t]+)[0-9][0-9]?
     :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    |=
    |!|&|\*)$""",
    re.X,
)


def front_matter_yaml(fields: Mapping[str, Value]) -> str:
    """The block mapping ``fields`` as YAML (no ``---`` lines), key order kept.

    Args:
        fields: plain keys (letters, digits, ``_``) to text, ``None`` or a list of text.

    Returns:
        The YAML, each entry on its own line(s), ending with a newline.
    """
    lines = []
    for key, value in fields.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"not a plain front matter key: {key!r}")
        if value is None:
            lines.append(f"{key}: null\n")
        elif isinstance(value, str):
            lines.append(f"{key}:{yaml_scalar(value, len(key) + 1)}\n")
        elif not value:
            lines.append(f"{key}: []\n")
        else:  # PyYAML's block sequence in a mapping is not indented: "- item" at column 0
            items = "".join(f"-{yaml_scalar(item, 1)}\n" for item in value)
            lines.append(f"{key}:\n{items}")
    return "".join(lines)


@lru_cache(maxsize=4096)
def yaml_scalar(text: str, column: int) -> str:
    """`` text`` as a YAML scalar (with its leading space) written after ``column`` characters.

    Text of printable characters as PyYAML writes it: plain where that reads back as the
    same text, else single-quoted, folded as PyYAML folds. Anything else double-quoted, with
    escapes, on one line.
    Cached: tags and authors recur across a vault's files.
    """
    if not _UNPRINTABLE.search(text):
        if _reads_as_text(text) and not _NOT_PLAIN.search(text):
            return " " + _folded(text, column + 1, quoted=False)
        return " '" + _folded(text, column + 2, quoted=True) + "'"
    return ' "' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _reads_as_text(text: str) -> bool:
    """Whether ``text`` (one line) written plain reads back as text (not as a bool, number,
    date, null): PyYAML's resolver test (see :data:`_RESOLVED`)."""
    return _RESOLVED.match(text) is None


def _folded(text: str, column: int, *, quoted: bool) -> str:
    """PyYAML's folding of a plain or single-quoted scalar starting at ``column``: a single
    space after a word that ends past column 80 becomes a line break and a two-space indent
    (not a space at either end; runs of spaces are kept); ``'`` is doubled when ``quoted``."""
    if quoted:
        text = text.replace("'", "''")
    if column + len(text) <= _WIDTH:  # most values: the line cannot pass the width
        return text
    parts = re.findall(r" +|[^ ]+", text)
    out = []
    for at, part in enumerate(parts):
        if part == " " and column > _WIDTH and 0 < at < len(parts) - 1:
            out.append("\n  ")
            column = 2
        else:
            out.append(part)
            column += len(part)
    return "".join(out)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"

"""Make untrusted text safe to put on a terminal.

Story files come from anywhere. Nothing in them may reach the terminal as a control sequence:
an ``ESC [2J`` would clear the screen, an OSC 52 sequence would write the user's clipboard, a
bidi override would make text read differently from what it is. :func:`sanitize` removes the
dangerous code points and leaves everything else as literal, visible text (``ESC [2J`` becomes
``[2J``). Rich markup such as ``[bold red]`` is *not* touched here: the UI renders story text
without markup, so it stays literal.

Pure module: no Textual.
"""

from __future__ import annotations

import re

__all__ = [
    "UNSAFE_CHARS",
    "is_plain",
    "is_safe",
    "log_value",
    "sanitize",
    "sanitize_line",
]

#: Code points removed by :func:`sanitize`: C0 controls except tab and newline, DEL, C1 controls
#: (including CSI 0x9b and NEL 0x85), bidi embeddings/overrides/isolates, stray byte-order marks.
UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb"
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")
# Lone surrogates (from file names decoded with surrogateescape) cannot be encoded for output.
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
# Printable ASCII, tab and newline: text of nothing else is what sanitize() leaves unchanged,
# which one translate in C tells (most titles, notes and story files are such text).
_PLAIN_ASCII = bytes([9, 10, *range(32, 127)])


def is_plain(text: str) -> bool:
    """Whether ``text`` is printable ASCII, tabs and newlines only (:func:`sanitize` leaves
    such text as it is), found by one look in C."""
    return text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII)


def sanitize(text: str) -> str:
    """Return ``text`` with every terminal-unsafe code point removed.

    Line endings (``\\r\\n``, lone ``\\r``, U+2028/U+2029) become ``\\n``; tabs and newlines are
    kept; C0/C1 controls, DEL, bidi controls and BOMs are dropped; lone surrogates become U+FFFD.

    Args:
        text: Untrusted text.

    Returns:
        Text containing no control characters other than ``\\n`` and ``\\t``.
    """
    if is_plain(text):
        return text
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if _UNSAFE.search(text) is not None:
        text = _UNSAFE.sub("", text)
    if _SURROGATE.search(text) is not None:
        text = _SURROGATE.sub("\ufffd", text)
    return text


def sanitize_line(text: str) -> str:
    """Return ``text`` sanitized and folded onto one line (all whitespace runs become a space).

    Args:
        text: Untrusted text meant for a one-line field such as a title or byline.

    Returns:
        A stripped single line without any control character, tab or newline.
    """
    # str.split() splits at exactly the characters \s matches (str.isspace), and drops
    # them at both ends: the same as replacing each run by a space and stripping, faster.
    return " ".join(sanitize(text).split())


def log_value(value: object) -> str:
    """Quote an untrusted value for a log line: ``repr``-style, so it stays on one line.

    Newlines, escape sequences, C1 and bidi controls come out as visible escapes (``\\n``,
    ``\\x1b``, ``\\u202e``), so a value can neither start a forged log line nor reach the
    operator's terminal as a control sequence.

    Args:
        value: Anything from outside (a ``TERM``, a user name, a command line, a key comment).

    Returns:
        The quoted value, e.g. ``'xterm'`` or ``'x\\nINFO auth ok'``.
    """
    text = value if isinstance(value, str) else str(value)
    return repr(text[:200] + ("…" if len(text) > 200 else ""))


def is_safe(text: str, *, multiline: bool = True) -> bool:
    """Tell whether ``text`` is free of control characters (``\\n``/``\\t`` allowed if multiline).

    Args:
        text: Text to check.
        multiline: Whether newlines and tabs are allowed.

    Returns:
        True when the text can be written to a terminal as is.
    """
    if _UNSAFE.search(text) or _SURROGATE.search(text) or "\r" in text:
        return False
    return multiline or ("\n" not in text and "\t" not in text)

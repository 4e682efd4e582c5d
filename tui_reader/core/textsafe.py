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
    "BOMS",
    "UNSAFE_CHARS",
    "decode_bytes",
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
_WHITESPACE = re.compile(r"\s+")


def sanitize(text: str) -> str:
    """Return ``text`` with every terminal-unsafe code point removed.

    Line endings (``\\r\\n``, lone ``\\r``, U+2028/U+2029) become ``\\n``; tabs and newlines are
    kept; C0/C1 controls, DEL, bidi controls and BOMs are dropped; lone surrogates become U+FFFD.

    Args:
        text: Untrusted text.

    Returns:
        Text containing no control characters other than ``\\n`` and ``\\t``.
    """
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
    return _WHITESPACE.sub(" ", sanitize(text)).strip()


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


BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_SAMPLE = 8192


def _looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE]
    return len(_BINARY_CHARS.findall(sample)) > max(8, len(sample) // 10)


def decode_bytes(data: bytes) -> tuple[str, str, list[str]] | str:
    """Decode the bytes of an untrusted text file, guessing the encoding the way editors do.

    A byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides the encoding. Without one,
    valid UTF-8 is read as is; UTF-8 cut off mid-character at the end is read without the broken
    tail; anything else is read as Windows-1252, or Latin-1 when it uses bytes Windows-1252 leaves
    undefined. BOM-less UTF-16 is recognised by its NUL pattern.

    Args:
        data: The file contents.

    Returns:
        ``(text, encoding, warnings)``, or a reason string (``"empty file"``,
        ``"binary file (contains NUL bytes)"``...) when the bytes are not a text file.
        The text is not yet sanitized.
    """
    warnings: list[str] = []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as exc:
                if encoding.startswith("utf-32") and len(body) % 2 == 0:
                    continue  # FF FE 00 00 may be a UTF-16 LE BOM followed by U+0000
                if exc.end == len(body) and exc.reason in (
                    "truncated data",
                    "unexpected end of data",
                ):
                    text = body[: exc.start].decode(encoding, "replace")
                    warnings.append(f"file ends mid-character (truncated {encoding.upper()})")
                else:
                    text = body.decode(encoding, "replace")
                    warnings.append(f"invalid {encoding.upper()} data replaced ({exc.reason})")
            break
    else:
        decoded = _decode_without_bom(data, warnings)
        if decoded is None:
            return "binary file (contains NUL bytes)"
        text, encoding = decoded
    if "\x00" in text:
        return "binary file (contains NUL bytes)"
    if _looks_binary(text):
        return "binary file (mostly non-text bytes)"
    visible = sanitize(text).strip()
    if not visible:
        return "empty file"
    if not visible.replace("\ufffd", "").strip():
        return f"no readable text ({warnings[-1]})" if warnings else "no readable text"
    return text, encoding, warnings


def _decode_without_bom(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    if b"\x00" in data:
        return _guess_utf16(data, warnings)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            warnings.append("file ends mid-character (truncated UTF-8); broken tail dropped")
            return data[: exc.start].decode("utf-8"), "utf-8"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        warnings.append("not valid UTF-8; read as Latin-1")
        return data.decode("latin-1"), "latin-1"
    warnings.append("not valid UTF-8; read as Windows-1252")
    return text, "cp1252"


def _guess_utf16(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > half * 0.6 and even == 0:
        encoding = "utf-16-le"
    elif even > half * 0.6 and odd == 0:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    warnings.append(f"no byte-order mark; read as {encoding.upper()}")
    return text, encoding

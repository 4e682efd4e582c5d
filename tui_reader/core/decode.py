"""Bytes to text, one set of rules for story files, feeds and web pages.

Two entry points share the rules below:

* :func:`decode` for documents that may declare their encoding (feeds, web pages): a
  byte-order mark (or the ``<\\0?\\0`` pattern of BOM-less UTF-16/32) wins; then the
  ``charset`` of the HTTP ``Content-Type`` and the XML declaration's ``encoding``, the first
  that decodes the bytes (Latin-1 and US-ASCII read as windows-1252, as browsers do); then
  UTF-8 if the bytes are valid UTF-8, else a guess;
* :func:`decode_text_file` for story files, which declare nothing: a BOM, valid UTF-8 (a
  character cut off at the end forgiven), BOM-less UTF-16, single-byte Cyrillic, else
  Windows-1252 or Latin-1; and it tells empty, binary and unreadable files apart.

feedparser's own detection trusts whatever is declared and falls back to guesses that read
Russian windows-1251 as Latin mojibake, so feeds are decided here too. Pure module: no IO,
no Textual.
"""

from __future__ import annotations

import codecs
import re

from tui_reader.core.textsafe import sanitize

__all__ = ["BOMS", "GUESSABLE", "decode", "decode_text_file", "label", "sniff_wide"]

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Latin-1 and ASCII labels mean windows-1252 on the web (WHATWG Encoding Standard).
_AS_WINDOWS_1252 = {"latin_1", "iso8859_1", "ascii", "cp1252"}
_LATIN_SINGLE_BYTE = _AS_WINDOWS_1252 | {"iso8859_15", "cp1250", "iso8859_2"}
# Python codec name -> the label users know (and a name Python also accepts).
_LABELS = {
    "utf_8": "utf-8",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
    "utf_16": "utf-16",
    "utf_32_le": "utf-32-le",
    "utf_32_be": "utf-32-be",
    "utf_32": "utf-32",
    "cp1250": "windows-1250",
    "cp1251": "windows-1251",
    "cp1252": "windows-1252",
    "koi8_r": "koi8-r",
    "iso8859_2": "iso-8859-2",
    "iso8859_15": "iso-8859-15",
    "euc_jp": "euc-jp",
    "euc_kr": "euc-kr",
    "shift_jis": "shift_jis",
}
#: What an undeclared, non-UTF-8 document may be in (charset_normalizer alone tries ~100
#: codecs and then happily picks cp1255 for short KOI8-R text).
GUESSABLE = (
    "cp1251", "koi8_r", "cp1252", "iso8859_15", "cp1250", "iso8859_2",
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
)  # fmt: skip


def label(name: str) -> str:
    """Return the common label of an encoding (``cp1251`` -> ``windows-1251``)."""
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return name.lower()
    return _LABELS.get(codec, codec.replace("_", "-"))


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None


def sniff_wide(data: bytes) -> str | None:
    """Return the UTF-16/32 (or UTF-8) encoding a BOM or the first bytes show, if any.

    Without a BOM, XML and JSON start with an ASCII character; in UTF-16/32 its NUL padding
    gives the byte order away (XML 1.0, appendix F).

    Args:
        data: The document's first bytes (or all of them).

    Returns:
        A codec name such as ``"utf-16-le"``, or None for ASCII-compatible bytes.
    """
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    head = data[:4]
    if len(head) < 4:
        return None
    if head[1:] == b"\0\0\0" and head[0]:
        return "utf-32-le"
    if head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be"
    if head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    if head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    return None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _decode_utf8(data: bytes) -> str | None:
    """Strict UTF-8, forgiving only a character cut off by a truncated download."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data[: exc.start].decode("utf-8", "strict")
        return None


def _decode_as(data: bytes, codec: str) -> str | None:
    if codec == "utf_8":
        return _decode_utf8(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


_WORD = re.compile(rb"[A-Za-z\xc0-\xff]{3,}")
_LATIN1_SYMBOL = re.compile("[\xa1-\xbf]")


def _cyrillic_single_byte(data: bytes) -> str | None:
    """Tell windows-1251 and KOI8-R apart from Latin text, by two plain byte counts.

    Both put the Cyrillic letters at 0xC0-0xFF, where Latin-1 puts its accented letters.
    Russian words are made of those bytes only; French or German words mix them with ASCII
    letters ("caf\\xe9"). So: if most high bytes are 0xC0-0xFF and most words holding one
    are high bytes throughout, the text is Cyrillic. Then case decides: windows-1251 has
    the lower-case letters at 0xE0-0xFF, KOI8-R at 0xC0-0xDF, and running text is mostly
    lower case. Measured on our fixtures, charset_normalizer reads a two-word windows-1251
    title as cp1250 mojibake; these counts get it right from a single word.
    """
    high, letters = _count(data, 0x80, 0x100), _count(data, 0xC0, 0x100)
    if high == 0 or letters < 0.8 * high:
        return None
    words = [w for w in _WORD.findall(data) if max(w) >= 0xC0]
    if not words or sum(1 for w in words if min(w) >= 0xC0) < 0.5 * len(words):
        return None
    upper_in_1251 = _count(data, 0xC0, 0xE0)
    return "cp1251" if letters - upper_in_1251 >= upper_in_1251 else "koi8_r"


def _count(data: bytes, low: int, high: int) -> int:
    """How many bytes of ``data`` lie in ``low <= b < high`` (at C speed)."""
    return len(data) - len(data.translate(None, bytes(range(low, high))))


def _guess(data: bytes) -> tuple[str, str]:
    """Guess the encoding of bytes that are not UTF-8; return ``(text, codec)``."""
    cyrillic = _cyrillic_single_byte(data)
    if cyrillic is not None:
        return data.decode(cyrillic, "replace"), cyrillic
    # Imported here: only undeclared non-UTF-8 documents need it, and it is slow to load.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(GUESSABLE)).best()
    if best is not None:
        codec = _codec(best.encoding) or "cp1252"
        if codec not in _LATIN_SINGLE_BYTE:
            return str(best), codec
        # On short Latin text charset_normalizer leans to cp1250 ("à la" -> "ŕ la"). Browsers
        # default to windows-1252; keep it unless it glues symbols into words, as it does
        # with Polish or Czech ("ł" -> "³").
        western = _decode_as(data, "cp1252")
        if western is None or _symbols_in_words(western):
            return str(best), codec
        return western, "cp1252"
    return data.decode("cp1252", "replace"), "cp1252"


def _symbols_in_words(text: str) -> bool:
    """Tell whether a Latin-1 symbol such as ``³`` or ``¿`` touches a letter."""
    return any(
        not text[i].isalpha() and (text[i - 1 : i].isalpha() or text[i + 1 : i + 2].isalpha())
        for i in (match.start() for match in _LATIN1_SYMBOL.finditer(text))
    )


def _declared(data: bytes, content_type: str | None, *, xml: bool) -> list[tuple[str, str]]:
    """Return ``(as written, codec)`` for each declared encoding, strongest first."""
    found: list[tuple[str, str]] = []
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        charset = _CHARSET.search(content_type)
        # RFC 7303: the HTTP charset beats the XML declaration, for types that carry text.
        usable = mime.startswith("text/") or mime.endswith("xml") or not xml
        if charset and usable:
            found.append((charset.group(1).lower(), charset.group(1)))
    if xml and (decl := _XML_DECL.match(data)) is not None:
        written = decl.group(1).decode("ascii")
        found.append((written.lower(), written))
    result = []
    for written, name in found:
        codec = _codec(name)
        if codec is None:
            continue
        # A UTF-16/32 label on bytes that are plainly ASCII-based is a leftover of a
        # conversion; reading them as UTF-16 would give CJK garbage.
        if codec.startswith(("utf_16", "utf_32")):
            continue
        result.append((written, "cp1252" if codec in _AS_WINDOWS_1252 else codec))
    return result


def decode(
    data: bytes, content_type: str | None = None, *, xml: bool = True
) -> tuple[str, str, str | None]:
    """Decode a document, trusting BOM, then declarations that fit the bytes, then a guess.

    Args:
        data: The document's bytes.
        content_type: The HTTP ``Content-Type``, if any.
        xml: Whether to read an XML declaration (and to use the HTTP charset only for text
            and XML types, as RFC 7303 says).

    Returns:
        ``(text without BOM, encoding label, warning or None)``.
    """
    wide = sniff_wide(data)
    if wide is not None:
        return _strip_bom(data.decode(wide, "replace")), label(wide), None
    declared = _declared(data, content_type, xml=xml)
    warning = None
    for index, (written, codec) in enumerate(declared):
        text = _decode_as(data, codec)
        if text is None:
            continue
        if codec in _LATIN_SINGLE_BYTE and any(b >= 0x80 for b in data):
            # Valid UTF-8 with non-ASCII in it is never Latin text by chance; Cyrillic
            # bytes under a Latin label are the other frequent lie.
            utf8 = _decode_utf8(data)
            other = "utf_8" if utf8 is not None else _cyrillic_single_byte(data)
            if other is not None:
                text = utf8 if utf8 is not None else data.decode(other, "replace")
                return (
                    text,
                    label(other),
                    f"declared {written} but the bytes are not; " + (f"read as {label(other)}"),
                )
        if index:
            warning = f"declared {declared[0][0]} but the bytes are not; read as {written}"
        return text, label(codec), warning
    text = _decode_utf8(data)
    if text is not None:
        if declared:
            warning = f"declared {declared[0][0]} but the bytes are not; read as utf-8"
        return text, "utf-8", warning
    text, codec = _guess(data)
    if declared:
        return (
            text,
            label(codec),
            (f"declared {declared[0][0]} but the bytes are not; read as {label(codec)}"),
        )
    return text, label(codec), f"no encoding declared; guessed {label(codec)}"


_BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_SAMPLE = 8192


def _looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE]
    return len(_BINARY_CHARS.findall(sample)) > max(8, len(sample) // 10)


def decode_text_file(data: bytes) -> tuple[str, str, list[str]] | str:
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
    cyrillic = _cyrillic_single_byte(data)
    if cyrillic is not None:
        warnings.append(f"not valid UTF-8; read as {label(cyrillic)}")
        return data.decode(cyrillic, "replace"), cyrillic
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

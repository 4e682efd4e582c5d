"""Find the text encoding of a feed document and hand the parser UTF-8.

feedparser's own detection trusts whatever is declared and falls back to guesses that read
Russian windows-1251 as Latin mojibake, so we decide here and give it UTF-8 only. The order
is the one browsers use, plus a few checks for declarations that lie:

1. a byte-order mark (or the ``<\\0?\\0`` pattern of BOM-less UTF-16/32) wins;
2. the ``charset`` of the HTTP ``Content-Type``, then the XML declaration's ``encoding``; the
   first that decodes the bytes is used. Latin-1 and US-ASCII are read as windows-1252, as
   browsers do, so the curly quotes 0x93/0x94 come out right;
3. nothing usable declared: UTF-8 if the bytes are valid UTF-8, else a guess.

Pure module: no IO, no Textual.
"""

from __future__ import annotations

import codecs
import re

from tui_reader.core.textsafe import BOMS

__all__ = ["GUESSABLE", "decode", "label", "prepare_xml", "sniff_wide"]

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL_TEXT = re.compile(r"""^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[A-Za-z0-9._:-]+\2""")
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


def prepare_xml(data: bytes, content_type: str | None) -> tuple[bytes, str, str | None]:
    """Re-encode an XML document as UTF-8 so the parser reads the text we decided on.

    Args:
        data: The document's bytes.
        content_type: The HTTP ``Content-Type``, if any (it may carry a charset).

    Returns:
        ``(UTF-8 bytes, encoding label, warning or None)``. The bytes carry no BOM and their
        XML declaration, if any, says utf-8 and starts the document. The warning says when a
        declaration was wrong or the encoding was guessed.
    """
    text, used, warning = decode(data, content_type, xml=True)
    if text.lstrip().startswith("<?xml"):
        # Whitespace before the declaration is not XML; expat would reject the document.
        text = _XML_DECL_TEXT.sub(r"\1\2utf-8\2", text.lstrip(), count=1)
    return text.encode("utf-8"), used, warning

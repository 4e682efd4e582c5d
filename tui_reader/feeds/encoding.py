"""XML feed documents for the parser: decided encoding, re-encoded as UTF-8.

The encoding itself is decided by :func:`tui_reader.core.decode.decode` (the rules shared with
story files and web pages). Pure module: no IO, no Textual.
"""

from __future__ import annotations

import re

from tui_reader.core.decode import decode

__all__ = ["prepare_xml"]

_XML_DECL_TEXT = re.compile(r"""^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[A-Za-z0-9._:-]+\2""")


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

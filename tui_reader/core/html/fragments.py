"""Raw HTML inside a Markdown story, reduced to the text it shows.

A story may hold HTML its Markdown passed through (``<div class="note"><p>...</p></div>``,
``<br>``, ``<img alt=...>``). None of it is interpreted: tags are dropped, their text kept,
block tags break lines, an image becomes ``[image: alt]``, scripts and styles vanish. Uses only
the standard library's tokenizer (no lxml), so opening a story stays cheap. Pure: no Textual.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

__all__ = ["block_html", "inline_html"]

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "ul",
    }
)
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_IMAGE_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _image(alt: str) -> str:
    alt = " ".join(unescape(alt).split())
    return f"[image: {alt}]" if alt else "[image]"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag == "img" and not self._hidden:
            self.parts.append(_image(next((v or "" for k, v in attrs if k == "alt"), "")))
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def block_html(html: str) -> str:
    """The text of an HTML block: one line per block element, spaces collapsed; "" if none."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def inline_html(tag: str) -> str:
    """What one inline HTML tag shows: a line break, an image's ``[image: alt]``, or nothing."""
    lowered = tag[:5].lower()
    if lowered.startswith("<br"):
        return "\n"
    if lowered.startswith("<img"):
        alt = _IMAGE_ALT.search(tag)
        return _image(next((g for g in alt.groups() if g is not None), "") if alt else "")
    return ""

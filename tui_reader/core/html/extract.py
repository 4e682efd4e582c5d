"""Pull the article out of a web page: title, byline, date, site name and the text as Markdown.

trafilatura finds the article body (chosen over readability-lxml by the figures of
``bench/bench_extract.py``: better structure kept, faster); the page's own JSON-LD and meta
tags (:mod:`~tui_reader.core.html.meta`) give the title and byline where they exist, and
:func:`~tui_reader.core.html.markdown.html_to_markdown` turns the body into the story's
Markdown (absolute links, images as ``[image: alt]``). A page that is not HTML, or holds no
article (an index, a login wall), fails with a :class:`NotArticle` that says which.

Pure module: no IO, no Textual. trafilatura and lxml are imported on first use (trafilatura
alone takes about 0.3 s to import).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_reader.core.decode import decode
from tui_reader.core.html.markdown import html_to_markdown
from tui_reader.core.html.meta import page_meta
from tui_reader.core.textsafe import sanitize_line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["Article", "NotArticle", "check_html", "decode_html", "extract_article", "extractor"]

MIN_WORDS = 60
"""Fewer words than this in the extracted text is no article (a teaser, a menu, a wall)."""
MAX_LINK_SHARE = 0.6
"""More of the text than this inside links is a list of links (an index page)."""

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_WORD = re.compile(r"\w+")
_PASSWORD_FIELD = "boolean(.//input[translate(@type, 'PASWORD', 'pasword') = 'password'])"
_INLINE_PARENTS = {"p", "li", "td", "th", "a", "span", "b", "i", "em", "strong", "h2", "h3"}
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"PK\x03\x04", "a ZIP archive"),
)


class NotArticle(ValueError):
    """The page holds no article to save; the message says what it is instead.

    Feeds turn it into their own error (``feed NAME: ...``); a ``.html`` file in the library
    into an error row.
    """


@dataclass(frozen=True)
class Article:
    """An article extracted from a page.

    Attributes:
        title: One line of plain text (never empty).
        byline: The author(s), if the page names them.
        date: The publication date, if the page gives one.
        site_name: The site's name, if the page gives one.
        markdown: The body as Markdown: headings, lists, quotes, absolute links, images
            as ``[image: alt]``.
        canonical: The page's canonical URL, absolute, if it declares one.
        extractor: Which extractor produced it, e.g. ``trafilatura 2.3.1``.
        words: How many words the body holds.
    """

    title: str
    byline: str | None
    date: dt.date | None
    site_name: str | None
    markdown: str
    canonical: str | None
    extractor: str
    words: int


def extractor() -> str:
    """The name and version of the extractor, as recorded in saved stories."""
    import trafilatura

    return f"trafilatura {trafilatura.__version__}"


def check_html(body: bytes, content_type: str | None) -> None:
    """Fail unless ``body`` looks like an HTML page.

    Raises:
        NotArticle: For a PDF, an image, an archive, JSON, a feed or other non-HTML data.
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip()
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise NotArticle(f"not a web page: {what}" + (f" ({mime})" if mime else ""))
    if mime.startswith(("image/", "audio/", "video/", "font/")) or mime == "application/pdf":
        raise NotArticle(f"not a web page: {mime}")
    if "json" in mime or head[:1] in (b"{", b"["):
        raise NotArticle("not a web page: JSON data" + (f" ({mime})" if mime else ""))
    if mime.endswith(("rss+xml", "atom+xml")) or b"<rss" in head or b"<feed" in head:
        raise NotArticle("not a web page: a feed (add it with 'tui-reader feeds add')")
    if b"\0" in head:
        raise NotArticle("not a web page: binary data" + (f" ({mime})" if mime else ""))
    if mime and mime not in ("text/html", "application/xhtml+xml") and b"<" not in head:
        raise NotArticle(f"not a web page: {mime}")


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a page: BOM, then the HTTP charset, then ``<meta charset>``, then a guess."""
    if not (content_type and "charset" in content_type.lower()):
        declared = _META_CHARSET.search(body[:4096])
        if declared:
            content_type = f"text/html; charset={declared[1].decode('ascii')}"
    text, _label, _warning = decode(body, content_type, xml=False)
    return text


def _parse(html: str) -> HtmlElement:
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, document_fromstring

    try:
        # Bytes and a stated encoding: lxml refuses a str with an XML encoding declaration.
        return document_fromstring(html.encode("utf-8"), parser=HTMLParser(encoding="utf-8"))
    except ParserError:
        raise NotArticle("the page is empty") from None


def _date(value: str | None) -> dt.date | None:
    match = _ISO_DATE.match(value or "")
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _line(value: str | None) -> str | None:
    text = " ".join(sanitize_line(value or "").split())
    return text or None


def _fix_body(body: HtmlElement, title: str) -> None:
    """Repair what trafilatura's HTML output gets wrong, in place.

    Inline ``<code>`` comes out as ``<pre>`` inside a paragraph (which would become a code
    block in the middle of a sentence); a heading repeating the title would show it twice.
    """
    for pre in body.iter("pre"):
        parent = pre.getparent()
        if parent is not None and parent.tag in _INLINE_PARENTS and "\n" not in pre.text_content():
            pre.tag = "code"
    first = next(iter(body), None)
    if (
        first is not None
        and first.tag in ("h1", "h2")
        and " ".join(first.text_content().split()).casefold() == title.casefold()
    ):
        first.drop_tree()


def _link_share(body: HtmlElement) -> float:
    total = len(" ".join(body.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return linked / total if total else 0.0


def _not_found(login: bool, why: str) -> NotArticle:
    if login:
        return NotArticle("no article on the page: it is a login page (it asks for a password)")
    return NotArticle(f"no article on the page: {why}")


def extract_article(html: str, url: str | None) -> Article:
    """Extract the article from a page's HTML.

    Args:
        html: The page, decoded (see :func:`decode_html`).
        url: The page's URL: relative links and images are resolved against it. None for
            a file: the page's own canonical URL is used, if it names an absolute one.

    Returns:
        The :class:`Article`, every string sanitized.

    Raises:
        NotArticle: The page is empty, a login page, an index of links, or holds too
            little text to be an article.
    """
    import trafilatura
    from lxml.html import HtmlElement, fromstring, tostring

    tree = _parse(html)
    meta = page_meta(tree)  # before trafilatura, which prunes the tree it is given
    base = url or _absolute(meta.canonical, "")
    # Read before trafilatura too: it drops forms. Only reported when no article is found.
    login = bool(tree.xpath(_PASSWORD_FIELD))
    out = trafilatura.extract(
        tree,
        url=base,
        output_format="html",
        with_metadata=True,
        include_comments=False,
        include_links=True,
        include_images=True,
        include_formatting=True,
        include_tables=True,
    )
    if not out:
        raise _not_found(login, "no main text found")
    result = fromstring(out)
    found = {m.get("name"): m.get("content") for m in result.iterfind(".//head/meta")}
    body = result.find("body")
    if not isinstance(body, HtmlElement):
        raise NotArticle("no article on the page: no main text found")
    title = (
        _line(meta.title)
        or _line(found.get("title"))
        or _line(tree.findtext(".//title"))
        or "Untitled page"
    )
    _fix_body(body, title)
    words = len(_WORD.findall(body.text_content()))
    if words < MIN_WORDS:
        raise _not_found(login, f"only {words} words of text")
    if _link_share(body) > MAX_LINK_SHARE:
        raise NotArticle("no article on the page: it is mostly links (an index page?)")
    inner = "".join(tostring(child, encoding="unicode") for child in body)
    canonical = _absolute(meta.canonical or found.get("url"), base or "")
    return Article(
        title=title,
        byline=_line(meta.byline) or _line(found.get("author")) or _line(meta.meta_author),
        date=_date(meta.date) or _date(found.get("date")),
        site_name=_line(meta.site_name) or _line(found.get("sitename")),
        markdown=html_to_markdown(inner, base, image_marker=True),
        canonical=canonical,
        extractor=extractor(),
        words=words,
    )


def _absolute(link: str | None, base: str) -> str | None:
    from urllib.parse import urljoin, urlsplit

    if not link:
        return None
    try:
        absolute = urljoin(base, link.strip())
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return None
    return sanitize_line(absolute) if scheme in ("http", "https") else None

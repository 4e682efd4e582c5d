"""Turn the bytes of a feed document into a :class:`ParsedFeed`, or say why it is not one.

JSON Feed goes to :mod:`tui_reader.feeds.jsonfeed`; RSS 0.9x/1.0/2.0 and Atom go to
feedparser, after :mod:`tui_reader.feeds.encoding` has settled the encoding. Users paste
site URLs and servers send error pages, so the common wrong documents (HTML, gzip, an
empty body, XML that is not a feed) get their own messages before and after feedparser.

Pure module: no IO, no Textual.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser

from tui_reader.core.decode import sniff_wide
from tui_reader.feeds.encoding import prepare_xml
from tui_reader.feeds.jsonfeed import absolute_link, parse_json_feed, plain_line, unique_tags
from tui_reader.feeds.model import FeedEntry, FeedError, HtmlPage, ParsedFeed

__all__ = ["parse_feed"]

_BLANK = b" \t\r\n\0\xef\xbb\xbf\xff\xfe"
_UTF8_XML = "application/xml; charset=utf-8"
_JSON_TYPES = ("application/feed+json", "application/json")
_PROLOG = re.compile(
    r"(?P<space>\s+)|(?P<decl><\?xml\s[^>]*\?>)|(?P<pi><\?.*?\?>)|(?P<comment><!--.*?-->)"
    r"|(?P<doctype><!DOCTYPE\s+(?P<dtname>[^\s>\[]*)(?:[^>\[]|\[.*?\])*>)",
    re.DOTALL | re.IGNORECASE,
)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_HTML_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_ENTRY_OPEN = re.compile(r"<(?:\w+:)?(?:item|entry)[\s>/]")
_ENTRY_CLOSE = re.compile(r"</(?:\w+:)?(?:item|entry)\s*>")
_FEED_LINK_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# What expat says when the document stops before its root element is closed.
_TRUNCATED = {"no element found", "unclosed token", "unclosed CDATA section"}


class _HtmlText(HTMLParser):
    """The text of an HTML fragment, plus what a page's head says about itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self.base: str | None = None
        self.feed_href: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "title" and self.title is None:
            self._in_title, self.title = True, ""
        elif tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        elif tag == "link" and self.feed_href is None and values.get("href"):
            rel = values.get("rel", "").lower().split()
            kind = values.get("type", "").split(";")[0].strip().lower()
            if "alternate" in rel and kind in _FEED_LINK_TYPES:
                self.feed_href = values["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._in_title and self.title is not None:
            self.title += data


def _html_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _html_page_error(text: str, url: str) -> HtmlPage:
    """Name the page, and the feed it links to, so the user knows what to add instead."""
    head = _HtmlText()
    head.feed(text[:65536])
    message = "not a feed: got an HTML page"
    title = plain_line(head.title)
    if title:
        message += f' titled "{title[:100]}"'
    feed = None
    if head.feed_href:
        feed = absolute_link(head.feed_href, urljoin(url, head.base or ""), url)
        if feed:
            message += f"; it links to a feed at {feed}"
    return HtmlPage(message, feed)


def _check_prolog(text: str, url: str) -> str | None:
    """Raise for documents with no element or an HTML one; return the root element's name."""
    seen: set[str] = set()
    pos = 0
    while (match := _PROLOG.match(text, pos)) is not None:
        seen.add(match.lastgroup or "")
        if (match.group("dtname") or "").lower() == "html":
            raise _html_page_error(text, url)
        pos = match.end()
    root = _ROOT.match(text, pos)
    if pos == len(text):
        if seen <= {"space"}:
            raise FeedError("empty document")
        what = "a comment" if "comment" in seen else None
        what = what or ("an XML declaration" if "decl" in seen else "a DOCTYPE")
        raise FeedError(f"no feed in the document (it holds only {what})")
    if root is not None and root.group(1).lower() == "html":
        raise _html_page_error(text, url)
    return root.group(1) if root else None


def _is_json(data: bytes, content_type: str | None) -> bool:
    head = data[:256].decode(sniff_wide(data) or "latin-1", "ignore").lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "[", "<"):
        return head[:1] != "<"
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return mime in _JSON_TYPES or mime.endswith("+json")


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document.

    Args:
        data: The document's bytes, as fetched (already un-gzipped).
        url: The document's URL: the base for relative links.
        content_type: The HTTP ``Content-Type`` header, if any (it may carry a charset).

    Returns:
        The entries that could be read; ``skipped`` and ``warnings`` say what was left out
        and what was wrong with the document. A feed with no entries is valid.

    Raises:
        FeedError: Nothing usable could be read; the message says why, for the user.
    """
    if not data.strip(_BLANK):
        raise FeedError("empty document")
    if data.startswith(b"\x1f\x8b"):
        raise FeedError("got gzip-compressed bytes the server did not label; cannot read them")
    if b"\0" in data[:1024] and sniff_wide(data) is None:
        raise FeedError("not a feed: binary data")
    if _is_json(data, content_type):
        return parse_json_feed(data, url=url, content_type=content_type)
    body, encoding, warning = prepare_xml(data, content_type)
    text = body.decode("utf-8")
    root = _check_prolog(text, url)
    if not body.startswith(b"<?xml"):
        # Without one feedparser prepends a declaration and a newline, and every line
        # number in its errors comes out one too high.
        body = b'<?xml version="1.0" encoding="utf-8"?>' + body
    result = feedparser.parse(
        body,
        # Our bytes are UTF-8 now; a charset here stops feedparser guessing again.
        response_headers={"content-location": url, "content-type": _UTF8_XML},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    return _from_feedparser(result, text, url, root, encoding, [warning] if warning else [])


def _xml_fault(exc: BaseException) -> tuple[str, int | None, bool]:
    """``(short reason, line, truncated?)`` for feedparser's bozo exception."""
    if isinstance(exc, SAXParseException):
        message = exc.getMessage()
        if message in _TRUNCATED:
            return "document ends early (truncated)", exc.getLineNumber(), True
        return message, exc.getLineNumber(), False
    return str(exc) or type(exc).__name__, None, False


def _broken(fault: tuple[str, int | None, bool]) -> FeedError:
    reason, line, _ = fault
    return FeedError(f"broken XML: {reason}" + (f" at line {line}" if line else ""))


def _from_feedparser(
    result: Any, text: str, url: str, root: str | None, encoding: str, warnings: list[str]
) -> ParsedFeed:
    version: str = result.get("version") or ""
    raw_entries: list[Any] = list(result.get("entries") or [])
    exc = result.get("bozo_exception") if result.get("bozo") else None
    fault = _xml_fault(exc) if exc is not None else None
    if not version and not raw_entries:
        if _HTML_TAG.search(text[:65536]):
            raise _html_page_error(text, url)
        if fault is None:
            raise FeedError(f"not a feed: XML with root element <{root}>" if root else "not a feed")
        raise _broken(fault)
    skipped: list[str] = []
    if fault is not None and fault[2] and raw_entries and _ends_inside_entry(text):
        # Even when the cut fell after its title, the last entry's body may be half there.
        skipped.append(f"entry {len(raw_entries)}: cut off where the document ends")
        raw_entries.pop()
    feed = result.get("feed") or {}
    feed_authors = _authors(feed) if version.startswith("atom") else None
    entries: list[FeedEntry] = []
    for number, raw in enumerate(raw_entries, 1):
        entry = _entry(raw, url, feed_authors, rss=not version.startswith("atom"))
        if entry.title or entry.link or entry.content_html or entry.content_text:
            entries.append(entry)
        else:
            skipped.append(f"entry {number}: no title, link or content")
    # A feed with no entries is fine, unless the fault may have hidden them.
    if fault is not None and not entries and (fault[2] or _ENTRY_OPEN.search(text)):
        raise _broken(fault)
    if fault is not None:
        reason, line, truncated = fault
        where = f" at line {line}" if line else ""
        if truncated:
            kept = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
            warnings.append(f"{reason}{where}; kept the {kept} before it")
        else:
            where = f"line {line}: " if line else ""
            warnings.append(f"XML is not well-formed ({where}{reason}); read it leniently")
    return ParsedFeed(
        kind=version or "unknown",
        title=_title(feed),
        link=absolute_link(feed.get("link"), url, url),
        entries=tuple(entries),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        encoding=encoding,
    )


def _ends_inside_entry(text: str) -> bool:
    opens = [m.start() for m in _ENTRY_OPEN.finditer(text)]
    closes = [m.start() for m in _ENTRY_CLOSE.finditer(text)]
    return bool(opens) and (not closes or opens[-1] > closes[-1])


def _title(holder: Any) -> str | None:
    """A title as plain text: feedparser decodes entities but leaves HTML titles as HTML."""
    value = holder.get("title")
    if not isinstance(value, str):
        return None
    detail = holder.get("title_detail") or {}
    return plain_line(_html_text(value) if detail.get("type") in _HTML_TYPES else value)


def _authors(holder: Any) -> str | None:
    names = [plain_line(a.get("name") or a.get("email")) for a in holder.get("authors") or []]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def _utc(value: Any) -> dt.datetime | None:
    # feedparser's *_parsed values are struct_time already converted to UTC.
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _entry(raw: Any, url: str, feed_authors: str | None, *, rss: bool) -> FeedEntry:
    html_parts = [c for c in raw.get("content") or [] if c.get("type") in _HTML_TYPES]
    text_parts = [c for c in raw.get("content") or [] if c.get("type") == "text/plain"]
    summary = raw.get("summary_detail") or {}
    body = max(html_parts, key=lambda c: len(c.get("value") or ""), default=None)
    if body is None and summary.get("type") in _HTML_TYPES:
        body = summary
    text = max(text_parts, key=lambda c: len(c.get("value") or ""), default=None)
    if body is None and text is None and summary.get("type") == "text/plain":
        text = summary
    base = (body or text or {}).get("base") or url
    # dict.get: FeedParserDict.get("updated_parsed") falls back to the published date (with a
    # DeprecationWarning), which would make every RSS item look updated.
    published = _utc(dict.get(raw, "published_parsed"))
    updated = _utc(dict.get(raw, "updated_parsed"))
    guid = raw.get("id")
    return FeedEntry(
        guid=plain_line(str(guid)) if guid is not None else None,
        link=absolute_link(raw.get("link"), base, url),
        title=_title(raw),
        author=_authors(raw) or feed_authors,
        # feedparser files RSS 1.0's dc:date under "updated", but RSS has no separate
        # update date: it is when the item was published.
        published=published or (updated if rss else None),
        updated=updated,
        content_html=(body.get("value") or None) if body else None,
        content_text=(text.get("value") or None) if text else None,
        base_url=base,
        tags=unique_tags(t.get("term") or t.get("label") for t in raw.get("tags") or []),
    )

"""Read JSON Feed 1.0 and 1.1 documents (https://www.jsonfeed.org/version/1.1/).

feedparser does not read JSON Feed, and the format is small enough to read by hand. The
helpers for one-line text, links and tags are shared with :mod:`tui_reader.feeds.parse`, so
both paths clean fields the same way.

Pure module: no IO, no Textual.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from tui_reader.core.decode import decode
from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.model import FeedEntry, FeedError, ParsedFeed

__all__ = ["absolute_link", "parse_json_feed", "plain_line", "unique_tags"]

_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(\d+(?:\.\d+)*)/?$")
# Links a reader may open. Anything else (javascript:, data:) is dropped; the document's own
# scheme is allowed too, so a feed read from a file:// URL keeps its relative links.
_WEB_SCHEMES = {"http", "https"}


def plain_line(value: object) -> str | None:
    """Return ``value`` as one safe line of text, or None when it is not text or is blank."""
    if not isinstance(value, str):
        return None
    return sanitize_line(value) or None


def absolute_link(href: object, base: str, doc_url: str) -> str | None:
    """Resolve ``href`` against ``base``; None unless the result is a web (or the document's) URL.

    Args:
        href: The link as written (relative or absolute).
        base: The URL relative links resolve against.
        doc_url: The document's own URL; its scheme is allowed besides http(s).

    Returns:
        The absolute URL, or None for a missing, blank or non-web link.
    """
    if not isinstance(href, str) or not href.strip():
        return None
    link = urljoin(base, sanitize_line(href))
    scheme = urlsplit(link).scheme.lower()
    return link if scheme in _WEB_SCHEMES or scheme == urlsplit(doc_url).scheme.lower() else None


def unique_tags(terms: Iterable[object]) -> tuple[str, ...]:
    """Return the non-blank tag names, first spelling kept, case-insensitive duplicates dropped."""
    seen: set[str] = set()
    tags: list[str] = []
    for term in terms:
        name = plain_line(term)
        if name is not None and name.casefold() not in seen:
            seen.add(name.casefold())
            tags.append(name)
    return tuple(tags)


def _date(value: object) -> dt.datetime | None:
    """Read an RFC 3339 date as aware UTC; a date without offset is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _authors(holder: dict[str, Any]) -> str | None:
    """Names from 1.1 ``authors`` (a list) or else 1.0 ``author`` (one object)."""
    people = holder.get("authors")
    if not isinstance(people, list):
        people = [holder.get("author")]
    names = [plain_line(p.get("name")) for p in people if isinstance(p, dict)]
    return ", ".join(n for n in names if n) or None


def _guid(value: object) -> str | None:
    # bool is an int in Python, but ``"id": true`` identifies nothing.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return plain_line(value)


def _entry(item: dict[str, Any], base: str, url: str, feed_author: str | None) -> FeedEntry:
    link = absolute_link(item.get("url"), base, url) or absolute_link(
        item.get("external_url"), base, url
    )
    html = item.get("content_html")
    text = item.get("content_text")
    html = html if isinstance(html, str) and html.strip() else None
    text = text if isinstance(text, str) and text.strip() else None
    summary = item.get("summary")
    if html is None and text is None and isinstance(summary, str) and summary.strip():
        text = summary
    tags = item.get("tags")
    return FeedEntry(
        # JSON Feed requires an id; the url is the next best stable key.
        guid=_guid(item.get("id")) or link,
        link=link,
        title=plain_line(item.get("title")),
        author=_authors(item) or feed_author,
        published=_date(item.get("date_published")),
        updated=_date(item.get("date_modified")),
        content_html=html,
        content_text=text,
        base_url=link or base,
        tags=unique_tags(tags) if isinstance(tags, list) else (),
    )


def parse_json_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a JSON Feed document.

    Args:
        data: The document's bytes.
        url: The document's URL; relative links resolve against its ``feed_url`` or
            ``home_page_url`` (made absolute against ``url``), else against ``url``.
        content_type: The HTTP ``Content-Type``, if any.

    Returns:
        The feed; items that are not objects or hold no title, url or content are listed
        in ``skipped``.

    Raises:
        FeedError: The bytes are not JSON, or not a JSON Feed.
    """
    text, encoding, warning = decode(data, content_type, xml=False)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"broken JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise FeedError("broken JSON: nested too deeply") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    match = _VERSION.match(version.strip()) if isinstance(version, str) else None
    if match is None:
        raise FeedError("not a feed: JSON without a jsonfeed.org version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError('not a feed: JSON Feed without an "items" list')
    base = url
    for key in ("feed_url", "home_page_url"):
        if isinstance(doc.get(key), str) and doc[key].strip():
            base = urljoin(url, doc[key].strip())
            break
    feed_author = _authors(doc)
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            skipped.append(f"item {number}: not an object")
            continue
        entry = _entry(item, base, url, feed_author)
        if not (entry.title or entry.link or entry.content_html or entry.content_text):
            skipped.append(f"item {number}: no title, url or content")
            continue
        entries.append(entry)
    return ParsedFeed(
        kind=f"json{match.group(1)}",
        title=plain_line(doc.get("title")),
        link=absolute_link(doc.get("home_page_url"), url, url),
        entries=tuple(entries),
        skipped=tuple(skipped),
        warnings=(warning,) if warning else (),
        encoding=encoding,
    )

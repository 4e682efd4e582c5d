"""The data passed between fetching, parsing and writing feeds, and the one error type.

Pure module: no IO, no Textual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui_reader.core.textsafe import sanitize

__all__ = ["FeedEntry", "FeedError", "Fetched", "FullText", "HtmlPage", "ParsedFeed"]


class FeedError(Exception):
    """What is wrong with a feed, in words for the user.

    The message never names the feed: callers prefix ``feed NAME: `` themselves, so one
    message reads well on stderr and in the app. It often quotes a server (a reason phrase, a
    header), so it is made terminal-safe here, once, for every place that shows or stores it.
    """

    def __init__(self, message: object = "", *args: object) -> None:
        one_line = sanitize(str(message)).replace("\n", " ").replace("\t", " ")
        super().__init__(one_line, *args)


class HtmlPage(FeedError):
    """The document is a web page, not a feed; ``feed_url`` is the feed it links to, if any."""

    def __init__(self, message: str, feed_url: str | None = None) -> None:
        super().__init__(message)
        self.feed_url = feed_url


@dataclass(frozen=True)
class Fetched:
    """The bytes of a feed document as fetched, or a "not modified" answer.

    Attributes:
        body: The document's bytes, already un-gzipped; None when the server answered
            304 Not Modified to a conditional request.
        url: The final URL after redirects (or the ``file://`` URL of a local file); the
            base for resolving relative links.
        content_type: The ``Content-Type`` header as sent, if any (it may carry a charset).
        etag: The ``ETag`` to send back next time, if any.
        last_modified: The ``Last-Modified`` to send back next time, if any.
        status: The HTTP status (200 or 304); 200 for a local file.
    """

    body: bytes | None
    url: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, normalised across RSS, Atom and JSON Feed.

    Text fields are plain text (entities decoded); ``content_html`` is HTML still to be
    sanitised and converted (see :mod:`tui_reader.core.html.markdown`).

    Attributes:
        guid: RSS ``guid``, Atom ``id`` or JSON Feed ``id``; None when absent.
        link: The entry's absolute URL, if any.
        title: The entry's title as plain text; None or "" when the entry has none.
        author: The author(s) as one line of plain text, if any.
        published: When the entry was published, timezone-aware UTC, if known.
        updated: When it was last updated, timezone-aware UTC, if known.
        content_html: The fullest HTML body available (content, else summary), if any.
        content_text: A plain-text body, used only when there is no HTML.
        base_url: The URL relative links in the content resolve against.
        tags: Category / tag names.
    """

    guid: str | None = None
    link: str | None = None
    title: str | None = None
    author: str | None = None
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    content_html: str | None = None
    content_text: str | None = None
    base_url: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed document.

    Attributes:
        kind: What the document was, e.g. ``"rss20"``, ``"rss10"``, ``"atom10"``,
            ``"json1.1"``.
        title: The feed's own title, if any.
        link: The feed's home page, if any.
        entries: The entries that could be read, in document order.
        skipped: One line per entry that was left out and why, e.g.
            ``"entry 4: no title, link or content"``.
        warnings: Problems with the document as a whole that did not stop it being read,
            e.g. ``"XML broken at line 40 (mismatched tag); kept the 3 entries before it"``.
        encoding: The character encoding the document was read with.
    """

    kind: str
    title: str | None = None
    link: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    encoding: str | None = None


@dataclass(frozen=True)
class FullText:
    """What fetching a feed entry's page gave: the article, or why the summary stays.

    Attributes:
        markdown: The article's body as Markdown; "" when the summary is kept.
        extractor: Which extractor produced it (see :func:`tui_reader.core.html.extract.extractor`).
        error: Why the summary is kept (a failed fetch, no article, less text than the
            summary); "" when the article is used.
    """

    markdown: str = ""
    extractor: str = ""
    error: str = ""

"""Read and write OPML subscription lists, the format feed readers import and export.

Reading accepts OPML 1.0 and 2.0: every ``<outline>`` carrying an ``xmlUrl``, at any depth (so
category folders are flattened), becomes one :class:`OpmlFeed`. Documents with a DOCTYPE are
refused before any entity could be expanded. Pure module: no Textual, no IO.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from typing import NoReturn
from urllib.parse import urlsplit
from xml.parsers.expat import ErrorString

from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.model import FeedError

__all__ = ["OpmlFeed", "read_opml", "write_opml"]


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription of an OPML file.

    Attributes:
        title: The feed's name as the list shows it (never empty).
        url: The address of the feed document (``xmlUrl``).
    """

    title: str
    url: str


class _NoDoctype(ET.TreeBuilder):
    """A tree builder that refuses DOCTYPE declarations, the carrier of entity bombs."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> NoReturn:
        if name.lower() != "opml":  # e.g. <!DOCTYPE html>: say what the file is instead
            raise FeedError(f"not an OPML file: root element is <{name}>, expected <opml>")
        raise FeedError("OPML with a DOCTYPE is not accepted")


def _attr(element: ET.Element, name: str) -> str:
    """Return attribute ``name`` ignoring case (exporters write ``xmlURL``, ``xmlurl``...)."""
    value = element.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in element.attrib.items() if k.lower() == wanted), "")
    return sanitize_line(value)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or url


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Read the feeds listed in an OPML document.

    Args:
        data: The file's bytes; the encoding comes from a BOM or the XML declaration.

    Returns:
        One :class:`OpmlFeed` per distinct ``xmlUrl``, in document order (the first outline
        with a URL wins). The title is the outline's ``title``, else its ``text``, else the
        URL's host.

    Raises:
        FeedError: ``empty file``; ``not an OPML file: ...`` with the XML error and its line
            (``XML error on line 4: mismatched tag``) or the unexpected root element;
            ``OPML with a DOCTYPE is not accepted``; or ``no feeds in the OPML file (no
            outline has an xmlUrl)``.
    """
    if not data.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip():
        raise FeedError("empty file")
    parser = ET.XMLParser(target=_NoDoctype())
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0]
        reason = ErrorString(exc.code)
        raise FeedError(f"not an OPML file: XML error on line {line}: {reason}") from None
    name = root.tag.rpartition("}")[2]
    if name.lower() != "opml":
        raise FeedError(f"not an OPML file: root element is <{name}>, expected <opml>")
    feeds: dict[str, OpmlFeed] = {}
    for outline in root.iter():
        if outline.tag.rpartition("}")[2].lower() != "outline":
            continue
        url = _attr(outline, "xmlUrl")
        if url and url not in feeds:
            title = _attr(outline, "title") or _attr(outline, "text") or _host(url)
            feeds[url] = OpmlFeed(title=title, url=url)
    if not feeds:
        raise FeedError("no feeds in the OPML file (no outline has an xmlUrl)")
    return list(feeds.values())


def write_opml(feeds: Sequence[OpmlFeed], title: str = "tui-reader feeds") -> str:
    """Write feeds as an OPML 2.0 document that other feed readers can import.

    Args:
        feeds: The subscriptions, in the order to list them.
        title: The document's ``<title>``.

    Returns:
        The document as text with an XML declaration for UTF-8: encode it as UTF-8 to save.
        Titles and URLs are folded onto one line and stripped of control characters (which
        XML cannot carry), so ``read_opml(write_opml(feeds).encode())`` gives the feeds back.
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = sanitize_line(title)
    created = format_datetime(dt.datetime.now(dt.UTC).replace(microsecond=0), usegmt=True)
    ET.SubElement(head, "dateCreated").text = created
    body = ET.SubElement(root, "body")
    for feed in feeds:
        url = sanitize_line(feed.url)
        name = sanitize_line(feed.title) or _host(url)
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": url}
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"

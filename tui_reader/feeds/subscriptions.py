"""The feed list: adding (with a first fetch), finding, removing, OPML in and out.

Pure module: no Textual. Every function takes the :class:`~tui_reader.storage.store.Store` that
keeps the list, and returns what it did in words the CLI and the app can show as they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.core.textsafe import sanitize_line
from tui_reader.feeds.fetch import fetch
from tui_reader.feeds.model import FeedError, Fetched, HtmlPage, ParsedFeed
from tui_reader.feeds.opml import OpmlFeed, read_opml, write_opml
from tui_reader.feeds.parse import parse_feed
from tui_reader.feeds.refresh import FetchLimits, RefreshReport, apply_document
from tui_reader.feeds.story_files import folder_name
from tui_reader.storage.store import FeedRecord, Store, StoreError

__all__ = [
    "OpmlImport",
    "add_feed",
    "export_opml",
    "find_feed",
    "import_opml",
    "normalize_source",
    "remove_feed",
    "set_full_text",
]

MAX_NAME = 60
"""Longest feed name kept; longer titles are cut."""


def normalize_source(source: str) -> str:
    """An http(s)/file URL as given, or a local file's absolute path."""
    source = source.strip()
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https", "file"):
        return source
    path = Path(source).expanduser()
    return str(path.resolve()) if path.exists() else source


def _clean_name(name: str) -> str:
    name = " ".join(sanitize_line(name).split())
    return name[: MAX_NAME - 1] + "…" if len(name) > MAX_NAME else name


def _fallback_name(source: str) -> str:
    parts = urlsplit(source)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname.removeprefix("www.")
    return Path(parts.path if parts.scheme == "file" else source).stem or "feed"


def _unique_name(store: Store, wanted: str) -> str:
    taken = {f.name.casefold() for f in store.feeds()}
    name, n = wanted, 2
    while name.casefold() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def _new_record(store: Store, name: str, source: str, library: Path) -> FeedRecord:
    library = library.expanduser().resolve()
    siblings = {f.folder for f in store.feeds_writing_to(library)}
    if library.is_dir():
        siblings |= {p.name for p in library.iterdir()}
    return FeedRecord(
        name=name, url=source, library=str(library), folder=folder_name(name, siblings)
    )


def find_feed(store: Store, name: str) -> FeedRecord | None:
    """The feed called ``name``: exact match first, then ignoring case."""
    exact = store.feed(name)
    if exact is not None:
        return exact
    folded = [f for f in store.feeds() if f.name.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def add_feed(
    store: Store,
    source: str,
    library: Path,
    *,
    name: str | None = None,
    limits: FetchLimits | None = None,
    full_text: bool = False,
) -> tuple[FeedRecord, RefreshReport]:
    """Subscribe to a feed: fetch it once, then write its entries into ``library``.

    The feed is added only when its first fetch gives a readable feed, so a typo or a web page
    never ends up in the list. A web page that links to a feed (a site's home page) is
    followed to that feed once, and the feed's own URL is what gets stored.

    Args:
        store: The store keeping the feed list.
        source: An http(s) URL, a ``file://`` URL or a local file.
        library: The stories folder; the entries go into a subfolder named after the feed.
        name: The feed's name (default: its title, else the site's host).
        limits: Timeouts for the first fetch.
        full_text: Fetch each new entry's page and keep its article as the story's body.

    Raises:
        FeedError: The source cannot be fetched or is not a feed; or the name is taken
            (message prefixed ``feed NAME:`` where a name is known).
    """
    source = normalize_source(source)
    limits = limits or FetchLimits()
    wanted = _clean_name(name) if name is not None else ""
    if name is not None and not wanted:
        raise FeedError("a feed name cannot be empty")
    if wanted and find_feed(store, wanted) is not None:
        raise FeedError(f"feed {wanted}: there is already a feed by that name")
    for existing in store.feeds():
        if existing.url == source:
            raise FeedError(f"feed {existing.name}: already subscribed to {source}")
    label = wanted or source
    try:
        fetched, parsed = _fetch_and_parse(source, limits)
    except HtmlPage as page:
        # A site's address instead of its feed's: follow the feed the page links to.
        if not page.feed_url or page.feed_url == source:
            raise FeedError(f"feed {label}: {page}") from page
        try:
            fetched, parsed = _fetch_and_parse(page.feed_url, limits)
        except FeedError as exc:
            raise FeedError(f"feed {label}: {page} (which failed: {exc})") from exc
        source = page.feed_url
        for existing in store.feeds():
            if existing.url == source:
                raise FeedError(f"feed {existing.name}: already subscribed to {source}") from page
    except FeedError as exc:
        raise FeedError(f"feed {label}: {exc}") from exc
    final = wanted or _unique_name(store, _clean_name(parsed.title or "") or _fallback_name(source))
    try:
        record = _new_record(store, final, source, library)
        record = store.add_feed(replace(record, full_text=full_text))
    except StoreError as exc:
        raise FeedError(f"feed {final}: {exc}") from exc
    return record, apply_document(store, record, fetched, parsed, limits=limits)


def _fetch_and_parse(source: str, limits: FetchLimits) -> tuple[Fetched, ParsedFeed]:
    fetched = fetch(source, timeout=limits.timeout, deadline=limits.deadline)
    if fetched.body is None:  # a 304 to an unconditional request: a broken server
        raise FeedError("the server answered 304 Not Modified to a plain request")
    parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
    return fetched, parsed


def set_full_text(store: Store, name: str, on: bool) -> FeedRecord:
    """Turn full text on or off for a feed (from its next new entries on).

    Raises:
        FeedError: There is no feed by that name.
        StoreError: The list could not be saved.
    """
    feed = find_feed(store, name)
    if feed is None:
        raise FeedError(f"feed {name}: no such feed ({_names(store)})")
    changed = replace(feed, full_text=on)
    store.save_feed(changed)
    return changed


def remove_feed(store: Store, name: str) -> FeedRecord:
    """Unsubscribe from a feed; its story files (and their notes) stay where they are.

    Raises:
        FeedError: There is no feed by that name.
        StoreError: The list could not be saved.
    """
    feed = find_feed(store, name)
    if feed is None:
        raise FeedError(f"feed {name}: no such feed ({_names(store)})")
    removed = store.remove_feed(feed.name)
    if removed is None:
        raise FeedError(f"feed {name}: no such feed")
    return removed


def _names(store: Store) -> str:
    names = [f.name for f in store.feeds()]
    return "feeds: " + ", ".join(names) if names else "there are no feeds yet"


@dataclass(frozen=True)
class OpmlImport:
    """What importing an OPML file did."""

    added: tuple[FeedRecord, ...]
    already: tuple[str, ...]
    """The URLs that were already subscribed."""


def import_opml(store: Store, data: bytes, library: Path) -> OpmlImport:
    """Subscribe to every feed in an OPML file (without fetching: ``refresh`` does that).

    Raises:
        FeedError: The file is not OPML or lists no feeds.
        StoreError: The list could not be saved (feeds added before that stay added).
    """
    wanted = read_opml(data)
    subscribed = {f.url for f in store.feeds()}
    added: list[FeedRecord] = []
    already: list[str] = []
    for item in wanted:
        source = normalize_source(item.url)
        if source in subscribed:
            already.append(source)
            continue
        name = _unique_name(store, _clean_name(item.title) or _fallback_name(source))
        added.append(store.add_feed(_new_record(store, name, source, library)))
        subscribed.add(source)
    return OpmlImport(tuple(added), tuple(already))


def export_opml(store: Store) -> str:
    """The feed list as an OPML 2.0 document."""
    return write_opml([OpmlFeed(f.name, _as_url(f.url)) for f in store.feeds()])


def _as_url(source: str) -> str:
    # OPML readers expect URLs; a local file is exported as a file:// URL.
    if urlsplit(source).scheme:
        return source
    return Path(source).resolve().as_uri() if os.path.isabs(source) else source

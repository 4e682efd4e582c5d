"""Full text for teaser feeds: fetch each new entry's page and extract its article.

Politely: at most :data:`PER_HOST` pages of one host at a time, across every feed being
refreshed in this process, each within the feed's timeout and deadline and the usual size
cap. The article replaces the entry's summary only when it holds at least as many words;
otherwise, or when the page cannot be fetched or holds no article, the summary stays and
the :class:`~tui_reader.feeds.model.FullText` says why.

Pure module: no Textual.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tui_reader.core.html.extract import NotArticle, check_html, decode_html, extract_article
from tui_reader.core.html.markdown import html_to_markdown
from tui_reader.feeds.fetch import fetch_page
from tui_reader.feeds.model import FeedEntry, FeedError, FullText
from tui_reader.feeds.netguard import NetPolicy

__all__ = ["PER_HOST", "fetch_full_texts"]

PER_HOST = 2
"""Pages fetched at once from one host, at most."""
_WORKERS = 4
_WORD = re.compile(r"\w+")

_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _host_slot(host: str) -> threading.BoundedSemaphore:
    """The semaphore one host's page fetches share (created on first use)."""
    with _slots_lock:
        slot = _slots.get(host)
        if slot is None:
            slot = _slots[host] = threading.BoundedSemaphore(PER_HOST)
        return slot


def _summary_words(entry: FeedEntry) -> int:
    if entry.content_html:
        return len(_WORD.findall(html_to_markdown(entry.content_html)))
    return len(_WORD.findall(entry.content_text or ""))


def _one(
    entry: FeedEntry,
    timeout: float,
    deadline: float,
    cancel: threading.Event | None,
    policy: NetPolicy | None,
) -> FullText:
    link = entry.link or ""
    try:
        host = (urlsplit(link).hostname or "").lower()
    except ValueError:
        host = ""
    if not host:
        return FullText(error="the entry has no web address to fetch")
    with _host_slot(host):
        if cancel is not None and cancel.is_set():
            return FullText(error="cancelled")
        try:
            fetched = fetch_page(
                link, timeout=timeout, deadline=deadline, cancel=cancel, policy=policy
            )
            body = fetched.body or b""
            check_html(body, fetched.content_type)
            html = decode_html(body, fetched.content_type)
        except (FeedError, NotArticle) as exc:
            return FullText(error=str(exc))
    try:
        article = extract_article(html, fetched.url)
    except NotArticle as exc:
        return FullText(error=str(exc))
    if article.words < _summary_words(entry):
        return FullText(error="the page has less text than the feed's summary")
    return FullText(markdown=article.markdown, extractor=article.extractor)


def fetch_full_texts(
    entries: Sequence[tuple[str, FeedEntry]],
    *,
    timeout: float = 15.0,
    deadline: float = 60.0,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
) -> dict[str, FullText]:
    """Fetch the pages of ``entries`` and extract their articles, a few at a time.

    Args:
        entries: ``(key, entry)`` pairs, as :func:`~tui_reader.feeds.importer.new_entries`
            gives them.
        timeout: Seconds of silence before one page is given up.
        deadline: Seconds one page's download may take.
        cancel: When set, pages not yet fetched are skipped and running ones stop.
        policy: Which addresses may be fetched (default: from the environment).

    Returns:
        What each page gave, by key; never raises for a bad page.
    """
    if not entries:
        return {}
    with ThreadPoolExecutor(max_workers=min(_WORKERS, len(entries))) as pool:
        futures = {
            key: pool.submit(_one, entry, timeout, deadline, cancel, policy)
            for key, entry in entries
        }
        return {key: future.result() for key, future in futures.items()}

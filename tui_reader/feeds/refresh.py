"""Refreshing feeds: fetch, parse, write the stories, remember the fetch state.

One feed is fetched, parsed and imported as a unit: a document that cannot be fetched or read
changes nothing in the library, and its error is recorded with the feed. The ETag and
Last-Modified are only kept once the entries are on disk, so a conditional request never hides
entries that were not written. Several feeds are refreshed in parallel threads.

Pure module: no Textual. Callers (the CLI, the app's worker) get one :class:`RefreshReport`
per feed, as each finishes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from tui_reader.feeds.fetch import fetch
from tui_reader.feeds.full_text import fetch_full_texts
from tui_reader.feeds.importer import ImportResult, import_entries, new_entries
from tui_reader.feeds.model import FeedError, Fetched, FullText, ParsedFeed
from tui_reader.feeds.netguard import NetPolicy
from tui_reader.feeds.parse import parse_feed
from tui_reader.storage.store import FeedRecord, Store, StoreError

__all__ = ["FetchLimits", "RefreshReport", "apply_document", "refresh_feed", "refresh_feeds"]

_MAX_LISTED = 3  # skipped entries named in the one-line summary; the rest are counted


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much a fetch may take (see :func:`tui_reader.feeds.fetch.fetch`)."""

    timeout: float = 15.0
    """Seconds of silence (connecting, or between two reads) before giving up."""
    deadline: float = 60.0
    """Seconds for the whole download."""


@dataclass(frozen=True)
class RefreshReport:
    """The outcome of refreshing one feed.

    Attributes:
        feed: The feed's name.
        ok: False when nothing could be imported (the error is in ``summary``).
        summary: One line for the user, always starting ``feed NAME: ``.
        details: Further lines the summary leaves out: skipped entries past the first few,
            warnings past the first.
        added: Stories written for new entries.
        updated: Stories rewritten because their entry changed.
        not_modified: The server said nothing changed since the last refresh.
    """

    feed: str
    ok: bool
    summary: str
    details: tuple[str, ...] = ()
    added: tuple[Path, ...] = ()
    updated: tuple[Path, ...] = ()
    not_modified: bool = False


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed_folder(feed: FeedRecord) -> Path:
    """The folder a feed's stories are written to."""
    return Path(feed.library) / feed.folder


def _summary(
    name: str, result: ImportResult, warnings: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """The one-line summary, and the lines it leaves out (for callers that show more)."""
    parts = []
    if result.added:
        parts.append(f"{len(result.added)} new")
    if result.updated:
        parts.append(f"{len(result.updated)} updated")
    text = ", ".join(parts) if parts else "no new entries"
    listed = result.skipped[:_MAX_LISTED]
    if result.skipped:
        more = len(result.skipped) - len(listed)
        text += f"; skipped {len(result.skipped)} ({'; '.join(listed)}" + (
            f"; and {more} more)" if more > 0 else ")"
        )
    if warnings:
        text += f"; {warnings[0]}"
    rest = (*result.skipped[_MAX_LISTED:], *warnings[1:])
    return f"feed {name}: {text}", rest


def _full_text_note(texts: dict[str, FullText]) -> list[str]:
    """A warning for the summary when some new entries kept the feed's summary."""
    kept = [t.error for t in texts.values() if not t.markdown]
    if not kept:
        return []
    return [f"full text: kept the summary for {len(kept)} of {len(texts)} new ({kept[0]})"]


def apply_document(
    store: Store,
    feed: FeedRecord,
    fetched: Fetched,
    parsed: ParsedFeed,
    *,
    limits: FetchLimits | None = None,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
) -> RefreshReport:
    """Import a fetched and parsed document for ``feed`` and record the new fetch state.

    For a full-text feed, each new entry's page is fetched first (within ``limits``, under
    ``cancel`` and ``policy``) and its article becomes the story's body.
    """
    folder = feed_folder(feed)
    texts: dict[str, FullText] | None = None
    warnings = list(parsed.warnings)
    if feed.full_text:
        limits = limits or FetchLimits()
        texts = fetch_full_texts(
            new_entries(parsed, feed.name, folder, feed.known),
            timeout=limits.timeout,
            deadline=limits.deadline,
            cancel=cancel,
            policy=policy,
        )
        warnings += _full_text_note(texts)
    try:
        result = import_entries(parsed, feed.name, folder, feed.known, full_texts=texts)
    except OSError as exc:
        message = f"cannot write stories to {folder}: {exc.strerror or exc}"
        _record(store, replace(feed, checked=_now(), error=message))
        return RefreshReport(feed.name, False, f"feed {feed.name}: {message}")
    state = replace(
        feed,
        checked=_now(),
        error="",
        etag=fetched.etag or "",
        last_modified=fetched.last_modified or "",
        known=result.known,
    )
    summary, details = _summary(feed.name, result, warnings)
    saved = _record(store, state)
    if saved is not None:
        summary += f" (the feed's state could not be saved: {saved})"
    return RefreshReport(
        feed.name, True, summary, details, tuple(result.added), tuple(result.updated)
    )


def _record(store: Store, feed: FeedRecord) -> str | None:
    try:
        store.save_feed(feed)
    except StoreError as exc:
        return str(exc)
    return None


def refresh_feed(
    store: Store,
    feed: FeedRecord,
    *,
    limits: FetchLimits | None = None,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
) -> RefreshReport:
    """Fetch ``feed`` and write its new and changed entries; never raises for a bad feed.

    ``policy`` says which addresses may be fetched (default: from the environment, see
    :func:`~tui_reader.feeds.netguard.policy_from_env`).
    """
    limits = limits or FetchLimits()
    # Without its folder a 304 would leave the feed empty: ask for the whole document.
    conditional = feed_folder(feed).is_dir()
    try:
        fetched = fetch(
            feed.url,
            etag=(feed.etag or None) if conditional else None,
            last_modified=(feed.last_modified or None) if conditional else None,
            timeout=limits.timeout,
            deadline=limits.deadline,
            cancel=cancel,
            policy=policy,
        )
        if fetched.body is None:
            _record(store, replace(feed, checked=_now(), error=""))
            return RefreshReport(
                feed.name,
                True,
                f"feed {feed.name}: not modified since the last refresh",
                not_modified=True,
            )
        parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
    except FeedError as exc:
        if cancel is None or not cancel.is_set():  # stopping is not the feed's fault
            _record(store, replace(feed, checked=_now(), error=str(exc)))
        return RefreshReport(feed.name, False, f"feed {feed.name}: {exc}")
    return apply_document(store, feed, fetched, parsed, limits=limits, cancel=cancel, policy=policy)


def refresh_feeds(
    store: Store,
    feeds: Sequence[FeedRecord],
    on_report: Callable[[RefreshReport], None] | None = None,
    *,
    limits: FetchLimits | None = None,
    cancel: threading.Event | None = None,
    workers: int = 4,
    policy: NetPolicy | None = None,
) -> list[RefreshReport]:
    """Refresh several feeds, ``workers`` at a time.

    Args:
        store: Where the feeds' state is kept.
        feeds: The feeds to refresh.
        on_report: Called (from a worker thread) with each feed's report as it finishes.
        limits: Timeouts for each fetch.
        cancel: When set, fetches still running stop and the rest are not started.
        workers: How many feeds are fetched at once.
        policy: Which addresses may be fetched (default: from the environment).

    Returns:
        The reports, in the order of ``feeds``.
    """
    reports: dict[str, RefreshReport] = {}
    if not feeds:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(feeds)))) as pool:
        futures = {}
        for feed in feeds:
            job = pool.submit(_refresh_unless_cancelled, store, feed, limits, cancel, policy)
            futures[job] = feed
        for future in as_completed(futures):
            report = future.result()
            reports[futures[future].name] = report
            if on_report is not None:
                on_report(report)
    return [reports[f.name] for f in feeds]


def _refresh_unless_cancelled(
    store: Store,
    feed: FeedRecord,
    limits: FetchLimits | None,
    cancel: threading.Event | None,
    policy: NetPolicy | None,
) -> RefreshReport:
    if cancel is not None and cancel.is_set():
        return RefreshReport(feed.name, False, f"feed {feed.name}: cancelled")
    return refresh_feed(store, feed, limits=limits, cancel=cancel, policy=policy)

"""Refreshing the library's feeds from the reader: a thread worker that reports each feed as it
finishes, and the picker that narrows the list to one feed.

Keys keep working during a refresh; the list's border counts the feeds done; quitting cancels
the downloads still running (they give up at their next read).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.screen import Screen

from tui_reader.core.stories import Story
from tui_reader.storage.store import FeedRecord, Store
from tui_reader.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from tui_reader.feeds.refresh import RefreshReport

Counts = tuple[int, int]

__all__ = ["FeedsPart"]


class FeedsPart:
    """Refreshes the feeds that write into a library, and reports progress as messages."""

    class Progress(Message):
        """One feed finished refreshing (``report`` None: the refresh is starting)."""

        def __init__(self, report: RefreshReport | None, done: int, total: int) -> None:
            super().__init__()
            self.report = report
            self.done = done
            self.total = total

    class Done(Message):
        """Every feed has been refreshed; ``reports`` holds one per feed."""

        def __init__(self, reports: list[RefreshReport], quiet: bool) -> None:
            super().__init__()
            self.reports = reports
            self.quiet = quiet
            """Started by the timer: say only what is new or failed."""

    def __init__(self, host: Screen[Any], store: Store, roots: tuple[Path, ...]) -> None:
        self.host = host
        self.store = store
        self.roots = roots
        self.running = False
        """True while a refresh runs."""
        self._cancel = threading.Event()

    def feeds(self) -> list[FeedRecord]:
        """The feeds writing into this library (re-read: one may have been added elsewhere)."""
        self.store.refresh()
        return self.store.feeds_writing_to(*self.roots)

    def refresh(self, *, quiet: bool) -> bool:
        """Refresh this library's feeds in the background; False when it has none.

        ``quiet`` (the timer) says only what is new or failed, and keeps silent when a refresh
        is already running; ``r`` says so.
        """
        if self.running:
            if not quiet:
                self.host.notify("Already refreshing the feeds…", timeout=3)
            return True
        feeds = self.feeds()
        if not feeds:
            return False
        self.start(feeds, quiet=quiet)
        return True

    def start(self, feeds: list[FeedRecord], *, quiet: bool) -> None:
        """Refresh ``feeds`` in the background."""
        self.running = True
        self._cancel.clear()
        self.host.post_message(self.Progress(None, 0, len(feeds)))
        self.host.run_worker(
            lambda: self._refresh(feeds, quiet), thread=True, group="feeds", exit_on_error=False
        )

    def _refresh(self, feeds: list[FeedRecord], quiet: bool) -> None:
        from tui_reader.feeds.refresh import refresh_feeds  # feedparser: loaded on first use

        done = 0
        lock = threading.Lock()

        def report(result: RefreshReport) -> None:
            nonlocal done
            with lock:
                done += 1
                self.host.post_message(self.Progress(result, done, len(feeds)))

        reports = refresh_feeds(self.store, feeds, report, cancel=self._cancel)
        self.host.post_message(self.Done(reports, quiet))

    def progress(self, message: Progress, story_list: StoryList) -> None:
        """Count the feeds done in the list's border; warn about a feed that failed."""
        busy = message.done < message.total
        story_list.border_subtitle = (
            f"refreshing feeds {message.done}/{message.total}…" if busy else ""
        )
        if message.report is not None and not message.report.ok:
            self.host.notify(message.report.summary, severity="warning", timeout=12)

    def done(self, message: Done, story_list: StoryList, story: Story | None) -> None:
        """Sum up the refresh; say so when the open story changed upstream."""
        self.running = False
        story_list.border_subtitle = ""
        reports = message.reports
        added = sum(len(r.added) for r in reports)
        updated = sum(len(r.updated) for r in reports)
        failed = [r for r in reports if not r.ok]
        text = f"Feeds refreshed: {added} new, {updated} updated"
        if failed:
            text += f"; {len(failed)} of {len(reports)} failed (see the messages)"
        if not message.quiet or added or updated or failed:
            self.host.notify(text, severity="warning" if failed else "information")
        changed = {path.resolve() for report in reports for path in report.updated}
        if story is not None and story.path.resolve() in changed:
            self.host.notify(
                f"“{story.title}” changed upstream: press enter on it to reload "
                "(your notes re-anchor)",
                timeout=10,
            )

    def cancel(self) -> None:
        """Stop fetching: downloads still running give up at their next read."""
        self._cancel.set()

    def pick(self, counts: dict[str, Counts], local: Counts, current: str,
             chosen: Callable[[str | None], None],
             searches: dict[str, Counts] | None = None) -> None:  # fmt: skip
        """Let the reader choose a feed to show (or all, local files, a saved search)."""
        from tui_reader.ui.screens.feed_picker import FeedPicker

        feeds = self.store.feeds_writing_to(*self.roots)
        problems = {feed.name: feed.error for feed in feeds if feed.error}
        every = {feed.name: (0, 0) for feed in feeds} | counts
        picker = FeedPicker(every, local, current, problems, searches)
        self.host.app.push_screen(picker, chosen)

"""The feeds the reader subscribed to, kept in ``feeds.json``. A layer of
:class:`~tui_reader.storage.store.Store`, in its own module so each file has one job."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui_reader.storage.choices import ChoicesStore
from tui_reader.storage.files import StoreError
from tui_reader.storage.records import FeedRecord, feed_doc, feed_from, now_iso

__all__ = ["FeedsStore"]


class FeedsStore(ChoicesStore):
    """Subscribed feeds and their fetch state: each change durable on return."""

    def feeds(self) -> list[FeedRecord]:
        """Every subscribed feed, by name."""
        with self._mutex:
            docs = self._feeds.raw("feeds")
            return [feed_from(name, docs[name]) for name in sorted(docs, key=str.casefold)]

    def feeds_writing_to(self, *libraries: Path) -> list[FeedRecord]:
        """The feeds whose stories go into one of ``libraries`` (stories folders)."""
        roots = {library.expanduser().resolve() for library in libraries}
        return [feed for feed in self.feeds() if Path(feed.library) in roots]

    def feed(self, name: str) -> FeedRecord | None:
        """The feed called ``name``, or None."""
        with self._mutex:
            doc = self._feeds.raw("feeds").get(name)
            return None if doc is None else feed_from(name, doc)

    def add_feed(self, feed: FeedRecord) -> FeedRecord:
        """Subscribe to a feed; raises :class:`StoreError` if the name is taken."""
        with self._writing(self._feeds):
            if feed.name in self._feeds.raw("feeds"):
                raise StoreError(f"There is already a feed called {feed.name!r}.")
            stored = replace(feed, added=feed.added or now_iso())
            self._feeds.put("feeds", feed.name, feed_doc(stored))
            return stored

    def save_feed(self, feed: FeedRecord) -> None:
        """Store a feed's new fetch state; a feed removed meanwhile stays removed."""
        with self._writing(self._feeds):
            if feed.name in self._feeds.raw("feeds"):
                self._feeds.put("feeds", feed.name, feed_doc(feed))

    def remove_feed(self, name: str) -> FeedRecord | None:
        """Unsubscribe; returns the removed feed, or None if there was none by that name."""
        with self._writing(self._feeds):
            doc = self._feeds.raw("feeds").get(name)
            if doc is None:
                return None
            self._feeds.delete("feeds", [name])
            return feed_from(name, doc)

"""Finding stories: the search index of one library kept in step, and queries answered as rows.

:class:`Finder` is what the reader and ``tui-reader search`` use: it opens (or rebuilds) the
index, brings it up to date with the scanned files and the store's notes, and answers a query
with the library's own :class:`~tui_reader.core.stories.StoryMeta` rows in the order asked
for, snippets on the first ones.

Pure module: no Textual. Every call may block on IO: run it off the UI thread.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.core.stories import StoryError, StoryMeta
from tui_reader.library.index import Item
from tui_reader.library.order import Sort, sort_items
from tui_reader.library.search_errors import IndexBroken, TooSlow
from tui_reader.storage.store import Annotation, Store

if TYPE_CHECKING:
    from tui_reader.library.query import Query
    from tui_reader.library.search_index import SearchIndex
    from tui_reader.library.search_run import Hit
    from tui_reader.library.search_text import Reader

__all__ = ["Found", "Finder", "Match", "TooSlow"]

SNIPPETS = 60
"""Rows that get a snippet at once (about two screens)."""


@dataclass(frozen=True)
class Match:
    """One story a query found."""

    meta: StoryMeta
    hit: Hit


@dataclass(frozen=True)
class Found:
    """A query's answer: the matches in the order asked for."""

    matches: list[Match]
    query: Query
    complete: bool
    """False while the index is still being built (more may match later)."""
    snipped: frozenset[str] = frozenset()
    """The paths of the matches that were given their snippet (see :meth:`Finder.fill`)."""


OPEN_WAIT = 60.0
"""Seconds a search in the background waits for the index to be opened (a cold start's scan
comes first)."""


class Finder:
    """The search index of a library (``roots``) and a data dir, kept up to date."""

    def __init__(self, cache_dir: Path, roots: Sequence[Path], data_dir: Path) -> None:
        self._where = (cache_dir, tuple(roots), data_dir)
        self._index: SearchIndex | None = None
        self._made = threading.Lock()
        self.complete = False
        """True once the index has caught up with the library at least once."""
        self.seeded = False
        """True when :meth:`prepare` started the index from the library's seed."""
        self._lock = threading.Lock()
        self._opened = threading.Event()  # set once prepare() has run, however it ended

    @property
    def index(self) -> SearchIndex:
        """The search index (its SQLite code is loaded on first use, not at start-up)."""
        if self._index is None:
            with self._made:  # the UI thread and a worker may both ask first
                if self._index is None:
                    from tui_reader.library.search_index import SearchIndex, index_path

                    self._index = SearchIndex(index_path(*self._where))
        return self._index

    def prepare(self) -> None:
        """Open the index; a missing one starts as a copy of the library's seed if there is
        one (:mod:`.search_seed`), else empty, as does an outdated or corrupt one.

        Raises:
            IndexBroken: no index can be kept in the cache dir.
        """
        try:
            with self._lock:
                if not self.index.path.exists():
                    from tui_reader.library.search_seed import adopt_seed

                    cache_dir, roots, _data_dir = self._where
                    self.seeded = adopt_seed(self.index.path, cache_dir, roots)
                self.index.open()
        finally:
            self._opened.set()

    def sync(
        self,
        items: Sequence[Item],
        store: Store,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        notes: bool = True,
        read: Reader | None = None,
    ) -> int:
        """Bring the index up to date with the scanned ``items`` (and the store's notes).

        Args:
            notes: also compare every note with the store (the first sync, or after another
                session's changes; a note saved here is indexed by :meth:`notes_changed`).
            read: how batches of files are read (see :meth:`SearchIndex.apply`).

        Returns:
            How many story files were (re)indexed.
        """
        plan = self.index.plan(items)
        if progress is not None and plan.changed:
            progress(0, len(plan.changed))
        done = self.index.apply(plan, progress, cancel, read)
        if notes:
            self.index.sync_notes(store.all_annotations())
        if cancel is None or not cancel.is_set():
            self.complete = True
        return done

    def notes_changed(self, story_id: str, annotations: Sequence[Annotation]) -> None:
        """One story's notes changed (saved, edited, deleted): index them now."""
        self.index.set_story_notes(story_id, annotations)

    def find(
        self,
        query: Query,
        store: Store,
        metas: Mapping[str, Item],
        order: Sort | None,
        *,
        snippets: int = SNIPPETS,
        deadline: float | None = None,
    ) -> Found:
        """The stories of ``metas`` (by path) that match ``query``.

        Args:
            query: a parsed query.
            store: where read marks, bookmarks, tags and notes come from.
            metas: the library's rows by path (a match not among them is left out).
            order: one of the list's orders, or None for best match first.
            snippets: how many of the first matches get a snippet.
            deadline: a ``time.perf_counter()`` value to give up at (:class:`TooSlow`): the
                reader answers on the spot when it can, and in the background when not.

        Raises:
            TooSlow: ``deadline`` passed before the answer was complete.
            IndexBroken: the index file is corrupt (:meth:`prepare` starts it over).
            sqlite3.OperationalError: the search could not run this time (locked, busy).
        """
        from tui_reader.library.search_run import StoreFacts, add_snippets, is_corrupt, search

        self._wait_until_opened(deadline)
        facts = StoreFacts.of(store, query)
        try:
            hits = search(self.index, query, facts, deadline)
            by_path = {h.path: h for h in hits}
            if order is None:
                found = [(metas.get(h.path), h) for h in hits]
                pairs = [(m, h) for m, h in found if isinstance(m, StoryMeta)]
            else:
                chosen = [m for p in by_path if isinstance(m := metas.get(p), StoryMeta)]
                ordered = sort_items(chosen, order, facts.read)
                pairs = [(m, by_path[str(m.path)]) for m in ordered if isinstance(m, StoryMeta)]
            if deadline is not None and time.perf_counter() > deadline:
                raise TooSlow("the search ran past its deadline")
            head = add_snippets(self.index, query, [h for _, h in pairs[:snippets]], deadline)
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise  # busy, locked, full: the index is fine, the search failed this time
            raise IndexBroken(f"the search index is damaged ({exc}); rebuilding it") from exc
        pairs[: len(head)] = [(m, h) for (m, _), h in zip(pairs, head, strict=False)]
        snipped = frozenset(h.path for h in head)
        return Found([Match(m, h) for m, h in pairs], query, self.complete, snipped)

    def _wait_until_opened(self, deadline: float | None) -> None:
        """Wait for :meth:`prepare` when there is no index file yet to search.

        A search typed at once after a cold launch comes before the library scan has handed
        the index its first sync, and would find no tables ("no such table"): on the spot it
        goes to the background (:class:`TooSlow`); there it waits. An index file that exists
        (warm, or damaged) is searched as it is.
        """
        if self._opened.is_set():
            return
        if self.index.path.exists():
            with self._lock:  # not while prepare() is creating it
                return
        if not self._opened.wait(0 if deadline is not None else OPEN_WAIT):
            if deadline is not None:
                raise TooSlow("the search index is not open yet")
            raise sqlite3.OperationalError("the search index is still being opened")

    def fill(self, found: Found, paths: Collection[str], deadline: float | None = None,
             *, longest: int | None = None) -> Found:  # fmt: skip
        """``found`` with a snippet on each match whose path is in ``paths`` (the rows being
        shown; the others get theirs when wanted).

        Args:
            longest: leave out stories of more bytes than this (a snippet reads its whole
                story: one long read costs more than a screen of news stories).

        Raises:
            TooSlow: ``deadline`` passed first (``found`` is as it was).
            sqlite3.Error: the index could not be read this time (the rows stay as they are).
        """
        todo = [i for i, m in enumerate(found.matches)
                if m.hit.path in paths and m.hit.path not in found.snipped
                and (longest is None or m.meta.size <= longest)]  # fmt: skip
        if not todo:
            return found
        from tui_reader.library.search_run import add_snippets

        hits = add_snippets(self.index, found.query, [found.matches[i].hit for i in todo],
                            deadline)  # fmt: skip
        matches = list(found.matches)
        for i, hit in zip(todo, hits, strict=True):
            matches[i] = Match(matches[i].meta, hit)
        snipped = found.snipped | {hit.path for hit in hits}
        return Found(matches, found.query, found.complete, snipped)

    def close(self) -> None:
        """Close the index's connections (none if it was never used)."""
        if self._index is not None:
            self._index.close()


def metas_by_path(items: Sequence[Item]) -> dict[str, Item]:
    """The library's rows by path, as :meth:`Finder.find` wants them."""
    return {str(item.path): item for item in items if not isinstance(item, StoryError)}

"""The library behind the story list: loading it in stages, and the rows a filter leaves.

Loading is a chain of short thread workers, each posting :class:`LibraryPart.Loaded` and the
next one starting only after the screen has painted what the last one brought (no thread
waits on the UI): the cached first rows, then the whole cached index, then a scan of the
folders, which fills the list as it goes on a cold start. A rescan bumps the generation, so a
stale stage's rows are dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message
from textual.screen import Screen

from tui_reader.core.stories import StoryError, StoryMeta
from tui_reader.library.finder import Found
from tui_reader.library.identity import assign_ids
from tui_reader.library.index import Item, LibraryIndex, sort_newest_first
from tui_reader.library.order import LABELS, Sort, sort_items
from tui_reader.notes.outcomes import Failed
from tui_reader.storage.store import Store
from tui_reader.ui.screens.feed_picker import ALL, LOCAL
from tui_reader.ui.widgets.inert import inert, plain
from tui_reader.ui.widgets.story_list import StoryList, StoryRow

if TYPE_CHECKING:
    from tui_reader.notes.regroup import Regrouped

__all__ = ["Filters", "LibraryPart", "to_row"]

Stage = Literal["head", "cached", "scan", "final"]


def to_row(item: Item, detail: str = "", in_note: bool = False) -> StoryRow:
    """Turn a library entry into a list row (``detail``: where a search matched it)."""
    if isinstance(item, StoryError):
        # File names and reasons may hold anything a file system allows, escapes included.
        return StoryRow(
            key=str(item.path), story_id="", title=plain(item.path.name), error=plain(item.reason)
        )
    return StoryRow(
        key=str(item.path),
        story_id=item.story_id,
        title=item.title,
        date=item.date,
        source=item.feed or item.source or "",
        feed=item.feed or "",
        detail=detail,
        in_note=in_note,
    )


def same_files(a: Sequence[Item], b: Sequence[Item]) -> bool:
    """True when two scans list the same files, unchanged (by path, size and mtime)."""

    def key(item: Item) -> tuple[str, int, int]:
        if isinstance(item, StoryError):
            return (str(item.path), -1, -1)
        return (str(item.path), item.size, item.mtime_ns)

    return len(a) == len(b) and sorted(map(key, a)) == sorted(map(key, b))


@dataclass(frozen=True)
class Filters:
    """What the story list is narrowed to."""

    bookmarked: frozenset[str] | None = None
    """Only these story ids (``B``), or None for all."""
    feed: str = ALL
    """One feed's stories, local files only, or all (``F``; see :mod:`.feed_picker`)."""
    search: str = ""
    """The search as typed (``/``)."""
    found: Found | None = None
    """What the search found, in its order (None: no search, the whole library)."""
    error: str = ""
    """Why the search cannot run (shown instead of rows)."""
    order: Sort = "newest"
    """The list's order (``S``)."""
    search_order: Sort | None = None
    """The order of search results (None: best match first)."""
    hide: frozenset[str] | None = None
    """Read stories to leave out (``H``), or None to show them."""


class LibraryPart:
    """Loads the library for a screen and says which rows a set of filters shows."""

    class Loaded(Message):
        """A stage of loading brought rows (``items`` None: the scan found nothing changed).

        The rows are ready to list: ids unique across the folders, newest first (the worker
        that read them did that, not the UI thread)."""

        def __init__(self, generation: int, stage: Stage, items: list[Item] | None) -> None:
            super().__init__()
            self.generation = generation
            self.stage = stage
            self.items = items

    def __init__(
        self,
        host: Screen[Any],
        roots: Sequence[Path],
        index: LibraryIndex,
        store: Store,
        regrouped: Callable[[], None] = lambda: None,
    ) -> None:
        self.host = host
        self.store = store
        self._regrouped = regrouped
        """Called when notes moved to other story ids (the screen redraws them)."""
        self.roots = tuple(roots)
        """The folders shown as one library."""
        self.extra_roots: tuple[Path, ...] = ()
        """Folders shown too once they exist (where saved pages go, when that is elsewhere)."""
        self.index = index
        self.items: list[Item] = []
        """Every entry, newest first."""
        self.generation = 0
        self.settled = False
        """The last (re)load has scanned every folder: the rows are the files as they are."""
        self._cached: list[Item] = []
        self._sorted: dict[str, list[Item]] = {}
        self._rows: dict[str, list[StoryRow]] = {}
        """The whole list's rows per order (``esc`` after a search draws them again)."""
        self._title = "Stories"
        self._drawn_title = ""
        """The list's border title as last set."""

    # ----- loading -------------------------------------------------------------------------

    def load(self, first_frame: Callable[[Loaded], None] | None = None) -> None:
        """(Re)load the library: cached rows first, then a scan of the folders.

        With ``first_frame``, the cached first rows are read at once and handed to it, for the
        screen to show in the frame it is about to draw: they are a small file kept for exactly
        that. The rest comes from workers, as :class:`Loaded` messages.
        """
        self.generation += 1
        self.settled = False
        generation = self.generation
        self._cached = []
        if first_frame is not None:
            first_frame(self.Loaded(generation, "head", self._head_rows()))
        else:
            self._run(lambda: self._head(generation))

    def _run(self, work: Any) -> None:
        self.host.run_worker(work, thread=True, group="library", exit_on_error=False)

    def folders(self) -> tuple[Path, ...]:
        """The folders to show now: the library's, and the extra ones that exist."""
        extra = tuple(p for p in self.extra_roots if p not in self.roots and p.is_dir())
        return self.roots + extra

    def _ready(self, items: list[Item]) -> list[Item]:
        # Ids unique across the folders too (each folder's index makes them unique in it).
        return sort_newest_first(assign_ids(items, self.folders()))

    def _head_rows(self) -> list[Item]:
        return self._ready([row for root in self.folders() for row in self.index.load_head(root)])

    def _head(self, generation: int) -> None:
        self.host.post_message(self.Loaded(generation, "head", self._head_rows()))

    def _full_cache(self, generation: int) -> None:
        cached = [row for root in self.folders() for row in self.index.load(root)]
        self._cached = cached
        self.host.post_message(self.Loaded(generation, "cached", self._ready(cached)))

    def _scan(self, generation: int) -> None:
        seen: list[Item] = []
        cached = self._cached

        def batch(items: list[Item]) -> None:
            # A cold start fills the list as files are parsed, so it is usable at once.
            seen.extend(items)
            if not cached and generation == self.generation:
                self.host.post_message(self.Loaded(generation, "scan", self._ready(seen)))

        fresh = [
            row
            for root in self.folders()
            # A first batch of three screens of 40 rows: a cold start shows rows once ~120
            # files are parsed (each one parsed before the list shows delays it).
            for row in self.index.refresh(root, batch, batch_size=2500, first_batch=120)
        ]
        # Imported here, in the worker: the document model is not needed for the first frame.
        from tui_reader.core.document import warm_up

        warm_up()  # so the first story opened does not wait for the Markdown parser to load
        unchanged = bool(cached) and same_files(cached, fresh)
        ready = None if unchanged else self._ready(fresh)
        self.host.post_message(self.Loaded(generation, "final", ready))

    def loaded(self, message: Loaded) -> bool:
        """Take a stage's rows (True when the list must be redrawn) and start the next stage.

        The next stage starts after the screen has painted these rows, so 10,000 stats never
        compete with the first paint for the CPU.
        """
        if message.generation != self.generation:
            return False  # a rescan started since: stale rows are dropped
        generation = message.generation
        if message.stage == "final":
            roots = self.folders()
            stories = [row for row in message.items or self.items if isinstance(row, StoryMeta)]
            self._run(lambda: self._regroup(stories, roots))
            # The library (and the store read before it) stays for the session: move it out of
            # the collector's reach, or each full collection walks it all again (~0.1 s with 10k
            # stories and notes, landing in the middle of a keypress).
            gc.freeze()
        if message.stage == "head":
            self.host.call_after_refresh(self._run, lambda: self._full_cache(generation))
        elif message.stage == "cached":
            self.host.call_after_refresh(self._run, lambda: self._scan(generation))
        if message.items is None or (message.stage != "final" and not message.items):
            return False
        self.items = message.items
        self._sorted, self._rows = {"newest": self.items}, {}
        return True

    def _regroup(self, stories: list[StoryMeta], roots: Sequence[Path]) -> None:
        # In a worker: it may read the files of stories that shared an id.
        places = [*roots, *(root.resolve() for root in roots)]  # as typed, and resolved
        from tui_reader.notes.regroup import regroup  # in the worker: not at start-up

        outcome = regroup(self.store, stories, roots=places)
        self.host.app.call_from_thread(self._show_regrouped, outcome)

    def _show_regrouped(self, outcome: Regrouped | Failed) -> None:
        if isinstance(outcome, Failed):
            self.host.notify(outcome.message, severity="error", timeout=20)
            return
        if outcome.moved:
            kept = f"; {outcome.copied} kept on more than one" if outcome.copied else ""
            self.host.notify(
                f"{outcome.moved} note(s) saved on stories that shared one id are now on "
                f"their own story{kept} (s shows them)",
                timeout=10,
            )
        if outcome.changed:
            self._regrouped()

    def finished(self, story_list: StoryList, *, reopen: bool) -> bool:
        """The final scan is in: say what could not be read, and (with ``reopen``) put the
        cursor on the story open last time. True when the list must be redrawn (it is empty)."""
        self.settled = True
        errors = self.errors()
        if errors:
            self.host.notify(f"{errors} file(s) could not be read: see the ✗ rows", timeout=6)
        last = self.store.last_open()
        if reopen and last:
            row = next((row for row in story_list.rows if row.story_id == last), None)
            if row is not None:
                story_list.select_key(row.key)
        if self.items:
            return False
        story_list.empty_message = "No stories in " + " or ".join(map(str, self.roots))
        return True

    # ----- rows ----------------------------------------------------------------------------

    def listed_ids(self) -> frozenset[str]:
        """The ids of every story in the library."""
        return frozenset(item.story_id for item in self.items if isinstance(item, StoryMeta))

    def errors(self) -> int:
        """How many files could not be read."""
        return sum(isinstance(item, StoryError) for item in self.items)

    def rows(self, filters: Filters) -> list[StoryRow]:
        """The rows ``filters`` leave, in list order."""
        if filters.found is not None:
            rows = [to_row(m.meta, m.hit.snippet, m.hit.in_note) for m in filters.found.matches]
        else:
            rows = self._all_rows(filters.order)
        if filters.bookmarked is not None:
            rows = [row for row in rows if row.story_id in filters.bookmarked]
        if filters.feed == LOCAL:
            rows = [row for row in rows if row.error is None and not row.feed]
        elif filters.feed != ALL:
            rows = [row for row in rows if row.feed == filters.feed]
        if filters.hide is not None:
            rows = [row for row in rows if row.story_id not in filters.hide]
        return rows

    def _all_rows(self, order: Sort) -> list[StoryRow]:
        rows = self._rows.get(order)
        if rows is None:
            rows = [to_row(item) for item in self.ordered(order)]
            if order != "unread":  # that order follows the read marks: never kept
                self._rows[order] = rows
        return rows

    def ordered(self, order: Sort) -> list[Item]:
        """Every entry in ``order`` (kept until the library changes; unread first is not)."""
        if order == "unread":
            return sort_items(self.items, order, self.store.read_ids())
        if order not in self._sorted:
            self._sorted[order] = sort_items(self.items, order)
        return self._sorted[order]

    def feed_counts(self) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
        """``(unread, total)`` stories per feed name, and of local stories (from no feed)."""
        read = self.store.read_ids()
        counts: dict[str, tuple[int, int]] = {}
        local = (0, 0)
        for item in self.items:
            if isinstance(item, StoryMeta):
                unread = int(item.story_id not in read)
                old = counts.get(item.feed, (0, 0)) if item.feed else local
                new = (old[0] + unread, old[1] + 1)
                if item.feed:
                    counts[item.feed] = new
                else:
                    local = new
        return counts, local

    def show(self, story_list: StoryList, filters: Filters, *, marks: bool = True) -> None:
        """Show the rows ``filters`` leave, with a border title and an empty message to match
        (and the markers redrawn from the store, unless ``marks`` is False)."""
        rows = [] if filters.error else self.rows(filters)
        title = "Bookmarks" if filters.bookmarked is not None else "Stories"
        if filters.feed:
            title += " · " + ("local files" if filters.feed == LOCAL else filters.feed)
        query = filters.search
        if query:
            order = LABELS[filters.search_order or "relevance"]
            title += f" matching “{query}”, {order}"
        elif filters.order != "newest":
            title += f", {LABELS[filters.order]}"
        if filters.hide is not None:
            title += ", unread only"
        self._title = title
        if filters.error:
            story_list.empty_message = f"{filters.error}  (/ to change the search, esc clears it)"
        elif query and not rows and filters.found is not None and not filters.found.complete:
            story_list.empty_message = "Nothing found yet: the search index is still being built."
        elif query and not rows:
            story_list.empty_message = "Nothing matches: / to change the search, esc clears it."
        elif filters.hide is not None and not rows:
            story_list.empty_message = "No unread stories here: H shows the read ones too."
        elif filters.feed and not rows:
            story_list.empty_message = "No stories from this feed: F picks another."
        elif filters.bookmarked is not None and not rows:
            story_list.empty_message = "No bookmarks yet: press b on a story. B shows all."
        if marks:
            self.show_marks(story_list)
        story_list.set_rows(rows)
        self._count(story_list)

    def show_marks(self, story_list: StoryList) -> None:
        """Redraw the bookmark, unread and note-count markers from the store."""
        story_list.set_marks(
            bookmarked=set(self.store.bookmarks()),
            read=self.store.read_ids(),
            note_counts=self.store.annotation_counts(),
        )
        self._count(story_list)

    def _count(self, story_list: StoryList) -> None:
        # The query is typed by the user and feed names come from feeds: never markup.
        listed = [row for row in story_list.rows if row.error is None]
        unread = sum(row.story_id not in story_list.read for row in listed)
        title = f"{self._title} · {unread}/{len(listed)} unread"
        if title != self._drawn_title:  # setting a border title repaints the whole list
            self._drawn_title = title
            story_list.border_title = inert(title)

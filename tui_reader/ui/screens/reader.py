"""The main screen: story list, article and notes sidebar, and the wiring between them.

State lives here and flows down into the widgets; the widgets report up with messages.
Blocking work (scanning the library, reading and anchoring a story) runs in thread workers.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import DescendantFocus, Key, Resize
from textual.message import Message
from textual.widgets import Footer, Static

from tui_reader.core.document import warm_up
from tui_reader.core.stories import StoryError, StoryMeta
from tui_reader.library.index import LibraryIndex, sort_newest_first
from tui_reader.ui.screens.bookmarking import BookmarkingScreen
from tui_reader.ui.screens.feed_picker import ALL, LOCAL
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.inert import inert, plain
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList, StoryRow

if TYPE_CHECKING:
    from tui_reader.feeds.refresh import RefreshReport
    from tui_reader.storage.store import FeedRecord, Store

NARROW_WIDTH = 110
"""Below this many columns the panes stack and the notes sidebar becomes a toggle."""

MIN_WIDTH, MIN_HEIGHT = 30, 10
"""Below this the panes would be garbage; a clear message is shown instead."""


def _same_files(a: list[StoryMeta | StoryError], b: list[StoryMeta | StoryError]) -> bool:
    """True when two scans list the same files, unchanged (by path, size and mtime)."""

    def key(item: StoryMeta | StoryError) -> tuple[str, int, int]:
        if isinstance(item, StoryError):
            return (str(item.path), -1, -1)
        return (str(item.path), item.size, item.mtime_ns)

    return len(a) == len(b) and sorted(map(key, a)) == sorted(map(key, b))


def to_row(item: StoryMeta | StoryError) -> StoryRow:
    """Turn a library entry into a list row."""
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
    )


class ReaderScreen(BookmarkingScreen):
    """Three panes: stories, the open article, its notes.

    | Key | Action |
    | --- | --- |
    | `tab` / `shift+tab` | next / previous pane |
    | `[` / `]` | previous / next story |
    | `b` / `B` | bookmark / show only bookmarks |
    | `t` | tag the bookmark |
    | `s` | show or hide the notes sidebar |
    | `u` | undo the last delete |
    | `y` / `o` | copy (OSC 52) / show the URL |
    | `r` | refresh the feeds and rescan the stories folder |
    | `F` | show one feed's stories (or all) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cycle(1)", "Next pane", show=False, id="reader.next_pane"),
        Binding("shift+tab", "cycle(-1)", "Prev pane", show=False, id="reader.previous_pane"),
        Binding("right_square_bracket", "step(1)", "Next story", id="reader.next_story"),
        Binding(
            "left_square_bracket", "step(-1)", "Prev story", show=False, id="reader.prev_story"
        ),
        Binding("b", "toggle_bookmark", "Bookmark", id="reader.bookmark"),
        Binding("B", "toggle_filter", "Bookmarks", id="reader.bookmarks_only"),
        Binding("t", "tags", "Tags", show=False, id="reader.tags"),
        Binding("s", "toggle_sidebar", "Notes", id="reader.sidebar"),
        Binding("u", "undo", "Undo", show=False, id="reader.undo"),
        Binding("y", "copy", "Copy", id="reader.copy"),
        Binding("o", "show_url", "URL", show=False, id="reader.url"),
        Binding("r", "refresh", "Refresh feeds", show=False, id="reader.refresh"),
        Binding("F", "pick_feed", "Show a feed", show=False, id="reader.feed_filter"),
        Binding("escape", "back", "Back", show=False, id="reader.back"),
    ]

    class LibraryLoaded(Message):
        """A batch of library entries is ready (``final`` once the scan is complete)."""

        def __init__(self, items: list[StoryMeta | StoryError] | None, final: bool) -> None:
            super().__init__()
            self.items = items
            """None: the final scan found the cached list unchanged."""
            self.final = final

    class FeedProgress(Message):
        """One feed finished refreshing (``report`` None: the refresh is starting)."""

        def __init__(self, report: RefreshReport | None, done: int, total: int) -> None:
            super().__init__()
            self.report = report
            self.done = done
            self.total = total

    class FeedsDone(Message):
        """Every feed has been refreshed; ``reports`` holds one per feed."""

        def __init__(self, reports: list[RefreshReport]) -> None:
            super().__init__()
            self.reports = reports

    def __init__(
        self,
        stories_dirs: Path | Sequence[Path],
        store: Store,
        index: LibraryIndex,
        *,
        refresh_minutes: float = 0,
    ) -> None:
        super().__init__(store)
        self.refresh_minutes = refresh_minutes
        """Refresh the feeds this often (0: only on ``r``); see ``refresh_minutes`` in config."""
        roots = (stories_dirs,) if isinstance(stories_dirs, Path) else tuple(stories_dirs)
        self.stories_dirs = roots
        """The library: one folder, or the bundled stories plus the default feeds folder."""
        self.stories_dir = roots[0]
        self.index = index
        self.items: list[StoryMeta | StoryError] = []
        self.bookmarks_only = False
        self.feed_filter = ""
        """Show only this feed's stories (``F``); "" for all (see :mod:`.feed_picker`)."""
        self.refreshing = False
        self._quiet_refresh = False
        """The running refresh was started by the timer: say only what is new or failed."""
        self._cancel_feeds = threading.Event()
        self.search = ""
        """Words every listed title must contain (``/``)."""
        self.searching = False
        """True while a search is being typed."""
        self.sidebar_visible = True
        self._first_paint = threading.Event()

    def compose(self) -> ComposeResult:
        """The three panes and the footer."""
        with Horizontal(id="panes"):
            yield StoryList(id="stories")
            yield Article(id="article")
            yield NotesSidebar(id="notes")
        yield Static("", id="too-small")
        yield SearchLine(id="search")
        yield Footer()

    def on_mount(self) -> None:
        """Start scanning the library and listen for other sessions' changes."""
        self.query_one(StoryList).focus()
        self.query_one(StoryList).border_title = "Stories"
        self.query_one(Article).border_title = "Article"
        self._apply_layout(self.size.width, self.size.height)
        self.load_library()
        self.set_interval(5.0, self.refresh_from_disk)
        if self.refresh_minutes > 0:
            self.set_interval(self.refresh_minutes * 60, self.timed_refresh)
        self.call_after_refresh(self.offer_draft)
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=30, markup=False)

    # ----- layout ------------------------------------------------------------------------

    def _apply_layout(self, width: int, height: int) -> None:
        self.set_class(width < NARROW_WIDTH, "narrow")
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "too-small")
        self.query_one("#too-small", Static).update(
            f"Terminal too small ({width}x{height}).\n"
            f"tui-reader needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window."
        )
        self.query_one(NotesSidebar).display = self.sidebar_visible and (
            width >= NARROW_WIDTH or self.has_class("show-notes")
        )

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """While reading in a small terminal, the list gives the article more room."""
        self.set_class(isinstance(event.widget, Article), "reading")

    def on_resize(self, event: Resize) -> None:
        """Switch between the wide and the stacked layout."""
        self._apply_layout(event.size.width, event.size.height)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the notes sidebar."""
        notes = self.query_one(NotesSidebar)
        if self.size.width < NARROW_WIDTH:
            self.toggle_class("show-notes")
            self.sidebar_visible = True
        else:
            self.sidebar_visible = not self.sidebar_visible
        self._apply_layout(self.size.width, self.size.height)
        if notes.display and notes.entries:
            notes.focus()
        elif not notes.display and notes.has_focus:
            self.query_one(Article).focus()

    def _panes(self) -> list[StoryList | Article | NotesSidebar]:
        panes: list[StoryList | Article | NotesSidebar] = [
            self.query_one(StoryList),
            self.query_one(Article),
        ]
        if self.query_one(NotesSidebar).display:
            panes.append(self.query_one(NotesSidebar))
        return panes

    def action_cycle(self, step: int) -> None:
        """Move focus to the next (or previous) pane."""
        panes = self._panes()
        current = next((i for i, pane in enumerate(panes) if pane.has_focus), 0)
        panes[(current + step) % len(panes)].focus()

    def action_back(self) -> None:
        """``esc`` outside a selection goes back to the story list."""
        self.query_one(StoryList).focus()

    # ----- library -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self) -> None:
        """Show the cached index at once, then rescan and show the result."""
        head = [row for root in self.stories_dirs for row in self.index.load_head(root)]
        if head:
            # The newest rows first, so a large library shows at once; the rest follows.
            self._show_and_wait(head)
        cached = [row for root in self.stories_dirs for row in self.index.load(root)]
        if cached:
            # Let the list paint before 10,000 stats compete with it for the CPU.
            self._show_and_wait(cached)
        seen: list[StoryMeta | StoryError] = []

        def batch(items: list[StoryMeta | StoryError]) -> None:
            # A cold start fills the list as files are parsed, so it is usable at once.
            seen.extend(items)
            if not cached:
                self.post_message(self.LibraryLoaded(list(seen), final=False))

        fresh = [
            row
            for root in self.stories_dirs
            for row in self.index.refresh(root, batch, batch_size=2500)
        ]
        warm_up()  # so the first story opened does not wait for the Markdown parser to load
        if cached and _same_files(cached, fresh):
            self.post_message(self.LibraryLoaded(None, final=True))  # nothing to redraw
        else:
            self.post_message(self.LibraryLoaded(fresh, final=True))

    def _show_and_wait(self, items: list[StoryMeta | StoryError]) -> None:
        """From the worker: show ``items`` (not final) and wait until they are painted."""
        self._first_paint.clear()
        self.post_message(self.LibraryLoaded(items, final=False))
        self._first_paint.wait(timeout=1.0)

    def action_rescan(self) -> None:
        """Rescan the stories folder."""
        self.notify("Rescanning stories…", timeout=2, markup=False)
        self.load_library()

    # ----- feeds -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Refresh the feeds writing into this library (in the background), then rescan."""
        if self.refreshing:
            self.notify("Already refreshing the feeds…", timeout=3, markup=False)
            return
        self.store.refresh()  # a feed added from another terminal since we started
        feeds = self.store.feeds_writing_to(*self.stories_dirs)
        if not feeds:
            self.action_rescan()
            return
        self._start_refresh(feeds, quiet=False)

    def timed_refresh(self) -> None:
        """The ``refresh_minutes`` timer: refresh quietly unless a refresh is running."""
        if self.refreshing:
            return
        self.store.refresh()
        feeds = self.store.feeds_writing_to(*self.stories_dirs)
        if feeds:
            self._start_refresh(feeds, quiet=True)

    def _start_refresh(self, feeds: list[FeedRecord], *, quiet: bool) -> None:
        self._quiet_refresh = quiet
        self.refreshing = True
        self._cancel_feeds.clear()
        self._show_feed_progress(0, len(feeds))
        self.refresh_feeds(feeds)

    @work(thread=True, group="feeds", exit_on_error=False)
    def refresh_feeds(self, feeds: list[FeedRecord]) -> None:
        """Fetch ``feeds`` a few at a time, reporting each as it finishes."""
        from tui_reader.feeds.refresh import refresh_feeds  # feedparser: loaded on first use

        done = 0
        lock = threading.Lock()

        def report(result: RefreshReport) -> None:
            nonlocal done
            with lock:
                done += 1
                self.post_message(self.FeedProgress(result, done, len(feeds)))

        reports = refresh_feeds(self.store, feeds, report, cancel=self._cancel_feeds)
        self.post_message(self.FeedsDone(reports))

    def _show_feed_progress(self, done: int, total: int) -> None:
        subtitle = f"refreshing feeds {done}/{total}…" if done < total else ""
        self.query_one(StoryList).border_subtitle = subtitle

    @on(FeedProgress)
    def _feed_progress(self, message: FeedProgress) -> None:
        self._show_feed_progress(message.done, message.total)
        if message.report is not None and not message.report.ok:
            self.notify(message.report.summary, severity="warning", timeout=12, markup=False)

    @on(FeedsDone)
    def _feeds_done(self, message: FeedsDone) -> None:
        self.refreshing = False
        self._show_feed_progress(1, 1)
        reports = message.reports
        added = sum(len(r.added) for r in reports)
        updated = sum(len(r.updated) for r in reports)
        failed = [r for r in reports if not r.ok]
        text = f"Feeds refreshed: {added} new, {updated} updated"
        if failed:
            text += f"; {len(failed)} of {len(reports)} failed (see the messages)"
        if not self._quiet_refresh or added or updated or failed:
            self.notify(text, severity="warning" if failed else "information", markup=False)
        changed = {path.resolve() for report in reports for path in report.updated}
        if self.story is not None and self.story.path.resolve() in changed:
            self.notify(
                f"“{self.story.title}” changed upstream: press enter on it to reload "
                "(your notes re-anchor)",
                timeout=10,
                markup=False,
            )
        self.load_library()

    def on_unmount(self) -> None:
        """Stop fetching feeds: downloads still running give up at their next read."""
        self._cancel_feeds.set()

    def action_pick_feed(self) -> None:
        """Choose a feed to show only its stories (or all stories again)."""
        from tui_reader.ui.screens.feed_picker import FeedPicker

        feeds = self.store.feeds_writing_to(*self.stories_dirs)
        counts: dict[str, int] = {feed.name: 0 for feed in feeds}
        problems = {feed.name: feed.error for feed in feeds if feed.error}
        local = 0
        for item in self.items:
            if isinstance(item, StoryMeta):
                if item.feed:
                    counts[item.feed] = counts.get(item.feed, 0) + 1
                else:
                    local += 1
        if not counts:
            self.notify(
                "No stories from feeds here. Add a feed: tui-reader feeds add URL",
                timeout=6,
                markup=False,
            )
            return

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.feed_filter = choice
                self._show_rows()
                self.query_one(StoryList).focus()

        self.app.push_screen(FeedPicker(counts, local, self.feed_filter, problems), chosen)

    def _rows_of_feed(self, rows: list[StoryRow]) -> list[StoryRow]:
        if self.feed_filter == LOCAL:
            return [row for row in rows if row.error is None and not row.feed]
        if self.feed_filter == ALL:
            return rows
        return [row for row in rows if row.feed == self.feed_filter]

    @on(LibraryLoaded)
    def _library_loaded(self, message: LibraryLoaded) -> None:
        story_list = self.query_one(StoryList)
        if message.items is not None:
            self.items = sort_newest_first(message.items)
            if message.final and not self.items:
                where = " or ".join(str(root) for root in self.stories_dirs)
                story_list.empty_message = plain(f"No stories in {where}")
            self._show_rows()
        if not message.final:
            self.call_after_refresh(self._first_paint.set)
        if message.final:
            errors = sum(isinstance(item, StoryError) for item in self.items)
            if errors:
                self.notify(
                    f"{errors} file(s) could not be read: see the ✗ rows", timeout=6, markup=False
                )
            last = self.store.last_open()
            if self.story is None and last:
                for row in story_list.rows:
                    if row.story_id == last:
                        story_list.select_key(row.key)
                        break

    def _show_rows(self) -> None:
        rows = [to_row(item) for item in self.items]
        if self.bookmarks_only:
            marked = set(self.store.bookmarks())
            rows = [row for row in rows if row.story_id in marked]
        if self.feed_filter:
            rows = self._rows_of_feed(rows)
        if self.search.strip():
            words = self.search.casefold().split()
            rows = [row for row in rows if all(w in row.title.casefold() for w in words)]
        story_list = self.query_one(StoryList)
        title = "Bookmarks" if self.bookmarks_only else "Stories"
        if self.feed_filter:
            title += " · " + ("local files" if self.feed_filter == LOCAL else self.feed_filter)
        query = self.search.strip()
        # The query is typed by the user and feed names come from feeds: never markup.
        story_list.border_title = inert(f"{title} matching “{query}”" if query else title)
        if query and not rows:
            story_list.empty_message = "No title matches: / to change the search, esc clears it."
        elif self.feed_filter and not rows:
            story_list.empty_message = "No stories from this feed: F picks another."
        elif self.bookmarks_only and not rows:
            story_list.empty_message = "No bookmarks yet: press b on a story. B shows all."
        self._refresh_marks()
        story_list.set_rows(rows)

    def open_search(self) -> None:
        """Start typing a search (``/``, bound on the app): printable keys go to the query."""
        self.searching = True
        self._show_search()

    def search_key(self, event: Key) -> bool:
        """Take a key while searching; return True if it was used."""
        if not self.searching:
            return False
        if event.key == "enter":
            self.searching = False
        elif event.key == "escape":
            self.searching, self.search = False, ""
            self._show_rows()
        elif event.key == "backspace":
            self.search = self.search[:-1]
            self._show_rows()
        elif event.is_printable and event.character:
            self.search += event.character
            self._show_rows()
        else:
            return False  # arrows, page keys: still move in the list
        self._show_search()
        return True

    def _show_search(self) -> None:
        line = self.query_one(SearchLine)
        line.display = self.searching or bool(self.search)
        line.show(self.search, self.searching)

    def _refresh_marks(self) -> None:
        self.query_one(StoryList).set_marks(
            bookmarked=set(self.store.bookmarks()),
            read=self.store.read_ids(),
            note_counts=self.store.annotation_counts(),
        )

    def refresh_from_disk(self) -> None:
        """Pick up bookmarks and notes another session saved."""
        if self.store.refresh():
            self._refresh_marks()
            if self.story is not None and self.document is not None:
                self._reload_annotations()

    # ----- opening stories ---------------------------------------------------------------

    @on(StoryList.Selected)
    def _open_selected(self, message: StoryList.Selected) -> None:
        self.open_row(message.row)

    def open_row(self, row: StoryRow) -> None:
        """Load ``row``'s story in the background (the article takes focus when shown)."""
        if row.error is not None:
            self.notify(f"{row.title}: {row.error}", severity="error", timeout=8, markup=False)
            return
        listed = frozenset(item.story_id for item in self.items if isinstance(item, StoryMeta))
        self.open_story(Path(row.key), listed)

    def action_step(self, step: int) -> None:
        """Open the previous/next story in the list."""
        story_list = self.query_one(StoryList)
        if self.story is not None and story_list.current is not None:
            if story_list.current.story_id == self.story.story_id:
                story_list.move_to(story_list.cursor + step)
        elif self.story is None and step < 0:
            return
        row = story_list.current
        if row is not None:
            self.open_row(row)

    def _bookmarks_changed(self) -> None:
        """With the bookmarks-only filter on, the list itself changes."""
        if self.bookmarks_only:
            self._show_rows()
        else:
            self._refresh_marks()

    def action_toggle_filter(self) -> None:
        """Show only bookmarked stories, or all again."""
        self.bookmarks_only = not self.bookmarks_only
        self._show_rows()
        self.query_one(StoryList).focus()

"""The main screen: story list, article and notes sidebar, composed with the parts that load
the library, open stories, refresh feeds and handle notes and bookmarks.

The screen holds the state that drives what is drawn (filters, the search, the sidebar) as
reactives and routes messages between its widgets and parts; the parts do the work, and the
services under them (:mod:`tui_reader.notes`) do every write.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import DescendantFocus, Key, Resize
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from tui_reader.core.document import Document
from tui_reader.core.stories import Story, StoryError
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.service import AnnotationService
from tui_reader.storage.store import Store
from tui_reader.ui.parts.bookmarks import BookmarksPart
from tui_reader.ui.parts.feeds import FeedsPart
from tui_reader.ui.parts.library import Filters, LibraryPart
from tui_reader.ui.parts.notes import NotesPart
from tui_reader.ui.parts.opening import StoryOpener
from tui_reader.ui.parts.panes import apply_layout, cycle_focus, toggle_sidebar
from tui_reader.ui.parts.search import search_key
from tui_reader.ui.screens.feed_picker import ALL
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.footer import KeyBar
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList, StoryRow

DRAFT_SAVE_SECONDS = 2.0
"""How often a note being typed is written as a draft (a hang-up also writes it at once)."""


class ReaderScreen(Screen[None]):
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

    bookmarks_only = var(False)
    """Show only bookmarked stories (``B``)."""
    feed_filter = var(ALL)
    """Show only this feed's stories (``F``): a feed name, ``ALL`` or ``LOCAL``."""
    search = var("")
    """Words every listed title must contain (``/``)."""
    searching = var(False)
    """True while a search is being typed."""
    sidebar_visible = var(True)
    """Whether the notes sidebar is wanted (in a narrow terminal it is a toggle)."""

    def __init__(
        self,
        stories_dirs: Path | Sequence[Path],
        store: Store,
        index: LibraryIndex,
        *,
        refresh_minutes: float = 0,
    ) -> None:
        super().__init__()
        roots = (stories_dirs,) if isinstance(stories_dirs, Path) else tuple(stories_dirs)
        self.stories_dirs = roots
        """The library: one folder, or the bundled stories plus the default feeds folder."""
        self.store = store
        self.refresh_minutes = refresh_minutes
        """Refresh the feeds this often (0: only on ``r``); see ``refresh_minutes`` in config."""
        self.notes = AnnotationService(store)
        self.reading = ReadingState(store)
        self.library = LibraryPart(self, roots, index, store)
        self.opener = StoryOpener(self, self.notes, self.reading)
        self.feeds = FeedsPart(self, store, roots)
        self.notes_ui = NotesPart(self, self.notes, self.opened, self.reanchor)
        self.bookmarks = BookmarksPart(self, self.reading, self._bookmarks_changed)

    # ----- the open story ------------------------------------------------------------------

    @property
    def story(self) -> Story | None:
        """The story in the article, if any."""
        return self.query_one(Article).story if self.is_mounted else None

    def opened(self) -> tuple[Story, Document] | None:
        """The open story and its document, if any."""
        article = self.query_one(Article)
        if article.story is None or article.document is None:
            return None
        return article.story, article.document

    def reanchor(self) -> None:
        """The open story's notes changed: re-anchor them (in a worker) and redraw."""
        opened = self.opened()
        if opened is not None:
            self.opener.reanchor(opened[0], opened[1].text)
        self._refresh_marks()

    # ----- composing -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The three panes and the footer."""
        with Horizontal(id="panes"):
            yield StoryList(id="stories")
            yield Article(id="article")
            yield NotesSidebar(id="notes")
        yield Static("", id="too-small")
        yield SearchLine(id="search")
        yield KeyBar()

    def on_mount(self) -> None:
        """Start loading the library; listen for other sessions' changes; keep drafts."""
        self.query_one(StoryList).focus().border_title = "Stories"
        self.query_one(Article).border_title = "Article"
        apply_layout(self, self.size.width, self.size.height, self.sidebar_visible)
        self.library.load(first_frame=self._library_loaded)  # cached rows: in the first frame
        self.set_interval(5.0, self.refresh_from_disk)
        self.set_interval(DRAFT_SAVE_SECONDS, self._flush_draft)
        if self.refresh_minutes > 0:
            self.set_interval(self.refresh_minutes * 60, self.timed_refresh)
        self.call_after_refresh(self.notes_ui.offer_draft)
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=30)

    def on_unmount(self) -> None:
        """Stop fetching feeds: downloads still running give up at their next read."""
        self.feeds.cancel()

    def flush(self) -> None:
        """Write the note being typed and the reading position (quit and hang-up)."""
        self.notes.flush_draft(force=True)
        self.save_position()

    def _flush_draft(self) -> None:
        failed = self.notes.flush_draft()
        if failed is not None:
            self.notify(failed.message, severity="error", timeout=20)

    def save_position(self) -> None:
        """Remember how far the open story was read."""
        story = self.story
        if story is not None:
            failed = self.reading.left_at(story.story_id, self.query_one(Article).top_offset)
            if failed is not None:
                self.notify(failed.message, severity="error", timeout=20)

    # ----- layout --------------------------------------------------------------------------

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """While reading in a small terminal, the list gives the article more room."""
        self.set_class(isinstance(event.widget, Article), "reading")

    def on_resize(self, event: Resize) -> None:
        """Switch between the wide and the stacked layout."""
        apply_layout(self, event.size.width, event.size.height, self.sidebar_visible)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the notes sidebar."""
        self.sidebar_visible = toggle_sidebar(self, self.sidebar_visible)

    def action_cycle(self, step: int) -> None:
        """Move focus to the next (or previous) pane."""
        cycle_focus(self, step)

    def action_back(self) -> None:
        """``esc`` outside a selection goes back to the story list."""
        self.query_one(StoryList).focus()

    # ----- the list ------------------------------------------------------------------------

    @on(LibraryPart.Loaded)
    def _library_loaded(self, message: LibraryPart.Loaded) -> None:
        if self.library.loaded(message):
            self._show_rows()
        final = message.stage == "final" and message.generation == self.library.generation
        if final and self.library.finished(self.query_one(StoryList), reopen=self.story is None):
            self._show_rows()  # empty: the list says so

    def _show_rows(self) -> None:
        marked = frozenset(self.store.bookmarks()) if self.bookmarks_only else None
        filters = Filters(bookmarked=marked, feed=self.feed_filter, search=self.search.strip())
        self.library.show(self.query_one(StoryList), filters)

    def watch_bookmarks_only(self) -> None:
        """Refilter when ``B`` is pressed."""
        if self.is_mounted:
            self._show_rows()

    def watch_feed_filter(self) -> None:
        """Refilter when a feed is picked."""
        if self.is_mounted:
            self._show_rows()

    def watch_search(self) -> None:
        """Refilter as the search is typed."""
        if self.is_mounted:
            self._show_rows()

    def _refresh_marks(self) -> None:
        self.library.show_marks(self.query_one(StoryList))

    def refresh_from_disk(self) -> None:
        """Pick up bookmarks and notes another session saved."""
        if self.store.refresh():
            self.reanchor()

    def _bookmarks_changed(self) -> None:
        # With the bookmarks-only filter on, the list itself changes.
        if self.bookmarks_only:
            self._show_rows()
        else:
            self._refresh_marks()

    def action_toggle_filter(self) -> None:
        """Show only bookmarked stories, or all again."""
        self.bookmarks_only = not self.bookmarks_only
        self.query_one(StoryList).focus()

    # ----- searching -----------------------------------------------------------------------

    def open_search(self) -> None:
        """Start typing a search (``/``, bound on the app): printable keys go to the query."""
        self.searching = True
        self._show_search()

    def search_key(self, event: Key) -> bool:
        """Take a key while searching (the app routes keys here first); True if used."""
        typed = search_key(event, self.search) if self.searching else None
        if typed is None:
            return False
        self.searching, self.search = typed.typing, typed.query
        self._show_search()
        return True

    def _show_search(self) -> None:
        line = self.query_one(SearchLine)
        line.display = self.searching or bool(self.search)
        line.show(self.search, self.searching)

    # ----- opening stories -----------------------------------------------------------------

    @on(StoryList.Selected)
    def _open_selected(self, message: StoryList.Selected) -> None:
        self.open_row(message.row)

    def open_row(self, row: StoryRow) -> None:
        """Load ``row``'s story in the background (the article takes focus when shown)."""
        if row.error is not None:
            self.notify(f"{row.title}: {row.error}", severity="error", timeout=8)
            return
        self.save_position()
        # Focus moves when the story is ready: the pane switch and the story then paint as one
        # frame, and the parse in the worker does not compete with a repaint for the CPU.
        article = self.query_one(Article)
        self.opener.open(
            Path(row.key), self.library.listed_ids(), article.layout_width(), self.app.console
        )

    def action_step(self, step: int) -> None:
        """Open the previous/next story in the list."""
        story_list = self.query_one(StoryList)
        story = self.story
        if story is not None and story_list.current is not None:
            if story_list.current.story_id == story.story_id:
                story_list.move_to(story_list.cursor + step)
        elif story is None and step < 0:
            return
        row = story_list.current
        if row is not None:
            self.open_row(row)

    @on(StoryOpener.Ready)
    def _story_ready(self, message: StoryOpener.Ready) -> None:
        if not self.opener.current(message.request):
            return  # the reader moved on: a stale story is dropped, not shown
        if isinstance(message.story, StoryError):
            self.notify(f"Could not open the story: {message.story.reason}", severity="error")
            return
        if self.opener.show(message.story, message, self.query_one(Article)):
            self.notes_ui.show([])  # a new story: its notes follow once re-anchored
            failed = self.reading.opened(message.story.story)
            if failed is not None:
                self.notify(failed.message, severity="error", timeout=20)
            self._refresh_marks()

    @on(StoryOpener.Anchored)
    def _notes_anchored(self, message: StoryOpener.Anchored) -> None:
        if self.opener.current(message.request) and self.story is not None:
            self.notes_ui.show(message.placed)

    # ----- notes, bookmarks, feeds: forwarded to their parts -------------------------------

    def on_article_annotate_requested(self, message: Article.AnnotateRequested) -> None:
        """Save a highlight at once, or open the note editor for a note."""
        self.notes_ui.annotate(message.start, message.end, message.with_note)

    def on_notes_sidebar_note_chosen(self, message: NotesSidebar.NoteChosen) -> None:
        """Show, edit or delete the chosen note."""
        self.notes_ui.chosen(message.annotation_id, message.intent)

    def on_article_note_reached(self, message: Article.NoteReached) -> None:
        """Keep the sidebar on the note ``n``/``N`` reached."""
        self.notes_ui.reached(message.annotation_id)

    def on_article_notice(self, message: Article.Notice) -> None:
        """Tell the reader what the article could not do."""
        self.notify(message.text, timeout=3)

    def action_undo(self) -> None:
        """Bring back the last deleted note."""
        self.notes_ui.undo()

    def action_copy(self) -> None:
        """Copy via OSC 52: the selection or note with a citation, else the story URL."""
        self.notes_ui.copy()

    def action_show_url(self) -> None:
        """Show the story's URL and links to copy by hand."""
        self.notes_ui.show_url()

    def action_toggle_bookmark(self) -> None:
        """Bookmark the story, or remove its bookmark."""
        self.bookmarks.toggle()

    def action_tags(self) -> None:
        """Tag the story's bookmark (bookmarking it if needed)."""
        self.bookmarks.tag()

    def action_refresh(self) -> None:
        """Refresh the feeds writing into this library (in the background), then rescan."""
        if not self.feeds.refresh(quiet=False):
            self.notify("Rescanning stories…", timeout=2)
            self.library.load()

    def timed_refresh(self) -> None:
        """The ``refresh_minutes`` timer: refresh quietly unless a refresh is running."""
        self.feeds.refresh(quiet=True)

    @on(FeedsPart.Progress)
    def _feed_progress(self, message: FeedsPart.Progress) -> None:
        self.feeds.progress(message, self.query_one(StoryList))

    @on(FeedsPart.Done)
    def _feeds_done(self, message: FeedsPart.Done) -> None:
        self.feeds.done(message, self.query_one(StoryList), self.story)
        self.library.load()

    def action_pick_feed(self) -> None:
        """Choose a feed to show only its stories (or all stories again)."""
        counts, local = self.library.feed_counts()
        if not counts and not self.store.feeds_writing_to(*self.stories_dirs):
            self.notify("No stories from feeds here. Add a feed: tui-reader feeds add URL")
            return

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.feed_filter = choice
                self._show_rows()
                self.query_one(StoryList).focus()

        self.feeds.pick(counts, local, self.feed_filter, chosen)

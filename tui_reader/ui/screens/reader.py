"""The main screen: story list, article and notes sidebar, composed with the parts that load
the library, open stories, refresh feeds and handle notes and bookmarks.

The screen holds the state that drives what is drawn (filters, the search, the sidebar) as
reactives and routes messages between its widgets and parts; the parts do the work, and the
services under them (:mod:`tui_reader.notes`) do every write.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import DescendantFocus, Key, Resize
from textual.screen import Screen
from textual.widgets import Static

from tui_reader.core.config import Config
from tui_reader.core.stories import Story
from tui_reader.library.finder import Finder
from tui_reader.library.index import LibraryIndex
from tui_reader.notes.layout import LayoutMemory
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.service import AnnotationService
from tui_reader.storage.store import Store
from tui_reader.ui.parts.apply import Apply
from tui_reader.ui.parts.bookmarks import BookmarksPart
from tui_reader.ui.parts.browser import BrowserPart
from tui_reader.ui.parts.feeds import FeedsPart
from tui_reader.ui.parts.keygate import KeyGate
from tui_reader.ui.parts.library import LibraryPart
from tui_reader.ui.parts.listing import Listing
from tui_reader.ui.parts.notes import DRAFT_SAVE_SECONDS, NotesPart
from tui_reader.ui.parts.opening import StoryOpener
from tui_reader.ui.parts.panes import Panes
from tui_reader.ui.parts.saving import SavingPart
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.footer import KeyBar
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.search_bar import SearchLine
from tui_reader.ui.widgets.story_list import StoryList, StoryRow

if TYPE_CHECKING:
    from tui_reader.core.document import Document


class ReaderScreen(Screen[None]):
    """Three panes: stories, the open article, its notes.

    | Key | Action |
    | --- | --- |
    | `tab` / `shift+tab` | next / previous pane |
    | `[` / `]` | previous / next story |
    | `b` / `B` | bookmark / show only bookmarks |
    | `t` | tag the bookmark |
    | `s` | show or hide the notes sidebar |
    | `z` | reading mode: the article alone, or the panes back |
    | `<` / `>` | the story list narrower / wider |
    | `u` | undo the last delete |
    | `y` / `o` | copy (OSC 52) / show the URL |
    | `r` | refresh the feeds and rescan the stories folder |
    | `F` | show one feed's stories, a saved search, or all |
    | `m` / `M` | mark read or unread / mark everything listed read |
    | `H` / `O` | hide read stories / change the order |
    | `+` / `f` | save the search / find in the open story |
    | `S` / `A` | save a web page (its URL) as a story / all notes, across stories |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cycle(1)", "Next pane", show=False, id="reader.next_pane"),
        Binding("shift+tab", "cycle(-1)", "Prev pane", show=False, id="reader.previous_pane"),
        Binding("right_square_bracket", "step(1)", "Next story", id="reader.next_story"),
        Binding(
            "left_square_bracket", "step(-1)", "Prev story", show=False, id="reader.prev_story"
        ),
        Binding("b", "toggle_bookmark", "Bookmark", id="reader.bookmark"),
        Binding("B", "list('bookmarks_only')", "Bookmarks", show=False, id="reader.bookmarks_only"),
        Binding("t", "tags", "Tags", show=False, id="reader.tags"),
        Binding("s", "toggle_sidebar", "Notes", id="reader.sidebar"),
        Binding("z", "reading_mode", "Reading mode", show=False, id="reader.reading_mode"),
        Binding("less_than_sign", "list_width(-4)", "Narrower list", False, id="reader.narrower"),
        Binding("greater_than_sign", "list_width(4)", "Wider list", False, id="reader.wider"),
        Binding("u", "undo", "Undo", show=False, id="reader.undo"),
        Binding("y", "copy", "Copy", show=False, id="reader.copy"),
        Binding("o", "show_url", "URL", show=False, id="reader.url"),
        Binding("r", "refresh", "Refresh feeds", show=False, id="reader.refresh"),
        Binding("F", "list('pick_feed')", "Show a feed", show=False, id="reader.feed_filter"),
        Binding("m", "list('mark_read')", "Mark read/unread", show=False, id="list.mark_read"),
        Binding("M", "list('mark_all_read')", "Mark all read", show=False, id="list.mark_all_read"),
        Binding("H", "list('hide_read')", "Hide read", show=False, id="list.hide_read"),
        Binding("O", "list('sort')", "Change order", show=False, id="list.sort"),
        Binding("plus", "list('save_search')", "Save search", show=False, id="list.save_search"),
        Binding("f", "list('find')", "Find in story", show=False, id="article.find"),
        Binding("S", "save_url", "Save a URL…", show=False, id="reader.save_url"),
        Binding("A", "all_notes", "All notes", show=False, id="reader.all_notes"),
        Binding("escape", "back", "Back", show=False, id="reader.back"),
    ]

    def __init__(
        self,
        stories_dirs: Path | Sequence[Path],
        store: Store,
        index: LibraryIndex,
        finder: Finder,
        config: Config | None = None,
        *,
        save_to: Path | None = None,
        layout: LayoutMemory | None = None,
    ) -> None:
        super().__init__()
        config = config or Config()
        roots = (stories_dirs,) if isinstance(stories_dirs, Path) else tuple(stories_dirs)
        self.stories_dirs = roots
        """The library: one folder, or the bundled stories plus the default feeds folder."""
        self.store = store
        self.refresh_minutes = config.refresh_minutes
        """Refresh the feeds this often (0: only on ``r``); see ``refresh_minutes`` in config."""
        self.notes = AnnotationService(store, cache_dir=index.cache_dir)
        self.reading = ReadingState(store, mark_read_on_open=config.mark_read_on_open)
        self.keys = KeyGate(self, lambda key, holds, wait: self.opener.passes(key, holds, wait))
        """Hands out keys typed together one at a time (the app asks it about each key)."""
        self.opener = StoryOpener(self, self.notes, self.reading, self.keys)
        self.feeds = FeedsPart(self, store, roots)
        self.listing = Listing(self, roots, index, store, finder, self.reading, self.feeds,
                               lambda: self.story, config, self.reanchor)  # fmt: skip
        self.library, self.finding = self.listing.library, self.listing.finding
        self.finding.search.pending = lambda: self.keys.due
        self.notes_ui = NotesPart(self, self.notes, self.opened, self.reanchor)
        self.bookmarks = BookmarksPart(self, self.reading, self.listing.bookmarks_changed)
        self.saving = SavingPart(self, save_to or roots[0])
        if save_to is not None:
            self.library.extra_roots = (save_to,)
        self.browser = BrowserPart(self, store, self.library, self.notes_ui, self.open_row)
        self.measure = (config.measure, config.align)
        """The article's reading measure (columns, 0: the pane) and the column's alignment."""
        self.panes = Panes(self, layout or LayoutMemory(store), config.measure)

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
        """The open story's notes changed: re-anchor them (in a worker), index them, redraw."""
        opened = self.opened()
        if opened is not None:
            self.opener.reanchor(opened[0], opened[1].text)
            self.finding.index.notes_changed(opened[0].story_id)
        self._refresh_marks()

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
        self.query_one(Article).set_measure(*self.measure)
        self.panes.apply()
        self.library.load(first_frame=self._library_loaded)  # cached rows: in the first frame
        self.set_interval(5.0, self.refresh_from_disk)
        self.set_interval(DRAFT_SAVE_SECONDS, self.notes_ui.keep_draft)
        if self.refresh_minutes > 0:
            self.set_interval(self.refresh_minutes * 60, self.timed_refresh)
        self.call_after_refresh(self.notes_ui.offer_draft)
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=30)

    def on_unmount(self) -> None:
        """Stop fetching feeds and indexing: both give up at their next step."""
        self.feeds.cancel()
        self.finding.index.cancel()

    def flush(self) -> None:
        """Write the note being typed and the reading position (quit and hang-up)."""
        self.notes.flush_draft(force=True)
        self.opener.save_position(self.query_one(Article))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """While reading in a small terminal, the list gives the article more room."""
        self.panes.focus_moved(not isinstance(event.widget, StoryList))

    def on_resize(self, event: Resize) -> None:
        """Switch between the wide and the stacked layout."""
        self.panes.apply()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the notes sidebar."""
        self.panes.toggle_sidebar()

    def action_reading_mode(self) -> None:
        """The article alone on the screen, or the panes back."""
        self.panes.toggle_reading_mode()

    def action_list_width(self, step: int) -> None:
        """Make the story list narrower or wider (remembered)."""
        refused = self.panes.resize_list(step)
        if refused:
            self.notify(refused, timeout=3)

    def action_cycle(self, step: int) -> None:
        """Move focus to the next (or previous) pane."""
        self.panes.cycle_focus(step)

    def action_back(self) -> None:
        """``esc`` outside a selection goes back to the story list (leaving reading mode); in
        the list, it ends the search and puts the list back exactly where it was."""
        if self.panes.reading_mode:
            self.panes.toggle_reading_mode()
        story_list = self.query_one(StoryList)
        if story_list.has_focus:
            self.listing.back()
        story_list.focus()

    # ----- the list ------------------------------------------------------------------------

    @on(LibraryPart.Loaded)
    def _library_loaded(self, message: LibraryPart.Loaded) -> None:
        self.listing.loaded(message, reopen=self.story is None)

    def _refresh_marks(self) -> None:
        self.listing.refresh_marks()

    def refresh_from_disk(self) -> None:
        """Pick up bookmarks and notes another session saved."""
        if self.store.refresh():
            self.reanchor()
            self.finding.index.store_changed()

    # ----- searching, finding, read marks, order: forwarded to their parts -----------------

    @property
    def searching(self) -> bool:
        """True while a search (or a find in the story) is being typed."""
        return self.finding.typing

    def open_search(self) -> None:
        """Start typing a search (``/``, bound on the app): printable keys go to the query."""
        self.finding.open_search()

    def search_key(self, event: Key) -> bool:
        """Take a key while searching or finding (the app routes keys here first)."""
        return self.finding.key(event)

    def on_apply(self, message: Apply) -> None:
        """Finish what a part's thread worker did (results, progress, matches) on this thread."""
        message.apply()

    def on_article_match_reached(self, message: Article.MatchReached) -> None:
        """Say which search match ``n``/``N`` reached."""
        self.finding.reached(message)

    def action_list(self, name: str) -> None:
        """A key of the list's tools (``B`` ``F`` ``m`` ``M`` ``H`` ``S`` ``+`` ``f``)."""
        self.listing.run(name)

    # ----- opening stories -----------------------------------------------------------------

    @on(StoryList.Selected)
    def _open_selected(self, message: StoryList.Selected) -> None:
        self.open_row(message.row)

    def open_row(self, row: StoryRow) -> None:
        """Load ``row``'s story in the background (the article takes focus when shown)."""
        self.opener.open_row(row, self.library.listed_ids(), self.panes)

    def action_step(self, step: int) -> None:
        """Open the previous/next story in the list."""
        row = self.opener.step(self.query_one(StoryList), step)
        if row is not None:
            self.open_row(row)

    @on(StoryOpener.Ready)
    def _story_ready(self, message: StoryOpener.Ready) -> None:
        story = self.opener.ready(message, self.query_one(Article))
        if story is not None:  # a new story: its notes follow once re-anchored
            self.notes_ui.show([], anchored=False)
            self.query_one(StoryList).set_open(str(story.path))
            # Marked read (two durable writes) once the story is drawn, not before its frame.
            self.query_one(Article).when_drawn(lambda: self._story_read(story))
            self.finding.opened()

    def _story_read(self, story: Story) -> None:
        failed = self.reading.opened(story)
        if failed is not None:
            self.notify(failed.message, severity="error", timeout=20)
        self._refresh_marks()

    @on(StoryOpener.Anchored)
    def _notes_anchored(self, message: StoryOpener.Anchored) -> None:
        if self.opener.current(message.request) and self.story is not None:
            self.notes_ui.show(message.placed)
            self.panes.notes_shown(len(message.placed))

    # ----- notes, bookmarks, feeds: forwarded to their parts -------------------------------

    def on_article_annotate_requested(self, message: Article.AnnotateRequested) -> None:
        """Save a highlight at once, or open the note editor for a note."""
        self.notes_ui.annotate(message.start, message.end, message.with_note)

    def on_notes_sidebar_note_chosen(self, message: NotesSidebar.NoteChosen) -> None:
        """Show, edit or delete the chosen note (``u`` then undoes that, not a mark)."""
        if message.intent == "delete":
            self.listing.marks.undoable = None
        self.notes_ui.chosen(message.annotation_id, message.intent)

    def on_article_note_reached(self, message: Article.NoteReached) -> None:
        """Keep the sidebar on the note ``n``/``N`` reached."""
        self.notes_ui.reached(message.annotation_id)

    def on_article_notice(self, message: Article.Notice) -> None:
        """Tell the reader what the article could not do."""
        self.notify(message.text, timeout=3)

    def action_undo(self) -> None:
        """Undo the last "mark all read", else bring back the last deleted note."""
        if not self.listing.marks.undo():
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

    def action_save_url(self) -> None:
        """Save a web page as a story: ask for its URL."""
        self.saving.ask()

    @on(SavingPart.Done)
    def _saved(self, message: SavingPart.Done) -> None:
        if self.saving.done(message):
            self.library.load()

    def action_all_notes(self) -> None:
        """Every note and highlight, across all stories (enter opens one at its passage)."""
        self.browser.show()

"""Opening a story: read, parse and lay it out in a worker, show it, then its notes.

The base of the main screen that owns the open story's life cycle; annotation actions come
from :class:`AnnotatingScreen`, the panes and the library from the reader screen.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.worker import get_current_worker

from tui_reader.anchoring import Anchor, anchor_many
from tui_reader.screens.annotating import AnnotatingScreen
from tui_reader.store import StoreError
from tui_reader.stories import Story, StoryError, StoryReader
from tui_reader.widgets.article import Article
from tui_reader.widgets.article_layout import Prepared
from tui_reader.widgets.article_prepare import Preparation
from tui_reader.widgets.notes import NotesSidebar

if TYPE_CHECKING:
    from tui_reader.store import Annotation, Store

PAINT_WAIT = 1.0
"""Seconds the worker lets the first screen of a long story paint before going on."""
WORK_SLICE = 0.02
"""Seconds of loading after which the worker pauses, so keys are answered while it loads."""
PAUSE = 0.005


class OpeningScreen(AnnotatingScreen):
    """Opens stories in the background; a stale result (the reader moved on) is dropped."""

    class StoryReady(Message):
        """A story finished loading (and was laid out) in the background."""

        def __init__(self, request: int, story: Prepared | StoryError) -> None:
            super().__init__()
            self.request = request
            self.story = story

    class AnchorsReady(Message):
        """The open story's annotations were re-anchored in the background."""

        def __init__(
            self, request: int, annotations: list[Annotation], anchors: list[Anchor | None]
        ) -> None:
            super().__init__()
            self.request = request
            self.annotations = annotations
            self.anchors = anchors

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._request = 0
        self._story_painted = threading.Event()

    def open_story(self, path: Path, listed: frozenset[str]) -> None:
        """Load the story at ``path`` in the background; the article takes focus when shown.

        Args:
            path: the story file.
            listed: the ids of every story in the library (see ``_follow_changed_identity``).
        """
        self.save_position()
        self._request += 1
        # Focus moves when the story is ready: the pane switch and the story then paint as one
        # frame, and the parse in the worker does not compete with a repaint for the CPU.
        self._load_story(self._request, path, self.query_one(Article).layout_width(), listed)

    @work(thread=True, group="story", exclusive=True, exit_on_error=False)
    def _load_story(self, request: int, path: Path, width: int, listed: frozenset[str]) -> None:
        # Reading, parsing and wrapping a long read takes a few hundred ms, a hostile one
        # seconds: all of it here, in steps, stopping as soon as the worker is cancelled (the
        # reader quit, or opened another story; the process waits for this thread at exit).
        # Then the notes, so a slow re-anchoring never holds back the text.
        worker, app = get_current_worker(), self.app

        resumed = time.monotonic()

        def keep_going() -> bool:
            """False once the worker should stop; now and then, a pause for the UI thread."""
            # Quitting sets the return code before it cancels workers (and saves first):
            # stopping then spares the exit a thread that competes with it for the CPU.
            if worker.is_cancelled or app.return_code is not None:
                return False
            nonlocal resumed
            if time.monotonic() - resumed > WORK_SLICE:
                # The GIL passes to a waiting thread only every 5 ms: a key, handled in many
                # small turns of the event loop, would wait that long at each. A pause lets
                # the UI thread run its turns back to back.
                time.sleep(PAUSE)
                resumed = time.monotonic()
            return True

        reader = StoryReader(path)
        for _ in reader.open():
            if not keep_going():
                return
        story = reader.story
        if not isinstance(story, Story):
            self.post_message(self.StoryReady(request, story or StoryError(path, "unreadable")))
            return
        self._follow_changed_identity(story, listed)
        bookmark = self.store.bookmarks().get(story.story_id)
        offset = self.store.position(story.story_id) or 0
        preparation = Preparation(
            story,
            reader.body(),
            width,
            app.console,
            bookmarked=bookmark is not None,
            tags=bookmark.tags if bookmark else (),
            offset=offset,
            body_length=reader.body_length,
            cut=not reader.defines_links,
        )
        for first_screen in preparation.steps():
            if not keep_going():
                return
            if first_screen is not None:
                self._story_painted.clear()
                self.post_message(self.StoryReady(request, first_screen))
                # Going on would compete with painting the first screen for the CPU.
                deadline = time.monotonic() + PAINT_WAIT
                while not self._story_painted.wait(0.05) and time.monotonic() < deadline:
                    if not keep_going():
                        return
        prepared = preparation.result
        assert prepared is not None  # the steps ran to their end
        self.post_message(self.StoryReady(request, prepared))
        annotations = self.store.annotations_for(story.story_id)
        anchors = anchor_many(prepared.document.text, [a.selectors for a in annotations])
        self.post_message(self.AnchorsReady(request, annotations, anchors))

    def _follow_changed_identity(self, story: Story, listed: frozenset[str]) -> None:
        """Keep notes on a story whose id changed (e.g. a story without a URL was retitled).

        Whatever was saved for this same file under another id moves to the new id, but only
        when neither id is a source URL (a different URL means a different story) and the old
        id belongs to no story in the library (``listed``) any more.
        """
        if story.story_id.startswith("url:"):
            return
        path = str(story.path)
        old_ids = {a.story_id for a in self.store.all_annotations() if a.story_path == path}
        old_ids |= {b.story_id for b in self.store.bookmarks().values() if b.path == path}
        for old in old_ids - listed - {story.story_id}:
            if not old.startswith("url:"):
                try:
                    self.store.relink(old, story.story_id)
                except StoreError:
                    return  # read-only store: the notes stay under the old id, nothing lost

    @on(StoryReady)
    def _story_ready(self, message: StoryReady) -> None:
        if message.request != self._request:
            return  # the reader moved on: a stale story is dropped, not shown
        if isinstance(message.story, StoryError):
            self.notify(
                f"Could not open the story: {message.story.reason}",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        prepared = message.story
        story = prepared.story
        article = self.query_one(Article)
        if prepared.complete and article.story is story:
            article.complete_story(prepared)  # the rest of a long read, after its first screen
            self.document = prepared.document
            return
        self.story, self.document = story, prepared.document
        self.annotations, self.anchors = [], {}
        article.border_title = story.title
        article.show_story(prepared, offset=self.store.position(story.story_id) or 0)
        article.focus()
        if not prepared.complete:
            self.call_after_refresh(self._story_painted.set)
        self.query_one(NotesSidebar).show_entries([])
        self.write("reading state", lambda: self.store.mark_read(story.story_id))
        self.write("reading state", lambda: self.store.set_last_open(story.story_id))
        self._refresh_marks()

    @on(AnchorsReady)
    def _anchors_ready(self, message: AnchorsReady) -> None:
        if message.request == self._request and self.story is not None:
            self._set_annotations(message.annotations, message.anchors)

    def save_position(self) -> None:
        """Remember how far the open story was read."""
        if self.story is not None and self.is_mounted:
            story_id, offset = self.story.story_id, self.query_one(Article).top_offset
            self.write("reading position", lambda: self.store.set_position(story_id, offset))

"""Opening a story: read, parse and lay it out in a worker, show it, then its notes.

The base of the main screen that owns the open story's life cycle; annotation actions come
from :class:`AnnotatingScreen`, the panes and the library from the reader screen.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message

from tui_reader.anchoring.anchors import Anchor, anchor_many
from tui_reader.core.document import build_document
from tui_reader.ui.screens.annotating import AnnotatingScreen
from tui_reader.storage.store import StoreError
from tui_reader.core.stories import Story, StoryError, load_story
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.article_layout import Prepared, prepare
from tui_reader.ui.widgets.inert import inert
from tui_reader.ui.widgets.notes import NotesSidebar

if TYPE_CHECKING:
    from tui_reader.storage.store import Annotation, Store

QUICK_FIRST_SCREEN_CHARS = 20_000
"""Stories longer than this show a first screenful before the complete layout."""


def _head(body: str, size: int) -> str | None:
    """The start of a long body, cut at a paragraph break; None when the body is short."""
    if len(body) <= 2 * size:
        return None
    cut = body.find("\n\n", size)
    return body[:cut] if cut > 0 else None


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

    @work(thread=True, group="story", exit_on_error=False)
    def _load_story(self, request: int, path: Path, width: int, listed: frozenset[str]) -> None:
        # Reading, parsing and wrapping a long read takes a few hundred ms: all of it here,
        # then the notes, so a slow re-anchoring never holds back the text.
        story = load_story(path)
        if isinstance(story, StoryError):
            self.post_message(self.StoryReady(request, story))
            return
        self._follow_changed_identity(story, listed)
        bookmark = self.store.bookmarks().get(story.story_id)
        marked, tags = bookmark is not None, bookmark.tags if bookmark else ()
        console = self.app.console
        offset = self.store.position(story.story_id) or 0
        head = _head(story.body, max(QUICK_FIRST_SCREEN_CHARS, offset + QUICK_FIRST_SCREEN_CHARS))
        if head is not None:
            # A long read: its first screens first (parsed and laid out alone), then the whole.
            first = prepare(
                story,
                build_document(head),
                width,
                console,
                bookmarked=marked,
                tags=tags,
                enough=(200, offset),
            )
            self._story_painted.clear()
            self.post_message(self.StoryReady(request, first))
            # Parsing the rest would compete with painting the first screen for the CPU.
            self._story_painted.wait(timeout=1.0)
        document = build_document(story.body)
        prepared = prepare(story, document, width, console, bookmarked=marked, tags=tags)
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
        article.border_title = inert(story.title)  # a story's title is never markup
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

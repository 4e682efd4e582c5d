"""Opening a story: read, parse and lay it out in thread workers, then its notes.

A long read shows its first screens first: one worker lays out the start of the body and posts
it; only after the screen has painted it does the next worker parse the whole story (no thread
waits on the UI). Notes are re-anchored in a worker too — the one re-anchoring path — after
the text shows, and again whenever they change. Each request has a number: a result for a story
the reader has since left is dropped, not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.message import Message
from textual.screen import Screen

from tui_reader.core.document import build_document
from tui_reader.core.stories import Story, StoryError, load_story
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.service import AnnotationService, Placed
from tui_reader.ui.article_layout import Prepared, prepare
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.inert import inert

__all__ = ["QUICK_FIRST_SCREEN_CHARS", "OpenRequest", "StoryOpener"]

QUICK_FIRST_SCREEN_CHARS = 20_000
"""Stories longer than this show a first screenful before the complete layout."""


def _head(body: str, size: int) -> str | None:
    """The start of a long body, cut at a paragraph break; None when the body is short."""
    if len(body) <= 2 * size:
        return None
    cut = body.find("\n\n", size)
    return body[:cut] if cut > 0 else None


@dataclass(frozen=True)
class OpenRequest:
    """What the workers need to open one story."""

    number: int
    path: Path
    width: int
    listed: frozenset[str]
    """Every story id in the library (see :meth:`ReadingState.follow_identity`)."""
    console: Console


class StoryOpener:
    """Opens stories for a screen, in the background, newest request wins."""

    class Ready(Message):
        """A story (its first screens, or all of it) is laid out; or it could not be read."""

        def __init__(self, request: int, story: Prepared | StoryError, offset: int) -> None:
            super().__init__()
            self.request = request
            self.story = story
            self.offset = offset
            """Where the reader left off (a document offset)."""

    class Anchored(Message):
        """The open story's notes, re-anchored on its text."""

        def __init__(self, request: int, placed: list[Placed]) -> None:
            super().__init__()
            self.request = request
            self.placed = placed

    def __init__(self, host: Screen[Any], notes: AnnotationService, reading: ReadingState) -> None:
        self.host = host
        self.notes = notes
        self.reading = reading
        self.request = 0
        """The number of the newest request; older results are dropped."""
        self._pending: dict[int, tuple[OpenRequest, Story, int]] = {}

    def open(self, path: Path, listed: frozenset[str], width: int, console: Console) -> None:
        """Start opening the story at ``path``, laid out for ``width`` cells."""
        self.request += 1
        request = OpenRequest(self.request, path, width, listed, console)
        self._pending.clear()
        self._run(lambda: self._first(request))

    def current(self, request: int) -> bool:
        """Whether ``request`` is still the newest one (its results may be shown)."""
        return request == self.request

    def _run(self, work: Any) -> None:
        self.host.run_worker(work, thread=True, group="story", exit_on_error=False)

    def _first(self, request: OpenRequest) -> None:
        story = load_story(request.path)
        if isinstance(story, StoryError):
            self.host.post_message(self.Ready(request.number, story, 0))
            return
        self.reading.follow_identity(story, request.listed)
        offset = self.notes.store.position(story.story_id) or 0
        size = max(QUICK_FIRST_SCREEN_CHARS, offset + QUICK_FIRST_SCREEN_CHARS)
        head = _head(story.body, size)
        if head is None:
            self._complete(request, story, offset)
            return
        # A long read: its first screens first (parsed and laid out alone), then the whole.
        first = self._prepare(request, story, head, enough=(200, offset))
        self._pending[request.number] = (request, story, offset)
        self.host.post_message(self.Ready(request.number, first, offset))

    def show(self, prepared: Prepared, message: Ready, article: Article) -> bool:
        """Show a laid-out story in ``article``; True when it is a newly opened story (not the
        rest of a long read whose first screens are already shown)."""
        if prepared.complete and article.story is prepared.story:
            article.complete_story(prepared)  # the rest of a long read, after its first screen
            return False
        article.border_title = inert(prepared.story.title)  # a story's title is never markup
        article.show_story(prepared, offset=message.offset)
        article.focus()
        if not prepared.complete:
            self.host.call_after_refresh(self.painted, message.request)
        return True

    def save_position(self, article: Article) -> None:
        """Remember how far the story in ``article`` was read; say if that failed."""
        if article.story is not None:
            failed = self.reading.left_at(article.story.story_id, article.top_offset)
            if failed is not None:
                self.host.notify(failed.message, severity="error", timeout=20)

    def painted(self, request: int) -> None:
        """The first screens of ``request`` are on screen: now parse the whole story."""
        pending = self._pending.pop(request, None)
        if pending is not None and self.current(request):
            self._run(lambda: self._complete(*pending))

    def _complete(self, request: OpenRequest, story: Story, offset: int) -> None:
        prepared = self._prepare(request, story, story.body)
        self.host.post_message(self.Ready(request.number, prepared, offset))
        placed = self.notes.placed(story.story_id, prepared.document.text)
        self.host.post_message(self.Anchored(request.number, placed))

    def _prepare(
        self, request: OpenRequest, story: Story, body: str, enough: tuple[int, int] | None = None
    ) -> Prepared:
        bookmark = self.reading.bookmark_of(story.story_id)
        return prepare(
            story,
            build_document(body),
            request.width,
            request.console,
            bookmarked=bookmark is not None,
            tags=bookmark.tags if bookmark else (),
            enough=enough,
        )

    def reanchor(self, story: Story, text: str) -> None:
        """Re-anchor the open story's notes (they changed) and post them."""
        number = self.request
        self._run(
            lambda: self.host.post_message(
                self.Anchored(number, self.notes.placed(story.story_id, text))
            )
        )

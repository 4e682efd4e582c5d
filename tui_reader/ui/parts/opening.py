"""Opening a story: read, parse and lay it out in thread workers, then its notes.

Reading, parsing and laying out go in small steps (:class:`~tui_reader.ui.article_prepare.
Preparation`) that stop as soon as the worker is cancelled (another story opened, the reader
quitting), so even a 30 MB story never holds up a key or the exit. A long read shows its first
screens first; only after the screen has painted them does the next worker go on with the rest
(no thread waits on the UI). Notes are re-anchored in a worker too — the one re-anchoring
path — after the text shows, and again whenever they change. Each request has a number: a
result for a story the reader has since left is dropped, not shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from tui_reader.core.stories import Story, StoryError, StoryReader
from tui_reader.core.story import base_of
from tui_reader.notes.reading import ReadingState
from tui_reader.notes.service import AnnotationService, Placed
from tui_reader.ui.article_layout import Prepared
from tui_reader.ui.article_prepare import Preparation
from tui_reader.ui.parts.keygate import KeyGate
from tui_reader.ui.parts.panes import Panes
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.inert import inert
from tui_reader.ui.widgets.story_list import StoryList, StoryRow

__all__ = ["HOLD", "OpenRequest", "StoryOpener"]

HOLD = "opening a story"
"""The key gate's hold while a story is read: keys typed meanwhile are for that story."""
_STEP = frozenset({"step(1)", "step(-1)"})

WORK_SLICE = 0.02
"""Seconds of loading after which a worker pauses, so keys are answered while it loads."""
PAUSE = 0.005
"""How long that pause is: the GIL passes to a waiting thread only every 5 ms, and a key is
handled in many small turns of the event loop, which would each wait that long."""


@dataclass(frozen=True)
class OpenRequest:
    """What the workers need to open one story."""

    number: int
    path: Path
    story_id: str
    """The id the library gave the story (unique in it: see :mod:`tui_reader.library.identity`)."""
    width: int
    listed: frozenset[str]
    """Every story id in the library (see :meth:`ReadingState.follow_identity`)."""
    console: Console


@dataclass
class Pending:
    """A story whose first screens are shown and whose rest is still to lay out."""

    request: OpenRequest
    story: Story
    offset: int
    caret: int | None
    preparation: Preparation
    steps: Iterator[Prepared | None]


class StoryOpener:
    """Opens stories for a screen, in the background, newest request wins."""

    class Ready(Message):
        """A story (its first screens, or all of it) is laid out; or it could not be read."""

        def __init__(
            self, request: int, story: Prepared | StoryError, offset: int, caret: int | None
        ) -> None:
            super().__init__()
            self.request = request
            self.story = story
            self.offset = offset
            """Where the reader left off (the document offset at the top of the view)."""
            self.caret = caret
            """Where the caret was then (None: not remembered)."""

    class Anchored(Message):
        """The open story's notes, re-anchored on its text."""

        def __init__(self, request: int, placed: list[Placed]) -> None:
            super().__init__()
            self.request = request
            self.placed = placed

    def __init__(
        self, host: Screen[Any], notes: AnnotationService, reading: ReadingState, keys: KeyGate
    ) -> None:
        self.host = host
        self.notes = notes
        self.reading = reading
        self.keys = keys
        self.request = 0
        """The number of the newest request; older results are dropped."""
        self.wanted: str | None = None
        """The list key (path) of the story asked for last, shown or still being read."""
        self._pending: dict[int, Pending] = {}

    def open(self, row: StoryRow, listed: frozenset[str], width: int, console: Console) -> None:
        """Start opening ``row``'s story, laid out for ``width`` cells; keys typed until it
        shows wait for it (the key gate's :data:`HOLD`)."""
        self.request += 1
        self.wanted = row.key
        request = OpenRequest(self.request, Path(row.key), row.story_id, width, listed, console)
        self._pending.clear()
        self.keys.hold(HOLD)
        self._run(lambda: self._guarded(request, lambda: self._first(request)))

    def arrived(self, request: int) -> bool:
        """A result of ``request`` came: True when it is still the newest (to be shown). The
        keys held for it then go on, once the article has the focus."""
        if request != self.request:
            return False
        self.host.app.call_later(self.keys.release, HOLD)
        return True

    def open_row(self, row: StoryRow, listed: frozenset[str], panes: Panes) -> None:
        """Open ``row``'s story (saving where the open one was left), or say why it cannot be.

        The panes are set for the story first (a story with notes shows the sidebar), so it is
        laid out once, for the width it is shown at.
        """
        if row.error is not None:
            self.host.notify(f"{row.title}: {row.error}", severity="error", timeout=8)
            return
        article = self.host.query_one(Article)
        self.save_position(article)
        notes = self.host.query_one(StoryList).note_counts.get(row.story_id, 0)

        def start() -> None:
            # Focus moves when the story is ready: the pane switch and the story then paint as
            # one frame, and the parse in the worker does not compete with a repaint.
            self.open(row, listed, article.layout_width(), self.host.app.console)

        if panes.story_opening(bool(notes)):
            self.host.call_after_refresh(start)  # once the article has its new width
        else:
            start()

    def current(self, request: int) -> bool:
        """Whether ``request`` is still the newest one (its results may be shown)."""
        return request == self.request

    def passes(self, event: events.Key, holds: frozenset[str], waiting: bool) -> bool:
        """While only a story is being opened, quit goes ahead of every key, and the keys
        that open another story go ahead when no key waits before them: ``]]]`` skips two
        stories without reading them."""
        if holds != {HOLD}:
            return False
        active = self.host.app.active_bindings.get(event.key)
        action = active.binding.action if active is not None else ""
        return action == "quit" or (action in _STEP and not waiting)

    def step(self, story_list: StoryList, step: int) -> StoryRow | None:
        """The row ``]``/``[`` opens: the one after (before) the story shown or being opened,
        or the list's current row when the reader moved the list away from it."""
        current = story_list.current
        if self.wanted is None:
            return current if step > 0 else None
        if current is not None and current.key == self.wanted:
            story_list.move_to(story_list.cursor + step)
        return story_list.current

    def _run(self, work: Any) -> None:
        # Exclusive: opening another story cancels the loading of this one.
        self.host.run_worker(work, thread=True, group="story", exclusive=True, exit_on_error=False)

    def _guarded(self, request: OpenRequest, work: Callable[[], None]) -> None:
        """Run ``work``; when it fails, the reader is told with a ``Ready`` carrying the error
        (so the keys held for the story go on), and the worker records the failure."""
        try:
            work()
        except Exception as exc:
            reason = f"cannot open it ({type(exc).__name__}: {exc})"
            failed = StoryError(request.path, reason)
            self.host.post_message(self.Ready(request.number, failed, 0, None))
            raise

    def _keep_going(self) -> Callable[[], bool]:
        """For a worker: a check that says False once it should stop (the reader opened
        another story, or is quitting), and now and then pauses for the UI thread."""
        worker, app = get_current_worker(), self.host.app
        resumed = time.monotonic()

        def keep_going() -> bool:
            nonlocal resumed
            # Quitting sets the return code before it cancels workers (and saves first):
            # stopping then spares the exit a thread that competes with it for the CPU.
            if worker.is_cancelled or app.return_code is not None:
                return False
            if time.monotonic() - resumed > WORK_SLICE:
                time.sleep(PAUSE)
                resumed = time.monotonic()
            return True

        return keep_going

    def _first(self, request: OpenRequest) -> None:
        # Reading, parsing and wrapping a long read takes a few hundred ms, a hostile one
        # seconds: all of it in workers, in steps, stopping as soon as the worker is cancelled.
        keep_going = self._keep_going()
        reader = StoryReader(request.path)
        for _ in reader.open():
            if not keep_going():
                return
        story = reader.story
        if not isinstance(story, Story):
            failed = story or StoryError(request.path, "cannot read file")
            self.host.post_message(self.Ready(request.number, failed, 0, None))
            return
        sid = request.story_id
        if sid != story.identity and base_of(sid) == story.identity:
            story = replace(story, library_id=sid)  # another file has the same identity
        self.reading.follow_identity(story, request.listed)
        bookmark = self.reading.bookmark_of(story.story_id)
        offset = self.notes.store.position(story.story_id) or 0
        caret = self.notes.store.caret(story.story_id)
        preparation = Preparation(
            story,
            reader.body(),
            request.width,
            request.console,
            bookmarked=bookmark is not None,
            tags=bookmark.tags if bookmark else (),
            offset=max(offset, caret or 0),  # the first screen shows the caret too
            body_length=reader.body_length,
            cut=not reader.defines_links,
        )
        self._steps(Pending(request, story, offset, caret, preparation, preparation.steps()))

    def _steps(self, pending: Pending) -> None:
        keep_going = self._keep_going()
        for first_screen in pending.steps:
            if not keep_going():
                return
            if first_screen is not None:
                # A long read: its first screens now; the rest once they are painted (the
                # screen calls painted()), so the parse never competes with that paint.
                self._pending[pending.request.number] = pending
                self.host.post_message(
                    self.Ready(pending.request.number, first_screen, pending.offset, pending.caret)
                )
                return
        prepared = pending.preparation.result
        assert prepared is not None  # the steps ran to their end
        number = pending.request.number
        self.host.post_message(self.Ready(number, prepared, pending.offset, pending.caret))
        placed = self.notes.placed(pending.story, prepared.document.text)
        self.host.post_message(self.Anchored(pending.request.number, placed))
        self.notes.keep_places(pending.story, placed)  # for the export, once they show

    def ready(self, message: Ready, article: Article) -> Story | None:
        """Show what ``message`` brings (dropped if the reader moved on, or said if it failed).

        Returns the story when it is newly opened (not the rest of a long read).
        """
        if not self.arrived(message.request):
            return None  # the reader moved on: a stale story is dropped, not shown
        if isinstance(message.story, StoryError):
            reason = message.story.reason
            self.host.notify(f"Could not open the story: {reason}", severity="error")
            return None
        return message.story.story if self.show(message.story, message, article) else None

    def show(self, prepared: Prepared, message: Ready, article: Article) -> bool:
        """Show a laid-out story in ``article``; True when it is a newly opened story (not the
        rest of a long read whose first screens are already shown)."""
        if prepared.complete and article.story is prepared.story:
            article.complete_story(prepared)  # the rest of a long read, after its first screen
            return False
        article.border_title = inert(prepared.story.title)  # a story's title is never markup
        article.show_story(prepared, offset=message.offset, caret=message.caret)
        article.focus()
        if not prepared.complete:
            # The rest once the first screens are drawn: a worker laying it out meanwhile
            # would slow that frame down several times, holding the GIL.
            request = message.request
            article.when_drawn(lambda: self.painted(request))
        return True

    def save_position(self, article: Article) -> None:
        """Remember how far the story in ``article`` was read, and its caret; say if that
        failed."""
        if article.story is not None:
            story_id, top, caret = article.story.story_id, article.top_offset, article.cursor
            failed = self.reading.left_at(story_id, top, caret)
            if failed is not None:
                self.host.notify(failed.message, severity="error", timeout=20)

    def painted(self, request: int) -> None:
        """The first screens of ``request`` are on screen: now lay out the rest."""
        pending = self._pending.pop(request, None)
        if pending is not None and self.current(request):
            self._run(lambda: self._guarded(pending.request, lambda: self._steps(pending)))

    def reanchor(self, story: Story, text: str) -> None:
        """Re-anchor the open story's notes (they changed) and post them."""
        number = self.request

        def placed() -> None:
            found = self.notes.placed(story, text)
            self.host.post_message(self.Anchored(number, found))
            self.notes.keep_places(story, found)  # for the export, once they show

        self.host.run_worker(placed, thread=True, group="story", exit_on_error=False)

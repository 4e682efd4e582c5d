"""Keys that arrive together reach the reader one at a time, in order, each after the last
one's effects.

Why: Textual hands each key to the widget that has focus when the key is read, and runs the
key's binding later, once the key has bubbled back up to the app. Keys that arrive in one
read (key repeat over SSH, a slow link, a paste) are all handed out before the first one's
action has run; when that action moves the focus, opens a dialog or opens a story, the rest
land in the wrong place: a note typed right after ``a`` reaches the article as commands
(``h`` highlights), ``G`` right after ``enter`` moves the list instead of the story.

The gate hands out one key, then waits until it has been handled: until it has bubbled back
to the app (a callback sent up the widget tree after it), and, for a key whose binding may move
the focus or change the screen, until focus and screen have stayed the same for a few turns
of every widget's queue. Work that takes longer holds the gate by name until it is done (a
story being opened: :meth:`KeyGate.hold`). Keys that arrive meanwhile wait, and are handed
out again in order. A key that finds the gate open costs a few callbacks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

__all__ = ["LIGHT_ACTIONS", "KeyGate", "Typed"]

Typed = events.Key | events.Paste
"""What the gate hands out in order: keys, and text pasted between them."""

LIGHT_ACTIONS = frozenset(
    {
        "down", "up", "page_down", "page_up", "top", "bottom", "cursor_down", "cursor_up",
        "first", "last", "word_forward", "word_end", "word_back", "sentence_forward",
        "sentence_back", "paragraph_forward", "paragraph_back", "select", "select_paragraph",
        "highlight", "next_note", "previous_note", "toggle_bookmark", "scroll(1)", "scroll(-1)",
        "search",
    }
)  # fmt: skip
"""Actions that never move the focus or open a screen: the key after them need not wait for
the screen to settle, only for them to have run."""

STABLE_TURNS = 3
"""Turns of every queue with focus and screen unchanged before the next key goes out."""
MAX_TURNS = 40
"""Most turns waited for them to settle (something that never does must not stop the keys)."""


class KeyGate:
    """Hands out the reader's keys one at a time (see the module docstring).

    Args:
        host: the screen that owns the gate (the app asks it about every key).
        passes: keys that may overtake a hold (the next story, quit), given the names of the
            holds in force and whether keys wait before them.
    """

    def __init__(
        self, host: Screen[Any], passes: Callable[[events.Key, frozenset[str], bool], bool]
    ) -> None:
        self.host = host
        self._passes = passes
        self._queue: deque[Typed] = deque()
        self._holds: set[str] = set()
        self._busy = False
        """A key was handed out and is not handled yet."""
        self._replay: Typed | None = None
        self._turns = 0
        self._stable = 0
        self._seen: tuple[int, int] = (0, 0)

    @property
    def app(self) -> App[Any]:
        """The app whose keys pass through the gate."""
        return self.host.app

    @property
    def waiting(self) -> int:
        """How many keys wait to be handed out."""
        return len(self._queue)

    def holding(self, reason: str) -> bool:
        """Whether the hold ``reason`` is in force."""
        return reason in self._holds

    # ----- keys --------------------------------------------------------------------------

    def take(self, event: Typed) -> bool:
        """A key (or a paste) arrived (the app calls this first): True when the gate keeps
        it for later."""
        if event is self._replay:
            self._replay = None
            return False
        free = not self._queue and not self._busy and self._replay is None
        if free and not self._holds:
            return False
        holding = frozenset(self._holds)
        if holding and isinstance(event, events.Key) and self._passes(event, holding, not free):
            return False  # e.g. "]" while a story opens: it opens the next one instead
        self._queue.append(event)
        return True

    @property
    def due(self) -> int:
        """How many keys wait and will go out without waiting for a hold to end, the one on
        its way to the app included (handed out, it is behind what was queued before it)."""
        return 0 if self._holds else len(self._queue) + (self._replay is not None)

    def drain(self, take: Callable[[events.Key], bool]) -> None:
        """Hand the keys waiting at the front of the queue straight to ``take``, in order, while
        it uses them (a search being typed takes the rest of a burst at once: no binding runs
        for them, so none has to wait for the one before)."""
        while self._queue and not self._holds:
            head = self._queue[0]
            if not isinstance(head, events.Key) or not take(head):
                return
            self._queue.popleft()

    def sent(self, event: Typed, target: DOMNode | None, *, bound: bool = True) -> None:
        """``event`` was handed to ``target`` (None: the app used it itself): wait until it is
        handled before the next key goes out. ``bound`` False: no binding runs for it (a key
        typed into the search), so the next key need not wait for the screen to settle."""
        self._busy = True
        light = not bound or self._light(event)
        self._follow(target or self.app, lambda: self._handled(light))

    def _light(self, event: Typed) -> bool:
        if isinstance(event, events.Paste):
            return True  # text for the focused field
        active = self.app.active_bindings.get(event.key)
        return active is None or active.binding.action in LIGHT_ACTIONS

    def _follow(self, node: DOMNode, done: Callable[[], None]) -> None:
        """Call ``done`` once everything ``node`` and its ancestors had queued is handled."""

        def step() -> None:
            parent = node.parent
            if parent is None:
                done()
            else:
                self._follow(parent, done)

        if not node.call_later(step):
            done()  # closing: nothing more will be handled

    def _handled(self, light: bool) -> None:
        if light:
            self._idle()
        else:
            self._turns = self._stable = 0
            self._seen = self._where()
            self._turn()

    def _where(self) -> tuple[int, int]:
        return (id(self.app.screen), id(self.app.focused))

    def _turn(self) -> None:
        """Let every widget of every screen handle what it has queued, then look again."""
        nodes = [self.app, *(n for s in self.app.screen_stack for n in s.walk_children())]
        nodes.extend(self.app.screen_stack)
        left = 0

        def one_done() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                self._settled()

        for node in nodes:
            if node.call_later(one_done):
                left += 1
        if left == 0:
            self._idle()

    def _settled(self) -> None:
        where = self._where()
        unfocused = self.app.focused is None and bool(self.app.screen.focus_chain)
        self._stable = 0 if where != self._seen or unfocused else self._stable + 1
        self._seen = where
        self._turns += 1
        if self._stable >= STABLE_TURNS or self._turns >= MAX_TURNS:
            self._idle()
        else:
            self._turn()

    def _idle(self) -> None:
        self._busy = False
        self._next()

    def _next(self) -> None:
        if self._busy or self._replay is not None or not self._queue:
            return
        head = self._queue[0]
        if self._holds and not (
            isinstance(head, events.Key) and self._passes(head, frozenset(self._holds), False)
        ):
            return
        key = self._queue.popleft()
        self._replay = (
            events.Key(key.key, key.character)
            if isinstance(key, events.Key)
            else events.Paste(key.text)
        )
        # From the app, as the driver's keys are: a key whose sender is a widget on its way
        # up stops bubbling there, before the app runs its binding.
        self._replay.set_sender(self.app)
        self.app.post_message(self._replay)

    # ----- holds -------------------------------------------------------------------------

    def hold(self, reason: str) -> None:
        """Keep keys back until :meth:`release` of ``reason`` (e.g. while a story opens)."""
        self._holds.add(reason)

    def release(self, reason: str) -> None:
        """End the hold ``reason``; waiting keys go out again, in order."""
        self._holds.discard(reason)
        self._next()

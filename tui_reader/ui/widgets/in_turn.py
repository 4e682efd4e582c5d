"""Actions that wait, in the order they were typed, for what they need to be there.

A key typed while its story is half laid out, or before its notes are placed, must neither be
dropped nor run on what is there so far (``G`` would stop mid-story); and a key typed after it
must not overtake it. The widget decides what each action needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from textual.actions import SkipAction

__all__ = ["InTurn", "Ready"]

Ready = Callable[[], bool]
"""Says whether what an action needs is there."""


class InTurn:
    """A queue of actions, each run once it and every action before it can run."""

    def __init__(self) -> None:
        self._queue: deque[tuple[Callable[[], None], Ready | None]] = deque()

    def __bool__(self) -> bool:
        return bool(self._queue)

    def wait(self, action: Callable[[], None], ready: Ready | None = None) -> bool:
        """True when ``action`` must wait (it is queued): what it needs is not there yet
        (``ready`` says False), or an action before it is waiting."""
        if not self._queue and (ready is None or ready()):
            return False
        self._queue.append((action, ready))
        return True

    def run(self) -> None:
        """Run the waiting actions that can run now, in order, up to the first that cannot."""
        while self._queue:
            action, ready = self._queue[0]
            if ready is not None and not ready():
                return
            self._queue.popleft()
            try:
                action()
            except SkipAction:
                continue  # e.g. esc with nothing selected any more: nothing to do

    def clear(self) -> None:
        """Forget what waits (another story is shown)."""
        self._queue.clear()

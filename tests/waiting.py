"""Waiting for a condition outside an app (processes, files, servers): never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

What = str | Callable[[], str]
"""What is awaited; a function is called only on failure, to say what was seen instead."""


class Deadline:
    """The end of a wait: :meth:`check` fails, naming what never happened, once it has passed."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.at = time.monotonic() + timeout

    def check(self, what: What) -> None:
        """Raise AssertionError naming ``what`` if the deadline has passed."""
        if time.monotonic() > self.at:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out after {self.timeout:g} s waiting for {said}")


def eventually(
    condition: Callable[[], object], what: What, timeout: float = 10.0, interval: float = 0.02
) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = Deadline(timeout)
    while not condition():
        deadline.check(what)
        time.sleep(interval)  # the poll interval: the loop ends on the condition, not the clock

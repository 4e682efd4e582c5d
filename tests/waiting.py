"""Waiting for a condition outside an app (processes, files, servers): never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(
    condition: Callable[[], object],
    what: str | Callable[[], str],
    timeout: float = 10.0,
    interval: float = 0.02,
) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``timeout`` seconds.

    ``what`` may be a function, called only on failure, to say what was seen instead.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout:g} s waiting for {said}")
        time.sleep(interval)  # the poll interval: the loop ends on the condition, not the clock

"""One message for the parts' thread workers: "finish this on the UI thread".

A worker computes (a search, an index sync, the matches in a story) and posts an
:class:`Apply` with what to do with the result; the screen's one handler runs it. The part
keeps its own stale check inside (a newer request wins), so the screen routes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

__all__ = ["Apply"]


class Apply(Message):
    """Work a thread finished: ``apply()`` runs on the UI thread (the screen calls it)."""

    def __init__(self, apply: Callable[[], None]) -> None:
        super().__init__()
        self.apply = apply

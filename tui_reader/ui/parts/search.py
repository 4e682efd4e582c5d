"""Typing a ``/`` search: keys are taken by the app in arrival order, before any pane sees
them, so a burst typed right after ``/`` over SSH is never lost (no widget has to take focus
first)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.events import Key

__all__ = ["Typed", "search_key"]


@dataclass(frozen=True)
class Typed:
    """What a key did to the search being typed."""

    query: str
    typing: bool
    """False once enter kept the search or esc cleared it."""


def search_key(event: Key, query: str) -> Typed | None:
    """Apply ``event`` to ``query`` while typing; None for keys the search does not take
    (arrows, page keys: they still move in the list)."""
    if event.key == "enter":
        return Typed(query, False)
    if event.key == "escape":
        return Typed("", False)
    if event.key == "backspace":
        return Typed(query[:-1], True)
    if event.is_printable and event.character:
        return Typed(query + event.character, True)
    return None

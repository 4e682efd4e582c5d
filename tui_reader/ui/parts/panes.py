"""How the three panes share the terminal: side by side when wide, stacked when narrow, a
message when too small, and focus moving between them.

Issue 15 (the reading measure, a layout that remembers) builds on this one place.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

__all__ = [
    "MIN_HEIGHT",
    "MIN_WIDTH",
    "NARROW_WIDTH",
    "apply_layout",
    "cycle_focus",
    "toggle_sidebar",
]

NARROW_WIDTH = 110
"""Below this many columns the panes stack and the notes sidebar becomes a toggle."""

MIN_WIDTH, MIN_HEIGHT = 30, 10
"""Below this the panes would be garbage; a clear message is shown instead."""


def apply_layout(screen: Screen[Any], width: int, height: int, sidebar_visible: bool) -> None:
    """Set the wide, stacked or too-small layout for a ``width`` x ``height`` terminal."""
    screen.set_class(width < NARROW_WIDTH, "narrow")
    too_small = width < MIN_WIDTH or height < MIN_HEIGHT
    screen.set_class(too_small, "too-small")
    if too_small:  # hidden otherwise: updating it would only cost a layout pass per resize
        screen.query_one("#too-small", Static).update(
            f"Terminal too small ({width}x{height}).\n"
            f"tui-reader needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window."
        )
    screen.query_one(NotesSidebar).display = sidebar_visible and (
        width >= NARROW_WIDTH or screen.has_class("show-notes")
    )


def toggle_sidebar(screen: Screen[Any], visible: bool) -> bool:
    """``s``: show or hide the notes sidebar; returns whether it is wanted now.

    In a narrow terminal it slides over the article; in a wide one it is a pane.
    """
    if screen.size.width < NARROW_WIDTH:
        screen.toggle_class("show-notes")
        visible = True
    else:
        visible = not visible
    apply_layout(screen, screen.size.width, screen.size.height, visible)
    notes = screen.query_one(NotesSidebar)
    if notes.display and notes.entries:
        notes.focus()
    elif not notes.display and notes.has_focus:
        screen.query_one(Article).focus()
    return visible


def cycle_focus(screen: Screen[Any], step: int) -> None:
    """Move focus to the next (or previous) visible pane."""
    panes: list[StoryList | Article | NotesSidebar] = [
        screen.query_one(StoryList),
        screen.query_one(Article),
    ]
    if screen.query_one(NotesSidebar).display:
        panes.append(screen.query_one(NotesSidebar))
    current = next((i for i, pane in enumerate(panes) if pane.has_focus), 0)
    panes[(current + step) % len(panes)].focus()

"""Untrusted text as inert Rich ``Text``: never parsed as markup, never carrying a control byte.

Every string that comes from outside (a story, a feed, an HTTP answer, a file name, the
config file, what the user types) goes through :func:`inert` before it reaches a border
title, a notification, a row or a dialog. A ``str`` given to Textual there would be parsed as
console markup: ``[/]`` crashes the app, ``[@click=app.quit]`` makes a live action.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui_reader.core.textsafe import sanitize, sanitize_line

__all__ = ["inert", "inert_lines", "plain"]


def plain(value: object) -> str:
    """``value`` as one line of plain text with every control character removed."""
    return sanitize_line(value if isinstance(value, str) else str(value))


def inert(value: object, style: str | Style = "") -> Text:
    """``value`` as one line of literal text (markup shows as typed), optionally styled."""
    return Text(plain(value), style=style, end="")


def inert_lines(value: object, style: str | Style = "") -> Text:
    """Like :func:`inert`, but keeps line breaks (for notes and dialog bodies)."""
    text = sanitize(value if isinstance(value, str) else str(value)).replace("\t", "    ")
    return Text(text, style=style, end="")

"""Keys named as a reader types them (``]``, ``?``, ``pgdn``, ``ctrl+p``), for the help screen
and the command palette, where Textual's names (``right_square_bracket``) would puzzle."""

from __future__ import annotations

from textual.keys import format_key

__all__ = ["key_names"]

_AS_TYPED = {"enter": "enter", "down": "down", "up": "up", "left": "left", "right": "right"}


def key_names(keys: str) -> str:
    """``keys`` (a binding's comma-separated keys) as typed, separated by spaces."""
    shown: list[str] = []
    for key in keys.split(","):
        modifiers, plus, name = key.strip().rpartition("+")
        name = _AS_TYPED.get(name) or format_key(name)
        shown.append(f"{modifiers}{plus}{name}")
    return " ".join(shown)

"""W3C quote and position selectors over a story's plain text: made for a selection, and
read back from what the store (or an imported file) holds.

Pure module: no Textual, no IO. Offsets are indices into a Python ``str``. Finding the
passage they describe in a text that changed is :mod:`tui_reader.anchoring.anchors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

__all__ = [
    "CONTEXT",
    "TextPositionSelector",
    "TextQuoteSelector",
    "describe",
    "parse_selectors",
]

CONTEXT = 32
"""Characters of prefix and suffix stored with a quote."""


@dataclass(frozen=True)
class TextQuoteSelector:
    """The quoted text plus the text just before and after it."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the W3C JSON form."""
        return {
            "type": "TextQuoteSelector",
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TextQuoteSelector:
        """Build from the W3C JSON form; raises ``ValueError`` if it is malformed."""
        if not _is_mapping(data) or data.get("type") != "TextQuoteSelector":
            raise ValueError("not a TextQuoteSelector")
        quote = _quote_of(data)
        if quote is None:
            raise ValueError("TextQuoteSelector needs string exact, prefix and suffix")
        return quote


@dataclass(frozen=True)
class TextPositionSelector:
    """Character offsets ``[start, end)`` into the story's plain text."""

    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        """Return the W3C JSON form."""
        return {"type": "TextPositionSelector", "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TextPositionSelector:
        """Build from the W3C JSON form; raises ``ValueError`` if it is malformed."""
        if not _is_mapping(data) or data.get("type") != "TextPositionSelector":
            raise ValueError("not a TextPositionSelector")
        position = _position_of(data)
        if position is None:
            raise ValueError("TextPositionSelector needs integers 0 <= start <= end")
        return position


def _quote_of(data: Mapping[str, object]) -> TextQuoteSelector | None:
    """The quote selector ``data`` (of that type) describes; None if it is malformed."""
    exact = data.get("exact")
    prefix, suffix = data.get("prefix") or "", data.get("suffix") or ""  # optional in W3C
    if isinstance(exact, str) and isinstance(prefix, str) and isinstance(suffix, str):
        return TextQuoteSelector(exact, prefix, suffix)
    return None


def _position_of(data: Mapping[str, object]) -> TextPositionSelector | None:
    """The position selector ``data`` (of that type) describes; None if it is malformed."""
    start, end = data.get("start"), data.get("end")
    # bool is an int subclass; True/False offsets are corrupt data, not positions.
    if type(start) is int and type(end) is int and 0 <= start <= end:
        return TextPositionSelector(start, end)
    return None


def describe(text: str, start: int, end: int, context: int = CONTEXT) -> list[dict[str, object]]:
    """Return the W3C selectors (quote, then position) for ``text[start:end]``.

    Args:
        text: the story's plain text.
        start, end: the selected range; must satisfy ``0 <= start < end <= len(text)``.
        context: how many characters of prefix and suffix to keep.

    Raises:
        ValueError: for an empty or out-of-range selection.
    """
    if not 0 <= start < end <= len(text) or context < 0:
        raise ValueError(f"bad selection {start}:{end} (context {context}) of {len(text)}")
    quote = TextQuoteSelector(
        text[start:end], text[max(0, start - context) : start], text[end : end + context]
    )
    return [quote.to_dict(), TextPositionSelector(start, end).to_dict()]


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    # A dict is by far the usual case; its type is checked before the ABC's slower one
    # (every note of an export is parsed).
    return type(value) is dict or isinstance(value, Mapping)


def parse_selectors(
    selectors: object,
) -> tuple[TextQuoteSelector | None, TextPositionSelector | None]:
    """The first well-formed quote and position selectors of a stored list (or a lone
    selector); anything malformed is skipped."""
    if type(selectors) is not list:  # what the store keeps; anything else is looked at
        if isinstance(selectors, Mapping):  # a lone selector where a list belongs
            selectors = [selectors]
        if not isinstance(selectors, Sequence) or isinstance(selectors, str | bytes):
            return None, None
    quote: TextQuoteSelector | None = None
    position: TextPositionSelector | None = None
    for raw in selectors:
        kind = raw.get("type") if _is_mapping(raw) else None
        if kind == "TextQuoteSelector" and quote is None:
            quote = _quote_of(raw)
        elif kind == "TextPositionSelector" and position is None:
            position = _position_of(raw)
    return quote, position

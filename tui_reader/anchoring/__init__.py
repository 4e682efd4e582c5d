"""Where an annotation sits in a story's text: W3C selectors, approximate matching and
re-anchoring after edits. Depends on nothing but the standard library."""

from tui_reader.anchoring.anchors import Anchor, anchor, anchor_many
from tui_reader.anchoring.selectors import TextPositionSelector, TextQuoteSelector, describe

__all__ = [
    "Anchor",
    "TextPositionSelector",
    "TextQuoteSelector",
    "anchor",
    "anchor_many",
    "describe",
]

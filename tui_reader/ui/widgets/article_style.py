"""How the article looks: the caret, the selection and the marks as component classes (so
every theme, light ones too, restyles them), and the hint an empty article shows."""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui_reader.ui.article_layout import wrap_words

__all__ = ["ARTICLE_CSS", "EMPTY_HINT", "MARK_CLASSES", "MarkStyles", "empty_row"]

EMPTY_HINT = "Pick a story in the list (j/k) and press enter. ? shows every key; q quits."

MARK_CLASSES = {
    "cursor": "article--cursor",
    "selection": "article--selection",
    "highlight": "article--highlight",
    "note": "article--note",
    "current": "article--current-note",
    "match": "article--match",
    "current-match": "article--current-match",
}
"""What each mark is drawn with: a component class of the article."""

# Reverse and underline survive NO_COLOR and 16-colour terminals; colour is a bonus.
ARTICLE_CSS = """
ArticleView > .article--cursor { text-style: reverse underline; }
ArticleView > .article--selection { text-style: reverse; }
ArticleView > .article--highlight {
    background: $warning 35%; color: $foreground; text-style: underline;
}
ArticleView > .article--note {
    background: $warning 55%; color: $foreground; text-style: bold underline;
}
ArticleView > .article--current-note {
    background: $warning; color: $text-warning; text-style: bold underline reverse;
}
ArticleView > .article--match {
    background: $accent 40%; color: $foreground; text-style: bold italic;
}
ArticleView > .article--current-match { text-style: bold italic reverse; }
"""


class MarkStyles:
    """A widget's own style and its marks' styles, read from the theme once per change."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._styles: dict[str, Style] = {}

    def clear(self) -> None:
        """The theme (or the CSS) changed: read the styles again when next asked."""
        self._styles.clear()

    def base(self) -> Style:
        """The widget's colours (it walks every ancestor: done once, not once per row)."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self._widget.rich_style
        return style

    def mark(self, name: str) -> Style:
        """The style of mark ``name`` (a key of :data:`MARK_CLASSES`)."""
        style = self._styles.get(name)
        if style is None:
            style = self._widget.get_component_rich_style(MARK_CLASSES[name], partial=True)
            self._styles[name] = style
        return style


@lru_cache(maxsize=256)
def empty_row(y: int, width: int, base: Style) -> Strip:
    """Row ``y`` of an empty article ``width`` cells wide in style ``base``: the hint, wrapped,
    never cut (the only words on the screen a new reader may see). Kept: every frame until a
    story opens draws the same rows, the first one too."""
    rows = ["", *wrap_words(EMPTY_HINT, max(width - 2, 10))]
    hint = " " + rows[y] if y < len(rows) else ""
    return Strip([Segment(hint, base + Style(dim=True))]).crop_extend(0, width, base)

"""What the article draws over a line of text: highlights, search matches, the selection and
the caret, in the order they are painted (later ones on top)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style

__all__ = ["Highlight", "Marks", "next_highlight", "next_match"]


@dataclass(frozen=True)
class Highlight:
    """An anchored annotation as the article draws it."""

    start: int
    end: int
    annotation_id: str
    has_note: bool


@dataclass(frozen=True)
class Marks:
    """The marks of a story's text at one moment (offsets into the document text)."""

    highlights: list[Highlight]
    current_annotation: str | None
    matches: list[tuple[int, int]]
    match_ends: list[int]
    """The end of each match, for a bisect to the first match on a line."""
    current_match: int | None
    selection: tuple[int, int] | None
    caret: int | None
    """The caret's offset when it is on this line (None: it is elsewhere)."""

    def on(
        self, start: int, end: int, style: Callable[[str], Style]
    ) -> list[tuple[int, int, Style]]:
        """The ``(start, end, style)`` spans on the line ``[start, end)``, bottom layer first;
        ``style`` names a mark (a key of the article's mark classes)."""
        found: list[tuple[int, int, Style]] = []
        selection = self.selection
        for mark in self.highlights:
            if mark.start < max(end, start + 1) and mark.end > start:
                if mark.annotation_id == self.current_annotation:
                    kind = "current"
                else:
                    kind = "note" if mark.has_note else "highlight"
                # The selection wins: a highlight is drawn around it, never over it.
                for a, b in _outside(mark.start, mark.end, selection):
                    found.append((a, b, style(kind)))
        index = bisect_right(self.match_ends, start)
        while index < len(self.matches) and self.matches[index][0] < max(end, start + 1):
            a, b = self.matches[index]
            found.append((a, b, style("current-match" if index == self.current_match else "match")))
            index += 1
        if selection is not None and selection[0] < end and selection[1] > start:
            found.append((selection[0], selection[1], style("selection")))
        if self.caret is not None:  # on its row, even at its end (then the cell after the text)
            found.append((self.caret, self.caret + 1, style("cursor")))
        return found


def _outside(start: int, end: int, cut: tuple[int, int] | None) -> list[tuple[int, int]]:
    """``[start, end)`` without the range ``cut``: the pieces before and after it."""
    if cut is None or cut[1] <= start or cut[0] >= end:
        return [(start, end)]
    return [(a, b) for a, b in ((start, cut[0]), (cut[1], end)) if a < b]


def next_match(matches: list[tuple[int, int]], cursor: int, forward: bool, *, here: bool) -> int:
    """The index of the match after (before) ``cursor``, wrapping around (``here``: a match
    starting at the cursor counts as the next one). ``matches`` is not empty."""
    starts = [start for start, _ in matches]
    if forward:
        index = (bisect_left if here else bisect_right)(starts, cursor)
        return index if index < len(starts) else 0
    index = bisect_left(starts, cursor) - 1
    return index if index >= 0 else len(starts) - 1


def next_highlight(highlights: list[Highlight], cursor: int, forward: bool) -> Highlight:
    """The highlight starting after (before) ``cursor``, wrapping around; ``highlights`` (in
    text order) is not empty."""
    if forward:
        later = [h for h in highlights if h.start > cursor]
        return later[0] if later else highlights[0]
    earlier = [h for h in highlights if h.start < cursor]
    return earlier[-1] if earlier else highlights[-1]

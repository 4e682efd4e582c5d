"""The article's drawn rows: a row's strip is kept once drawn, and the rows a page key shows
next are drawn ahead, after a frame is out, while the reader reads it.

Why: a page-down shows a screenful of rows never drawn before, and drawing each (marks, Rich's
rendering of its text) was a third of that frame; the rest is Textual's compositor. Drawn
ahead, in the time a reader spends on a page, the frame after the key only looks them up.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tui_reader.ui.article_layout import Line

__all__ = ["AHEAD_AFTER", "AHEAD_STEP", "DrawnRows", "draw_line"]

AHEAD_AFTER = 0.02
"""Seconds after a frame before rows are drawn ahead: by then the frame has been written (the
thread writing it needs the GIL), and a key typed meanwhile is served first."""
AHEAD_STEP = 12
"""Rows drawn ahead at a time: a key that arrives meanwhile waits for at most this many (about
a millisecond)."""
KEEP_PAGES = 3
"""Drawn rows further than this many screens from the view are dropped (a long read has
thousands of rows; a reader paging through it keeps only those around where they are)."""


class DrawnRows:
    """Strips of drawn rows by row number, drawn ahead around the view.

    Args:
        widget: the widget whose rows these are (its timer and queue run the drawing ahead).
        draw: draws row ``row`` as it looks now, ``width`` cells wide (None: no such row).
        view: the first row in view, the rows in view, how many rows there are, and the width
            of a row (asked once per drawing ahead: the pane's width costs as much as a row).
    """

    def __init__(
        self,
        widget: Widget,
        draw: Callable[[int, int], Strip | None],
        view: Callable[[], tuple[int, int, int, int]],
    ) -> None:
        self._widget = widget
        self._draw = draw
        self._view = view
        self._strips: dict[int, Strip] = {}
        self._timer: Timer | None = None
        self._todo: list[int] = []
        self._width = 0

    def get(self, row: int) -> Strip | None:
        """The strip of ``row`` if it is drawn."""
        return self._strips.get(row)

    def keep(self, row: int, strip: Strip) -> None:
        """Remember ``row`` as drawn."""
        self._strips[row] = strip

    def forget(self, row: int) -> None:
        """``row`` changed (the caret, a selection): draw it again when next shown."""
        self._strips.pop(row, None)

    def clear(self) -> None:
        """Every row changed (new layout, marks or theme)."""
        self._strips.clear()
        self._todo = []

    def __len__(self) -> int:
        return len(self._strips)

    def drawn(self) -> None:
        """A frame drew the widget: draw ahead once it is out (one timer at a time)."""
        if self._timer is None:
            self._timer = self._widget.set_timer(AHEAD_AFTER, self._start)

    def _start(self) -> None:
        self._timer = None
        top, height, total, self._width = self._view()
        if height <= 0 or total <= 0:
            return
        low, high = top - KEEP_PAGES * height, top + (KEEP_PAGES + 1) * height
        for row in [r for r in self._strips if not low <= r < high]:
            del self._strips[row]
        # The next screen first (reading goes down), then the one above.
        below = range(top + height, min(top + 2 * height, total))
        above = range(max(top - height, 0), top)
        self._todo = [r for r in (*below, *reversed(above)) if r not in self._strips]
        if self._todo:
            self._step()

    def _step(self) -> None:
        """Draw a few rows, then let the queue run (a key waiting goes first) before more."""
        todo, self._todo = self._todo[:AHEAD_STEP], self._todo[AHEAD_STEP:]
        for row in todo:
            if row not in self._strips:
                strip = self._draw(row, self._width)
                if strip is not None:
                    self._strips[row] = strip
        if self._todo:
            self._widget.call_later(self._step)


def draw_line(
    line: Line,
    overlays: list[tuple[int, int, Style]],
    caret: int | None,
    margin: int,
    width: int,
    base: Style,
    console: Console,
) -> Strip:
    """``line`` drawn ``width`` cells wide after ``margin`` blank cells, with ``overlays``
    (``(start, end, style)`` in document offsets) over it and the widget's colours ``base``
    under it; ``caret``: the caret's offset when it is on this line."""
    text = line.text
    if overlays:
        text = text.copy()
        if caret is not None and caret >= line.end:
            text.append(" " * (caret - line.end + 1))
        if not text.plain:
            text.append(" ")
        for start, end, style in overlays:
            text.stylize(style, max(start - line.start, 0), end - line.start)
    segments = [Segment(" " * margin, base)] if margin else []
    segments += [
        # The widget's own colours under every segment (and a style on each one, which
        # Textual's NO_COLOR filter needs).
        Segment(segment.text, base + segment.style if segment.style else base)
        for segment in (*line.prefix.render(console), *text.render(console))
    ]
    return Strip(Segment.simplify(segments)).crop_extend(0, width, base)

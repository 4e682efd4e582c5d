"""Drawing one row of the story list that is not a plain story: a search result (title, where
it matched, date) and a file that could not be read (its name and why)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_reader.ui.textcells import fit
from tui_reader.ui.widgets.inert import plain
from tui_reader.ui.widgets.story_row import StoryRow

__all__ = ["draw_error", "draw_match"]

DIM = Style(dim=True)


def draw_error(row: StoryRow, width: int, style: Style) -> Strip:
    """The row of a file that could not be read: `` ✗ name: reason`` in ``width`` cells."""
    # The reason matters more than the whole file name: the name gives way first.
    reason = plain(row.error or "")
    name_width = max(width - 5 - cell_len(reason), min(12, width // 3))
    name = plain(row.title)
    name = fit(name, name_width) if cell_len(name) > name_width else name
    return Strip([Segment(fit(f" ✗ {name}: {reason}", width), style)], width)


def draw_match(row: StoryRow, lead: str, date: str, width: int, style: Style) -> Strip:
    """A search result in ``width`` cells: ``lead`` (the markers), the title, then where it
    matched (dim), then the date. The snippet gets at least half the room, so it shows even
    beside a long title."""
    right = f" {date:>10}" if date else ""
    room = max(width - 4 - len(right), 10)
    title_text = plain(row.title)
    title = fit(title_text, max(min(cell_len(title_text), room // 2), 5))
    rest = max(room - cell_len(title) - 2, 0)
    detail = ("✎ " if row.in_note else "") + plain(row.detail)
    head = f"{lead}{title}  "
    segments = [Segment(head, style), Segment(fit(detail, rest), style + DIM),
                Segment(right, style)]  # fmt: skip
    cells = cell_len(head) + rest + len(right)  # each part is cut to its cells already
    if cells == width:  # nearly always: no second pass over the text to cut it to the width
        return Strip(segments, width)
    return Strip(segments, cells).crop_extend(0, width, style)

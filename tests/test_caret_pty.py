"""The caret and the selection as a terminal shows them: truecolor, 16 colours and NO_COLOR."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app_helpers import write_story
from tests.pty_helpers import Terminal

MODES = {
    "truecolor": {"COLORTERM": "truecolor"},
    "16-colours": {"TERM": "xterm"},
    "no-color": {"NO_COLOR": "1"},
}
BODY = "\n\n".join(
    f"Paragraph {p} has a good number of words in it so that it wraps onto another line."
    for p in range(30)
)


def start(tmp_path: Path, env: dict[str, str]) -> Terminal:
    stories = tmp_path / "stories"
    write_story(stories, "long.md", "A long story", BODY)
    # 80 columns (the stacked layout), rows enough that the article keeps some beside the list.
    term = Terminal(
        [str(stories), "--data-dir", str(tmp_path / "data")], tmp_path, size=(80, 40), env=env
    )
    term.wait_for("A long story")
    term.send("\r", settle=0.8)
    term.wait_for("Paragraph 0")
    return term


def text_cells(term: Terminal) -> list[tuple[int, int]]:
    """The article's text cells: inside its border, left of its scrollbar."""
    top = next(y for y, line in enumerate(term.screen.display) if "A long story" in line[:20])
    return [(y, x) for y in range(top, term.screen.lines - 2) for x in range(1, 77)]


def carets(term: Terminal) -> list[tuple[int, int, str]]:
    """Every cell drawn as the caret is (reverse video and underlined)."""
    buffer = term.screen.buffer
    return [
        (y, x, buffer[y][x].data)
        for y, x in text_cells(term)
        if buffer[y][x].reverse and buffer[y][x].underscore
    ]


def row_of(term: Terminal, words: str) -> int:
    return next(y for y, line in enumerate(term.screen.display) if words in line)


def caret_at(term: Terminal, words: str, below: int, char: str, timeout: float = 15) -> None:
    """Wait until the one caret is drawn on ``char``, ``below`` rows under ``words``' row."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [y for y, line in enumerate(term.screen.display) if words in line]
        if rows and carets(term) == [(rows[0] + below, 1, char)]:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no single caret on {char!r} {below} row(s) under {words!r}: {carets(term)}"
                f"\n{term.text()}"
            )
        term.pump(0.05)


@pytest.mark.parametrize("mode", list(MODES))
def test_one_caret_is_drawn_and_moves_with_j_and_g(tmp_path: Path, mode: str) -> None:
    term = start(tmp_path, MODES[mode])
    try:
        caret_at(term, "Paragraph 0", 0, "P")
        term.send("jjj", settle=0)  # one write
        caret_at(term, "Paragraph 1", 1, "l")  # its second line
        term.send("  g", settle=0)
        caret_at(term, "Paragraph 0", 0, "P")
        term.send("\t", settle=0)  # another pane has the focus: the caret stays drawn
        # The list has the focus (a heavy line: its border, or its compact title rule).
        term.wait_for("┏━ Stories", alternatives=("━Stories",))
        caret_at(term, "Paragraph 0", 0, "P")
    finally:
        term.close()


@pytest.mark.parametrize("mode", list(MODES))
def test_a_selection_inside_a_highlight_stays_visible(tmp_path: Path, mode: str) -> None:
    term = start(tmp_path, MODES[mode])
    try:
        term.send("Vh", settle=0.8)  # highlight the first paragraph
        term.wait_for("Highlight saved")
        term.send("gwvww", settle=0.8)  # select "0 has " inside it
        y = row_of(term, "Paragraph 0")
        cells = [term.screen.buffer[y][x] for x in range(1, 30)]
        selected = [c for c in cells if c.reverse and not c.underscore]
        assert "".join(c.data for c in selected) == "0 has "
        highlighted = cells[0]  # "P": highlighted, not selected
        assert not highlighted.reverse and highlighted.underscore
        if mode != "no-color":
            assert highlighted.bg != "default"
            # The selection's own colours, not the highlight's reversed.
            assert all((c.fg, c.bg) != (highlighted.fg, highlighted.bg) for c in selected)
    finally:
        term.close()

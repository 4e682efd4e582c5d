"""The reader in real ptys: colour modes, and what state stays visible without colour."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from tests.paths import seed_library
from tests.pty_helpers import Terminal
from tui_reader.storage.store import Store

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

TRUECOLOR = re.compile(rb"\x1b\[[0-9;]*[34]8;2;")
COLOR_256 = re.compile(rb"\x1b\[[0-9;]*[34]8;5;")
ANY_COLOR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
REVERSE = re.compile(rb"\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m")


def run_session(tmp_path: Path, env: dict[str, str]) -> Terminal:
    stories = seed_library(tmp_path)
    term = Terminal([str(stories), "--data-dir", str(tmp_path / "data")], tmp_path, env=env)
    term.wait_for("Security Blocs")
    term.send("\r", settle=0.5)
    term.wait_for("Russian Defense")
    term.send("ve", settle=0.5)
    return term


@pytest.mark.parametrize(
    ("env", "allowed", "forbidden"),
    [
        ({"COLORTERM": "truecolor"}, TRUECOLOR, None),
        ({"TERM": "xterm-256color"}, COLOR_256, TRUECOLOR),
        ({"TERM": "screen"}, None, COLOR_256),
        ({"TERM": "xterm"}, None, COLOR_256),
    ],
    ids=["truecolor", "256", "screen-16", "xterm-16"],
)
def test_colour_depth_follows_the_terminal(
    tmp_path: Path,
    env: dict[str, str],
    allowed: re.Pattern[bytes] | None,
    forbidden: re.Pattern[bytes] | None,
) -> None:
    term = run_session(tmp_path, env)
    try:
        output = bytes(term.output)
        if allowed is not None:
            assert allowed.search(output)
        if forbidden is not None:
            assert not forbidden.search(output)
        if env.get("TERM") in ("screen", "xterm"):
            assert not TRUECOLOR.search(output)
            assert ANY_COLOR.search(output)
        # The selection is drawn in reverse video in every mode.
        assert REVERSE.search(output)
    finally:
        term.close()


def test_no_color_sends_no_colour_but_keeps_selection_visible(tmp_path: Path) -> None:
    term = run_session(tmp_path, {"NO_COLOR": "1"})
    try:
        before = len(term.output)
        term.send("e", settle=0.5)
        output = bytes(term.output)
        assert not ANY_COLOR.search(output)
        assert not COLOR_256.search(output) and not TRUECOLOR.search(output)
        assert REVERSE.search(output[before:])  # the grown selection, in reverse video
    finally:
        term.close()


def test_textual_color_system_setting_is_respected(tmp_path: Path) -> None:
    term = run_session(tmp_path, {"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "truecolor"})
    try:
        assert TRUECOLOR.search(bytes(term.output))
    finally:
        term.close()


def test_urls_are_osc8_hyperlinks(tmp_path: Path) -> None:
    term = run_session(tmp_path, {})
    try:
        assert b"\x1b]8;id=" in term.output
        assert b";https://www.themoscowtimes.com/2021/09/15/" in term.output
    finally:
        term.close()


def test_mouse_motion_without_a_button_writes_nothing(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    (stories / "other.md").write_text("# Another Story\n\nJune 1, 2020\n\nOnly here.\n", "utf-8")
    term = Terminal([str(stories), "--data-dir", str(tmp_path / "data")], tmp_path)
    try:
        term.wait_for("Another Story")
        term.wait_quiet()
        for x, y in [(5, 3), (40, 15), (70, 10), (60, 23), (5, 5)]:
            moved = term.send(f"\x1b[<35;{x};{y}M", settle=0.3)  # SGR motion, no button
            assert moved == b""
        assert "Only here." not in term.text()
        # A click still works: the first click on the second row (the older story)
        # highlights it, the second opens it.
        row = next(i for i, line in enumerate(term.screen.display) if "Another Story" in line)
        click = f"\x1b[<0;10;{row + 1}M\x1b[<0;10;{row + 1}m"  # SGR rows are 1-based
        term.send(click, settle=0.1)
        term.send(click, settle=0.1)
        term.wait_for("Only here.")
    finally:
        term.close()


def test_no_mouse_flag_turns_mouse_reporting_off(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    args = [str(stories), "--data-dir", str(tmp_path / "data"), "--no-mouse"]
    term = Terminal(args, tmp_path)
    try:
        term.wait_for("Security Blocs")
        assert b"\x1b[?1003h" not in term.output and b"\x1b[?1000h" not in term.output
    finally:
        term.close()


def test_a_lone_escape_is_a_key_through_the_custom_input_loop(tmp_path: Path) -> None:
    """The reader's own input loop (PromptEscapeDriver) still turns a lone ESC into a key.

    How fast it does so is a figure for the benchmark, not an assertion here."""
    term = run_session(tmp_path, {})
    try:
        term.send("e", settle=0.3)
        assert REVERSE.search(bytes(term.output))
        cancelled = term.send("\x1b", settle=1.0)
        assert cancelled  # the selection was redrawn away: Esc was a key, not a sequence start
    finally:
        term.close()


def test_mouse_drag_selects_and_h_highlights_it(tmp_path: Path) -> None:
    term = run_session(tmp_path, {})
    try:
        term.send("\x1b", settle=0.3)  # drop the keyboard selection from run_session
        row = next(i for i, line in enumerate(term.screen.display) if "Russian Defense" in line)
        col = term.screen.display[row].index("Russian Defense")
        y, x = row + 1, col + 1  # SGR mouse coordinates are 1-based
        term.send(f"\x1b[<0;{x};{y}M", settle=0.2)  # press on "R"
        term.send(f"\x1b[<32;{x + 7};{y}M", settle=0.2)  # drag with the button held
        term.send(f"\x1b[<32;{x + 14};{y}M", settle=0.2)
        term.send(f"\x1b[<0;{x + 14};{y}m", settle=0.2)  # release on the last "e"
        term.send("h", settle=0.5)
        term.close()
        store = Store.open(tmp_path / "data")
        (note,) = store.all_annotations()
        store.close()
        quote = next(s["exact"] for s in note.selectors if s["type"] == "TextQuoteSelector")
        assert quote == "Russian Defense"
    finally:
        term.close()


def test_y_copies_through_the_terminal_with_osc52(tmp_path: Path) -> None:
    term = run_session(tmp_path, {})  # "Russian" is selected
    try:
        copied = term.send("ey", settle=0.5)
        match = re.search(rb"\x1b\]52;c;([A-Za-z0-9+/=]+)\x07", copied)
        assert match, copied[:200]
        text = base64.b64decode(match.group(1)).decode("utf-8")
        assert text.startswith("“Russian Defense”\n— Security Blocs Led by Russia")
        assert "https://www.themoscowtimes.com/2021/09/15/" in text
        term.send("\x1b", settle=0.3)  # no selection: y copies the story URL
        copied = term.send("y", settle=0.5)
        match = re.search(rb"\x1b\]52;c;([A-Za-z0-9+/=]+)\x07", copied)
        assert match
        assert base64.b64decode(match.group(1)).decode().startswith("https://www.themoscowtimes")
        shown = term.send("o", settle=0.5)  # and o shows it, never starting a browser
        assert shown and "themoscowtimes" in term.text()
    finally:
        term.close()


def test_search_typed_in_one_burst_loses_no_key(tmp_path: Path) -> None:
    stories = seed_library(tmp_path)
    (stories / "other.md").write_text("# Another Story\n\nJune 1, 2020\n\nText.\n", "utf-8")
    term = Terminal([str(stories), "--data-dir", str(tmp_path / "data")], tmp_path)
    try:
        term.wait_for("Another Story")
        term.send("/blocs q", settle=0.8)  # one write, as over a slow SSH link
        text = term.text()
        assert "matching “blocs q”" in text  # every key of the burst reached the query
        # No story has both words (or, on a cold start, the index is still being built); and
        # q did not quit.
        assert "Nothing matches" in text or "Nothing found yet" in text, text
        term.send("\x7f\x7f\r", settle=0.5)  # backspace twice, enter keeps the filter
        assert "matching “blocs”" in term.text()
        assert "Security Blocs" in term.text()
    finally:
        term.close()

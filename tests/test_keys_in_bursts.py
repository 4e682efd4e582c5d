"""No keystroke is lost: keys that arrive together are all applied, in order.

Over SSH, key repeat and a slow link deliver several keys in one read. The real reader in a pty
gets them in one write; the Pilot tests post them to the app all at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from tests.app_helpers import build, open_first_story, wait_for_rows, wait_until, write_story
from tests.pty_helpers import Terminal
from tui_reader.storage.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.note_editor import NoteEditor
from tui_reader.ui.widgets.article import Article

TWO_LINES = "Paragraph {} has a good number of words in it so that it wraps onto another line."


def five_stories(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    for i in range(5):
        body = "\n\n".join(TWO_LINES.format(p) for p in range(30))
        write_story(stories, f"s{i}.md", f"Story number {i}", body, date=f"May {10 + i}, 2021")
    return stories


def fifty_thousand_words(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    paragraphs = [
        f"Paragraph {p} " + " ".join(f"word{p}x{w}" for w in range(48)) + "." for p in range(1040)
    ]
    paragraphs.append("THE LAST PARAGRAPH of the long story ends here.")
    write_story(stories, "long.md", "A very long story", "\n\n".join(paragraphs))
    return stories


def reader(tmp_path: Path, stories: Path, env: dict[str, str] | None = None) -> Terminal:
    term = Terminal([str(stories), "--data-dir", str(tmp_path / "data")], tmp_path, env=env)
    return term


def caret_row(term: Terminal) -> int:
    buffer = term.screen.buffer
    rows = [
        y
        for y in range(term.screen.lines)
        for x in range(1, 77)
        if buffer[y][x].reverse and buffer[y][x].underscore
    ]
    assert len(rows) == 1, rows
    return rows[0]


def article_title(term: Terminal) -> str:
    line = next(line for line in term.screen.display if line.startswith("┏━ "))
    return line.removeprefix("┏━ ").split(" ━")[0]


def test_three_next_story_keys_in_one_write_move_three_stories(tmp_path: Path) -> None:
    term = reader(tmp_path, five_stories(tmp_path))
    try:
        term.wait_for("Story number 0")
        term.send("\r", settle=0.8)
        term.wait_for("┏━ Story number 4")
        term.send("]]]", settle=0.1)
        term.wait_for("┏━ Story number 1")
        term.pump(0.8)
        assert article_title(term) == "Story number 1"  # and it went no further
    finally:
        term.close()


def test_five_js_in_one_write_move_the_caret_five_lines(tmp_path: Path) -> None:
    term = reader(tmp_path, five_stories(tmp_path))
    try:
        term.wait_for("Story number 0")
        term.send("\r", settle=0.8)
        term.wait_for("Paragraph 0")
        first = caret_row(term)
        term.send("jjjjj", settle=0.8)
        # Five lines of text down: Paragraph 0 and 1 have two each, so the second of 2.
        assert (
            caret_row(term)
            == next(y for y, line in enumerate(term.screen.display) if "Paragraph 2" in line) + 1
        )
        assert caret_row(term) > first
    finally:
        term.close()


@pytest.mark.parametrize("delay", [0.0, 0.2], ids=["same write", "0.2 s later"])
def test_g_right_after_enter_on_a_long_story_reaches_its_end(tmp_path: Path, delay: float) -> None:
    term = reader(tmp_path, fifty_thousand_words(tmp_path))
    try:
        term.wait_for("A very long story")
        term.pump(0.5)
        if delay:
            term.send("\r", settle=delay)
            term.send("G", settle=0.0)
        else:
            term.send("\rG", settle=0.0)
        term.wait_for("THE LAST PARAGRAPH", timeout=30)
        assert "A very long story" in article_title(term)
    finally:
        term.close()


def test_a_note_typed_in_one_write_reaches_the_editor(tmp_path: Path) -> None:
    term = reader(tmp_path, five_stories(tmp_path))
    try:
        term.wait_for("Story number 0")
        term.send("\r", settle=0.8)
        term.wait_for("Paragraph 0")
        term.send("Va" + "hello, quick world" + "\x13", settle=0.2)  # ctrl+s saves
        term.wait_for("Note saved")
    finally:
        term.close()
    notes = Store.open(tmp_path / "data").all_annotations()
    assert [n.note for n in notes] == ["hello, quick world"]


# ----- the same, in Pilot ------------------------------------------------------------------


def burst(app: ReaderApp, keys: str) -> None:
    """Post ``keys`` to the app at once, as a terminal's single read delivers them."""
    names = {"]": "right_square_bracket", " ": "space", ",": "comma", "\r": "enter"}
    for key in keys:
        app.post_message(events.Key(names.get(key, key), key))


async def test_a_burst_of_next_story_keys_skips_as_many_stories(tmp_path: Path) -> None:
    app = build(tmp_path, five_stories(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        article = await open_first_story(pilot)
        burst(app, "]]]")
        await wait_until(
            pilot,
            lambda: article.story is not None and article.story.title == "Story number 1",
            "the third story after the first",
        )
        # Settled: no key left waiting and no story being opened; still the third one.
        reader = app.screen
        await wait_until(
            pilot,
            lambda: not reader.keys.waiting and not reader.workers,
            "the burst handled and no story opening",
        )
        await pilot.pause()
        assert article.story is not None and article.story.title == "Story number 1"


async def test_a_burst_after_a_opens_the_editor_with_every_letter(tmp_path: Path) -> None:
    app = build(tmp_path, five_stories(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        burst(app, "Vahello, world")
        await wait_until(
            pilot,
            # Pushed is not yet composed: the editor's text area may not be there yet.
            lambda: (
                isinstance(app.screen, NoteEditor)
                and bool(app.screen.query(TextArea))
                and app.screen.text == "hello, world"
            ),
            "every letter in the editor",
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, NoteEditor), "saved")
    assert [n.note for n in Store.open(tmp_path / "data").all_annotations()] == ["hello, world"]


async def test_keys_typed_while_a_story_opens_go_to_that_story(tmp_path: Path) -> None:
    app = build(tmp_path, five_stories(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 5)
        burst(app, "\rjjjv")
        article = app.screen.query_one(Article)
        await wait_until(pilot, lambda: article.select_from is not None, "the selection")
        assert story_list.cursor == 0  # the j's did not move the list
        assert article.document is not None
        assert article.document.text[article.cursor :].startswith("line.")  # 3 lines down


async def test_text_pasted_right_after_a_lands_in_the_editor_in_order(tmp_path: Path) -> None:
    app = build(tmp_path, five_stories(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot)
        burst(app, "Va")
        app.post_message(events.Paste("hello, "))
        burst(app, "world")
        await wait_until(
            pilot,
            # Pushed is not yet composed: the editor's text area may not be there yet.
            lambda: (
                isinstance(app.screen, NoteEditor)
                and bool(app.screen.query(TextArea))
                and app.screen.text == "hello, world"
            ),
            "the pasted text between the typed letters",
        )

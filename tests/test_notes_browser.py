"""The notes browser (``S``), driven by keys on the real app at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList

from tests.app_helpers import build, notices, screen_text, wait_for_rows, wait_for_story, wait_until
from tests.notes_helpers import library, note_on, text_of
from tui_reader.storage.store import Store
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.notes_browser import NotesBrowser
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.article import Article

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)


def setup(tmp_path: Path) -> dict[str, Any]:
    """Notes on two stories (one with tags, one long note), and one on a story not here."""
    stories = library(tmp_path / "stories")
    store = Store.open(tmp_path / "data")
    notes = {
        "old": note_on(store, stories["a"], "Prices rose sharply", "an old *note*",
                       ("economy",), when="2026-01-01T10:00:00.000000Z"),
        "fox": note_on(store, stories["a"], "said the fox", "foxes [talk]",
                       ("animals", "to read"), when="2026-01-03T10:00:00.000000Z"),
        "cats": note_on(store, stories["b"], "cats and dogs", "", (),
                        when="2026-01-02T10:00:00.000000Z"),
    }  # fmt: skip
    sel = [{"type": "TextQuoteSelector", "exact": "far away", "prefix": "", "suffix": ""}]
    gone = store.add_annotation("url:elsewhere.example/x", sel, "from far", story_title="Far")
    store.close()
    return {"stories": stories, "notes": notes, "gone": gone}


async def open_browser(pilot: Any) -> NotesBrowser:
    await wait_for_rows(pilot, 3)
    await pilot.press("A")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, NotesBrowser), "the notes browser")
    browser = app.screen
    assert isinstance(browser, NotesBrowser)
    await wait_until(pilot, lambda: browser.items is not None, "the notes read")
    await pilot.pause()
    return browser


async def test_lists_every_note_newest_first_and_filters(tmp_path: Path) -> None:
    world = setup(tmp_path)
    app = build(tmp_path, tmp_path / "stories")
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        order = [item.annotation.id for item in browser.shown]
        notes = world["notes"]
        assert order == [world["gone"].id, notes["fox"].id, notes["cats"].id, notes["old"].id]
        screen = screen_text(app)
        assert "All notes (4)" in screen
        assert "“said the fox”" in screen and "foxes [talk]" in screen  # literal, not markup
        assert "Story A: markup [x] · 2026-01-03" in screen and "#animals #to-read" in screen
        assert "(highlight)" in screen and "Far" in screen and "not in the library" in screen

        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"FOX")
        assert [i.annotation.id for i in browser.shown] == [notes["fox"].id]
        assert "All notes (4) · 1 match" in screen_text(app)
        await pilot.press(*" #nothing")
        assert browser.shown == [] and "No note matches the filter." in screen_text(app)
        app.screen.query_one(Input).value = "#ECONOMY"
        await pilot.pause()
        assert [i.annotation.id for i in browser.shown] == [notes["old"].id]
        app.screen.query_one(Input).value = "markup"  # the story's title matches too
        await pilot.pause()
        assert {i.annotation.id for i in browser.shown} == {notes["old"].id, notes["fox"].id}
        await pilot.press("enter")  # back to the list
        assert isinstance(app.focused, OptionList)
        await pilot.press("slash", "q")  # q is typed, it does not close anything
        assert app.screen.query_one(Input).value == "markupq"
        await pilot.press("escape")  # back to the list, the browser stays
        assert isinstance(app.focused, OptionList) and isinstance(app.screen, NotesBrowser)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_enter_opens_the_story_at_the_passage(tmp_path: Path) -> None:
    world = setup(tmp_path)
    app = build(tmp_path, tmp_path / "stories")
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press("j", "j")  # the gone note, fox, then cats
        assert browser.current is not None
        assert browser.current.annotation.id == world["notes"]["cats"].id
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        article = await wait_for_story(pilot, "Story B")
        await wait_until(
            pilot,
            lambda: article.current_annotation == world["notes"]["cats"].id,
            "the article at the note",
        )
        text = text_of(world["stories"]["b"])
        assert article.cursor == text.index("cats and dogs")

        await open_browser(pilot)  # a note deep in another story
        await pilot.press("j", "enter")
        article = await wait_for_story(pilot, world["stories"]["a"].title)
        fox = world["notes"]["fox"].id
        await wait_until(pilot, lambda: article.current_annotation == fox, "the fox note")
        assert article.cursor == text_of(world["stories"]["a"]).index("said the fox")


async def test_y_copies_markdown_and_a_note_without_its_story_stays(tmp_path: Path) -> None:
    setup(tmp_path)
    app = build(tmp_path, tmp_path / "stories")
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press("enter")  # the newest: its story is not in the library
        assert isinstance(app.screen, NotesBrowser)
        assert any("is not in the library" in n for n in notices(app))
        await pilot.press("j", "y")
        assert browser.current is not None
        assert app.clipboard == (
            "> said the fox\n\nfoxes \\[talk\\]\n\n#animals #to-read · *2026-01-03 "
            + app.clipboard.split("· *2026-01-03 ")[1].split("*")[0]
            + "*\n\n— [Story A: markup \\[x\\]](<https://example.org/a>), Test Writer, "
            "September 15, 2021\n"
        )
        assert any("Copied the note as Markdown" in n for n in notices(app))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")


async def test_the_key_is_in_help_and_palette_and_an_empty_browser_says_how(
    tmp_path: Path,
) -> None:
    library(tmp_path / "stories")
    app = build(tmp_path, tmp_path / "stories")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "All notes" in commands
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.press("escape")
        browser = await open_browser(pilot)
        assert browser.items == []
        assert "No notes yet." in screen_text(app)
        await pilot.press("q")  # closes the browser, not the app
        assert isinstance(app.screen, ReaderScreen) and app.is_running
        assert isinstance(app.screen.query_one(Article), Article)

"""Pilot tests: the reader driven by keys at 80x24 and 120x40, asserting on what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import (
    SEED_TITLE,
    build,
    open_first_story,
    screen_svg,
    screen_text,
    seed_library,
    select_and_annotate,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList


def library(tmp_path: Path) -> Path:
    """The seed plus two more stories with distinct dates."""
    stories = seed_library(tmp_path)
    write_story(stories, "new.md", "Newest Story", "Fresh news.\n\n" * 3, date="2024-05-01")
    write_story(stories, "old.md", "Oldest Story", "Old news " * 400, date="March 3, 2001")
    return stories


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_list_newest_first_and_open_by_keys(tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=size) as pilot:
        story_list = await wait_for_rows(pilot, 3)
        assert [row.title for row in story_list.rows] == [
            "Newest Story",
            SEED_TITLE,
            "Oldest Story",
        ]
        text = screen_text(app)
        assert "Newest Story" in text and "2024-05-01" in text
        await pilot.press("j", "enter")
        article = await wait_for_story(pilot, SEED_TITLE)
        assert article.has_focus
        text = screen_text(app)
        assert "By Christopher Rickleton" in text
        assert "https://www.themoscowtimes.com" in text
        assert "Russian Defense Minister" in text
        # The header lines are shown once, in the header, not repeated in the body.
        assert text.count("Original url") == 0


async def test_wide_sidebar_opens_by_itself_only_for_a_story_with_notes(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 3)
        screen = app.screen
        sidebar = screen.query_one(NotesSidebar)
        assert not sidebar.display  # no story, no notes: the article gets the room
        article = await open_first_story(pilot)
        assert not sidebar.display
        assert article.layout_width() == 76  # the reading measure, not the pane
        await select_and_annotate(pilot, "first note")
        await wait_until(pilot, lambda: sidebar.display, "the sidebar to open for the note")
        for widget in (StoryList, Article, NotesSidebar):
            assert screen.query_one(widget).region.width >= 24
        assert "first note" in screen_text(app)


async def test_narrow_sidebar_toggles(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        sidebar = app.screen.query_one(NotesSidebar)
        assert not sidebar.display
        await pilot.press("enter")
        await wait_for_story(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display and sidebar.region.width >= 30
        await pilot.press("s")
        await pilot.pause()
        assert not sidebar.display


async def test_article_scrolling_keys(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("G", "enter")  # the long "Oldest Story"
        article = await wait_for_story(pilot, "Oldest Story")
        assert article.scroll_y == 0 and article.cursor == 0
        height = article.scrollable_content_region.height
        # j/k move the caret; the view follows it only once it would leave the screen.
        first = article._row_of(0)
        await pilot.press("j")
        assert article._row_of(article.cursor) > first and article.scroll_y == 0
        await pilot.press("k")
        assert article.cursor == 0
        await pilot.press(*"j" * height)
        assert article.scroll_y > 0
        assert article.scroll_y <= article._row_of(article.cursor) < article.scroll_y + height
        await pilot.press("g")
        assert article.scroll_y == 0 and article.cursor == 0
        await pilot.press("space")
        page = article.scroll_y
        assert page >= 5
        await pilot.press("pagedown")
        assert article.scroll_y == 2 * page
        await pilot.press("pageup")
        assert article.scroll_y == page
        await pilot.press("G")
        assert article.scroll_y == article.max_scroll_y > 0
        await pilot.press("g")
        assert article.scroll_y == 0


async def test_brackets_step_through_stories_and_tab_cycles(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("right_square_bracket")
        await wait_for_story(pilot, "Newest Story")
        await pilot.press("right_square_bracket")
        await wait_for_story(pilot, SEED_TITLE)
        await pilot.press("left_square_bracket")
        await wait_for_story(pilot, "Newest Story")
        screen = app.screen
        assert screen.query_one(Article).has_focus
        await pilot.press("s")  # no notes: the sidebar opens when asked for
        await pilot.pause()
        await pilot.press("tab")
        assert screen.query_one(NotesSidebar).has_focus
        await pilot.press("tab")
        assert screen.query_one(StoryList).has_focus
        await pilot.press("shift+tab")
        assert screen.query_one(NotesSidebar).has_focus


async def test_help_screen_lists_keys(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Keys" in text and "Bookmark" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "Newest Story" in screen_text(app)


async def test_quit_with_q(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_untrusted_story_text_is_inert(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    body = (
        "Markup [bold red]NOT BOLD[/bold red] and [link=https://evil.example]click[/link].\n\n"
        "Clear \x1b[2J screen and OSC52 \x1b]52;c;aGk=\x07 copy and bell \x07 and C1 \x9b31m."
    )
    write_story(stories, "evil.md", "Evil [bold]title[/bold]", body)
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        text = screen_text(app)
        assert "[bold red]NOT BOLD[/bold red]" in text
        assert "[link=https://evil.example]click[/link]" in text
        assert "Evil [bold]title[/bold]" in text
        assert "[2J" in text
        assert article.document is not None and "\x1b" not in article.document.text
        # What the terminal receives: the screenshot holds every character of every cell.
        svg = screen_svg(app)
        for control in ("\x1b", "\x07", "\x9b"):
            assert control not in svg, f"{control!r} reached the screen"


async def test_broken_files_are_error_rows_and_good_one_reads(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    write_story(stories, "good.md", "The Good One", "Readable text.")
    for i in range(50):
        (stories / f"bad{i:02}.txt").write_bytes(b"\x00\x01\x02binary" * (i + 1))
    (stories / "empty.md").write_bytes(b"")
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 40)) as pilot:
        story_list = await wait_for_rows(pilot, 52)
        errors = [row for row in story_list.rows if row.error]
        assert len(errors) == 51
        assert story_list.rows[0].title == "The Good One"
        assert "✗" in screen_text(app)
        await pilot.press("enter")
        await wait_for_story(pilot, "The Good One")
        assert "Readable text." in screen_text(app)
        await pilot.press("escape", "j", "enter")
        await pilot.pause()
        assert app.is_running


async def test_empty_folder_says_so(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "No stories in" in screen_text(app), "the empty message")
        await pilot.press("j", "enter", "k", "v", "a", "b")
        assert app.is_running


async def test_resize_keeps_state_and_tiny_terminal_says_so(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    words = " ".join(f"w{i:04}" for i in range(1200))  # each word says where it is
    write_story(stories, "long.md", "Oldest Story", words, date="March 3, 2001")
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.press("enter")
        article = await wait_for_story(pilot, "Oldest Story")
        await pilot.press("space", "v", "e", "e")
        selection = article.selection
        assert selection is not None
        for size in [(40, 12), (300, 80), (20, 6), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.is_running
            assert article.selection == selection
            assert article.story is not None and article.story.title == "Oldest Story"
            text = screen_text(app)
            if size == (20, 6):
                assert "too small" in text
            else:
                assert "too small" not in text
                assert "Oldest Story" in text
        # The cursor (and selection) are still on screen after all that: the selection's last
        # word, unique in the story, is shown.
        assert article.document is not None
        last_word = article.document.text[: selection[1]].split()[-1]
        assert last_word.startswith("w") and last_word in screen_text(app)


async def test_reading_position_is_restored(tmp_path: Path) -> None:
    stories = library(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("G", "enter")
        article = await wait_for_story(pilot, "Oldest Story")
        await pilot.press("space", "space")
        offset = article.top_offset
        assert offset > 0
        await pilot.press("q")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 3)
        await wait_until(  # the last open story is highlighted
            pilot,
            lambda: story_list.current is not None and story_list.current.title == "Oldest Story",
            lambda: f"the last open story highlighted (is {story_list.current})",
        )
        await pilot.press("enter")
        article = await wait_for_story(pilot, "Oldest Story")
        assert article.scroll_y > 0
        assert abs(article.top_offset - offset) < 200


async def test_slash_searches_titles(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 3)
        await pilot.press("slash", *"russia quit")
        await pilot.pause()
        assert app.is_running  # q went into the search, it did not quit
        assert story_list.rows == []
        assert "Nothing matches" in screen_text(app)
        for _ in range(5):
            await pilot.press("backspace")
        await pilot.pause()
        assert [row.title for row in story_list.rows] == [SEED_TITLE]
        await pilot.press("enter")
        await pilot.pause()
        assert story_list.has_focus
        assert len(story_list.rows) == 1  # the filter stays while reading
        await pilot.press("enter")
        await wait_for_story(pilot, SEED_TITLE)
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(story_list.rows) == 3
        assert "matching" not in screen_text(app)


async def test_clicking_a_row_highlights_it_and_a_second_click_opens_it(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 3)
        # The list has a border: its second row is the third screen row of the widget.
        await pilot.click(StoryList, offset=(10, 2))
        assert story_list.cursor == 1
        assert app.screen.query_one(Article).story is None  # highlighted, not opened yet
        await pilot.click(StoryList, offset=(10, 2))
        await wait_for_story(pilot, SEED_TITLE)

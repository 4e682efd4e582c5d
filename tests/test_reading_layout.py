"""A comfortable read: the reading measure, a layout that fits and remembers, reading mode,
themes, and nothing cut that matters. Pilot tests on the real app and a real store."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.cells import cell_len

from tests.app_helpers import (
    REPO,
    build,
    open_first_story,
    screen_text,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tui_reader.core.config import Config
from tui_reader.ui.app import ReaderApp, create_app
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.widgets.article import Article
from tui_reader.ui.widgets.notes import NotesSidebar
from tui_reader.ui.widgets.story_list import StoryList

FIXTURES = REPO / "tests" / "fixtures" / "reading"
LONG = "A fairly ordinary sentence about the news of the day, told at length. " * 200


def library(tmp_path: Path, count: int = 3) -> Path:
    stories = tmp_path / "stories"
    for i in range(count):
        write_story(
            stories, f"s{i:02}.md", f"Story number {i:02}", LONG, date=f"2024-01-{i + 1:02}"
        )
    return stories


def app_with(tmp_path: Path, stories: Path, **config: object) -> ReaderApp:
    return create_app(
        stories,
        tmp_path / "data",
        Config(**config),
        cache_dir=tmp_path / "cache",  # type: ignore[arg-type]
    )


def body_rows(app: ReaderApp) -> list[str]:
    """The article's body rows on screen, without the pane's border."""
    article = app.screen.query_one(Article)
    region = article.scrollable_content_region  # without the scrollbar
    rows = screen_text(app).splitlines()[region.y : region.y + region.height]
    return [row[region.x : region.x + region.width] for row in rows]


async def test_body_text_wraps_at_the_measure_centred_in_a_wide_pane(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        article = await open_first_story(pilot)
        rows = [r for r in body_rows(app) if "ordinary" in r]
        assert rows and max(cell_len(r.strip()) for r in rows) <= 76
        assert article.margin >= 10  # the spare width is margin, on both sides
        left = min(len(r) - len(r.lstrip()) for r in rows)
        assert left == article.margin


async def test_measure_and_alignment_come_from_the_config(tmp_path: Path) -> None:
    app = app_with(tmp_path, library(tmp_path), measure=50, align="left")
    async with app.run_test(size=(200, 50)) as pilot:
        article = await open_first_story(pilot)
        rows = [r for r in body_rows(app) if "ordinary" in r]
        assert max(cell_len(r.strip()) for r in rows) <= 50
        assert article.margin == 1


async def test_sidebar_choice_and_list_width_survive_a_restart(tmp_path: Path) -> None:
    stories = library(tmp_path)
    app = build(tmp_path, stories)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first_story(pilot)
        sidebar, story_list = app.screen.query_one(NotesSidebar), app.screen.query_one(StoryList)
        assert not sidebar.display  # no notes: no sidebar
        await pilot.press("s")  # shown, with no notes: the list gives it room
        await pilot.pause()
        width = story_list.region.width
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert sidebar.display and story_list.region.width == width + 8
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("q")
    again = build(tmp_path, stories)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("enter")  # the cursor is back on the last story: open it
        await wait_for_story(pilot)
        await pilot.pause()
        assert again.screen.query_one(NotesSidebar).display  # as the reader left it
        assert again.screen.query_one(StoryList).region.width == width + 8
        assert again.theme == "textual-light"
        await pilot.press("s")  # hidden now, and that is remembered too
        await pilot.pause()
        assert not again.screen.query_one(NotesSidebar).display


async def test_reading_mode_gives_the_article_the_screen_and_keeps_the_place(
    tmp_path: Path,
) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        await pilot.press("space", "space")
        top = article.top_offset
        await pilot.press("z")
        await pilot.pause()
        assert not app.screen.query_one(StoryList).display
        assert article.region.width == 120
        assert article.top_offset == top
        await pilot.press("s")  # the notes, with the article beside them (the width changes)
        await pilot.pause()
        assert app.screen.query_one(NotesSidebar).display
        # Re-wrapped narrower: the row at the top still shows where the reader was.
        assert article.layout_width() < 76 and article.top_offset <= top
        assert top < article.top_offset + article.layout_width()
        await pilot.press("s", "escape")
        await pilot.pause()
        assert app.screen.query_one(StoryList).has_focus and not app.screen.has_class(
            "reading-mode"
        )


async def test_compact_list_at_80x24_shows_fifteen_stories(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        story_list = await wait_for_rows(pilot, 20)
        assert story_list.scrollable_content_region.height >= 15
        text = screen_text(app)
        assert sum(f"Story number {i:02}" in text for i in range(20)) >= 15


async def test_open_story_is_marked_and_small_panes_keep_their_room(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path))
    async with app.run_test(size=(60, 20)) as pilot:
        await open_first_story(pilot)
        await pilot.press("escape", "j")  # the cursor leaves the open story
        await pilot.pause()
        assert "▶Story number 02" in screen_text(app)
        await pilot.press("enter")
        await wait_for_story(pilot, "Story number 01")
        await pilot.press("s")
        await pilot.pause()
        article = app.screen.query_one(Article)
        assert app.screen.query_one(NotesSidebar).display
        assert article.region.width == 60 and article.region.height >= 6


async def test_nothing_that_matters_is_cut_at_80_columns(tmp_path: Path) -> None:
    stories = library(tmp_path, 1)
    (stories / "logo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 binary")
    (stories / "broken.md").write_text("---\ntitle: x\nbody never closes\n\nText after.\n")
    app = build(tmp_path, stories)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 3)
        text = screen_text(app)
        assert "press enter" in text and "? Keys" in text.splitlines()[-1]
        assert "binary file" in text  # an error row keeps its reason
        story_list = app.screen.query_one(StoryList)
        story_list.move_to(next(i for i, r in enumerate(story_list.rows) if "broken" in r.key))
        await pilot.press("enter")
        await wait_for_story(pilot)
        flat = " ".join(" ".join(body_rows(app)).split())
        assert "is never closed; read as plain text" in flat  # the warning wraps, whole


async def test_help_lists_ids_selection_keys_and_scrolls_to_the_end(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        text = screen_text(app)
        assert "ctrl+p" in text and "app.quit" in text and "reader.reading_mode" in text
        assert "Over SSH" not in text
        await pilot.press("G")
        await pilot.pause()
        text = screen_text(app)
        assert "Over SSH" in text and "browser.copy" in text
        await pilot.press("g")
        await pilot.pause()
        assert "Selecting (after v)" not in screen_text(app) or "app.quit" in screen_text(app)


async def test_palette_names_keys_as_typed_and_lists_keys_once(tmp_path: Path) -> None:
    app = build(tmp_path, library(tmp_path, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        commands = list(app.get_system_commands(app.screen))
        helps = {c.title: c.help for c in commands}
        assert [c.title for c in commands].count("Keys") == 1
        assert helps["Next story"] == "Key: ]" and helps["Narrower list"] == "Key: <"
        assert "Theme" in helps


async def test_links_dialog_keeps_each_url_on_one_line(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    url = "https://example.org/2024/01/01/" + "a-long-slug-" * 4 + "end"
    write_story(stories, "u.md", "Long link", "Text.", url=url)
    app = build(tmp_path, stories)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_first_story(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert url in screen_text(app).splitlines()[2:][:6][0] or any(
            url in row for row in screen_text(app).splitlines()
        )


async def test_themes_restyle_our_marks_and_a_light_theme_is_readable(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    shutil.copytree(FIXTURES, stories)
    app = app_with(tmp_path, stories, theme="nord")
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        assert app.theme == "nord"
        nord = article.get_component_rich_style("article--highlight", partial=True)
        app.theme = "textual-light"
        await pilot.pause()
        light = article.get_component_rich_style("article--highlight", partial=True)
        assert nord.bgcolor != light.bgcolor  # each theme's own warning colour
        assert nord.underline and light.underline  # readable with no colour at all
        cursor = article.get_component_rich_style("article--cursor", partial=True)
        assert cursor.reverse

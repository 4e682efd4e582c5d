"""The key bar: one line of the keys that work where focus is, a click presses one."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.color import Color

from tests.app_helpers import (
    SEED,
    build,
    screen_text,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.widgets.footer import KeyBar


def bar(app: ReaderApp) -> str:
    """The bottom line of the screen."""
    return screen_text(app).splitlines()[-1]


def stories(tmp_path: Path) -> Path:
    folder = tmp_path / "stories"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    write_story(folder, "new.md", "Newest Story", "Fresh news.\n\n" * 3, date="2024-05-01")
    return folder


async def test_the_bar_follows_focus(tmp_path: Path) -> None:
    app = build(tmp_path, stories(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        listed = bar(app)
        assert "⏎ Open" in listed and " b Bookmark" in listed and "Select" not in listed
        assert listed.rstrip().endswith("^p palette")  # the palette's key, on the right
        await pilot.press("enter")
        await wait_for_story(pilot)
        await wait_until(pilot, lambda: "Annotate" in bar(app), "the article's keys")
        reading = bar(app)
        assert " v Select" in reading and " a Annotate" in reading and "Open" not in reading
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Open" in bar(app), "the list's keys again")


async def test_a_click_on_a_key_presses_it(tmp_path: Path) -> None:
    app = build(tmp_path, stories(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        column = bar(app).index("Bookmark")
        assert await pilot.click(KeyBar, offset=(column, 0))
        await wait_until(pilot, lambda: app.store.bookmarks() != {}, "a bookmark from the click")
        assert any(told.startswith("Bookmarked: Newest Story") for told in app.told)


def separator_colour(app: ReaderApp) -> str:
    """The colour the bar draws its palette separator (``▏``) in."""
    line = app.screen.query_one(KeyBar).render()
    at = line.plain.index("▏")
    styles = [span.style for span in line.spans if span.start <= at < span.end]
    colour = styles[-1].color if styles and not isinstance(styles[-1], str) else None
    assert colour is not None and colour.triplet is not None, styles
    return colour.triplet.hex


async def test_the_separator_follows_the_theme(tmp_path: Path) -> None:
    app = build(tmp_path, stories(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        dark = separator_colour(app)
        app.theme = "textual-light"
        await pilot.pause()
        light = separator_colour(app)
        background = app.screen.query_one(KeyBar).styles.background
        foreground = Color.parse(app.get_css_variables()["foreground"])
        expected = background.blend(foreground, 0.2).hex.lower()
        assert light != dark and light.lower() == expected, (dark, light, expected)

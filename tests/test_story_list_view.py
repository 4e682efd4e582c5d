"""``StoryList.view_of`` tells which rows will be in view before they are set: a search makes
the snippets of exactly those rows before listing them, so they are listed (and drawn) once."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tui_reader.ui.widgets.story_list import StoryList
from tui_reader.ui.widgets.story_row import StoryRow


def rows(keys: list[str]) -> list[StoryRow]:
    return [StoryRow(key, key, f"Story {key}") for key in keys]


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StoryList()


EVERY = [f"s{i:04d}" for i in range(2000)]


@pytest.mark.parametrize(
    ("cursor", "keys"),
    [
        (0, EVERY[::37]),  # the cursor's story is among the results, at the top
        (1850, EVERY[1000:1900:7]),  # in the results, near their end: it is scrolled to
        (1850, EVERY[::97]),  # not in the results: the first screen
        (1999, EVERY[1990:]),  # fewer results than a screen
        (900, EVERY[880:960]),  # in the middle of a few screens of results
        (5, []),  # no results
    ],
)
async def test_the_view_foretold_is_the_view_set(cursor: int, keys: list[str]) -> None:
    app = ListApp()
    async with app.run_test(size=(60, 24)) as pilot:
        story_list = app.query_one(StoryList)
        story_list.set_rows(rows(EVERY))
        await pilot.pause()
        story_list.move_to(cursor)
        await pilot.pause()
        foretold = story_list.view_of(keys)
        story_list.set_rows(rows(keys))
        await pilot.pause()
        top = int(story_list.scroll_y)
        shown = range(top, min(top + story_list.size.height, len(keys)))
        assert foretold == shown
        assert story_list.cursor in shown or not keys

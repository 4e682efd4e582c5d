"""The serve launcher's parsed stylesheet, adopted by the reader a forked child builds.

The launcher rehearses the reader once and keeps that app's stylesheet
(:mod:`tui_reader.ui.warm_styles`); the next reader built in the process takes it instead of
parsing its CSS again. These tests run the real rehearsal and real apps: a reader with the kept
stylesheet must draw exactly what a reader with its own draws.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.app_helpers import build, screen_svg, wait_for_rows, write_story
from tui_reader.ui import warm_styles
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.rehearsal import rehearse


def _stories(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    for i in range(3):
        write_story(stories, f"{i}.md", f"Warm story {i}", f"Paragraph {i} of the body.")
    return stories


async def _drawn(app: ReaderApp) -> str:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 3)
        await pilot.press("enter")  # the article too, and the list's highlight moving
        await pilot.pause(0.2)
        svg = screen_svg(app)
    # The export names its CSS classes after a hash of the title: the drawing is the rest.
    return re.sub(r"terminal-\d+", "terminal", svg)


async def test_a_reader_with_the_rehearsals_stylesheet_draws_what_a_fresh_one_draws(
    tmp_path: Path,
) -> None:
    stories = _stories(tmp_path)
    fresh = build(tmp_path / "fresh", stories)
    assert not fresh.stylesheet.source, "a fresh reader reads its CSS when it runs"
    expected = await _drawn(fresh)

    await _rehearse_in_a_thread(stories)
    warm = build(tmp_path / "warm", stories)
    # Adopted: the CSS is all there before the app runs, already parsed.
    assert any(str(path).endswith("app.tcss") for path, _ in warm.stylesheet.source)
    assert await _drawn(warm) == expected

    again = build(tmp_path / "again", stories)
    assert not again.stylesheet.source, "the kept stylesheet goes to one reader only"


async def test_a_reader_whose_css_variables_differ_keeps_its_own_stylesheet(
    tmp_path: Path,
) -> None:
    first = build(tmp_path / "first", _stories(tmp_path))
    await _drawn(first)
    first.theme = "textual-light"  # other variables than a reader starts with
    warm_styles.keep(first)
    other = build(tmp_path / "other", tmp_path / "stories")
    assert other.stylesheet is not first.stylesheet


async def _rehearse_in_a_thread(stories: Path) -> None:
    # rehearse() runs its own event loop, as the launcher does before it forks.
    import asyncio

    await asyncio.to_thread(rehearse, stories)

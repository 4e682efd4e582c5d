"""Saving a web page from inside the reader: S, type or paste the URL, enter (issue 16)."""

from __future__ import annotations

from pathlib import Path

from tests.app_helpers import notices, wait_for_rows, wait_until, write_story
from tests.feed_server import FeedServer
from tests.test_save import ARS, ARS_META, HTML
from tui_reader.ui.app import create_app
from tui_reader.ui.screens.save_url import SaveUrlScreen
from tui_reader.ui.widgets.story_list import StoryList


def app_on(tmp_path: Path) -> object:
    stories = tmp_path / "stories"
    write_story(stories, "a.md", "A local story", "Body.")
    return create_app(stories, tmp_path / "data", cache_dir=tmp_path / "cache", save_to=stories)


async def test_S_saves_a_page_and_lists_it(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.add("/ars.html", ARS, content_type=HTML)
    app = app_on(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:  # type: ignore[attr-defined]
        await wait_for_rows(pilot, 1)
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveUrlScreen), "the dialog")
        await pilot.press(*feed_server.url("/ars.html"), "enter")
        rows = app.screen.query_one(StoryList)
        title = ARS_META["title"]
        await wait_until(pilot, lambda: any(r.title == title for r in rows.rows), "the story")
        assert any(n.startswith(f"Saved “{title}”") for n in notices(app)), notices(app)
    saved = list((tmp_path / "stories" / "saved").glob("*.md"))
    assert len(saved) == 1 and f"<{feed_server.url('/ars.html')}>" in saved[0].read_text("utf-8")


async def test_a_page_that_cannot_be_saved_says_why(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:  # type: ignore[attr-defined]
        await wait_for_rows(pilot, 1)
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveUrlScreen), "the dialog")
        await pilot.press(*feed_server.url("/missing.html"), "enter")
        await wait_until(
            pilot, lambda: any("Could not save" in n for n in notices(app)), "the failure"
        )
        assert any("404" in n for n in notices(app)), notices(app)
        assert app.is_running
    assert not (tmp_path / "stories" / "saved").exists()

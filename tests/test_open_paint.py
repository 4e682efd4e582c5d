"""Opening a story paints first: work that can wait (the rest of a long read, marking the
story read) runs once the article has drawn it, and still runs when the article is hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from tests.app_helpers import build, open_first_story, wait_until, write_story
from tui_reader.ui.widgets import article_view
from tui_reader.ui.widgets.article import Article


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Article(id="article")


async def test_when_drawn_runs_after_the_article_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    # No fallback within the test: only drawing the article can run the callback.
    monkeypatch.setattr(article_view, "DRAWN_AFTER", 600.0)
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        article = app.query_one(Article)
        calls: list[str] = []
        article.when_drawn(lambda: calls.append("drawn"))
        await wait_until(pilot, lambda: calls, "the callback once the article is drawn", 10)
        assert calls == ["drawn"]


async def test_when_drawn_still_runs_when_the_article_is_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(article_view, "DRAWN_AFTER", 0.2)
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        article = app.query_one(Article)
        article.display = False
        await pilot.pause()
        calls: list[str] = []
        article.when_drawn(lambda: calls.append("late"))
        await wait_until(pilot, lambda: calls, "the callback although never drawn", 10)
        assert calls == ["late"]


async def test_an_opened_long_read_is_laid_out_whole_and_marked_read(tmp_path: Path) -> None:
    paragraphs = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(400))
    write_story(tmp_path / "stories", "long.md", "A Long Read", paragraphs)
    app = build(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        await wait_until(pilot, lambda: article.complete, "the rest of the long read")
        story = article.story
        assert story is not None
        store = app.store
        await wait_until(
            pilot, lambda: story.story_id in store.read_ids(), "the story to be marked read"
        )
        assert store.last_open() == story.story_id

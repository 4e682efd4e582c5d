"""Feeds in the reader: ``r`` refreshes in the background with progress, ``F`` filters by feed."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.app_helpers import (
    build,
    notices,
    open_first_story,
    screen_text,
    wait_for_rows,
    wait_for_story,
    wait_until,
    write_story,
)
from tests.feed_server import FeedServer
from tests.test_feeds_cli import item, rss, snapshot
from tui_reader.feeds.subscriptions import add_feed
from tui_reader.storage.store import Store
from tui_reader.ui.screens.feed_picker import FeedPicker
from tui_reader.ui.screens.reader import ReaderScreen
from tui_reader.ui.widgets.story_list import StoryList


def subscribe(tmp_path: Path, server: FeedServer) -> Path:
    """A library with one local story and a feed with one entry, added as the CLI would."""
    lib = tmp_path / "stories"
    write_story(lib, "local.md", "A local story about tides", "Tides.")
    server.add("/feed.xml", rss(item(1)))
    store = Store.open(tmp_path / "data")
    feed, report = add_feed(store, server.url("/feed.xml"), lib)
    store.close()
    assert report.ok and feed.name == "Harbour News"
    return lib


async def wait_refreshed(pilot: Pilot[None]) -> ReaderScreen:
    reader = pilot.app.screen
    assert isinstance(reader, ReaderScreen)
    await wait_until(
        pilot,
        lambda: not reader.feeds.running and not any(w.group == "feeds" for w in reader.workers),
        "the feed refresh to finish",
    )
    await wait_for_rows(pilot)
    return reader


def titles(app: object) -> list[str]:
    reader = app.screen  # type: ignore[attr-defined]
    return [row.title for row in reader.query_one(StoryList).rows]


async def test_r_refreshes_feeds_and_shows_the_new_stories(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    lib = subscribe(tmp_path, feed_server)
    app = build(tmp_path, stories=lib)
    async with app.run_test(size=(100, 30)) as pilot:  # stacked: the list has a source column
        await wait_for_rows(pilot, 2)
        assert "Ferry timetable change 2" not in titles(app)
        feed_server.add("/feed.xml", rss(item(1), item(2), item(3)))
        await pilot.press("r")
        await wait_refreshed(pilot)
        await wait_for_rows(pilot, 4)
        assert titles(app) == [
            "Ferry timetable change 3",
            "Ferry timetable change 2",
            "Ferry timetable change 1",
            "A local story about tides",
        ]
        assert "Feeds refreshed: 2 new, 0 updated" in notices(app)
        text = screen_text(app)
        assert "Harbour News" in text  # the source column names the feed
        assert "refreshing feeds" not in text


async def test_a_failing_feed_is_a_message_and_the_list_stays(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    lib = subscribe(tmp_path, feed_server)
    before = snapshot(lib)
    app = build(tmp_path, stories=lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        feed_server.add("/feed.xml", b"<html><body>maintenance</body></html>", status=503)
        await pilot.press("r")
        await wait_refreshed(pilot)
        assert any(n.startswith("feed Harbour News: HTTP 503") for n in notices(app))
        assert "Feeds refreshed: 0 new, 0 updated; 1 of 1 failed (see the messages)" in notices(app)
        assert len(titles(app)) == 2
    assert snapshot(lib) == before


async def test_the_reader_keeps_working_while_a_feed_hangs(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    lib = subscribe(tmp_path, feed_server)
    feed_server.hang("/feed.xml")
    app = build(tmp_path, stories=lib)
    async with app.run_test(size=(120, 40)) as pilot:
        story_list = await wait_for_rows(pilot, 2)
        await pilot.press("r")
        await wait_until(
            pilot, lambda: feed_server.requests[1:], "the refresh to reach the hanging feed"
        )
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.feeds.running
        assert "refreshing feeds 0/1…" in screen_text(app)
        await pilot.press("j")
        assert story_list.cursor == 1  # keys still work while the download hangs
        await pilot.press("r")
        assert "Already refreshing the feeds…" in notices(app)
    # Leaving the app cancels the download (the test would hang otherwise).


async def test_F_shows_only_one_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    lib = subscribe(tmp_path, feed_server)
    app = build(tmp_path, stories=lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FeedPicker)
        text = screen_text(app)
        assert "All stories  2/2 unread" in text and "Harbour News  1/1 unread" in text
        assert "Local files (no feed)  1/1 unread" in text
        await pilot.press("j", "j", "enter")  # All, Local, Harbour News
        await pilot.pause()
        assert titles(app) == ["Ferry timetable change 1"]
        assert "Stories · Harbour News" in screen_text(app)
        await pilot.press("F", "k", "enter")  # the picker opens on the current choice
        await pilot.pause()
        assert titles(app) == ["A local story about tides"]
        await pilot.press("F", "escape")
        await pilot.pause()
        assert titles(app) == ["A local story about tides"]  # esc keeps the filter
        await pilot.press("F", "k", "enter")
        await pilot.pause()
        assert len(titles(app)) == 2
        # A feed whose last refresh failed says so in the picker.
        feed_server.add("/feed.xml", b"", status=404)
        await pilot.press("r")
        await wait_refreshed(pilot)
        await pilot.press("F")
        await pilot.pause()
        assert "Harbour News  1/1 unread  ✗ HTTP 404 Not Found" in screen_text(app)


async def test_F_without_feeds_says_how_to_add_one(tmp_path: Path) -> None:
    write_story(tmp_path / "stories", "a.md", "Only local", "x")
    app = build(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_rows(pilot, 1)
        await pilot.press("F")
        await pilot.pause()
        assert "No stories from feeds here. Add a feed: tui-reader feeds add URL" in notices(app)


async def test_the_default_library_shows_feeds_added_without_stories_dir(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """``tui-reader`` with no folder: the bundled stories plus ``<data dir>/feeds``."""
    from tui_reader.cli.main import default_stories_dir, reader_library
    from tui_reader.core.paths import default_feeds_library
    from tui_reader.ui.app import create_app

    data = tmp_path / "data"
    assert reader_library(None, data) == [default_stories_dir()]  # no feeds folder yet
    feed_server.add("/feed.xml", rss(item(1)))
    store = Store.open(data)
    add_feed(store, feed_server.url("/feed.xml"), default_feeds_library(data))
    store.close()
    library = reader_library(None, data)
    assert library == [default_stories_dir(), default_feeds_library(data)]
    app = create_app(library, data, cache_dir=tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 4)
        assert "Ferry timetable change 1" in titles(app)
        assert len(titles(app)) == 5  # four bundled stories and the feed's one


async def test_a_note_on_a_feed_story_survives_a_corrected_entry(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    body = (
        "<p>The harbour master confirmed the change on Friday.</p>"
        "<p>Passengers for the early crossing should arrive by six.</p>"
    )
    lib = tmp_path / "stories"
    feed_server.add("/feed.xml", rss(item(1, body=body)))
    store = Store.open(tmp_path / "data")
    add_feed(store, feed_server.url("/feed.xml"), lib)
    store.close()
    app = build(tmp_path, stories=lib)
    async with app.run_test(size=(120, 40)) as pilot:
        article = await open_first_story(pilot)
        await pilot.press("}", "w", "V", "h")  # highlight the second paragraph
        await pilot.pause()
        assert article.document is not None and len(article.highlights) == 1
        # Upstream corrects the story: a new first paragraph shifts everything.
        corrected = "<p>Correction: an earlier version gave the wrong day.</p>" + body
        feed_server.add("/feed.xml", rss(item(1, body=corrected)))
        await pilot.press("escape")
        await pilot.press("r")
        await wait_refreshed(pilot)
        assert "Feeds refreshed: 0 new, 1 updated" in notices(app)
        assert (
            "“Ferry timetable change 1” changed upstream: press enter on it to reload "
            "(your notes re-anchor)" in notices(app)
        )
        await pilot.press("enter")
        article = await wait_for_story(pilot)
        await pilot.pause()
        assert article.document is not None
        assert "Correction: an earlier version" in article.document.text
        assert len(article.highlights) == 1
        mark = article.highlights[0]
        assert article.document.text[mark.start : mark.end] == (
            "Passengers for the early crossing should arrive by six."
        )


async def test_refresh_minutes_refreshes_by_itself_and_quietly(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    from tui_reader.core.config import Config
    from tui_reader.ui.app import create_app

    lib = subscribe(tmp_path, feed_server)
    # 0.6 s here; a config file cannot go below a minute (see test_cli).
    app = create_app(lib, tmp_path / "data", Config(refresh_minutes=0.01), tmp_path / "cache")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot, 2)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        subscribed = len(feed_server.requests)  # the one add_feed made
        # At least one timed refresh with nothing new: the server answered it, no word said.
        await wait_until(
            pilot,
            lambda: len(feed_server.requests) > subscribed and not reader.feeds.running,
            "a timed refresh to reach the feed server",
        )
        assert not [n for n in notices(app) if n.startswith("Feeds refreshed")]
        feed_server.add("/feed.xml", rss(item(1), item(2)))
        await wait_until(
            pilot,
            lambda: "Ferry timetable change 2" in titles(app),
            lambda: f"the timed refresh to list the new entry (have {titles(app)})",
        )
        assert "Feeds refreshed: 1 new, 0 updated" in notices(app)

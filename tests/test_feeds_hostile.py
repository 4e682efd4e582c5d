"""A hostile feed server: its words reach the terminal, the store and the reader only as
inert text (issue 11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_helpers import REPO, build, screen_text, wait_for_rows, write_story
from tests.feed_server import FeedServer
from tests.test_hostile_input import assert_clean
from tui_reader.storage.store import FeedRecord, Store

pytestmark = pytest.mark.slow  # takes seconds: run early (see conftest)

REASON = "Oops \x1b]52;c;SGVsbG8=\x1b\\ \x1b]0;PWNED-TITLE\x1b\\"


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


def test_a_hostile_reason_phrase_never_reaches_the_terminal_or_the_store(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/feed.xml", b"<rss version='2.0'><channel><title>T</title></channel></rss>")
    stories, data = tmp_path / "stories", tmp_path / "data"
    common = ["--stories", str(stories), "--data-dir", str(data)]
    added = run_cli("feeds", "add", feed_server.url("/feed.xml"), "--name", "harbour", *common)
    assert added.returncode == 0, added.stderr
    feed_server.add("/feed.xml", b"broken", status=599, reason=REASON)
    refreshed = run_cli("refresh", *common)
    listed = run_cli("feeds", "list", *common)
    for done in (refreshed, listed):
        output = done.stdout + done.stderr
        assert b"\x1b" not in output and b"PWNED-TITLE" in output, output
    assert refreshed.returncode == 1 and b"599 Oops" in refreshed.stderr
    stored = (data / "feeds.json").read_text("utf-8")
    assert "\\u001b" not in stored and "PWNED-TITLE" in stored


async def test_a_hostile_reason_phrase_shows_inert_in_the_feed_picker(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/feed.xml", b"broken", status=599, reason=REASON)
    stories = tmp_path / "stories"
    write_story(stories / "harbour", "a.md", "From the feed", "Body.")
    store = Store.open(tmp_path / "data")
    store.add_feed(
        FeedRecord(
            name="harbour",
            url=feed_server.url("/feed.xml"),
            library=str(stories.resolve()),
            folder="harbour",
        )
    )
    store.close()
    (stories / "harbour" / "a.md").write_text(
        "---\nfeed: harbour\ntitle: From the feed\n---\n\nBody.\n", "utf-8"
    )
    app = build(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_rows(pilot)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        text = screen_text(app)
        assert "PWNED-TITLE" in text and "599 Oops" in text
        assert_clean(app, "feed picker after a hostile refresh")

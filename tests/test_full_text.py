"""Full text for teaser feeds: ``feeds add --full-text`` and ``feeds set NAME --full-text``,
against a real feed and real pages on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.feed_server import FeedServer
from tui_reader.cli.main import main
from tui_reader.core.stories import Story, load_story

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
ARS = (PAGES / "ars-1" / "source.html").read_bytes()
EHOW = (PAGES / "ehow-1" / "source.html").read_bytes()
HTML = "text/html; charset=utf-8"
LONG_SUMMARY = "<p>" + " ".join(f"word{n}" for n in range(3000)) + "</p>"


def rss(server: FeedServer, *items: tuple[int, str, str]) -> bytes:
    """A feed whose items are ``(number, page path, summary HTML)``."""
    body = "".join(
        f"<item><title>Story {n}</title><link>{server.url(path)}</link>"
        f"<guid>story-{n}</guid><pubDate>Mon, 0{n} Nov 2026 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[{summary}]]></description></item>"
        for n, path, summary in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>'
        f"<link>{server.url('/')}</link>{body}</channel></rss>"
    ).encode()


def story(folder: Path, n: int) -> tuple[Story, str]:
    [path] = folder.glob(f"*-story-{n}.md")
    loaded = load_story(path)
    assert isinstance(loaded, Story), loaded
    return loaded, path.read_text("utf-8")


def page_requests(server: FeedServer) -> list[str]:
    return [path for path, _ in server.requests if path.startswith("/pages/")]


@pytest.fixture
def dirs(tmp_path: Path) -> list[str]:
    return ["--stories", str(tmp_path / "lib"), "--data-dir", str(tmp_path / "data")]


def test_full_text_with_a_failing_page(
    feed_server: FeedServer,
    dirs: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed_server.add("/pages/ars.html", ARS, content_type=HTML)
    feed_server.add("/pages/ehow.html", EHOW, content_type=HTML)
    items = [
        (1, "/pages/ars.html", "<p>Minecraft teaser.</p>"),
        (2, "/pages/gone.html", "<p>Gone teaser.</p>"),  # 404
        (3, "/pages/ehow.html", LONG_SUMMARY),  # the summary is longer than the article
    ]
    feed_server.add("/feed.xml", rss(feed_server, *items))
    assert main(["feeds", "add", feed_server.url("/feed.xml"), "--full-text", *dirs]) == 0
    out = capsys.readouterr().out
    assert "feed Teasers: 3 new; full text: kept the summary for 2 of 3 new (" in out
    folder = tmp_path / "lib" / "teasers"

    ars, ars_text = story(folder, 1)
    assert "proof-of-concept code that exploits" in ars.body
    assert "Minecraft teaser" not in ars.body
    assert "\nfull_text: page\n" in ars_text and "\nextractor: trafilatura " in ars_text
    gone, gone_text = story(folder, 2)
    assert gone.body.startswith(
        "*Full text not saved (HTTP 404 Not Found); the feed's summary:*\n\nGone teaser."
    )
    assert "\nfull_text: summary\n" in gone_text
    short, _ = story(folder, 3)
    assert short.body.startswith("*Full text not saved (the page has less text than the feed")
    assert "word2999" in short.body
    assert sorted(page_requests(feed_server)) == [
        "/pages/ars.html", "/pages/ehow.html", "/pages/gone.html"
    ]  # fmt: skip

    # Later refreshes fetch no page again, even when an entry's summary changes: the
    # article stays, and a kept summary is updated with its note.
    fetched_before = len(page_requests(feed_server))
    feed_server.add("/pages/gone.html", ARS, content_type=HTML)  # it exists now: not refetched
    items[0] = (1, "/pages/ars.html", "<p>Minecraft teaser, corrected.</p>")
    items[1] = (2, "/pages/gone.html", "<p>Gone teaser, corrected.</p>")
    feed_server.add("/feed.xml", rss(feed_server, *items))
    assert main(["refresh", *dirs]) == 0
    assert "feed Teasers: 1 updated" in capsys.readouterr().out
    assert len(page_requests(feed_server)) == fetched_before
    assert story(folder, 1)[1] == ars_text
    assert story(folder, 2)[0].body.startswith(
        "*Full text not saved (HTTP 404 Not Found); the feed's summary:*\n\nGone teaser, corrected."
    )

    # Turned off: a new entry keeps its summary and its page is not fetched.
    assert main(["feeds", "set", "teasers", "--full-text", "off", *dirs]) == 0
    assert "Feed Teasers: full text off" in capsys.readouterr().out
    feed_server.add("/pages/ehow-again.html", EHOW, content_type=HTML)
    items.append((4, "/pages/ehow-again.html", "<p>Terrarium teaser.</p>"))
    feed_server.add("/feed.xml", rss(feed_server, *items))
    assert main(["refresh", *dirs]) == 0
    assert story(folder, 4)[0].body == "Terrarium teaser."
    assert len(page_requests(feed_server)) == fetched_before
    assert main(["feeds", "set", "teasers", "--full-text", "on", *dirs]) == 0
    assert main(["feeds", "list", *dirs]) == 0
    assert "full text: each new entry's page is saved" in capsys.readouterr().out


def test_pages_are_fetched_at_most_two_at_a_time_per_host(
    feed_server: FeedServer, dirs: list[str], tmp_path: Path
) -> None:
    items = []
    for n in range(1, 7):
        feed_server.add(f"/pages/{n}.html", ARS, content_type=HTML, delay=0.3)
        items.append((n, f"/pages/{n}.html", "<p>Teaser.</p>"))
    feed_server.add("/feed.xml", rss(feed_server, *items))
    started = time.monotonic()
    assert main(["feeds", "add", feed_server.url("/feed.xml"), "--full-text", *dirs]) == 0
    assert time.monotonic() - started >= 0.9  # six pages, two at a time, 0.3 s each
    assert feed_server.peak == 2
    assert len(page_requests(feed_server)) == 6
    assert "proof-of-concept" in story(tmp_path / "lib" / "teasers", 6)[0].body

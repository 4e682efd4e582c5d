"""``tui-reader feeds ...`` and ``tui-reader refresh`` against a real HTTP server on 127.0.0.1.

Each bad feed must give ``feed NAME: <what is wrong>`` and leave the library exactly as it was.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feed_server import FeedServer
from tui_reader.cli.main import main
from tui_reader.core.stories import StoryMeta, load_story, read_meta


def rss(*items: str, title: str = "Harbour News", encoding: str = "utf-8") -> bytes:
    body = "".join(items)
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://harbour.example/</link>"
        f"<description>Local news</description>{body}</channel></rss>\n"
    ).encode(encoding)


def item(n: int, title: str | None = None, body: str | None = None) -> str:
    return (
        "<item>"
        f"<title>{title or f'Ferry timetable change {n}'}</title>"
        f"<link>https://harbour.example/news/{n}</link>"
        f"<guid isPermaLink='false'>harbour-{n}</guid>"
        f"<pubDate>Mon, {n:02d} Nov 2026 08:00:00 GMT</pubDate>"
        f"<author>desk@harbour.example (Harbour Desk)</author>"
        f"<description><![CDATA[{body or f'<p>Item {n} text.</p>'}]]></description>"
        "</item>"
    )


def run(*argv: str) -> int:
    return main(list(argv))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[list[str], Path]:
    lib = tmp_path / "library"
    data = tmp_path / "data"
    return ["--stories", str(lib), "--data-dir", str(data)], lib


def add(server: FeedServer, dirs: tuple[list[str], Path], path: str = "/feed.xml") -> Path:
    args, lib = dirs
    assert run("feeds", "add", server.url(path), *args) == 0
    return lib / "harbour-news"


def test_add_refresh_and_read_a_feed(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1), item(2)), etag='"v1"')
    folder = add(feed_server, dirs)
    out = capsys.readouterr().out
    assert "Added feed Harbour News" in out
    assert "feed Harbour News: 2 new" in out
    files = sorted(folder.glob("*.md"))
    assert [f.name for f in files] == [
        "2026-11-01-ferry-timetable-change-1.md",
        "2026-11-02-ferry-timetable-change-2.md",
    ]
    story = load_story(files[0])
    assert not isinstance(story, Exception)
    assert (story.title, story.url, story.feed) == (
        "Ferry timetable change 1",
        "https://harbour.example/news/1",
        "Harbour News",
    )
    assert str(story.date) == "2026-11-01"
    assert story.body == "Item 1 text."

    # Unchanged on the server: a conditional request, nothing rewritten.
    before = snapshot(folder)
    assert run("refresh", *args) == 0
    assert "feed Harbour News: not modified since the last refresh" in capsys.readouterr().out
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert snapshot(folder) == before

    # One new entry, one changed: only the new one is added, the changed one is rewritten.
    feed_server.add(
        "/feed.xml",
        rss(item(1, body="<p>Item 1 text, corrected.</p>"), item(2), item(3)),
        etag='"v2"',
    )
    assert run("refresh", "Harbour News", *args) == 0
    assert "feed Harbour News: 1 new, 1 updated" in capsys.readouterr().out
    assert len(list(folder.glob("*.md"))) == 3
    corrected = load_story(files[0])
    assert not isinstance(corrected, Exception) and corrected.body == "Item 1 text, corrected."

    # Again with the same document: nothing new, nothing duplicated.
    feed_server.add(
        "/feed.xml", rss(item(1, body="<p>Item 1 text, corrected.</p>"), item(2), item(3))
    )
    assert run("refresh", *args) == 0
    assert "feed Harbour News: no new entries" in capsys.readouterr().out
    assert len(list(folder.glob("*.md"))) == 3
    assert feed_server.requests[0][1]["User-Agent"].startswith("tui-reader/")


BAD_DOCUMENTS = [
    ("empty", b"", "empty document"),
    ("comment", b"<?xml version='1.0'?>\n<!-- nothing yet -->\n", "no feed in the document"),
    (
        "html",
        b"<!DOCTYPE html><html><head><title>Harbour</title></head><body>hi</body></html>",
        'not a feed: got an HTML page titled "Harbour"',
    ),
    ("binary", b"\x00\x01\x02PK\x03\x04" * 50, "not a feed: binary data"),
    ("json", b'{"hello": "world"}', "not a feed: JSON without a jsonfeed.org version"),
    ("broken-xml", b"<rss version='2.0'><channel><title>x</title><item><title>", "broken XML"),
]


@pytest.mark.parametrize(
    ("case", "body", "message"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS]
)
def test_a_bad_document_is_a_clear_message_and_the_library_is_unharmed(
    feed_server: FeedServer,
    dirs: tuple[list[str], Path],
    capsys: pytest.CaptureFixture[str],
    case: str,
    body: bytes,
    message: str,
) -> None:
    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1), item(2)))
    add(feed_server, dirs)
    capsys.readouterr()
    before = snapshot(lib)
    feed_server.add("/feed.xml", body, content_type="application/xml")
    assert run("refresh", *args) == 1
    err = capsys.readouterr().err
    assert f"tui-reader: feed Harbour News: {message}" in err, err
    assert snapshot(lib) == before
    listing = run("feeds", "list", *args)
    assert listing == 0
    assert f"error: {message}" in capsys.readouterr().out


def test_network_failures_are_clear_messages(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1)))
    add(feed_server, dirs)
    capsys.readouterr()
    before = snapshot(lib)
    cases = [
        (lambda: feed_server.add("/feed.xml", b"gone", status=404), "HTTP 404 Not Found"),
        (lambda: feed_server.add("/feed.xml", b"oops", status=500), "HTTP 500"),
        (
            lambda: (
                feed_server.redirect("/feed.xml", "/a.xml"),
                feed_server.redirect("/a.xml", "/feed.xml"),
            ),
            "redirect loop",
        ),
        (lambda: feed_server.hang("/feed.xml"), "no answer from 127.0.0.1"),
        (lambda: feed_server.drip("/feed.xml", rss(item(1)), delay=0.2), "took longer than"),
        (
            lambda: feed_server.huge("/feed.xml", 200 * 2**20, content_length=True),
            "response larger than 20 MiB",
        ),
        (
            lambda: feed_server.huge("/feed.xml", 200 * 2**20, content_length=False),
            "response larger than 20 MiB",
        ),
    ]
    for arrange, message in cases:
        arrange()
        code = run("refresh", *args, "--timeout", "0.5", "--deadline", "1.5")
        err = capsys.readouterr().err
        assert code == 1
        assert "tui-reader: feed Harbour News: " in err and message in err, (message, err)
        assert snapshot(lib) == before


def test_a_partly_broken_feed_keeps_its_good_entries(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1)))
    folder = add(feed_server, dirs)
    truncated = rss(item(1), item(2), item(3), item(4))[:-140]  # cut inside the last item
    feed_server.add("/feed.xml", truncated)
    run("refresh", *args)
    out = capsys.readouterr()
    assert "feed Harbour News: 2 new" in out.out
    assert "truncated" in out.out
    titles = sorted(load_story(p).title for p in folder.glob("*.md"))  # type: ignore[union-attr]
    assert titles[:3] == [
        "Ferry timetable change 1",
        "Ferry timetable change 2",
        "Ferry timetable change 3",
    ]


def test_unescaped_ampersand_and_unlabelled_gzip_are_read(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1)))
    folder = add(feed_server, dirs)
    sloppy = rss(item(1), item(2, title="Fish & Chips festival")).replace(b"&amp;", b"&")
    feed_server.add("/feed.xml", gzip.compress(sloppy), content_type="application/xml")
    assert run("refresh", *args) == 0
    assert "feed Harbour News: 1 new" in capsys.readouterr().out
    titles = {load_story(p).title for p in folder.glob("*.md")}  # type: ignore[union-attr]
    assert "Fish & Chips festival" in titles


SITE_PAGE = (
    b'<html><head><title>Harbour</title><link rel="alternate" '
    b'type="application/rss+xml" href="/feed.xml"></head></html>'
)
"""A site's home page that links to its feed."""


def test_adding_a_bad_url_adds_nothing(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/", SITE_PAGE, content_type="text/html")
    assert run("feeds", "add", feed_server.url("/"), *args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"tui-reader: feed {feed_server.url('/')}: not a feed: got an HTML page titled "
        f'"Harbour"; it links to a feed at {feed_server.url("/feed.xml")} '
        "(which failed: HTTP 404 Not Found)\n"
    )
    assert run("feeds", "list", *args) == 0
    assert "No feeds yet" in capsys.readouterr().out
    assert snapshot(lib) == {}
    assert run("feeds", "add", str(lib / "nowhere.xml"), *args) == 1
    assert "No such file or directory" in capsys.readouterr().err


def test_adding_a_site_address_finds_its_feed(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add("/", SITE_PAGE, content_type="text/html")
    feed_server.add("/feed.xml", rss(item(1)))
    assert run("feeds", "add", feed_server.url("/"), *args) == 0
    out = capsys.readouterr().out
    assert f"it links to its feed at {feed_server.url('/feed.xml')}" in out
    assert "feed Harbour News: 1 new" in out
    assert run("feeds", "list", *args) == 0
    assert f"    {feed_server.url('/feed.xml')}\n" in capsys.readouterr().out
    assert run("feeds", "add", feed_server.url("/"), *args) == 1
    assert "already subscribed" in capsys.readouterr().err


def test_json_feed_and_legacy_encodings(
    feed_server: FeedServer, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    feed_server.add(
        "/feed.json",
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "Tide Tables",'
            b' "home_page_url": "https://tides.example/",'
            b' "items": [{"id": "t1", "url": "/2026/high-tide", "title": "High tide at noon",'
            b' "content_html": "<p>See <a href=\\"/chart\\">the chart</a>.</p>",'
            b' "date_published": "2026-11-20T12:00:00Z"}]}'
        ),
        content_type="application/feed+json",
    )
    assert run("feeds", "add", feed_server.url("/feed.json"), *args) == 0
    story_path = next((lib / "tide-tables").glob("*.md"))
    story = load_story(story_path)
    assert not isinstance(story, Exception)
    assert story.title == "High tide at noon"
    assert story.url == "https://tides.example/2026/high-tide"
    assert "[the chart](https://tides.example/chart)" in story.body

    russian = (
        "<item><title>Новости дня</title><link>https://ru.example/1</link>"
        "<description>Сегодня в городе прошёл большой праздник. Жители вышли на улицы, "
        "чтобы посмотреть на салют. Погода была хорошей, и все остались довольны.</description>"
        "<pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item>"
    )
    undeclared = rss(russian, title="Городские новости", encoding="cp1251").replace(
        b' encoding="cp1251"', b""
    )
    feed_server.add("/ru.xml", undeclared, content_type="application/xml")
    assert run("feeds", "add", feed_server.url("/ru.xml"), "--name", "Город", *args) == 0
    ru = [p for p in (lib / "город").glob("*.md")]
    assert len(ru) == 1
    ru_story = load_story(ru[0])
    assert not isinstance(ru_story, Exception)
    assert ru_story.title == "Новости дня"
    assert "большой праздник" in ru_story.body


def test_opml_round_trip_remove_and_a_local_file(
    tmp_path: Path, dirs: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args, lib = dirs
    local = tmp_path / "local.xml"
    local.write_bytes(rss(item(5)))
    assert run("feeds", "add", str(local), "--name", "Local", *args) == 0
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="News"><outline text="Tides &amp; Times" type="rss" '
        'xmlUrl="http://127.0.0.1:9/tides.xml"/></outline></body></opml>',
        "utf-8",
    )
    capsys.readouterr()
    assert run("feeds", "import-opml", str(local), *args) == 1
    assert capsys.readouterr().err == (
        f"tui-reader: {local}: not an OPML file: root element is <rss>, expected <opml>\n"
    )
    assert run("feeds", "import-opml", str(opml), *args) == 0
    assert "Added feed Tides & Times (http://127.0.0.1:9/tides.xml)" in capsys.readouterr().out
    assert run("feeds", "export-opml", *args) == 0
    exported = capsys.readouterr().out
    assert 'xmlUrl="http://127.0.0.1:9/tides.xml"' in exported
    assert f'xmlUrl="{local.as_uri()}"' in exported
    assert 'text="Tides &amp; Times"' in exported
    assert run("feeds", "remove", "tides & times", *args) == 0
    assert "Removed feed Tides & Times" in capsys.readouterr().out
    assert run("feeds", "remove", "Nope", *args) == 1
    assert "tui-reader: feed Nope: no such feed (feeds: Local)" in capsys.readouterr().err
    assert [
        m.title for m in map(read_meta, (lib / "local").glob("*.md")) if isinstance(m, StoryMeta)
    ] == ["Ferry timetable change 5"]


def test_the_installed_command_runs_feeds(tmp_path: Path) -> None:
    """The real entry point, as a user types it (no in-process shortcuts)."""
    local = tmp_path / "f.xml"
    local.write_bytes(rss(item(7)))
    common = ["--stories", str(tmp_path / "lib"), "--data-dir", str(tmp_path / "data")]
    added = subprocess.run(
        [sys.executable, "-m", "tui_reader", "feeds", "add", str(local), *common],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert "feed Harbour News: 1 new" in added.stdout
    again = subprocess.run(
        [sys.executable, "-m", "tui_reader", "refresh", *common],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and "feed Harbour News: no new entries" in again.stdout


def test_a_cancelled_refresh_is_not_recorded_as_the_feeds_error(
    feed_server: FeedServer, dirs: tuple[list[str], Path]
) -> None:
    import threading

    from tui_reader.feeds.refresh import refresh_feeds
    from tui_reader.storage.store import Store

    args, lib = dirs
    feed_server.add("/feed.xml", rss(item(1)))
    add(feed_server, dirs)
    feed_server.hang("/feed.xml")
    store = Store.open(Path(args[3]))
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    [report] = refresh_feeds(store, store.feeds(), cancel=cancel)
    assert not report.ok and report.summary == "feed Harbour News: cancelled"
    assert store.feeds()[0].error == ""

"""Benchmark feed import: parsing, a first refresh, the refreshes after it, many feeds at once.

Run: ``python bench/bench_feeds.py [--entries 300] [--feeds 10] [--repeat 5]``.

Generates in memory an RSS 2.0 feed of N realistic entries (title, link, guid, pubDate,
author, two categories, ``content:encoded`` HTML with links, an image, a 1x1 tracking pixel
and a script) and a JSON Feed of the same size, serves them from a threaded HTTP server on
127.0.0.1 (with an ``ETag``, or without one), and times with ``time.perf_counter`` the median
of ``--repeat`` runs, each in a fresh temp dir:

1. ``feedparser.parse(bytes)`` alone: what a bare feedparser reader pays (the baseline);
2. our ``parse_feed(bytes)`` (encoding, feedparser, normalising);
3. a first ``refresh_feed`` over HTTP into an empty library (fetch, parse, HTML to Markdown,
   N atomic file writes);
4. a second refresh the server answers with 304 Not Modified;
5. a second refresh of unchanged content from a server without ``ETag`` (a full fetch and
   parse, no writes: the files' inode and mtime are checked);
6. K feeds refreshed by ``refresh_feeds(workers=4)`` against K ``refresh_feed`` calls in turn;
7. a first import of the JSON Feed.

No traffic leaves 127.0.0.1: the entries' links and images are never fetched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser  # noqa: E402

from tui_reader.feeds.parse import parse_feed  # noqa: E402
from tui_reader.feeds.refresh import (  # noqa: E402
    FetchLimits,
    RefreshReport,
    feed_folder,
    refresh_feed,
    refresh_feeds,
)
from tui_reader.storage.store import FeedRecord, Store  # noqa: E402

Row = tuple[str, str, str]

FIGURES = (
    "feedparser.parse(bytes) alone (baseline)",
    "parse_feed(bytes), ours",
    "first refresh over HTTP, empty library",
    "second refresh, 304 Not Modified",
    "second refresh, unchanged, no ETag",
    "K feeds: refresh_feeds(workers=4) vs sequential",
    "JSON Feed first import over HTTP",
)
"""The row names, in table order (the smoke test checks every one is printed)."""

RSS_TYPE = "application/rss+xml; charset=utf-8"
JSON_TYPE = "application/feed+json"
LIMITS = FetchLimits(timeout=30.0, deadline=120.0)

# ----- the feeds ---------------------------------------------------------------------------

_VOCABULARY = (
    "council budget river bridge station election museum harbour school festival winter "
    "report minister court village market railway hospital library storm season league "
    "research project review community plan water energy housing transport vote analysis "
    "said would could after before during while about against between through without "
    "new old local national public private early late several many most other first last "
    "the the the a a a of of of to to in in and and and for on with that was were is it"
)
_WORDS = tuple(_VOCABULARY.split())
_AUTHORS = ("Jane Roe", "Amir Haddad", "Lena Sørensen", "Chidi Okafor", "Mei Tanaka", "Ana Lima")
_TAGS = ("World", "Politics", "Science", "Culture", "Business", "Climate", "Sport", "Tech")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + rng.choice("...?!")


def _paragraph(rng: random.Random, site: str, links: int) -> str:
    sentences = [escape(_sentence(rng)) for _ in range(rng.randint(3, 5))]
    for _ in range(links):
        k = rng.randrange(len(sentences))
        slug = "-".join(rng.choice(_WORDS) for _ in range(3))
        sentences[k] += f' <a href="{site}/related/{slug}">Read more on {escape(slug)}</a>.'
    if rng.random() < 0.5:
        sentences[0] = f"<strong>{sentences[0]}</strong>"
    return "<p>" + " ".join(sentences) + "</p>"


def _body_html(rng: random.Random, site: str, item: str) -> str:
    """An article body as feeds send it: paragraphs, links, a figure, a pixel and a script."""
    paragraphs = [_paragraph(rng, site, rng.randint(0, 2)) for _ in range(rng.randint(3, 5))]
    figure = (
        f'<figure><img src="{site}/images/{item}.jpg" alt="{escape(_sentence(rng))}"'
        ' width="800" height="450"><figcaption>Photo: '
        f"{rng.choice(_AUTHORS)}</figcaption></figure>"
    )
    paragraphs.insert(1, figure)
    paragraphs.append(
        f'<img src="https://pixel.tracker.example/t.gif?u={item}" width="1" height="1" alt="">'
    )
    paragraphs.append(f'<script>window.analytics && analytics.track("read", "{item}");</script>')
    return "\n".join(paragraphs)


@dataclass(frozen=True)
class _Item:
    guid: str
    link: str
    title: str
    published: dt.datetime
    author: str
    tags: tuple[str, str]
    html: str


def _items(n: int, feed: int) -> list[_Item]:
    rng = random.Random(2026 + feed)
    site = f"https://news{feed}.example.org"
    newest = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    items = []
    for i in range(n):
        item = f"{feed}-{i:05d}"
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        items.append(
            _Item(
                guid=f"tag:news{feed}.example.org,2026:{item}",
                link=f"{site}/{newest.year}/{item}-{title.lower().replace(' ', '-')[:40]}",
                title=title,
                published=newest - dt.timedelta(hours=3 * i, minutes=rng.randint(0, 59)),
                author=rng.choice(_AUTHORS),
                tags=(rng.choice(_TAGS[:4]), rng.choice(_TAGS[4:])),
                html=_body_html(rng, site, item),
            )
        )
    return items


def make_rss(n: int, feed: int = 0) -> bytes:
    """An RSS 2.0 document of ``n`` entries; ``feed`` varies the site, ids and text."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>Example News {feed}</title>",
        f"<link>https://news{feed}.example.org/</link>",
        "<description>All the news that fits.</description>",
        "<language>en</language>",
    ]
    for it in _items(n, feed):
        out += [
            "<item>",
            f"<title>{escape(it.title)}</title>",
            f"<link>{escape(it.link)}</link>",
            f'<guid isPermaLink="false">{escape(it.guid)}</guid>',
            f"<pubDate>{email.utils.format_datetime(it.published)}</pubDate>",
            f"<dc:creator>{escape(it.author)}</dc:creator>",
            *(f"<category>{tag}</category>" for tag in it.tags),
            f"<description>{escape(it.html[:200])}</description>",
            f"<content:encoded><![CDATA[{it.html}]]></content:encoded>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def make_json_feed(n: int, feed: int = 0) -> bytes:
    """A JSON Feed 1.1 document with the same kind of ``n`` entries."""
    items = [
        {
            "id": it.guid,
            "url": it.link,
            "title": it.title,
            "content_html": it.html,
            "date_published": it.published.isoformat(),
            "authors": [{"name": it.author}],
            "tags": list(it.tags),
        }
        for it in _items(n, feed)
    ]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Example News {feed} (JSON)",
        "home_page_url": f"https://news{feed}.example.org/",
        "items": items,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


# ----- the server --------------------------------------------------------------------------


class FeedHost:
    """A threaded HTTP server on 127.0.0.1 serving fixed bodies, with or without an ETag."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str, str | None]] = {}
        self.statuses: list[int] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedHost:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def add(self, path: str, body: bytes, content_type: str, etag: str | None) -> str:
        """Serve ``body`` at ``path``; return its URL."""
        self.routes[path] = (body, content_type, etag)
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def count(self, status: int) -> int:
        with self._lock:
            return self.statuses.count(status)

    def answered(self, status: int) -> None:
        with self._lock:
            self.statuses.append(status)


def _handler(host: FeedHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            route = host.routes.get(self.path)
            if route is None:
                self._answer(404, {"Content-Type": "text/plain"}, b"not found\n")
                return
            body, content_type, etag = route
            if etag is not None and self.headers.get("If-None-Match") == etag:
                self._answer(304, {"ETag": etag}, b"")
                return
            headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
            if etag is not None:
                headers["ETag"] = etag
            self._answer(200, headers, body)

        def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
            host.answered(status)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


# ----- measuring ---------------------------------------------------------------------------


def _timed(fn: Callable[[], object]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@contextmanager
def _library(base: Path) -> Iterator[tuple[Store, Path]]:
    """A fresh data dir and an empty library in a temp dir of their own."""
    with tempfile.TemporaryDirectory(dir=base) as name:
        data_dir = Path(name) / "data"
        data_dir.mkdir(mode=0o700)
        library = Path(name) / "library"
        library.mkdir()
        store = Store.open(data_dir)
        try:
            yield store, library
        finally:
            store.close()


def _subscribe(store: Store, library: Path, name: str, url: str) -> FeedRecord:
    return store.add_feed(FeedRecord(name=name, url=url, library=str(library), folder=name))


def _refresh(store: Store, name: str) -> RefreshReport:
    feed = store.feed(name)
    assert feed is not None
    return refresh_feed(store, feed, limits=LIMITS)


def _check(report: RefreshReport, added: int | None = None) -> RefreshReport:
    if not report.ok:
        raise RuntimeError(report.summary)
    if added is not None and len(report.added) != added:
        raise RuntimeError(f"expected {added} new stories: {report.summary}")
    return report


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's (inode, mtime in ns): an atomic rewrite changes both."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def _refresh_many(root: Path, urls: Sequence[str], per_feed: int, *, parallel: bool) -> float:
    """Seconds to refresh one new feed per URL into an empty library, together or in turn."""
    with _library(root) as (store, library):
        feeds = [_subscribe(store, library, f"feed{k:02d}", u) for k, u in enumerate(urls)]

        def together() -> list[RefreshReport]:
            return refresh_feeds(store, feeds, limits=LIMITS, workers=4)

        def in_turn() -> list[RefreshReport]:
            return [refresh_feed(store, f, limits=LIMITS) for f in feeds]

        seconds, reports = _timed(together if parallel else in_turn)
    for report in reports:
        _check(report, added=per_feed)
    return float(seconds)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _x(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base > 0 else "n/a"


def run(entries: int, feeds: int, repeat: int, *, base: Path | None = None) -> list[Row]:
    """Run every figure; return ``(figure, measured, vs baseline)`` rows in ``FIGURES`` order.

    Args:
        entries: N, the entries of the RSS and JSON feeds.
        feeds: K, the feeds refreshed together (holding N entries in all).
        repeat: Runs per figure; the median is reported (figure 6 runs at most 3 times).
        base: Where to make the temp dir (default: the system's).
    """
    repeat = max(1, repeat)
    rss = make_rss(entries)
    jsonfeed = make_json_feed(entries)
    per_feed = max(1, entries // feeds)
    many = [make_rss(per_feed, feed=k + 1) for k in range(feeds)]
    runs = f"median of {repeat}"
    many_runs = min(repeat, 3)

    # 1, 2: parsing alone. One unmeasured call each first (imports, regex compiles).
    feedparser.parse(rss)
    parse_feed(rss, url="http://127.0.0.1/feed.xml", content_type=RSS_TYPE)
    bare = statistics.median(_timed(lambda: feedparser.parse(rss))[0] for _ in range(repeat))
    parsed = [
        _timed(lambda: parse_feed(rss, url="http://127.0.0.1/feed.xml", content_type=RSS_TYPE))
        for _ in range(repeat)
    ]
    ours = statistics.median(t for t, _ in parsed)
    if len(parsed[0][1].entries) != entries:
        raise RuntimeError(f"parse_feed read {len(parsed[0][1].entries)} of {entries} entries")

    first: list[float] = []
    not_modified: list[float] = []
    unchanged: list[float] = []
    rewritten: list[int] = []
    parallel: list[float] = []
    sequential: list[float] = []
    json_first: list[float] = []
    with (
        FeedHost() as host,
        tempfile.TemporaryDirectory(prefix="tui-reader-feeds-", dir=base) as tmp,
    ):
        root = Path(tmp)
        url = host.add("/feed.xml", rss, RSS_TYPE, etag='"rss-v1"')
        json_url = host.add("/feed.json", jsonfeed, JSON_TYPE, etag='"json-v1"')
        urls = [host.add(f"/many/{k}.xml", body, RSS_TYPE, '"m"') for k, body in enumerate(many)]
        warm = host.add("/warm.xml", make_rss(3, feed=99), RSS_TYPE, etag=None)
        with _library(root) as (store, library):  # loads html_markdown, yaml... unmeasured
            _subscribe(store, library, "warm", warm)
            _check(_refresh(store, "warm"), added=3)

        for r in range(repeat):
            with _library(root) as (store, library):
                # 3, 4: first refresh into an empty library, then the 304.
                _subscribe(store, library, "news", url)
                seconds, report = _timed(lambda: _refresh(store, "news"))
                first.append(seconds)
                _check(report, added=entries)
                answered = host.count(304)
                seconds, report = _timed(lambda: _refresh(store, "news"))
                if not _check(report).not_modified or host.count(304) != answered + 1:
                    raise RuntimeError(f"expected a 304: {report.summary}")
                not_modified.append(seconds)

                # 5: the same document again, its ETag forgotten (as with a server that sends
                # none), so the request is unconditional and every entry is compared.
                feed = store.feed("news")
                assert feed is not None
                store.save_feed(replace(feed, etag="", last_modified=""))
                before = _files(feed_folder(feed))
                seconds, report = _timed(lambda: _refresh(store, "news"))
                unchanged.append(seconds)
                if _check(report, added=0).updated or report.not_modified:
                    raise RuntimeError(f"expected a full fetch and no writes: {report.summary}")
                after = _files(feed_folder(feed))
                rewritten.append(sum(1 for n, s in after.items() if before.get(n) != s))

            # 6: K feeds holding N entries in all, in parallel and one after another
            # (alternating which goes first). At most 3 runs: it is the slowest figure.
            if r < many_runs:
                for together in (True, False) if r % 2 == 0 else (False, True):
                    seconds = _refresh_many(root, urls, per_feed, parallel=together)
                    (parallel if together else sequential).append(seconds)

            # 7: the JSON Feed, first import.
            with _library(root) as (store, library):
                _subscribe(store, library, "json", json_url)
                seconds, report = _timed(lambda: _refresh(store, "json"))
                _check(report, added=entries)
                json_first.append(seconds)

    first_s, nm_s, same_s = (statistics.median(v) for v in (first, not_modified, unchanged))
    par_s, seq_s, json_s = (statistics.median(v) for v in (parallel, sequential, json_first))
    per = 1000 / max(entries, 1)
    return [
        (FIGURES[0], f"{_ms(bare)} ({runs})", "baseline"),
        (FIGURES[1], f"{_ms(ours)} ({runs})", _x(ours, bare)),
        (
            FIGURES[2],
            f"{_ms(first_s)}, {first_s * per:.2f} ms/entry ({runs})",
            _x(first_s, bare),
        ),
        (FIGURES[3], f"{_ms(nm_s)} ({runs})", _x(nm_s, bare)),
        (
            FIGURES[4],
            f"{_ms(same_s)}; files rewritten: {max(rewritten)} of {entries} ({runs})",
            _x(same_s, bare),
        ),
        (
            FIGURES[5],
            f"{_ms(par_s)} vs {_ms(seq_s)}, {feeds} feeds x {per_feed} entries"
            f" (median of {many_runs})",
            f"parallel {_x(par_s, seq_s)} of sequential",
        ),
        (
            FIGURES[6],
            f"{_ms(json_s)}, {json_s * per:.2f} ms/entry ({runs})",
            f"{_x(json_s, bare)} ({_x(json_s, first_s)} of RSS first refresh)",
        ),
    ]


def render(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    cells = [("figure", "measured", "vs baseline"), *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])])


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=300, help="entries per feed (300)")
    parser.add_argument("--feeds", type=int, default=10, help="feeds refreshed together (10)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure, median (5)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(max(1, args.entries), max(1, args.feeds), args.repeat)
    print(render(rows))
    print(
        f"\nN={args.entries} entries, K={args.feeds} feeds, repeat={args.repeat}; "
        f"Python {platform.python_version()}, feedparser {feedparser.__version__}, "
        f"{os.cpu_count()} CPUs; {time.perf_counter() - started:.1f} s in all"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

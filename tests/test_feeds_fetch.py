"""fetch(): real sockets against tests.feed_server, real files in tmp_path; no mocks."""

from __future__ import annotations

import base64
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feed_server import FeedServer
from tui_reader import __version__
from tui_reader.feeds.fetch import ACCEPT, USER_AGENT, fetch
from tui_reader.feeds.model import FeedError

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
KIB64 = 64 * 1024


def fails(source: str, **kwargs: object) -> str:
    """The FeedError message fetch() raises for ``source``."""
    with pytest.raises(FeedError) as caught:
        fetch(source, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


# -- plain HTTP -----------------------------------------------------------------------------


def test_ok_returns_body_headers_and_sends_ours(feed_server: FeedServer) -> None:
    feed_server.add("/feed.xml", RSS, etag='"v1"', last_modified="Tue, 01 Apr 2025 10:00:00 GMT")
    got = fetch(feed_server.url("/feed.xml"))
    assert got.body == RSS
    assert got.status == 200
    assert got.url == feed_server.url("/feed.xml")
    assert got.content_type == "application/rss+xml; charset=utf-8"
    assert (got.etag, got.last_modified) == ('"v1"', "Tue, 01 Apr 2025 10:00:00 GMT")
    path, headers = feed_server.requests[-1]
    assert path == "/feed.xml"
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith(f"tui-reader/{__version__} (+https://github.com/")
    assert headers["Accept"] == ACCEPT
    assert headers["Accept-Encoding"] == "gzip"
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers


def test_credentials_and_unescaped_characters_in_the_url(feed_server: FeedServer) -> None:
    feed_server.add("/my feed.xml?q=ä", RSS)
    url = f"http://reader:p%40ss@127.0.0.1:{feed_server.port}/my feed.xml?q=ä#top"
    assert fetch(url).body == RSS
    path, headers = feed_server.requests[-1]
    assert path == "/my%20feed.xml?q=%C3%A4"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"reader:p@ss").decode()


@pytest.mark.parametrize("body", [b"", b"x", b"\x1f"])
def test_tiny_bodies(feed_server: FeedServer, body: bytes) -> None:
    feed_server.add("/f", body)
    assert fetch(feed_server.url("/f")).body == body


def test_etag_round_trip_answers_304(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, etag='"abc"')
    first = fetch(feed_server.url("/f"))
    again = fetch(feed_server.url("/f"), etag=first.etag)
    assert feed_server.requests[-1][1]["If-None-Match"] == '"abc"'
    assert (again.status, again.body, again.etag) == (304, None, '"abc"')
    feed_server.add("/f", RSS + b" ", etag='"def"')  # the feed changed
    changed = fetch(feed_server.url("/f"), etag=first.etag)
    assert (changed.status, changed.body, changed.etag) == (200, RSS + b" ", '"def"')


def test_last_modified_round_trip_answers_304(feed_server: FeedServer) -> None:
    stamp = "Wed, 02 Apr 2025 08:00:00 GMT"
    feed_server.add("/f", RSS, last_modified=stamp)
    first = fetch(feed_server.url("/f"))
    again = fetch(feed_server.url("/f"), last_modified=first.last_modified)
    assert feed_server.requests[-1][1]["If-Modified-Since"] == stamp
    assert (again.status, again.body, again.last_modified) == (304, None, stamp)


def test_304_without_validators_keeps_the_old_ones(feed_server: FeedServer) -> None:
    feed_server.add("/f", b"", status=304)
    got = fetch(feed_server.url("/f"), etag='"old"', last_modified="old date")
    assert (got.status, got.body, got.etag, got.last_modified) == (304, None, '"old"', "old date")


# -- compression ----------------------------------------------------------------------------


def test_gzip_with_header(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, gzip=True)
    assert fetch(feed_server.url("/f")).body == RSS


def test_gzip_without_header_is_sniffed(feed_server: FeedServer) -> None:
    feed_server.add("/f.xml.gz", RSS, gzip_without_header=True, content_type="application/xml")
    assert fetch(feed_server.url("/f.xml.gz")).body == RSS


def test_two_gzip_members_make_one_body(feed_server: FeedServer) -> None:
    members = gzip.compress(RSS[:10]) + gzip.compress(RSS[10:]) + b"\0\0"
    feed_server.add("/f", members, headers={"Content-Encoding": "gzip"})
    assert fetch(feed_server.url("/f")).body == RSS
    # The member boundary falls between two reads here: one byte arrives at a time.
    feed_server.drip("/slow.gz", gzip.compress(b"ab") + gzip.compress(b"cd"), delay=0.001)
    assert fetch(feed_server.url("/slow.gz")).body == b"abcd"


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_wrapped_or_raw(feed_server: FeedServer, wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    feed_server.add(
        "/f", packer.compress(RSS) + packer.flush(), headers={"Content-Encoding": "deflate"}
    )
    assert fetch(feed_server.url("/f")).body == RSS


def test_corrupt_gzip(feed_server: FeedServer) -> None:
    feed_server.add("/f", b"<rss>not gzip at all</rss>", headers={"Content-Encoding": "gzip"})
    assert fails(feed_server.url("/f")) == (
        "response claims to be gzip but cannot be decompressed: incorrect header check"
    )
    feed_server.add("/cut", gzip.compress(RSS)[:-12], headers={"Content-Encoding": "gzip"})
    assert fails(feed_server.url("/cut")) == (
        "response claims to be gzip but cannot be decompressed: the compressed data ends too soon"
    )


@pytest.mark.parametrize("with_header", [True, False])
def test_gzip_bomb_stops_at_the_cap(feed_server: FeedServer, with_header: bool) -> None:
    bomb = b" " * (4 * 1024 * 1024)
    feed_server.add("/bomb", bomb, gzip=with_header, gzip_without_header=not with_header)
    assert fails(feed_server.url("/bomb"), max_bytes=KIB64) == (
        "response larger than 64 KiB once decompressed; not read"
    )


def test_unknown_content_encoding(feed_server: FeedServer) -> None:
    feed_server.add("/f", b"\x00\x01", headers={"Content-Encoding": "br"})
    assert fails(feed_server.url("/f")) == (
        "response uses content encoding br, which cannot be decoded"
    )


# -- statuses and redirects -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (404, {}, "HTTP 404 Not Found"),
        (500, {}, "HTTP 500 Internal Server Error"),
        (410, {}, "HTTP 410 Gone — the feed was removed"),
        (401, {}, "HTTP 401 Unauthorized — access denied"),
        (403, {}, "HTTP 403 Forbidden — access denied"),
        (429, {"Retry-After": "120"}, "HTTP 429 Too Many Requests — retry after 120 s"),
        (
            503,
            {"Retry-After": "Fri, 31 Dec 2027 23:59:59 GMT"},
            "HTTP 503 Service Unavailable — retry after Fri, 31 Dec 2027 23:59:59 GMT",
        ),
        (503, {}, "HTTP 503 Service Unavailable"),
    ],
)
def test_http_errors(
    feed_server: FeedServer, status: int, headers: dict[str, str], message: str
) -> None:
    feed_server.add("/f", b"oops", status=status, headers=headers)
    assert fails(feed_server.url("/f")) == message


def test_unknown_path_is_404(feed_server: FeedServer) -> None:
    assert fails(feed_server.url("/nothing-here")) == "HTTP 404 Not Found"


def test_redirects_are_followed_and_the_final_url_reported(feed_server: FeedServer) -> None:
    feed_server.add("/new.xml", RSS)
    feed_server.redirect("/r5", "/new.xml", status=308)
    feed_server.redirect("/r4", feed_server.url("/r5"), status=307)
    feed_server.redirect("/r3", "/r4", status=303)
    feed_server.redirect("/r2", "/r3", status=302)
    feed_server.redirect("/r1", "/r2")
    got = fetch(feed_server.url("/r1"), etag='"e"')  # five hops: the most allowed
    assert (got.body, got.url) == (RSS, feed_server.url("/new.xml"))
    assert [path for path, _ in feed_server.requests] == [
        "/r1", "/r2", "/r3", "/r4", "/r5", "/new.xml"
    ]  # fmt: skip


def test_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.redirect("/a", "/b")
    feed_server.redirect("/b", "/a")
    a, b = feed_server.url("/a"), feed_server.url("/b")
    assert fails(a) == f"redirect loop: {a} -> {b} -> {a}"


def test_too_many_redirects(feed_server: FeedServer) -> None:
    for hop in range(6):
        feed_server.redirect(f"/r{hop}", f"/r{hop + 1}")
    feed_server.add("/r6", RSS)
    assert fails(feed_server.url("/r0")) == "too many redirects (more than 5)"


def test_redirect_to_a_file_url_is_refused(feed_server: FeedServer) -> None:
    feed_server.redirect("/f", "file:///etc/passwd", status=302)
    assert fails(feed_server.url("/f")) == (
        "redirect to file:///etc/passwd refused: only http and https are followed"
    )


# -- time, size and cancel limits -----------------------------------------------------------


def test_drip_server_hits_the_deadline(feed_server: FeedServer) -> None:
    feed_server.drip("/slow", RSS * 10, delay=0.1)
    started = time.monotonic()
    assert fails(feed_server.url("/slow"), deadline=1.5, timeout=1.0) == (
        "download took longer than 1.5 s; gave up"
    )
    # Not before the deadline; the upper bound is loose (a loaded machine) but finite: without
    # the deadline the drip would go on far longer.
    assert 1.4 < time.monotonic() - started < 10.0


def test_hang_times_out(feed_server: FeedServer) -> None:
    feed_server.hang("/hang")
    started = time.monotonic()
    message = fails(feed_server.url("/hang"), timeout=0.5)
    assert message == f"no answer from 127.0.0.1:{feed_server.port} within 0.5 s"
    assert time.monotonic() - started < 10.0  # loose: without the timeout it never ends


def test_server_that_stops_mid_body(feed_server: FeedServer) -> None:
    feed_server.drip("/stall", RSS, delay=5)  # headers, then nothing for 5 s
    assert fails(feed_server.url("/stall"), timeout=0.3) == (
        "the server stopped sending data for 0.3 s"
    )


@pytest.fixture
def header_dripper() -> Iterator[int]:
    """A raw server that sends its status line, then one header byte every 0.1 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.1):
                try:
                    conn.sendall(b"a")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(timeout=2)


def test_deadline_also_bounds_dripping_headers(header_dripper: int) -> None:
    started = time.monotonic()
    url = f"http://127.0.0.1:{header_dripper}/feed"
    assert fails(url, deadline=1.0, timeout=0.5) == "download took longer than 1 s; gave up"
    assert time.monotonic() - started < 10.0  # loose: the headers would drip for ever


def test_huge_with_content_length_is_refused_unread(feed_server: FeedServer) -> None:
    feed_server.huge("/big", 50 * 1024 * 1024, content_length=True)
    started = time.monotonic()
    assert fails(feed_server.url("/big")) == "response larger than 20 MiB; not read"
    assert fails(feed_server.url("/big"), max_bytes=KIB64) == (
        "response larger than 64 KiB; not read"
    )
    assert time.monotonic() - started < 2.0


def test_huge_without_content_length_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.huge("/big", 50 * 1024 * 1024, content_length=False)
    assert fails(feed_server.url("/big"), max_bytes=KIB64) == (
        "response larger than 64 KiB; not read"
    )


def test_body_within_the_cap_is_read(feed_server: FeedServer) -> None:
    feed_server.huge("/big", KIB64, content_length=False)
    body = fetch(feed_server.url("/big"), max_bytes=KIB64).body
    assert body is not None and len(body) == KIB64 and body.startswith(b"<?xml")


def test_connection_closed_mid_body(feed_server: FeedServer) -> None:
    feed_server.add("/short", b"abc", headers={"Content-Length": "100"})
    assert fails(feed_server.url("/short")) == "connection closed after 3 bytes of 100"


def test_cancel_before_start(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS)
    cancel = threading.Event()
    cancel.set()
    assert fails(feed_server.url("/f"), cancel=cancel) == "cancelled"
    assert feed_server.requests == []


@pytest.mark.parametrize("kind", ["drip", "hang"])
def test_cancel_stops_a_running_fetch_at_once(feed_server: FeedServer, kind: str) -> None:
    if kind == "drip":
        feed_server.drip("/f", RSS * 10, delay=0.05)
    else:
        feed_server.hang("/f")
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    assert fails(feed_server.url("/f"), cancel=cancel, timeout=10) == "cancelled"
    assert time.monotonic() - started < 5.0  # loose, but well before the 10 s timeout


# -- network errors -------------------------------------------------------------------------


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert fails(f"http://127.0.0.1:{port}/feed") == f"connection refused by 127.0.0.1:{port}"


def test_unknown_host() -> None:
    assert fails("http://example.invalid/feed") == "cannot resolve host example.invalid"


def test_tls_against_a_plain_http_server(feed_server: FeedServer) -> None:
    message = fails(f"https://127.0.0.1:{feed_server.port}/feed", timeout=2)
    assert message.startswith("TLS error: "), message


# -- local files and bad sources ------------------------------------------------------------


def test_local_file_by_path_url_and_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for source in (str(feed), feed.as_uri(), "~/feed.xml", "feed.xml", "./feed.xml"):
        got = fetch(source)
        assert (got.body, got.url, got.status) == (RSS, feed.resolve().as_uri(), 200), source


def test_local_gzip_file_is_decompressed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml.gz"
    feed.write_bytes(gzip.compress(RSS))
    assert fetch(str(feed)).body == RSS


def test_local_file_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    real = tmp_path.resolve()
    assert fails("missing.xml") == f"cannot read {real}/missing.xml: No such file or directory"
    assert fails(str(tmp_path)) == f"cannot read {real}: Is a directory"
    (tmp_path / "big.xml").write_bytes(b" " * (KIB64 + 1))
    assert fails("big.xml", max_bytes=KIB64) == f"cannot read {real}/big.xml: larger than 64 KiB"
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8bnot really")
    assert fails("bad.gz").startswith(
        f"cannot read {real}/bad.gz: gzip data that cannot be decompressed: "
    )


@pytest.mark.parametrize(
    "source",
    ["", "   ", "example.com/feed.xml", "ftp://example.com/feed", "http://", "http://h:x/"],
)
def test_not_a_url(source: str) -> None:
    assert fails(source) == f"not a URL or an existing file: {source.strip()}"

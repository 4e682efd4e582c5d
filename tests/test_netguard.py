"""Serve mode must not fetch the server's own network: the address guard, with a test resolver
(a table, never real DNS) and real sockets on 127.0.0.1.

A "public" test address (203.0.113.10, TEST-NET-3) is rerouted to the loopback test server
after the check, which is how a public-looking name can redirect to 127.0.0.1 in a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feed_server import FeedServer
from tui_reader.feeds.fetch import fetch
from tui_reader.feeds.model import FeedError
from tui_reader.feeds.netguard import AddressRefused, NetPolicy, blocked_reason, policy_from_env
from tui_reader.feeds.refresh import refresh_feed
from tui_reader.feeds.save import save_url
from tui_reader.serve.child import child_env
from tui_reader.serve.server import build_parser, config_from_args
from tui_reader.storage.store import FeedRecord, Store

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
ARS = (PAGES / "ars-1" / "source.html").read_bytes()
PUBLIC = "203.0.113.10"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:7f00:1", "loopback"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:7f00:1::", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fd00:ec2::254", "private"),
        ("fc00::1", "private"),
        ("fe80::1%eth0", "link-local"),
        ("0.0.0.0", "this network"),
        ("0.1.2.3", "this network"),
        ("::", "unspecified"),
        ("100.100.100.200", "carrier-grade NAT"),
        ("224.0.0.1", "multicast"),
        ("93.184.216.34", None),
        ("172.32.0.1", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        (PUBLIC, None),
    ],
)
def test_blocked_addresses(address: str, blocked: str | None) -> None:
    reason = blocked_reason(address)
    assert (reason is None) == (blocked is None), reason
    if blocked is not None:
        assert blocked in str(reason)


class Names:
    """A test resolver: a table of names, counting lookups; unknown names do not resolve."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host in self.table:
            return self.table[host]
        if all(part.isdigit() for part in host.split(".")) or ":" in host:
            return [host]  # a literal address resolves to itself
        import socket

        raise socket.gaierror(socket.EAI_NONAME, "unknown")


def serve_mode(names: Names, server: FeedServer) -> NetPolicy:
    """Serve mode, with ``PUBLIC`` reaching ``server`` after the check."""

    def reroute(address: str, port: int) -> tuple[str, int]:
        return ("127.0.0.1", server.port) if address == PUBLIC else (address, port)

    return NetPolicy(refuse_private=True, resolve=names, reroute=reroute)


def test_a_public_name_is_fetched_and_resolved_once_per_hop(feed_server: FeedServer) -> None:
    names = Names({"news.example": [PUBLIC]})
    feed_server.add("/feed.xml", RSS)
    feed_server.redirect("/old.xml", "http://news.example/feed.xml")
    policy = serve_mode(names, feed_server)
    got = fetch("http://news.example/old.xml", policy=policy)
    assert got.body == RSS and got.url == "http://news.example/feed.xml"
    # One lookup per connection, and the socket went to that very answer: no second lookup
    # that a rebinding DNS server could answer differently.
    assert names.lookups == ["news.example", "news.example"]
    assert [path for path, _ in feed_server.requests] == ["/old.xml", "/feed.xml"]


def test_a_redirect_from_a_public_name_to_loopback_is_refused(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    with FeedServer() as inside:
        inside.add("/admin", ARS, content_type="text/html")
        names = Names({"news.example": [PUBLIC]})
        feed_server.redirect("/story", inside.url("/admin"), status=302)
        with pytest.raises(AddressRefused) as caught:
            save_url("http://news.example/story", tmp_path, policy=serve_mode(names, feed_server))
        assert str(caught.value).startswith("refused to fetch 127.0.0.1: a loopback address;")
        assert "--allow-private-addresses" in str(caught.value)
        assert inside.requests == []  # never connected
    assert [path for path, _ in feed_server.requests] == ["/story"]
    assert list(tmp_path.rglob("*.md")) == []


def test_a_name_that_resolves_inside_is_refused_before_connecting(
    feed_server: FeedServer,
) -> None:
    names = Names({"intranet.example": ["10.0.0.5"], "both.example": [PUBLIC, "127.0.0.1"]})
    policy = serve_mode(names, feed_server)
    with pytest.raises(AddressRefused, match=r"intranet\.example \(10\.0\.0\.5\): a private"):
        fetch("http://intranet.example/feed.xml", policy=policy)
    with pytest.raises(AddressRefused, match=r"both\.example \(127\.0\.0\.1\)"):
        fetch("http://both.example/feed.xml", policy=policy)
    with pytest.raises(AddressRefused, match=r"\[::ffff:127\.0\.0\.1\]"):
        fetch("http://[::ffff:127.0.0.1]:9/feed.xml", policy=policy)
    assert feed_server.requests == []


def test_without_serve_mode_or_when_allowed_loopback_works(feed_server: FeedServer) -> None:
    feed_server.add("/feed.xml", RSS)
    for policy in (NetPolicy(), NetPolicy(refuse_private=False, resolve=Names({}))):
        assert fetch(feed_server.url("/feed.xml"), policy=policy).body == RSS


def test_serve_mode_reads_no_local_files(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    with pytest.raises(FeedError, match="only http and https URLs"):
        fetch(str(feed), policy=NetPolicy(refuse_private=True))
    with pytest.raises(FeedError, match="only http and https URLs"):
        fetch(feed.as_uri(), policy=NetPolicy(refuse_private=True))


def test_a_feed_redirecting_to_loopback_is_refused_in_serve_mode(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    """Issue 11 item 7: a feed that redirects to http://127.0.0.1:OTHER/."""
    with FeedServer() as inside:
        inside.add("/secrets.xml", RSS)
        feed_server.redirect("/feed.xml", inside.url("/secrets.xml"), status=301)
        names = Names({"feeds.example": [PUBLIC]})
        store = Store.open(tmp_path / "data")
        feed = store.add_feed(
            FeedRecord(
                name="Example",
                url="http://feeds.example/feed.xml",
                library=str(tmp_path / "lib"),
                folder="example",
            )
        )
        report = refresh_feed(store, feed, policy=serve_mode(names, feed_server))
        assert not report.ok
        assert report.summary.startswith("feed Example: refused to fetch 127.0.0.1: a loopback")
        assert inside.requests == []
        assert store.feeds()[0].error.startswith("refused to fetch 127.0.0.1")
        store.close()
    assert not (tmp_path / "lib").exists()


def _cli(tmp_path: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TUI_READER_")}
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", "save", url, "--stories", str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
    )


def test_a_served_reader_cannot_save_a_loopback_page_unless_allowed(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.add("/ars.html", ARS, content_type="text/html")
    url = feed_server.url("/ars.html")
    refused = _cli(tmp_path, url, TUI_READER_SERVED="1", TUI_READER_USER="alice")
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"tui-reader: save {url}: refused to fetch 127.0.0.1: ")
    assert refused.stderr.count("\n") == 1
    assert feed_server.requests == [] and not (tmp_path / "lib").exists()
    allowed = _cli(tmp_path, url, TUI_READER_SERVED="1", TUI_READER_ALLOW_PRIVATE="1")
    assert allowed.returncode == 0, allowed.stderr
    assert len(list((tmp_path / "lib" / "saved").glob("*.md"))) == 1


def test_the_server_marks_its_readers_and_passes_the_operator_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The operator's own settings never leak into a reader...
    monkeypatch.setenv("TUI_READER_ALLOW_PRIVATE", "1")
    env = child_env("xterm", {}, "/data", "alice")
    assert env["TUI_READER_SERVED"] == "1" and "TUI_READER_ALLOW_PRIVATE" not in env
    # ...only the server option does.
    allowed = child_env("xterm", {}, "/data", "alice", allow_private=True)
    assert allowed["TUI_READER_ALLOW_PRIVATE"] == "1"
    argv = ["--authorized-keys", "keys"]
    assert not config_from_args(build_parser().parse_args(argv)).allow_private_addresses
    argv.append("--allow-private-addresses")
    assert config_from_args(build_parser().parse_args(argv)).allow_private_addresses
    # And the reader reads the marks in one place.
    monkeypatch.setenv("TUI_READER_SERVED", "1")
    monkeypatch.delenv("TUI_READER_ALLOW_PRIVATE")
    assert policy_from_env().refuse_private
    monkeypatch.setenv("TUI_READER_ALLOW_PRIVATE", "1")
    assert not policy_from_env().refuse_private

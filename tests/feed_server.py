"""A real threaded HTTP server on 127.0.0.1 for feed tests, and its ``feed_server`` fixture.

Routes are registered per path (``add``, ``redirect``, ``drip``, ``hang``, ``huge``), matched
with or without the query string, as sent or percent-decoded; unknown paths answer 404. Every
request is recorded in ``requests``. Handlers that wait (drip, hang) wait on a stop event, so
stopping the server never hangs on them.
"""

from __future__ import annotations

import gzip as gzip_module
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import pytest

__all__ = ["FeedServer", "feed_server"]

_FILLER_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _Route:
    kind: str  # "static", "redirect", "drip", "hang" or "huge"
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    size: int = 0
    content_length: bool = True
    reason: str | None = None


class FeedServer:
    """An HTTP server whose answers the test chooses, path by path.

    Use as a context manager (``with FeedServer() as server:``) or through the
    ``feed_server`` fixture.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        """(path, request headers as sent) for every request, in arrival order."""
        self.active = 0
        """Requests waiting out their route's delay right now."""
        self.peak = 0
        """The most requests ever waiting out a delay at once: how many the client had in
        flight (counted before the answer is sent, so a client that has read a whole answer
        and asks again is never counted with the server thread still closing the first)."""
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FeedServer:
        """Start serving on 127.0.0.1 and a free port; return self."""
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        httpd.daemon_threads = True
        # Do not join handler threads on close: a hang() handler only ends at stop.
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release sleeping handlers; safe to call twice."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{_norm(path)}"

    # -- routes ---------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        gzip_without_header: bool = False,
        reason: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Serve ``body`` at ``path`` (replacing what was there).

        A request whose ``If-None-Match`` equals ``etag`` or whose ``If-Modified-Since``
        equals ``last_modified`` gets 304 with no body. ``gzip`` compresses the body and says
        so in ``Content-Encoding``; ``gzip_without_header`` compresses it silently.
        ``headers`` are sent last and replace defaults of the same name (e.g. a wrong
        ``Content-Length``). ``reason`` replaces the status line's reason phrase, sent as is
        (a hostile server's escape sequences included). ``delay`` waits that many seconds
        before answering.
        """
        sent = body
        merged = {"Content-Type": content_type}
        if gzip or gzip_without_header:
            sent = gzip_module.compress(body, mtime=0)
        if gzip:
            merged["Content-Encoding"] = "gzip"
        if etag is not None:
            merged["ETag"] = etag
        if last_modified is not None:
            merged["Last-Modified"] = last_modified
        if status not in (204, 304):
            merged["Content-Length"] = str(len(sent))
        _merge(merged, headers or {})
        route = _Route(
            "static", sent, status, merged, etag, last_modified, delay=delay, reason=reason
        )
        self._set(path, route)

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        """Answer ``path`` with a redirect to ``to`` (a path or an absolute URL)."""
        location = to if "://" in to else _norm(to)
        self._set(path, _Route("redirect", status=status, headers={"Location": location}))

    def drip(self, path: str, body: bytes, *, delay: float) -> None:
        """Send the headers at once, then ``body`` one byte every ``delay`` seconds."""
        self._set(path, _Route("drip", body, delay=delay))

    def hang(self, path: str) -> None:
        """Accept and read the request, then never answer (until the server stops)."""
        self._set(path, _Route("hang"))

    def huge(self, path: str, size: int, *, content_length: bool) -> None:
        """Stream ``size`` bytes of filler XML in 64 KiB chunks, never all in memory."""
        self._set(path, _Route("huge", size=size, content_length=content_length))

    def _set(self, path: str, route: _Route) -> None:
        with self._lock:
            self._routes[_norm(path)] = route

    def _route(self, raw_path: str) -> _Route | None:
        # The path as sent, then without its query, each as sent and percent-decoded.
        bare = raw_path.split("?", 1)[0]
        with self._lock:
            for candidate in (raw_path, unquote(raw_path), bare, unquote(bare)):
                if candidate in self._routes:
                    return self._routes[candidate]
        return None

    def _record(self, raw_path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((raw_path, headers))

    def _busy(self, change: int) -> None:
        with self._lock:
            self.active += change
            self.peak = max(self.peak, self.active)


def _norm(path: str) -> str:
    return "/" + path.lstrip("/")


def _merge(into: dict[str, str], extra: dict[str, str]) -> None:
    """Add ``extra`` to ``into``, replacing keys that differ only in case."""
    for name, value in extra.items():
        for old in [key for key in into if key.lower() == name.lower()]:
            del into[old]
        into[name] = value


def _filler(size: int) -> Iterator[bytes]:
    """``size`` bytes of well-formed-looking XML, one 64 KiB chunk at a time."""
    head = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>huge</title>\n'
    block = (b"<!-- filler -->\n" * (_FILLER_CHUNK // 16 + 1))[:_FILLER_CHUNK]
    first = (head + block)[:_FILLER_CHUNK]
    left = size
    chunk = first
    while left > 0:
        piece = chunk[:left]
        yield piece
        left -= len(piece)
        chunk = block


def _make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, and the end of a body without a length is
        # the connection closing.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

        def do_GET(self) -> None:
            server._record(self.path, dict(self.headers.items()))
            route = server._route(self.path)
            try:
                if route is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found\n")
                else:
                    self._serve(route)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, which is often what the test is about

        def _send(
            self, status: int, headers: dict[str, str], body: bytes = b"", reason: str | None = None
        ) -> None:
            self.send_response(status, reason)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _serve(self, route: _Route) -> None:
            stop = server._stop
            if route.kind == "hang":
                stop.wait()
            elif route.kind == "redirect":
                location = route.headers["Location"]
                if location.startswith("/"):
                    location = server.url(location)
                self._send(route.status, {"Location": location, "Content-Length": "0"})
            elif route.kind == "drip":
                length = str(len(route.body))
                self._send(200, {"Content-Type": "application/rss+xml", "Content-Length": length})
                for byte in route.body:
                    if stop.wait(route.delay):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            elif route.kind == "huge":
                headers = {"Content-Type": "application/rss+xml"}
                if route.content_length:
                    headers["Content-Length"] = str(route.size)
                self._send(200, headers)
                for chunk in _filler(route.size):
                    if stop.is_set():
                        return
                    self.wfile.write(chunk)
            elif route.delay and self._delayed(route.delay):
                return  # the server is stopping
            elif self._not_modified(route):
                headers = {k: v for k, v in route.headers.items() if k in ("ETag", "Last-Modified")}
                self._send(304, headers)
            else:
                self._send(route.status, route.headers, route.body, route.reason)

        def _delayed(self, delay: float) -> bool:
            """Wait ``delay`` before answering, counted in ``peak``; True if stopping."""
            server._busy(+1)
            try:
                return server._stop.wait(delay)
            finally:
                server._busy(-1)

        def _not_modified(self, route: _Route) -> bool:
            if route.status != 200:
                return False
            etag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            return (route.etag is not None and etag == route.etag) or (
                route.last_modified is not None and since == route.last_modified
            )

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started :class:`FeedServer`, stopped after the test."""
    with FeedServer() as server:
        yield server

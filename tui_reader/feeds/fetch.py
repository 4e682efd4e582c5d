"""Fetch a feed document over HTTP(S) or from a local file, within hard limits.

Stdlib only (``http.client``), no Textual. Every network, file or protocol problem comes
back as a :class:`FeedError` whose message reads well after ``feed NAME: ``. Redirects are
followed here rather than by urllib so their limits and messages are ours.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.client
import os
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit
from urllib.request import url2pathname

from tui_reader import __version__
from tui_reader.feeds.model import FeedError, Fetched

__all__ = ["ACCEPT", "MAX_FEED_BYTES", "MAX_REDIRECTS", "USER_AGENT", "fetch"]

USER_AGENT = (
    f"tui-reader/{__version__} (+https://github.com/tui-reader/tui-reader; terminal feed reader)"
)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
MAX_FEED_BYTES = 20 * 1024 * 1024
"""Largest feed accepted, before and after decompression."""
MAX_REDIRECTS = 5

_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GZIP_MAGIC = b"\x1f\x8b"
_SLACK = 0.01  # socket timeouts end a hair early on some clocks; still count that as expired
_POLL = 0.1  # how soon a blocked read notices cancel or the deadline
# Everything RFC 3986 allows unescaped, plus "%" so existing escapes survive re-quoting.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


def fetch(
    source: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 15.0,
    deadline: float = 60.0,
    max_bytes: int = MAX_FEED_BYTES,
    cancel: threading.Event | None = None,
) -> Fetched:
    """Fetch the feed document at ``source``.

    Args:
        source: An http(s) URL, a ``file://`` URL, or a local path (``~`` is expanded).
        etag: The ``ETag`` from the last fetch; sent as ``If-None-Match``.
        last_modified: The ``Last-Modified`` from the last fetch; sent as
            ``If-Modified-Since``.
        timeout: Seconds any one network operation (connect, a read) may take.
        deadline: Seconds the whole fetch may take, redirects included.
        max_bytes: Largest body accepted, both as sent and once decompressed.
        cancel: When set, the fetch stops as soon as it can.

    Returns:
        The decompressed body with its headers, or a body-less 304 answer (which keeps
        ``etag`` / ``last_modified`` when the server did not resend them).

    Raises:
        FeedError: For any network, file or protocol problem, in words for the user.
    """
    text = source.strip()
    try:
        parts: SplitResult | None = urlsplit(text)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme in ("http", "https"):
        limits = _Limits(timeout, deadline, time.monotonic() + deadline, max_bytes, cancel)
        return _fetch_http(text, etag, last_modified, limits)
    return _read_local(text, parts, max_bytes)


# -- local files ----------------------------------------------------------------------------


def _local_path(text: str, parts: SplitResult | None) -> str:
    """Turn ``text`` into a path, or fail when it is neither a path nor a URL we know."""
    not_a_url = FeedError(f"not a URL or an existing file: {text}")
    if not text:
        raise not_a_url
    if parts is not None and parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise not_a_url
        return url2pathname(parts.path)
    path = os.path.expanduser(text)
    if os.path.lexists(path):
        return path
    # A missing "feeds/x.xml" is a path with a typo; a missing "example.com/feed" or
    # "ftp://..." is more likely a URL without (or with an unsupported) scheme.
    has_scheme = parts is not None and len(parts.scheme) > 1
    looks_like_path = text.startswith(("/", "~", ".")) or os.path.isdir(
        os.path.dirname(os.path.abspath(path))
    )
    if has_scheme or not looks_like_path:
        raise not_a_url
    return path


def _read_local(text: str, parts: SplitResult | None, max_bytes: int) -> Fetched:
    """Read a local feed file, un-gzipping it if it is gzip data."""
    try:
        path = os.path.realpath(_local_path(text, parts))
    except ValueError:  # a NUL byte, which no path can hold
        raise FeedError(f"not a URL or an existing file: {text}") from None
    try:
        with open(path, "rb") as handle:
            too_big = os.fstat(handle.fileno()).st_size > max_bytes
            data = b"" if too_big else handle.read(max_bytes + 1)
    except OSError as error:
        raise FeedError(f"cannot read {path}: {error.strerror or error}") from None
    if too_big or len(data) > max_bytes:
        raise FeedError(f"cannot read {path}: larger than {_size(max_bytes)}")
    decoder = _Decoder("", max_bytes)
    try:
        decoder.feed(data)
        body = decoder.finish()
    except _TooLarge:
        raise FeedError(
            f"cannot read {path}: larger than {_size(max_bytes)} once decompressed"
        ) from None
    except _BadGzip as error:
        raise FeedError(
            f"cannot read {path}: gzip data that cannot be decompressed: {error}"
        ) from None
    return Fetched(body=body, url=Path(path).as_uri())


# -- limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    """The time, size and cancel limits of one fetch."""

    timeout: float
    deadline: float
    ends_at: float
    max_bytes: int
    cancel: threading.Event | None

    def stopped(self) -> bool:
        """Whether the fetch was cancelled or ran out of time."""
        cancelled = self.cancel is not None and self.cancel.is_set()
        return cancelled or time.monotonic() >= self.ends_at - _SLACK

    def check(self) -> None:
        """Raise the FeedError for cancel or the deadline, if either has happened."""
        if self.cancel is not None and self.cancel.is_set():
            raise FeedError("cancelled")
        if time.monotonic() >= self.ends_at - _SLACK:
            raise FeedError(f"download took longer than {self.deadline:g} s; gave up")

    def socket_timeout(self) -> float:
        """The timeout for the next socket operation: never past the deadline."""
        return max(min(self.timeout, self.ends_at - time.monotonic()), _SLACK)

    def too_large(self, after: str = "") -> FeedError:
        """The error for a body over the size cap."""
        return FeedError(f"response larger than {_size(self.max_bytes)}{after}; not read")


class _Watchdog:
    """Shuts a socket down once the fetch is cancelled or past its deadline.

    Socket timeouts bound each read but not a server that drips header bytes forever, and a
    blocked read would notice ``cancel`` only at its timeout; a shutdown wakes it at once.
    """

    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        self._sock = sock
        self._limits = limits
        self._done = threading.Event()
        # Held while shutting down so stop() never returns with a shutdown still pending.
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, name="feed-fetch-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while not self._done.wait(_POLL):
            if self._limits.stopped():
                with self._lock, contextlib.suppress(OSError):
                    if not self._done.is_set():
                        self._sock.shutdown(socket.SHUT_RDWR)
                return

    def stop(self) -> None:
        """Stop watching; call before closing the socket."""
        with self._lock:
            self._done.set()


# -- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes | None


def _fetch_http(url: str, etag: str | None, last_modified: str | None, limits: _Limits) -> Fetched:
    """GET ``url``, following redirects, and turn the final answer into a Fetched."""
    seen = [url]
    while True:
        answer = _exchange(url, etag, last_modified, limits)
        if answer.status not in _REDIRECTS:
            break
        location = answer.headers.get("Location", "").strip()
        if not location:
            raise FeedError(f"{_status_line(answer)} without a Location to follow")
        target = urljoin(url, location)
        if target in seen:
            raise FeedError("redirect loop: " + " -> ".join([*seen, target]))
        if len(seen) > MAX_REDIRECTS:
            raise FeedError(f"too many redirects (more than {MAX_REDIRECTS})")
        if urlsplit(target).scheme not in ("http", "https"):
            raise FeedError(f"redirect to {target} refused: only http and https are followed")
        seen.append(target)
        url = target
    headers = answer.headers
    if answer.status == 304:
        return Fetched(
            body=None,
            url=url,
            content_type=headers.get("Content-Type"),
            etag=headers.get("ETag") or etag,
            last_modified=headers.get("Last-Modified") or last_modified,
            status=304,
        )
    if answer.body is None:
        raise FeedError(_error_message(answer))
    return Fetched(
        body=answer.body,
        url=url,
        content_type=headers.get("Content-Type"),
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        status=answer.status,
    )


@dataclass(frozen=True)
class _Target:
    """Where one request goes, and how messages name it."""

    url: str
    host: str
    shown: str  # the host, bracketed when it is an IPv6 address
    port: int
    label: str  # the host, plus the port when the URL names one (as in a Host header)
    request_target: str
    https: bool
    username: str | None
    password: str | None

    @property
    def address(self) -> str:
        """``host:port`` with the port always shown."""
        return f"{self.shown}:{self.port}"


def _target(url: str) -> _Target:
    """Split an http(s) URL into what a request needs."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = None
    if not host:
        raise FeedError(f"not a URL or an existing file: {url}")
    shown = f"[{host}]" if ":" in host else host
    request_target = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_URL_SAFE)
    https = parts.scheme == "https"
    return _Target(
        url=url,
        host=host,
        shown=shown,
        port=port or (443 if https else 80),
        label=f"{shown}:{port}" if port else shown,
        request_target=request_target,
        https=https,
        username=None if parts.username is None else unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
    )


def _request_headers(
    target: _Target, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if target.username is not None:
        pair = f"{target.username}:{target.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return headers


def _exchange(url: str, etag: str | None, last_modified: str | None, limits: _Limits) -> _Answer:
    """One request and its answer; the body is read only for a 2xx status."""
    limits.check()
    target = _target(url)
    headers = _request_headers(target, etag, last_modified)
    conn: http.client.HTTPConnection | None = None
    watchdog: _Watchdog | None = None
    phase = "answer"
    try:
        if target.https:
            conn = http.client.HTTPSConnection(
                target.host, target.port, timeout=limits.socket_timeout(), context=_tls_context()
            )
        else:
            conn = http.client.HTTPConnection(
                target.host, target.port, timeout=limits.socket_timeout()
            )
        conn.connect()
        sock = conn.sock
        assert sock is not None  # connect() either set it or raised
        watchdog = _Watchdog(sock, limits)
        sock.settimeout(limits.socket_timeout())
        conn.request("GET", target.request_target, headers=headers)
        response = conn.getresponse()
        phase = "body"
        body = None
        if 200 <= response.status < 300:
            body = _read_body(response, sock, limits)
        return _Answer(response.status, response.reason, response.msg, body)
    except FeedError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        limits.check()
        raise FeedError(_network_message(error, phase, target, limits)) from None
    finally:
        if watchdog is not None:
            watchdog.stop()
        if conn is not None:
            conn.close()


def _read_body(response: http.client.HTTPResponse, sock: socket.socket, limits: _Limits) -> bytes:
    """Read and decompress a body in chunks, checking the limits after each one."""
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FeedError(f"response uses content encoding {encoding}, which cannot be decoded")
    try:
        declared: int | None = int(response.getheader("Content-Length") or "")
    except ValueError:
        declared = None
    if declared is not None and declared > limits.max_bytes:
        raise limits.too_large()
    decoder = _Decoder(encoding, limits.max_bytes)
    received = 0
    try:
        while True:
            limits.check()
            sock.settimeout(limits.socket_timeout())
            try:
                chunk = response.read1(_CHUNK)
            except http.client.IncompleteRead as error:
                limits.check()
                received += len(error.partial)
                raise FeedError(f"connection closed after {received} bytes") from None
            if not chunk:
                break
            received += len(chunk)
            if received > limits.max_bytes:
                raise limits.too_large()
            decoder.feed(chunk)
        # The watchdog's shutdown looks like a normal end of a body without a length.
        limits.check()
        if declared is not None and received < declared:
            raise FeedError(f"connection closed after {received} bytes of {declared}")
        return decoder.finish()
    except _TooLarge:
        raise limits.too_large(" once decompressed") from None
    except _BadGzip as error:
        raise FeedError(f"response claims to be gzip but cannot be decompressed: {error}") from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The shared TLS context, built on first use (loading CA certificates takes a while)."""
    return ssl.create_default_context()


def _network_message(error: Exception, phase: str, target: _Target, limits: _Limits) -> str:
    """Words for a failed connect, request or read."""
    label = target.label
    if isinstance(error, socket.gaierror):
        return f"cannot resolve host {target.host}"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused by {target.address}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS error: {error.verify_message or error.reason}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {(error.reason or str(error)).lower().replace('_', ' ')}"
    if isinstance(error, TimeoutError):
        if phase == "body":
            return f"the server stopped sending data for {limits.timeout:g} s"
        return f"no answer from {label} within {limits.timeout:g} s"
    if isinstance(error, http.client.RemoteDisconnected):
        return f"{label} closed the connection without answering"
    if isinstance(error, http.client.BadStatusLine):
        return f"{label} did not answer with HTTP"
    if isinstance(error, ConnectionResetError):
        return f"connection reset by {label}"
    if isinstance(error, http.client.InvalidURL):
        return f"not a URL or an existing file: {target.url}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP answer from {label}: {error}"
    if isinstance(error, OSError):
        return f"network error with {label}: {error.strerror or error}"
    return f"cannot send the request to {label}: {error}"


def _status_line(answer: _Answer) -> str:
    try:
        phrase = HTTPStatus(answer.status).phrase
    except ValueError:
        phrase = answer.reason.strip()
    return f"HTTP {answer.status} {phrase}".rstrip()


def _error_message(answer: _Answer) -> str:
    """Words for an HTTP status that carries no feed."""
    line = _status_line(answer)
    if answer.status == 410:
        return f"{line} — the feed was removed"
    if answer.status in (401, 403):
        return f"{line} — access denied"
    retry = (answer.headers.get("Retry-After") or "").strip()
    if answer.status in (429, 503) and retry:
        return f"{line} — retry after {retry}{' s' if retry.isdigit() else ''}"
    return line


# -- decompression --------------------------------------------------------------------------


class _TooLarge(Exception):
    """The decompressed body passed the size cap."""


class _BadGzip(Exception):
    """The body is not valid gzip / deflate data; the message is zlib's reason."""


class _Decoder:
    """Undo gzip or deflate incrementally without ever holding more than ``limit`` bytes.

    With no Content-Encoding the body is still un-gzipped when it starts with the gzip
    magic: some servers send static ``.xml.gz`` files as plain ``application/xml``.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._head = b""  # bytes held until there are enough to sniff for gzip magic
        self._started = False
        self._gzip = False
        self._inflater: zlib._Decompress | None = None
        self._ended = False
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> None:
        """Take the next bytes of the body as sent."""
        if not self._started:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._start(data)
        self._take(data)

    def finish(self) -> bytes:
        """Return the whole decoded body; fail if compressed data ended early."""
        if not self._started:
            head, self._head = self._head, b""
            self._start(head)
            self._take(head)
        if self._inflater is not None and not self._ended:
            raise _BadGzip("the compressed data ends too soon")
        return b"".join(self._parts)

    def _start(self, head: bytes) -> None:
        self._started = True
        if self._encoding in ("gzip", "x-gzip") or (
            self._encoding in ("", "identity") and head.startswith(_GZIP_MAGIC)
        ):
            self._gzip = True
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding == "deflate":
            # "deflate" should be zlib-wrapped, but some servers send raw deflate.
            wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and int.from_bytes(head[:2]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def _take(self, data: bytes) -> None:
        if self._inflater is None:
            self._keep(data)
        else:
            self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        while data:
            if self._ended:
                # A second gzip member continues the body; anything else after the end
                # (padding, junk) is ignored, as gzip tools do. Its magic may be split
                # across two reads.
                data, self._head = self._head + data, b""
                if self._gzip and len(data) < 2 and _GZIP_MAGIC.startswith(data):
                    self._head = data
                    return
                if not (self._gzip and data.startswith(_GZIP_MAGIC)):
                    return
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._ended = False
            assert self._inflater is not None
            try:
                # One byte over the room left is enough to know the cap was passed.
                out = self._inflater.decompress(data, self._limit - self._size + 1)
            except zlib.error as error:
                raise _BadGzip(str(error).rsplit(": ", 1)[-1]) from None
            self._keep(out)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                self._ended = True
                data = self._inflater.unused_data

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise _TooLarge
        if data:
            self._parts.append(data)


def _size(count: int) -> str:
    """A byte count for people: ``20 MiB``, ``1.5 KiB``, ``100 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"

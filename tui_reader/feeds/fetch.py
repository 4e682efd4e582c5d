"""Fetch a feed document over HTTP(S) or from a local file, within hard limits.

Stdlib only (``http.client``), no Textual. Every network, file or protocol problem comes
back as a :class:`FeedError` whose message reads well after ``feed NAME: ``. Redirects are
followed here rather than by urllib so their limits and messages are ours.
Decompression lives in :mod:`~tui_reader.feeds.decompress`; the time, size and cancel
limits and their watchdog in :mod:`~tui_reader.feeds.fetch_limits`.
"""

from __future__ import annotations

import base64
import functools
import http.client
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit
from urllib.request import url2pathname

from tui_reader import __version__
from tui_reader.feeds.decompress import BadGzip, Decoder, TooLarge, human_size
from tui_reader.feeds.fetch_limits import Limits, Watchdog
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
        limits = Limits(timeout, deadline, time.monotonic() + deadline, max_bytes, cancel)
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
        raise FeedError(f"cannot read {path}: larger than {human_size(max_bytes)}")
    decoder = Decoder("", max_bytes)
    try:
        decoder.feed(data)
        body = decoder.finish()
    except TooLarge:
        raise FeedError(
            f"cannot read {path}: larger than {human_size(max_bytes)} once decompressed"
        ) from None
    except BadGzip as error:
        raise FeedError(
            f"cannot read {path}: gzip data that cannot be decompressed: {error}"
        ) from None
    return Fetched(body=body, url=Path(path).as_uri())


# -- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes | None


def _fetch_http(url: str, etag: str | None, last_modified: str | None, limits: Limits) -> Fetched:
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


def _exchange(url: str, etag: str | None, last_modified: str | None, limits: Limits) -> _Answer:
    """One request and its answer; the body is read only for a 2xx status."""
    limits.check()
    target = _target(url)
    headers = _request_headers(target, etag, last_modified)
    conn: http.client.HTTPConnection | None = None
    watchdog: Watchdog | None = None
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
        watchdog = Watchdog(sock, limits)
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


def _read_body(response: http.client.HTTPResponse, sock: socket.socket, limits: Limits) -> bytes:
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
    decoder = Decoder(encoding, limits.max_bytes)
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
    except TooLarge:
        raise limits.too_large(" once decompressed") from None
    except BadGzip as error:
        raise FeedError(f"response claims to be gzip but cannot be decompressed: {error}") from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The shared TLS context, built on first use (loading CA certificates takes a while)."""
    return ssl.create_default_context()


def _network_message(error: Exception, phase: str, target: _Target, limits: Limits) -> str:
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

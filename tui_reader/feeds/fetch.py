"""Fetch a feed document or a web page over HTTP(S), or a feed from a local file, within limits.

No Textual. Every network, file or protocol problem comes back as a :class:`FeedError` whose
message reads well after ``feed NAME: ``. httpx speaks HTTP (streamed, through the checked
sockets of :mod:`~tui_reader.feeds.http_transport`); redirects are followed here so their
limits and messages are ours, and every hop is checked by the
:class:`~tui_reader.feeds.netguard.NetPolicy` (private addresses refused in serve mode).
Decompression lives in :mod:`~tui_reader.feeds.decompress`; the time, size and cancel limits
in :mod:`~tui_reader.feeds.fetch_limits`.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urljoin, urlsplit

from tui_reader import __version__
from tui_reader.feeds.decompress import BadGzip, Decoder, TooLarge
from tui_reader.feeds.fetch_limits import Limits
from tui_reader.feeds.fetch_local import read_local
from tui_reader.feeds.model import FeedError, Fetched
from tui_reader.feeds.netguard import NetPolicy, policy_from_env

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ACCEPT",
    "ACCEPT_HTML",
    "MAX_FEED_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "fetch",
    "fetch_page",
]

USER_AGENT = (
    f"tui-reader/{__version__} (+https://github.com/tui-reader/tui-reader; terminal feed reader)"
)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_FEED_BYTES = 20 * 1024 * 1024
"""Largest feed or page accepted, before and after decompression."""
MAX_REDIRECTS = 5

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def fetch(
    source: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 15.0,
    deadline: float = 60.0,
    max_bytes: int = MAX_FEED_BYTES,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
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
        policy: Which addresses may be reached (default: :func:`policy_from_env`); a policy
            that refuses private addresses (serve mode) refuses local files too.

    Returns:
        The decompressed body with its headers, or a body-less 304 answer (which keeps
        ``etag`` / ``last_modified`` when the server did not resend them).

    Raises:
        FeedError: For any network, file or protocol problem, in words for the user.
    """
    text = source.strip()
    policy = policy or policy_from_env()
    try:
        parts: SplitResult | None = urlsplit(text)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme in ("http", "https"):
        limits = Limits(timeout, deadline, time.monotonic() + deadline, max_bytes, cancel)
        return _fetch_http(text, etag, last_modified, limits, ACCEPT, policy)
    if policy.refuse_private:
        raise FeedError(f"only http and https URLs can be fetched here, not {text}")
    return read_local(text, parts, max_bytes)


def fetch_page(
    url: str,
    *,
    timeout: float = 15.0,
    deadline: float = 60.0,
    max_bytes: int = MAX_FEED_BYTES,
    cancel: threading.Event | None = None,
    policy: NetPolicy | None = None,
) -> Fetched:
    """Fetch a web page at an http(s) ``url`` (asking for HTML), within the same limits.

    Raises:
        FeedError: Not an http(s) URL, or any network or protocol problem.
    """
    text = url.strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        raise FeedError(f"not an http or https URL: {text}")
    limits = Limits(timeout, deadline, time.monotonic() + deadline, max_bytes, cancel)
    return _fetch_http(text, None, None, limits, ACCEPT_HTML, policy or policy_from_env())


# -- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes | None


@dataclass(frozen=True)
class _Target:
    """Where one request goes, and how messages name it."""

    url: str
    host: str
    shown: str  # the host, bracketed when it is an IPv6 address
    port: int
    label: str  # the host, plus the port when the URL names one (as in a Host header)

    @property
    def address(self) -> str:
        """``host:port`` with the port always shown."""
        return f"{self.shown}:{self.port}"


@dataclass
class _Progress:
    """How far one exchange got, for the words of an error."""

    phase: str = "answer"  # then "body"
    received: int = 0
    declared: int | None = None


def _fetch_http(
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: Limits,
    accept: str,
    policy: NetPolicy,
) -> Fetched:
    """GET ``url``, following redirects, and turn the final answer into a Fetched."""
    from tui_reader.feeds.http_transport import open_client

    limits.check()
    _target(url)  # a URL without a usable host fails before any client is built
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip"}
    headers["Connection"] = "close"
    seen = [url]
    with open_client(policy, limits, headers) as client:
        while True:
            answer = _exchange(client, url, etag, last_modified, limits)
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
    headers_in = answer.headers
    if answer.status == 304:
        return Fetched(
            body=None,
            url=url,
            content_type=headers_in.get("Content-Type"),
            etag=headers_in.get("ETag") or etag,
            last_modified=headers_in.get("Last-Modified") or last_modified,
            status=304,
        )
    if answer.body is None:
        raise FeedError(_error_message(answer))
    return Fetched(
        body=answer.body,
        url=url,
        content_type=headers_in.get("Content-Type"),
        etag=headers_in.get("ETag"),
        last_modified=headers_in.get("Last-Modified"),
        status=answer.status,
    )


def _target(url: str) -> _Target:
    """Check that an http(s) URL names a host and port, and name them for messages."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = None
    if not host:
        raise FeedError(f"not a URL or an existing file: {url}")
    shown = f"[{host}]" if ":" in host else host
    return _Target(
        url=url,
        host=host,
        shown=shown,
        port=port or (443 if parts.scheme == "https" else 80),
        label=f"{shown}:{port}" if port else shown,
    )


def _exchange(
    client: httpx.Client, url: str, etag: str | None, last_modified: str | None, limits: Limits
) -> _Answer:
    """One request and its answer; the body is read only for a 2xx status."""
    import httpcore
    import httpx

    limits.check()
    target = _target(url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    progress = _Progress()
    try:
        with client.stream("GET", url, headers=headers) as response:
            progress.phase = "body"
            body = None
            if 200 <= response.status_code < 300:
                body = _read_body(response, limits, progress)
            return _Answer(response.status_code, response.reason_phrase, response.headers, body)
    except FeedError:
        raise
    except (
        OSError,
        ValueError,
        httpx.HTTPError,
        httpx.InvalidURL,
        httpcore.ProtocolError,
        httpcore.UnsupportedProtocol,
    ) as error:
        limits.check()
        raise FeedError(_network_message(error, progress, target, limits)) from None


def _read_body(response: httpx.Response, limits: Limits, progress: _Progress) -> bytes:
    """Read and decompress a body as it streams in, checking the limits after each chunk."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FeedError(f"response uses content encoding {encoding}, which cannot be decoded")
    try:
        progress.declared = int(response.headers.get("Content-Length", ""))
    except ValueError:
        progress.declared = None
    if progress.declared is not None and progress.declared > limits.max_bytes:
        raise limits.too_large()
    decoder = Decoder(encoding, limits.max_bytes)
    try:
        for chunk in response.iter_raw():
            limits.check()
            progress.received += len(chunk)
            if progress.received > limits.max_bytes:
                raise limits.too_large()
            decoder.feed(chunk)
        limits.check()
        if progress.declared is not None and progress.received < progress.declared:
            raise FeedError(_cut_short(progress))
        return decoder.finish()
    except TooLarge:
        raise limits.too_large(" once decompressed") from None
    except BadGzip as error:
        raise FeedError(f"response claims to be gzip but cannot be decompressed: {error}") from None


def _cut_short(progress: _Progress) -> str:
    of = f" of {progress.declared}" if progress.declared is not None else ""
    return f"connection closed after {progress.received} bytes{of}"


def _network_message(error: Exception, progress: _Progress, target: _Target, limits: Limits) -> str:
    """Words for a failed connect, request or read."""
    import httpcore
    import httpx

    label = target.label
    if isinstance(error, httpcore.RemoteProtocolError) and progress.phase == "body":
        return _cut_short(progress)
    if isinstance(error, httpcore.RemoteProtocolError):
        if "without sending" in str(error) or "disconnected" in str(error):
            return f"{label} closed the connection without answering"
        return f"{label} did not answer with HTTP"
    if isinstance(error, socket.gaierror):
        return f"cannot resolve host {target.host}"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused by {target.address}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS error: {error.verify_message or error.reason}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {(error.reason or str(error)).lower().replace('_', ' ')}"
    if isinstance(error, TimeoutError):
        if progress.phase == "body":
            return f"the server stopped sending data for {limits.timeout:g} s"
        return f"no answer from {label} within {limits.timeout:g} s"
    if isinstance(error, ConnectionResetError):
        return f"connection reset by {label}"
    if isinstance(error, httpcore.ProtocolError):
        return f"bad HTTP answer from {label}: {error}"
    if isinstance(error, OSError):
        return f"network error with {label}: {error.strerror or error}"
    if isinstance(error, httpx.InvalidURL):
        return f"not a URL or an existing file: {target.url}"
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

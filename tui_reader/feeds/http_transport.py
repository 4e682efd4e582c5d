"""The sockets under httpx: checked addresses, and reads that respect the deadline and cancel.

httpx speaks HTTP; this module decides where its connections go and how long a read may
block. :class:`_Backend` (an ``httpcore.NetworkBackend``) resolves each host through the
:class:`~tui_reader.feeds.netguard.NetPolicy`, which refuses private addresses in serve mode,
and connects to the very address it checked. Its streams wait in short slices, so a read
blocked on a silent or dripping server notices ``cancel`` and the deadline within
``_POLL`` seconds, with no watchdog thread.

:func:`open_client` gives an ``httpx.Client`` built on it: no proxies from the environment
(a proxy would bypass the address check), no redirects followed (callers follow them, with
their own limits and messages), one connection at a time.

No Textual. Import it only when fetching: httpx and httpcore take about 0.15 s to import.
"""

from __future__ import annotations

import errno
import functools
import os
import select
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from tui_reader.feeds.fetch_limits import Limits
from tui_reader.feeds.netguard import NetPolicy

__all__ = ["open_client"]

_POLL = 0.1  # how soon a blocked connect or read notices cancel or the deadline


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The shared TLS context, built on first use (loading CA certificates takes a while)."""
    return ssl.create_default_context()


class _Stream(httpcore.NetworkStream):
    """A socket whose reads and writes give up at the deadline or on cancel."""

    def __init__(self, sock: socket.socket, limits: Limits) -> None:
        self._sock = sock
        self._limits = limits

    def _wait(self, timeout: float | None, operation: Any, *args: Any) -> Any:
        """Run a blocking socket ``operation`` in slices of ``_POLL`` seconds.

        Raises:
            FeedError: Cancelled, or past the deadline (from :meth:`Limits.check`).
            TimeoutError: Nothing happened for ``timeout`` seconds.
        """
        limit = self._limits.timeout if timeout is None else timeout
        gives_up = time.monotonic() + limit
        while True:
            self._limits.check()
            left = gives_up - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            self._sock.settimeout(max(min(_POLL, left, self._limits.socket_timeout()), 0.001))
            try:
                return operation(*args)
            except TimeoutError:
                continue

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._wait(timeout, self._sock.recv, max_bytes)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        while view:
            sent: int = self._wait(timeout, self._sock.send, view)
            view = view[sent:]

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self._limits.check()
        self._sock.settimeout(min(timeout or self._limits.timeout, self._limits.socket_timeout()))
        tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
        return _Stream(tls, self._limits)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock  # has the SSLObject methods httpcore asks for (ALPN)
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            readable, _, _ = select.select([self._sock], [], [], 0)
            return bool(readable)
        return None


class _Backend(httpcore.NetworkBackend):
    """Connections to checked addresses only, within the fetch's limits."""

    def __init__(self, policy: NetPolicy, limits: Limits) -> None:
        self._policy = policy
        self._limits = limits

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self._limits.check()
        error: OSError | None = None
        for address in self._policy.addresses(host, port):
            target = (address, port)
            if self._policy.reroute is not None:
                target = self._policy.reroute(address, port)
            try:
                sock = self._connect(target, self._limits.timeout if timeout is None else timeout)
            except OSError as exc:
                error = exc
                continue
            return _Stream(sock, self._limits)
        assert error is not None  # addresses() never returns an empty list
        raise error

    def _connect(self, target: tuple[str, int], timeout: float) -> socket.socket:
        """Connect without blocking for longer than ``_POLL`` at a time."""
        family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            code = sock.connect_ex(target)
            if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
                raise OSError(code, os.strerror(code))
            gives_up = time.monotonic() + timeout
            while code != 0:
                self._limits.check()
                left = gives_up - time.monotonic()
                if left <= 0:
                    raise TimeoutError("timed out")
                wait = max(min(_POLL, left, self._limits.socket_timeout()), 0.001)
                _, writable, _ = select.select([], [sock], [], wait)
                if writable:
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if code:
                        raise OSError(code, os.strerror(code))
                    break
            sock.setblocking(True)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except BaseException:
            sock.close()
            raise

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise OSError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _Body(httpx.SyncByteStream):
    """The body of an httpcore response, as httpx reads it."""

    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        yield from self._response.iter_stream()

    def close(self) -> None:
        self._response.close()


class _Transport(httpx.BaseTransport):
    """httpx's transport, on :class:`_Backend`: the same mapping httpx.HTTPTransport does."""

    def __init__(self, policy: NetPolicy, limits: Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls_context(),
            max_connections=1,
            network_backend=_Backend(policy, limits),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def open_client(policy: NetPolicy, limits: Limits, headers: dict[str, str]) -> httpx.Client:
    """An httpx client for one fetch: checked addresses, sliced reads, no proxies.

    Args:
        policy: Which addresses may be reached, and how names resolve.
        limits: The fetch's timeout, deadline and cancel event.
        headers: Sent with every request (replacing httpx's defaults of the same name).
    """
    return httpx.Client(
        transport=_Transport(policy, limits),
        headers=headers,
        timeout=httpx.Timeout(limits.timeout),
        follow_redirects=False,
        trust_env=False,
    )

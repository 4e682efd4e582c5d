"""The time, size and cancel limits of one feed fetch, and the watchdog that enforces them.

Stdlib only, no Textual. :class:`Limits` answers "may the fetch go on?" and words the errors
for when it may not; :class:`Watchdog` shuts a socket down the moment the answer turns to no,
so a blocked read does not wait out its timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass

from tui_reader.feeds.decompress import human_size
from tui_reader.feeds.model import FeedError

__all__ = ["Limits", "Watchdog"]

_SLACK = 0.01  # socket timeouts end a hair early on some clocks; still count that as expired
_POLL = 0.1  # how soon a blocked read notices cancel or the deadline


@dataclass(frozen=True)
class Limits:
    """The time, size and cancel limits of one fetch."""

    timeout: float
    """Seconds any one network operation (connect, a read) may take."""
    deadline: float
    """Seconds the whole fetch may take, as given (for messages)."""
    ends_at: float
    """The ``time.monotonic()`` at which the deadline passes."""
    max_bytes: int
    """Largest body accepted, both as sent and once decompressed."""
    cancel: threading.Event | None
    """When set, the fetch stops as soon as it can."""

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
        """The error for a body over the size cap, ``after`` appended to the reason."""
        return FeedError(f"response larger than {human_size(self.max_bytes)}{after}; not read")


class Watchdog:
    """Shuts a socket down once the fetch is cancelled or past its deadline.

    Socket timeouts bound each read but not a server that drips header bytes forever, and a
    blocked read would notice ``cancel`` only at its timeout; a shutdown wakes it at once.
    """

    def __init__(self, sock: socket.socket, limits: Limits) -> None:
        """Start watching ``sock`` on a daemon thread until :meth:`stop`."""
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

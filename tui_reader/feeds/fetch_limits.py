"""The time, size and cancel limits of one fetch.

Stdlib only, no Textual. :class:`Limits` answers "may the fetch go on?" and words the errors
for when it may not; the sockets of :mod:`~tui_reader.feeds.http_transport` ask it between
short waits, so a blocked read does not wait out its timeout.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from tui_reader.feeds.decompress import human_size
from tui_reader.feeds.model import FeedError

__all__ = ["Limits"]

_SLACK = 0.01  # socket timeouts end a hair early on some clocks; still count that as expired


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

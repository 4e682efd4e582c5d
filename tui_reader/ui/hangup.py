"""Save state when the terminal goes away: SIGHUP (dropped SSH connection) and SIGTERM.

One path for both moments a signal can arrive. :class:`HangUp` is installed as the process's
signal handler before the app runs (a Textual app killed by SIGHUP exits at once, without
``on_unmount`` or ``atexit``), and the app hands the same object to its event loop once it runs
(:meth:`HangUp.attach`). Either way: flush what must survive (the note being typed, the reading
position), start a watchdog that ends the process after ``grace`` seconds, then leave — through
the app (which restores the terminal) when it runs, else at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import FrameType

__all__ = ["HANGUP_SIGNALS", "HangUp"]

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class HangUp:
    """Flush, then exit with status ``128 + signum``; a second signal never cuts a flush short.

    Args:
        flush: saves whatever must survive; an exception is reported on stderr and does not
            stop the exit.
        grace: seconds the exit may take before the process just ends.
    """

    def __init__(self, flush: Callable[[], None], *, grace: float = 2.0) -> None:
        self.flush = flush
        self.grace = grace
        self._exit_app: Callable[[int], None] | None = None
        self._busy = threading.Event()

    def install(self) -> None:
        """Handle SIGHUP and SIGTERM in this process (call from the main thread)."""
        for signum in HANGUP_SIGNALS:
            signal.signal(signum, self.handle)

    def attach(self, exit_app: Callable[[int], None]) -> None:
        """The app runs now: leave through ``exit_app(status)`` so the terminal is restored."""
        self._exit_app = exit_app

    def handle(self, signum: int, frame: FrameType | None = None) -> None:
        """What a hang-up does (a signal handler, or called by the app's event loop)."""
        if self._busy.is_set():
            return  # already saving: a second hang-up must not cut the save short
        self._busy.set()
        code = 128 + signum
        try:
            self.flush()
        except Exception:  # the exit must happen whatever flush did; say why it failed
            _report(traceback.format_exc())
        # Restoring a terminal that hung up can block; what matters is already on disk.
        watchdog = threading.Timer(self.grace, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        if self._exit_app is not None:
            self._exit_app(code)
        elif signum != signal.SIGTERM:
            os._exit(code)  # no app yet and no terminal left: nothing to restore
        else:
            raise SystemExit(code)


def _report(text: str) -> None:
    try:
        sys.stderr.write(f"tui-reader: saving on hang-up failed:\n{text}")
        sys.stderr.flush()
    except OSError:
        return  # the terminal is gone; nothing else can be told

"""Save state when the terminal goes away: SIGHUP (dropped SSH connection) and SIGTERM.

A Textual app killed by SIGHUP exits at once, without ``on_unmount`` or ``atexit``. The handler
installed here runs the UI's ``flush`` (which saves the note being typed as a draft, durably)
before anything else, then exits with status ``128 + signum``. After SIGHUP there is no terminal
to restore, so it exits at once; after SIGTERM it lets the app exit gracefully (restoring the
terminal), with a watchdog thread forcing the exit if that hangs.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import FrameType

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def install_hangup_handlers(
    flush: Callable[[], None],
    *,
    on_terminate: Callable[[int], None] | None = None,
    grace: float = 2.0,
) -> None:
    """Save state on SIGHUP/SIGTERM, then exit with status ``128 + signum``.

    SIGHUP: ``flush()``, then ``os._exit`` at once (the terminal is gone; nothing to restore).
    SIGTERM: ``flush()``, then ``on_terminate(143)`` if given (e.g. ask the app to exit so it
    restores the terminal), else raise ``SystemExit(143)``; either way a watchdog ends the
    process after ``grace`` seconds. Further signals while handling the first are ignored.
    Must be called from the main thread.

    Args:
        flush: saves whatever must survive (e.g. ``lambda: store.save_draft(...)``); exceptions
            are reported to stderr and do not stop the exit.
        on_terminate: optional graceful exit for SIGTERM, called in the main thread.
        grace: seconds SIGTERM's graceful exit may take.
    """
    busy = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        code = 128 + signum
        if busy.is_set():
            return  # already saving: a second hang-up must not cut the save short
        busy.set()
        try:
            flush()
        except Exception:  # the exit must happen whatever flush did; say why it failed
            _report(traceback.format_exc())
        if signum != signal.SIGTERM:
            os._exit(code)
        watchdog = threading.Timer(grace, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        if on_terminate is None:
            raise SystemExit(code)
        on_terminate(code)

    for signum in HANGUP_SIGNALS:
        signal.signal(signum, handle)


def _report(text: str) -> None:
    try:
        sys.stderr.write(f"tui-reader: saving on hang-up failed:\n{text}")
        sys.stderr.flush()
    except OSError:
        return  # the terminal is gone; nothing else can be told

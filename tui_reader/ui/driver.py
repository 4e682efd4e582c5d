"""A Linux driver whose input loop answers a lone Esc after ``ESCDELAY``, not ~100 ms later,
and sleeps while nothing happens.

Textual's input thread polls with a fixed 0.1 s ``select`` timeout and only checks the
"was that Esc a key or the start of a sequence?" deadline between polls, so Esc always takes
about 100 ms whatever ``ESCDELAY`` says. Here the poll wakes exactly when the parser's deadline
passes. Textual also polls to notice that the app is stopping; here stopping wakes the loop
through a pipe, so an idle reader's input thread does not wake at all: ten wake-ups a second
were most of an idle reader's CPU, which adds up on a server running hundreds of them.
Everything else is Textual's own loop.

This leans on Textual internals (``textual._xterm_parser``, the parser's ``_timeout_time``, the
driver's ``exit_event``), which is why ``textual`` is pinned to its tested minor release and
``tests/test_textual_canary.py`` names what changed when they move. :func:`missing_internals`
lets the app fall back to Textual's own driver instead of failing at start-up.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from time import monotonic
from typing import Any

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

IDLE_POLL = 0.1
"""Seconds the last read waits for input left over when the loop stops (as Textual does)."""


class WakingEvent(threading.Event):
    """The driver's exit event; setting it also wakes the input loop's ``select``."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._wake = -1

    def attach(self, fd: int) -> None:
        """Write to ``fd`` whenever the event is set (``-1``: stop)."""
        with self._lock:
            self._wake = fd

    def set(self) -> None:
        """Set the event and wake the loop."""
        super().set()
        with self._lock:
            if self._wake >= 0:
                with contextlib.suppress(BlockingIOError):  # already woken
                    os.write(self._wake, b"!")


def missing_internals() -> list[str]:
    """The Textual internals this driver needs that are not there (empty when all are)."""
    methods = ("run_input_thread", "process_message")
    missing = [name for name in methods if not callable(getattr(LinuxDriver, name, None))]
    # Set on the instance by LinuxDriver.__init__, so looked for among the names it assigns.
    assigned = LinuxDriver.__init__.__code__.co_names
    missing += [name for name in ("exit_event", "fileno") if name not in assigned]
    parser = XTermParser()
    for name in ("feed", "tick", "_timeout_time"):
        if not hasattr(parser, name):
            missing.append(f"XTermParser.{name}")
    return missing


class PromptEscapeDriver(LinuxDriver):
    """:class:`LinuxDriver` with an input loop that wakes at the parser's Esc deadline, on
    input, or when the app stops, and never otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = WakingEvent()

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events."""
        exit_event = self.exit_event
        wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        if isinstance(exit_event, WakingEvent):
            exit_event.attach(wake_w)
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(wake_r, selectors.EVENT_READ)
        parser = XTermParser()
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            events = [(key, mask) for key, mask in events if key.fd != wake_r]
            for index, (_key, mask) in enumerate(events):
                if mask & selectors.EVENT_READ:
                    last = index == len(events) - 1
                    data = decode(os.read(self.fileno, 1024 * 4), final=final and last)
                    if not data:
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        def timeout() -> float | None:
            deadline = parser._timeout_time
            if deadline is None:
                # Input or the app stopping wakes the select: nothing else to wait for.
                return None if isinstance(exit_event, WakingEvent) else IDLE_POLL
            return max(deadline - monotonic(), 0.0) + 0.001

        try:
            while not exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_POLL), final=True)
        finally:
            if isinstance(exit_event, WakingEvent):
                exit_event.attach(-1)
            os.close(wake_r)
            os.close(wake_w)
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                return

"""A Linux driver whose input loop answers a lone Esc after ``ESCDELAY``, not ~100 ms later,
and sleeps while nothing happens.

Textual's input thread polls with a fixed 0.1 s ``select`` timeout and only checks the
"was that Esc a key or the start of a sequence?" deadline between polls, so Esc always takes
about 100 ms whatever ``ESCDELAY`` says. Here the poll wakes exactly when the parser's deadline
passes. Textual also polls to notice that the app is stopping; here stopping wakes the loop
through a pipe, so an idle reader's input thread does not wake at all: ten wake-ups a second
were most of an idle reader's CPU, which adds up on a server running hundreds of them.
Everything else is Textual's own loop.

The keys of one read reach the app together (see ``PromptEscapeDriver._together``).

This leans on Textual internals (``textual._xterm_parser``, the parser's ``_timeout_time``, the
driver's ``exit_event``, ``_loop`` and ``_app``, ``App._post_message``), which is why
``textual`` is pinned to its tested minor release and ``tests/test_textual_canary.py`` names
what changed when they move. :func:`missing_internals` lets the app fall back to Textual's own
driver instead of failing at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from collections.abc import Iterator
from time import monotonic
from typing import Any

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

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
    methods = ("run_input_thread", "process_message", "send_message")
    missing = [name for name in methods if not callable(getattr(LinuxDriver, name, None))]
    # Set on the instance by LinuxDriver.__init__, so looked for among the names it assigns.
    assigned = LinuxDriver.__init__.__code__.co_names
    missing += [name for name in ("exit_event", "fileno") if name not in assigned]
    missing += [
        f"Driver.{n}" for n in ("_loop", "_app") if n not in Driver.__init__.__code__.co_names
    ]
    from textual.app import App

    if not callable(getattr(App, "_post_message", None)):
        missing.append("App._post_message")
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
        self._gathered: list[Message] | None = None
        self._gathering = 0  # the thread gathering them

    @contextlib.contextmanager
    def _together(self) -> Iterator[None]:
        """Hand the app the events sent meanwhile (from this thread) in one go.

        Why: each event sent on its own wakes the app's loop, which then runs it at once: the
        first key of a read (``/``) had run, and its frame been drawn, before the next keys of
        the same read even reached the app. Together, the key gate sees the whole burst before
        the first key's binding runs, so a search typed with its ``/`` and enter runs once,
        after the enter (:attr:`tui_reader.ui.parts.keygate.KeyGate.due`).
        """
        self._gathered, self._gathering = [], threading.get_ident()
        try:
            yield
        finally:
            gathered, self._gathered = self._gathered, None
            if len(gathered) == 1:
                super().send_message(gathered[0])
            elif gathered:
                app = self._app

                async def post_all() -> None:
                    for message in gathered:
                        await app._post_message(message)

                asyncio.run_coroutine_threadsafe(post_all(), loop=self._loop)

    def send_message(self, message: Message) -> None:
        """Send ``message`` to the app (with the rest of its read, if one is being read)."""
        if self._gathered is not None and threading.get_ident() == self._gathering:
            self._gathered.append(message)
        else:
            super().send_message(message)

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
                    with self._together():
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

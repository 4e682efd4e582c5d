"""A Linux driver whose input loop answers a lone Esc after ``ESCDELAY``, not ~100 ms later.

Textual's input thread polls with a fixed 0.1 s ``select`` timeout and only checks the
"was that Esc a key or the start of a sequence?" deadline between polls, so Esc always takes
about 100 ms whatever ``ESCDELAY`` says. Here the poll wakes exactly when the parser's deadline
passes. Everything else is Textual's own loop.

This leans on Textual internals (``textual._xterm_parser``, the parser's ``_timeout_time``, the
driver's ``exit_event``), which is why ``textual`` is pinned to its tested minor release and
``tests/test_textual_canary.py`` names what changed when they move. :func:`missing_internals`
lets the app fall back to Textual's own driver instead of failing at start-up.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from time import monotonic

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

IDLE_POLL = 0.1
"""Seconds between polls when no escape sequence is pending (as Textual does)."""


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
    """:class:`LinuxDriver` with an input loop that wakes at the parser's Esc deadline."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser()
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
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

        def timeout() -> float:
            deadline = parser._timeout_time
            if deadline is None:
                return IDLE_POLL
            return min(IDLE_POLL, max(deadline - monotonic(), 0.0) + 0.001)

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_POLL), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                return

"""Run the real reader in a pseudo-terminal and read what a person would see."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import pexpect
import pyte


class Terminal:
    """The reader in a pty, its raw output kept and fed to a pyte screen."""

    def __init__(
        self,
        args: list[str],
        tmp_path: Path,
        *,
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
    ) -> None:
        full_env = dict(os.environ, TERM="xterm-256color", XDG_CACHE_HOME=str(tmp_path / "cache"))
        full_env.pop("NO_COLOR", None)
        full_env.pop("COLORTERM", None)
        full_env.update(env or {})
        width, height = size
        self.child = pexpect.spawn(
            sys.executable, ["-m", "tui_reader", *args], env=full_env, dimensions=(height, width)
        )
        from pty_harness import Screen  # bench/, on the suite's path (pyproject)

        self.screen = Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()

    def text(self) -> str:
        """The screen as plain text."""
        return "\n".join(self.screen.display)

    def pump(self, seconds: float) -> bytes:
        """Read output for ``seconds``; return what arrived."""
        got = bytearray()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                break
            got += data
        self.output += got
        self.stream.feed(bytes(got))
        return bytes(got)

    def wait_for(
        self, needle: str, timeout: float = 20.0, *, alternatives: tuple[str, ...] = ()
    ) -> None:
        """Read until ``needle`` (or one of ``alternatives``) is on screen."""
        wanted = (needle, *alternatives)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.1)
            if any(text in self.text() for text in wanted):
                return
        raise AssertionError(
            f"{' or '.join(map(repr, wanted))} never appeared; screen:\n{self.text()}"
        )

    def wait_quiet(self, quiet: float = 0.5, timeout: float = 20.0) -> None:
        """Read until nothing has arrived for ``quiet`` seconds: the screen is drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pump(quiet):
                return
        raise AssertionError(f"the output never paused for {quiet:g} s; screen:\n{self.text()}")

    def send(self, keys: str, settle: float = 0.3) -> bytes:
        """Type ``keys``; return the output until it settles."""
        self.child.send(keys)
        return self.pump(settle)

    def close(self) -> None:
        """Quit the reader (or kill it)."""
        if self.child.closed:
            return
        with contextlib.suppress(OSError):
            self.child.send("q")
        self.pump(0.5)
        self.child.close(force=True)

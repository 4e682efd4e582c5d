"""Drive a terminal program in a real pty: feed keys, time and count its output, read its screen.

The program runs in a new session with the pty as its controlling terminal, so it sees a
real terminal of the given size (and gets SIGWINCH on :meth:`PtySession.resize`). A reader
thread only reads and timestamps output; the screen (a :mod:`pyte` emulator) is fed lazily
by whoever waits, so parsing never delays a timestamp.

By default the harness answers the synchronized-output query (DECRQM 2026) the way xterm,
kitty, WezTerm and tmux >= 3.4 do. Textual then brackets every frame it draws with
``CSI ? 2026 h`` ... ``CSI ? 2026 l``, which lets :class:`KeyStats` count frames exactly
instead of guessing them from gaps in time.

Pure standard library plus pyte; no Textual, nothing runs at import.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyte

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
FRAME_START = b"\x1b[?2026h"

KEYS: Mapping[str, bytes] = {
    "enter": b"\r",
    "escape": b"\x1b",
    "space": b" ",
    "tab": b"\t",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
}
"""Named keys as a terminal sends them; any other key is sent as its own text."""

ScreenPredicate = Callable[[list[str]], bool]
"""Takes the screen as a list of lines; True when the awaited content is shown."""


_SWITCH_WHILE_READING = 0.0002
"""Seconds between GIL hand-overs while a session runs (CPython's default is 0.005)."""
_switching: list[float] = []  # the interval before the first open session, while any is open
_open_sessions = 0


def _prompt_switching(change: int) -> None:
    """Keep the GIL hand-over short while any session is open.

    Why: the reading thread stamps each chunk of output with the time it was read. While the
    caller's thread parses the screen (pyte, pure Python), the reading thread waits for the GIL
    up to the switch interval, so with the default 5 ms every figure read late: a search's
    results frame, written 52 ms after the keys (the reader's own trace), was stamped 5-13 ms
    later than that.
    """
    global _open_sessions
    _open_sessions += change
    if change > 0 and _open_sessions == 1:
        _switching.append(sys.getswitchinterval())
        sys.setswitchinterval(_SWITCH_WHILE_READING)
    elif change < 0 and _open_sessions == 0 and _switching:
        sys.setswitchinterval(_switching.pop())


class Screen(pyte.Screen):
    """A pyte screen whose :attr:`display` renders again only the lines drawn since last read.

    ``pyte.Screen.display`` renders every cell of the screen on each read (a wide-character
    check per cell): a harness that checks the screen after each chunk of output spent more
    time there than the program it measured did drawing. pyte records the lines each
    operation touches in :attr:`dirty` (for its users to clear), which is what this uses.
    """

    def __init__(self, columns: int, lines: int) -> None:
        self._shown: list[str] = []
        super().__init__(columns, lines)

    def draw(self, data: str) -> None:
        """Draw ``data`` at the cursor.

        A combining mark may join the last cell of the line above (at the start of a line,
        also one that text being drawn just wrapped onto), which pyte does not mark as
        drawn: text with one marks every line (rare: it costs one full render).
        """
        if not data.isascii() and any(map(unicodedata.combining, data)):
            self.dirty.update(range(self.lines))
        super().draw(data)

    @property
    def display(self) -> list[str]:
        """The screen's lines as strings (a fresh list; wide characters take one entry)."""
        if len(self._shown) != self.lines:  # first read, or resized
            self._shown = [""] * self.lines
            self.dirty.update(range(self.lines))
        columns, buffer = self.columns, self.buffer
        for y in self.dirty:
            if y < self.lines:
                line, cells, x = buffer[y], [], 0
                while x < columns:
                    char = line[x].data
                    cells.append(char)
                    x += 2 if char and pyte.screens.wcwidth(char[0]) == 2 else 1
                self._shown[y] = "".join(cells)
        self.dirty.clear()
        return list(self._shown)


@dataclass(frozen=True)
class KeyStats:
    """What one key press cost: bytes, frames and timings (seconds from writing the key)."""

    key: str
    size: int
    """Bytes the program wrote from the key press until its output went quiet."""
    frames: int
    """Synchronized-output frames in that output (0 if the terminal did not offer sync)."""
    bursts: int
    """Groups of output separated by more than ``burst_gap`` seconds of silence."""
    first_byte: float | None
    """Seconds until the first output byte, None if nothing was written."""
    last_byte: float | None
    """Seconds until the last output byte before the quiet period: the key's full latency."""
    ready: float | None = None
    """Seconds until the screen first satisfied the awaited predicate (if one was given)."""
    largest_frame: int = 0
    """Bytes of the largest single frame (all the output when frames cannot be told apart)."""
    output: bytes = field(default=b"", repr=False)
    """Everything written in response, for :func:`written_cells`."""


class PtySession:
    """One program running in a pty of ``cols`` x ``rows``.

    Args:
        argv: The command to run.
        cols: Terminal width.
        rows: Terminal height.
        env: The full environment of the program (default: ours, with ``TERM`` set).
        cwd: Working directory of the program.
        answer_sync: Answer the synchronized-output query, so frames can be counted.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 120,
        rows: int = 40,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        answer_sync: bool = True,
    ) -> None:
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("TERM", "xterm-256color")
        self.cwd = cwd
        self.answer_sync = answer_sync
        self.screen = Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._chunks: list[tuple[float, bytes]] = []
        self._fed = 0
        self._cond = threading.Condition()
        self._tail = b""
        self._eof = False
        self._master = -1
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.started_at = 0.0
        """``time.perf_counter()`` just before the program was spawned."""

    # ----- lifecycle -----------------------------------------------------------------------

    def start(self) -> PtySession:
        """Spawn the program; returns self."""
        master, slave = os.openpty()
        _set_size(slave, self.cols, self.rows)

        def become_tty_owner() -> None:  # runs in the child, after setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started_at = time.perf_counter()
        self._proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
            preexec_fn=become_tty_owner,
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        _prompt_switching(+1)
        self._thread = threading.Thread(target=self._read_loop, name="pty-reader", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> PtySession:
        return self.start() if self._proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int:
        """Process id of the program."""
        assert self._proc is not None, "not started"
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """True while the program runs."""
        return self._proc is not None and self._proc.poll() is None

    def close(self, quit_keys: str = "q", timeout: float = 10.0) -> int | None:
        """Ask the program to quit with ``quit_keys``, then stop it; returns its exit status."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None and quit_keys:
            try:
                os.write(self._master, quit_keys.encode())
                proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._thread is not None:
            self._thread.join(2)
        if self._master >= 0:
            os.close(self._master)
            self._master = -1
            _prompt_switching(-1)
        return proc.returncode

    # ----- output --------------------------------------------------------------------------

    def _read_loop(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    if self._proc is not None and self._proc.poll() is not None:
                        break
                    continue
                data = os.read(self._master, 1 << 16)
            except (OSError, ValueError):
                break  # EIO: the program exited and closed the pty
            now = time.perf_counter()
            if not data:
                break
            if self.answer_sync:
                self._answer_queries(data)
            with self._cond:
                self._chunks.append((now, data))
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _answer_queries(self, data: bytes) -> None:
        joined = self._tail + data
        start = 0
        while (at := joined.find(SYNC_QUERY, start)) >= 0:
            if at + len(SYNC_QUERY) > len(self._tail):  # not already answered last chunk
                os.write(self._master, SYNC_REPLY)
            start = at + 1
        self._tail = joined[-(len(SYNC_QUERY) - 1) :]

    def _feed(self, until: ScreenPredicate | None = None) -> float | None:
        """Feed unparsed chunks to the screen; the time of the chunk that made ``until`` true."""
        with self._cond:
            pending = self._chunks[self._fed :]
        for stamp, data in pending:
            self._stream.feed(data)
            self._fed += 1
            if until is not None and until(self.screen.display):
                return stamp
        return None

    def screen_lines(self) -> list[str]:
        """The screen as it stands after all output received so far."""
        self._feed()
        return list(self.screen.display)

    def screen_text(self) -> str:
        """The screen as one string, lines joined by newlines."""
        return "\n".join(self.screen_lines())

    @property
    def output_bytes(self) -> int:
        """Total bytes the program has written so far."""
        with self._cond:
            return sum(len(data) for _, data in self._chunks)

    def wait_for(
        self, predicate: ScreenPredicate, timeout: float = 30.0, *, already_shown: bool = True
    ) -> float | None:
        """Wait until the screen satisfies ``predicate``.

        With ``already_shown`` False, only output still to come can satisfy it.

        Returns:
            The ``perf_counter`` time at which the output that satisfied it arrived, or
            None on timeout or if the program exited first.
        """
        if already_shown and predicate(self.screen.display):
            with self._cond:
                return self._chunks[self._fed - 1][0] if self._fed else self.started_at
        deadline = time.perf_counter() + timeout
        while True:
            stamp = self._feed(predicate)
            if stamp is not None:
                return stamp
            with self._cond:
                if self._fed < len(self._chunks):
                    continue
                if self._eof or time.perf_counter() >= deadline:
                    return None
                self._cond.wait(min(0.05, max(deadline - time.perf_counter(), 0.001)))

    def wait_quiet(
        self, quiet: float = 0.3, timeout: float = 30.0, *, since: float | None = None
    ) -> bool:
        """Wait until no output arrived for ``quiet`` seconds; False if it never went quiet."""
        deadline = time.perf_counter() + timeout
        since = time.perf_counter() if since is None else since
        while True:
            with self._cond:
                last = max(self._chunks[-1][0] if self._chunks else since, since)
                now = time.perf_counter()
                if now - last >= quiet or self._eof:
                    return True
                if now >= deadline:
                    return False
                self._cond.wait(min(quiet - (now - last), deadline - now) + 0.001)

    # ----- input ---------------------------------------------------------------------------

    def write(self, key: str) -> float:
        """Send ``key`` (a name from :data:`KEYS` or literal text); returns the send time."""
        data = KEYS.get(key, key.encode())
        stamp = time.perf_counter()
        os.write(self._master, data)
        return stamp

    def press(
        self,
        key: str,
        *,
        quiet: float = 0.15,
        timeout: float = 30.0,
        until: ScreenPredicate | None = None,
        expect_output: bool = True,
        burst_gap: float = 0.03,
    ) -> KeyStats:
        """Press ``key`` and collect everything the program writes in response.

        The response is over when output has been quiet for ``quiet`` seconds, after the first
        byte (``expect_output``) and after ``until`` (if given) was satisfied, or at
        ``timeout``.

        Args:
            key: The key (see :meth:`write`).
            quiet: Seconds of silence that end the response.
            timeout: Give up waiting after this many seconds.
            until: A screen predicate the response must satisfy (e.g. "the article shows").
            expect_output: Wait for at least one byte before looking for quiet.
            burst_gap: Silence that separates two bursts of output.

        Returns:
            The key's :class:`KeyStats`.
        """
        return self.respond(
            lambda: self.write(key),
            label=key,
            quiet=quiet,
            timeout=timeout,
            until=until,
            expect_output=expect_output,
            burst_gap=burst_gap,
        )

    def respond(
        self,
        act: Callable[[], float],
        *,
        label: str,
        quiet: float = 0.15,
        timeout: float = 30.0,
        until: ScreenPredicate | None = None,
        expect_output: bool = True,
        burst_gap: float = 0.03,
    ) -> KeyStats:
        """Like :meth:`press`, for any action ``act`` that returns the time it acted."""
        self.screen_lines()  # parse what came before, so ``until`` sees only the response
        with self._cond:
            first_index = len(self._chunks)
        sent = act()
        deadline = sent + timeout
        ready_at: float | None = None
        if until is not None:
            ready_at = self.wait_for(until, timeout, already_shown=False)
        if expect_output:
            with self._cond:
                while len(self._chunks) == first_index and not self._eof:
                    if time.perf_counter() >= deadline:
                        break
                    self._cond.wait(0.05)
        self.wait_quiet(quiet, max(deadline - time.perf_counter(), 0.0), since=sent)
        with self._cond:
            chunks = self._chunks[first_index:]
        data = b"".join(part for _, part in chunks)
        bursts = 0
        previous = None
        for stamp, _ in chunks:
            if previous is None or stamp - previous > burst_gap:
                bursts += 1
            previous = stamp
        return KeyStats(
            key=label,
            size=len(data),
            frames=data.count(FRAME_START),
            bursts=bursts,
            first_byte=chunks[0][0] - sent if chunks else None,
            last_byte=chunks[-1][0] - sent if chunks else None,
            ready=None if ready_at is None else ready_at - sent,
            largest_frame=max((len(f) for f in data.split(FRAME_START)), default=0),
            output=data,
        )

    def resize(self, cols: int, rows: int) -> float:
        """Change the terminal size (the program gets SIGWINCH); returns the time it changed."""
        self.cols, self.rows = cols, rows
        self._feed()
        self.screen.resize(rows, cols)
        stamp = time.perf_counter()
        _set_size(self._master, cols, rows)
        return stamp

    def cpu_ticks(self) -> int | None:
        """User + system CPU time the program has used, in clock ticks (None if gone)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)

    def wait_idle(self, quiet: float = 0.5, timeout: float = 120.0, max_ticks: int = 2) -> bool:
        """Wait until the program wrote nothing and used almost no CPU for ``quiet`` seconds.

        Output alone is not enough: a background scan can run for seconds without drawing.
        Returns False on timeout.
        """
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            before, written = self.cpu_ticks(), self.output_bytes
            time.sleep(quiet)
            after = self.cpu_ticks()
            if before is None or after is None:
                return False
            if after - before <= max_ticks and self.output_bytes == written:
                return True
        return False

    # ----- process facts -------------------------------------------------------------------

    def rss_kb(self) -> tuple[int, int] | None:
        """``(VmRSS, VmHWM)`` of the program in KiB from ``/proc``, None if unavailable."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        values = {}
        for line in status.splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
        if "VmRSS" not in values:
            return None
        return values["VmRSS"], values.get("VmHWM", values["VmRSS"])


def bytecode_env(home: Path) -> dict[str, str]:
    """The variables that give a launched reader compiled bytecode, as a user's install has.

    Normally launches use (and fill) the usual ``__pycache__`` folders. Under
    ``PYTHONDONTWRITEBYTECODE`` (CI sets it) every launch would compile everything again: the
    callers drop that variable, and the bytecode goes to ``home/pycache``, kept out of the
    repo, which a full run primes before it measures.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return {}
    return {"PYTHONPYCACHEPREFIX": str(home / "pycache")}


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def shows(text: str) -> ScreenPredicate:
    """A predicate: ``text`` appears on some line of the screen."""
    return lambda lines: any(text in line for line in lines)


def written_cells(output: bytes, cols: int, rows: int) -> set[tuple[int, int]]:
    """The ``(row, column)`` cells that ``output`` draws on, whatever it draws there.

    The output is replayed on a screen filled with a sentinel character; every cell that no
    longer holds the sentinel was written. Needs output that positions the cursor itself
    (as a full-screen program's updates do).
    """
    sentinel = "\x7f"
    screen = pyte.Screen(cols, rows)
    blank = screen.default_char._replace(data=sentinel)
    for row in range(rows):
        line = screen.buffer[row]
        for col in range(cols):
            line[col] = blank
    pyte.ByteStream(screen).feed(output)
    return {
        (row, col)
        for row in range(rows)
        for col in range(cols)
        if screen.buffer[row][col].data != sentinel
    }

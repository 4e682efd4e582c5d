"""One SSH session of ``tui-reader serve``: a reader child process in its own pseudo-terminal,
or an allowed ``export``/``import`` without one (:mod:`~.commands`, :mod:`~.piped`).

The child runs in a new session with the pty slave as its controlling terminal, so the kernel
delivers SIGWINCH when the window size changes and SIGHUP when the connection drops, exactly
as under sshd. Bytes flow unchanged between the SSH channel and the pty master.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, Protocol

import asyncssh

from tui_reader.core.textsafe import log_value
from tui_reader.serve.child import ReaderProcess, child_env, set_winsize
from tui_reader.serve.commands import Command, parse_command
from tui_reader.serve.piped import PipedCommand
from tui_reader.serve.plain_reader import CommandReader

log = logging.getLogger("tui_reader.serve")

NEED_TTY = "tui-reader needs a terminal: use ssh -t\r\n"
Channel = asyncssh.SSHServerChannel[bytes]


class SessionHost(Protocol):
    """What a session needs from the server that owns it (:class:`~.state.ServeState`).

    A protocol rather than an import: the server state creates sessions, so the session must
    not import it back.
    """

    loop: asyncio.AbstractEventLoop

    @property
    def idle_timeout(self) -> float:
        """Seconds without input before a session is closed (0 disables)."""

    @property
    def allow_private_addresses(self) -> bool:
        """Whether readers may fetch private and loopback addresses (an operator's choice)."""

    def admit(self, session: ReaderSession) -> str | None:
        """Count ``session`` in, or say why it is refused."""

    def release(self, session: ReaderSession) -> None:
        """Count ``session`` out."""

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` as a task kept alive until it finishes."""

    def user_dir(self, user: str) -> Path:
        """The private data dir of reader ``user``."""

    async def start_reader(
        self, user: str, data_dir: Path, env: dict[str, str], tty: int
    ) -> ReaderProcess:
        """Start the reader of ``user`` on terminal ``tty`` (the caller closes ``tty``)."""

    def command_argv(self, command: Command, data_dir: Path) -> list[str]:
        """The command line of an allowed command (export, import) on ``data_dir``."""


class ReaderSession(asyncssh.SSHServerSession[bytes]):
    """An SSH session channel bound to one reader child process and its pty."""

    def __init__(self, state: SessionHost, user: str, peer: str) -> None:
        self._state = state
        self.user = user
        self.peer = peer
        self._chan: Channel | None = None
        self._term: str | None = None
        self._size = (80, 24, 0, 0)
        self._command: str | None = None
        self._master = -1
        self._reading = False
        self._pending = bytearray()
        self.reader: ReaderProcess | None = None
        self._output_done = asyncio.Event()
        self._last_input = 0.0
        self._idle_handle: asyncio.TimerHandle | None = None
        self._counted = False
        self._closed = False
        self._piped: PipedCommand | None = None  # an export/import instead of the reader

    # -- asyncssh callbacks ---------------------------------------------------------------

    def connection_made(self, chan: Channel) -> None:
        """Remember the channel this session talks over."""
        self._chan = chan

    def pty_requested(
        self,
        term_type: str,
        term_size: tuple[int, int, int, int],
        term_modes: Mapping[int, int],
    ) -> bool:
        """Accept the pty request; its type and size are used when the reader starts."""
        self._term = term_type or "xterm"
        if term_size[0] and term_size[1]:
            self._size = term_size
        return True

    def shell_requested(self) -> bool:
        """A shell request gets the reader (never a shell)."""
        return True

    def exec_requested(self, command: str) -> bool:
        """An exec request gets the reader, or an allowed export/import (never a shell)."""
        self._command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        """Refuse every subsystem (sftp included)."""
        log.info("subsystem %s refused user=%s peer=%s", log_value(subsystem), self.user, self.peer)
        return False

    def session_started(self) -> None:
        """Start the reader (or an allowed export/import), or explain politely why not."""
        assert self._chan is not None
        command = parse_command(self._command) if self._command is not None else None
        if command is not None:
            self._start_command(command, self._chan)
            return
        if self._command is not None:
            log.info("not running exec command %s user=%s peer=%s",
                     log_value(self._command), self.user, self.peer)  # fmt: skip
        if self._term is None:
            self._refuse(NEED_TTY)
            return
        refusal = self._state.admit(self)
        if refusal:
            self._refuse(refusal + "\r\n")
            return
        self._counted = True
        self._state.spawn(self._run())

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        """Forward keystrokes to the reader's terminal."""
        self._last_input = self._state.loop.time()
        if self._piped is not None:
            self._piped.data(data)
            return
        if self._master < 0:
            return
        if self._pending:
            self._pending += data
            return
        try:
            written = os.write(self._master, data)
        except BlockingIOError:
            written = 0
        except OSError:
            return
        if written < len(data):
            # The reader is not reading: hold the client back instead of buffering without end.
            self._pending += data[written:]
            self._state.loop.add_writer(self._master, self._flush_input)
            if self._chan is not None:
                self._chan.pause_reading()

    def eof_received(self) -> bool:
        """Keep the channel open for output after the client half-closes its input."""
        if self._piped is not None:
            self._piped.eof()
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        """Resize the pty; the kernel signals the reader with SIGWINCH."""
        self._size = (width, height, pixwidth, pixheight)
        if self._master >= 0 and width and height:
            with contextlib.suppress(OSError):
                set_winsize(self._master, width, height, pixwidth, pixheight)

    def pause_writing(self) -> None:
        """The client is slow: stop reading the reader's output until it catches up."""
        self._stop_reading()
        if self._piped is not None:
            self._piped.pause()

    def resume_writing(self) -> None:
        """The client caught up: read the reader's output again."""
        self._start_reading()
        if self._piped is not None:
            self._piped.resume()

    def connection_lost(self, exc: Exception | None) -> None:
        """The channel closed: hang up the reader's terminal and release the slot."""
        self._closed = True
        if self._idle_handle is not None:
            self._idle_handle.cancel()
        # Closing the master hangs up the terminal: the kernel sends the reader SIGHUP, once,
        # as sshd's would. A second, explicit SIGHUP could cut short the reader's saving.
        self._close_master()
        if self._piped is not None:
            self._piped.eof()  # an import cut short reads a truncated file: it imports nothing
        if self.reader is not None and self.reader.running:
            self._state.spawn(self._reap())
        if self._counted:
            self._counted = False
            self._state.release(self)
            reason = log_value(exc) if exc else "closed"
            log.info("disconnect user=%s peer=%s reason=%s", self.user, self.peer, reason)

    # -- the reader process ---------------------------------------------------------------

    def _refuse(self, message: str, *, stderr: bool = False) -> None:
        assert self._chan is not None
        log.info(
            "session refused user=%s peer=%s: %s", self.user, self.peer, log_value(message.strip())
        )
        send = self._chan.write_stderr if stderr else self._chan.write
        with contextlib.suppress(OSError):
            send(message.encode())
            self._chan.exit(1)

    def _start_command(self, command: Command | str, chan: Channel) -> None:
        refusal = command if isinstance(command, str) else self._state.admit(self)
        if refusal or isinstance(command, str):
            self._refuse(f"{refusal}\n", stderr=True)
            return
        self._counted = True
        self._piped = PipedCommand(chan)
        self._state.spawn(self._run_command(command, self._piped))

    async def _run_command(self, command: Command, piped: PipedCommand) -> None:
        """Run an allowed export/import on the user's data dir, its streams over the channel."""
        log.info("command %s user=%s peer=%s", command.name, self.user, self.peer)
        self._last_input = self._state.loop.time()
        self._arm_idle()
        try:
            data_dir = self._state.user_dir(self.user)
            env = child_env("dumb", {}, str(data_dir), self.user)
            proc = await piped.start(self._state.command_argv(command, data_dir), env)
            self.reader = CommandReader(proc)
            status: int | None = await piped.finish()
        except OSError as exc:
            log.error("command failed user=%s: %s", self.user, log_value(exc))
            status = 1
        self._exit(status)

    def _exit(self, status: int | None) -> None:
        if not self._closed and self._chan is not None:
            with contextlib.suppress(OSError):
                if status is None:  # the launcher died before it could say: no status to give
                    self._chan.close()
                else:
                    self._chan.exit(status if status >= 0 else 128 - status)

    async def _run(self) -> None:
        assert self._chan is not None and self._term is not None
        try:
            data_dir = self._state.user_dir(self.user)
            env = child_env(self._term, self._chan.get_environment(), str(data_dir), self.user,
                            allow_private=self._state.allow_private_addresses)  # fmt: skip
            await self._spawn(data_dir, env)
        except OSError as exc:
            log.error(
                "reader failed to start user=%s peer=%s: %s", self.user, self.peer, log_value(exc)
            )
            if not self._closed:
                self._refuse("tui-reader: could not start the reader, sorry\r\n")
            return
        assert self.reader is not None
        log.info(
            "session start user=%s peer=%s pid=%d term=%s size=%dx%d",
            self.user, self.peer, self.reader.pid, log_value(self._term), self._size[0],
            self._size[1],
        )  # fmt: skip
        self._last_input = self._state.loop.time()
        self._arm_idle()
        status = await self.reader.wait()
        # Let the last frame reach the client before the exit status closes the channel.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._output_done.wait(), 1.0)
        self._exit(status)

    async def _spawn(self, data_dir: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        try:
            cols, rows, pw, ph = self._size
            set_winsize(slave, cols, rows, pw, ph)
            os.set_blocking(master, False)
            self.reader = await self._state.start_reader(self.user, data_dir, env, slave)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self._master = master
        if self._closed:  # the client left while the reader was starting: hang up
            self._close_master()
            self._state.spawn(self._reap())
            return
        self._start_reading()

    def _start_reading(self) -> None:
        if self._master >= 0 and not self._reading:
            self._state.loop.add_reader(self._master, self._on_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            self._state.loop.remove_reader(self._master)
            self._reading = False

    def _on_output(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError as exc:
            # EIO: every slave fd is closed, i.e. the reader (and its children) exited.
            if exc.errno != errno.EIO:
                log.warning("pty read failed user=%s: %s", self.user, log_value(exc))
            data = b""
        if not data:
            self._stop_reading()
            self._output_done.set()
            return
        self._write(data)

    def _write(self, data: bytes) -> None:
        if self._chan is not None and not self._closed:
            # The channel may already be closing (client gone); the output is moot then.
            with contextlib.suppress(OSError):
                self._chan.write(data)

    def _flush_input(self) -> None:
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._state.loop.remove_writer(self._master)
            if self._chan is not None and not self._closed:
                self._chan.resume_reading()

    def _close_master(self) -> None:
        if self._master < 0:
            return
        self._stop_reading()
        if self._pending:
            self._state.loop.remove_writer(self._master)
            self._pending.clear()
        os.close(self._master)
        self._master = -1

    # -- idle timeout and termination -----------------------------------------------------

    def _arm_idle(self) -> None:
        timeout = self._state.idle_timeout
        if timeout <= 0 or self._closed:
            return
        due = self._last_input + timeout
        now = self._state.loop.time()
        if now >= due:
            log.info("idle timeout user=%s peer=%s", self.user, self.peer)
            self._write(b"\r\ntui-reader: idle timeout, goodbye\r\n")
            self._state.loop.call_later(0.2, self.close)  # the hang-up follows from the close
            return
        self._idle_handle = self._state.loop.call_later(due - now, self._arm_idle)

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the reader."""
        if self.reader is not None:
            self.reader.signal(signum)

    def close(self) -> None:
        """Close the SSH channel (the reader gets SIGHUP from connection_lost)."""
        if self._chan is not None and not self._closed:
            self._chan.close()

    async def _reap(self, grace: float = 5.0) -> None:
        """Wait for a hung-up reader; kill it if it ignores the hang-up."""
        if self.reader is None:
            return
        try:
            await asyncio.wait_for(self.reader.wait(), grace)
        except TimeoutError:
            log.warning("reader pid=%d ignored SIGHUP, killing", self.reader.pid)
            self.signal(signal.SIGKILL)
            await self.reader.wait()


SessionFactory = Callable[[], ReaderSession]

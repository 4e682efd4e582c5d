"""An allowed command (``export``, ``import``) run for an SSH session without a terminal.

The child's standard input, output and error are pipes joined to the SSH channel: what the
client sends is its input (EOF included), its output and errors go back as the channel's data
and extended data, and its exit status ends the channel. Both directions are flow controlled:
a client that reads slowly pauses reading the child's output, a child that reads slowly
pauses the client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence

import asyncssh

__all__ = ["PipedCommand"]

_HIGH_WATER = 1 << 20
"""Bytes of input held for the child before the client is asked to wait."""


class PipedCommand:
    """One child process whose standard streams are an SSH channel."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan
        self.proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._eof = False
        self._writable = asyncio.Event()
        self._writable.set()
        self._feeding = False
        self._broken = False

    async def start(self, argv: Sequence[str], env: dict[str, str]) -> asyncio.subprocess.Process:
        """Start the child (what the client sent meanwhile is its first input)."""
        self.proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env, cwd="/", start_new_session=True,
        )  # fmt: skip
        self._feed()
        return self.proc

    async def finish(self) -> int:
        """Pass the child's output to the client until it exits; return its exit status."""
        assert self.proc is not None and self.proc.stdout is not None
        assert self.proc.stderr is not None
        await asyncio.gather(
            self._pump(self.proc.stdout, self._chan.write),
            self._pump(self.proc.stderr, self._chan.write_stderr),
        )
        return await self.proc.wait()

    async def _pump(self, stream: asyncio.StreamReader, send: Callable[[bytes], None]) -> None:
        while chunk := await stream.read(65536):
            await self._writable.wait()
            with contextlib.suppress(OSError, asyncssh.Error):
                send(chunk)  # the client may be gone; the child is reaped all the same

    # -- input from the client -------------------------------------------------------------

    def data(self, data: bytes) -> None:
        """The client sent ``data`` for the child's standard input."""
        if self._broken:
            return  # the child stopped reading: what comes now has nowhere to go
        self._pending += data
        if len(self._pending) > _HIGH_WATER:
            self._chan.pause_reading()
        self._feed()

    def eof(self) -> None:
        """The client closed its side: the child sees the end of its input."""
        self._eof = True
        self._feed()

    def _feed(self) -> None:
        if self.proc is None or self.proc.stdin is None or self._feeding:
            return
        self._feeding = True
        asyncio.get_running_loop().create_task(self._drain(self.proc.stdin))

    async def _drain(self, stdin: asyncio.StreamWriter) -> None:
        try:
            while self._pending:
                chunk = bytes(self._pending)
                self._pending.clear()
                stdin.write(chunk)
                await stdin.drain()
                self._chan.resume_reading()
            if self._eof and not stdin.is_closing():
                stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            self._broken = True  # the child stopped reading (e.g. its input was too large)
            self._pending.clear()
            self._chan.resume_reading()
        finally:
            self._feeding = False
        if self._pending or (self._eof and not stdin.is_closing()):
            self._feed()

    # -- output to the client ---------------------------------------------------------------

    def pause(self) -> None:
        """The client is slow: hold the child's output."""
        self._writable.clear()

    def resume(self) -> None:
        """The client caught up."""
        self._writable.set()

"""Accepting SSH connections, with a bound on how many are still logging in (as sshd's
``MaxStartups``).

asyncssh's own listener takes every connection as it arrives and starts its key exchange at
once. Those handshakes run on the event loop that also carries every open session's keys and
screens, so a storm of connections that never log in (a scanner, a flood) would make the
readers already in feel it. Here a connection is accepted only while fewer than
``max_startups`` are still between connect and login; the others wait in the kernel's accept
queue and are taken, in order, as slots free up. Logged-in sessions are not counted: once a
connection has logged in it no longer holds a slot. A connection holds its slot at most the
login timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

import asyncssh

from tui_reader.core.textsafe import log_value

log = logging.getLogger("tui_reader.serve")

__all__ = ["Listener"]

BACKLOG = 1024
"""Connections the kernel may hold for us while every login slot is taken."""


class Listener:
    """Listening sockets whose connections become SSH servers, ``max_startups`` at a time."""

    def __init__(
        self,
        sockets: list[socket.socket],
        options: asyncssh.SSHServerConnectionOptions,
        max_startups: int,
    ) -> None:
        self._sockets = sockets
        self._options = options
        self._slots = asyncio.Semaphore(max(1, max_startups))
        self._handshakes: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        self._accepting = [loop.create_task(self._accept(sock)) for sock in sockets]

    @classmethod
    async def open(cls, host: str, port: int, max_startups: int, **options: object) -> Listener:
        """Listen on ``host:port`` (every address the name has) with asyncssh ``options``."""
        server_options = await asyncssh.SSHServerConnectionOptions.construct(**options)
        return cls(_bind(host, port), server_options, max_startups)

    def get_port(self) -> int:
        """The port listened on (the first socket's, when the kernel picked it)."""
        return int(self._sockets[0].getsockname()[1])

    async def _accept(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._slots.acquire()
            try:
                conn, _ = await loop.sock_accept(sock)
            except asyncio.CancelledError:
                self._slots.release()
                raise
            except OSError as exc:  # out of file descriptors, say: wait, then try again
                self._slots.release()
                log.warning("accept failed: %s", log_value(exc))
                await asyncio.sleep(0.5)
                continue
            task = loop.create_task(self._handshake(conn))
            self._handshakes.add(task)
            task.add_done_callback(self._handshakes.discard)

    async def _handshake(self, conn: socket.socket) -> None:
        """Run the SSH server side of ``conn`` until it has logged in (or failed to)."""
        try:
            await asyncssh.run_server(conn, options=self._options)
        except (asyncssh.Error, OSError, TimeoutError) as exc:
            # Refusals are logged by the server when they happen; this is the aftermath.
            log.debug("connection ended before login: %s", log_value(exc))
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop accepting; connections still logging in are dropped."""
        for task in [*self._accepting, *self._handshakes]:
            task.cancel()
        for sock in self._sockets:
            sock.close()

    async def wait_closed(self) -> None:
        """Wait until the accept loops and pending handshakes have stopped."""
        tasks = [*self._accepting, *self._handshakes]
        if tasks:
            await asyncio.wait(tasks)


def _bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address of ``host`` (as asyncio's create_server binds)."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets

"""The warm reader launcher, seen from the server: start it, ask it for readers, restart it.

Starting a fresh Python for every session costs ~0.3 s of CPU (importing Textual and the app)
and ~30 MB of private memory. Instead the server runs one launcher process (the "zygote",
:mod:`tui_reader.cli.zygote`) that imports the reader once and forks a child per session; the
imported code is shared copy-on-write, and a session starts in milliseconds. The launcher lives
in ``cli/`` because it imports the UI; this module, like the rest of ``serve/``, never does:
the two talk over a socketpair (:mod:`tui_reader.serve.wire`).

Each reader is the launcher's child, not the server's. The server watches it through a pidfd
that the launcher passes back: pollable when the reader exits, and a way to signal it that can
never hit a recycled pid. The launcher reports the exit status. If the launcher itself dies,
its readers keep running (their terminals belong to the server): the server, their child
subreaper, inherits them, watches their pidfds and reaps them itself, while a new launcher is
started for the sessions to come.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping, Sequence

from tui_reader.core.textsafe import log_value
from tui_reader.serve import wire

log = logging.getLogger("tui_reader.serve")

__all__ = ["ForkedReader", "LaunchError", "Launcher", "adopt_orphans"]

READY_TIMEOUT = 120.0
"""Seconds the launcher may take to import the reader (a cold disk on a slow machine)."""
SPAWN_TIMEOUT = 10.0
RESTART_DELAYS = (0.0, 0.5, 2.0, 5.0)
"""Pause before restarting a launcher that died; longer each time it dies young."""
PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
HEALTHY_AFTER = 30.0
"""A launcher that lived this long counts as healthy: the next restart is immediate again."""


class LaunchError(OSError):
    """The launcher could not start a reader."""


class ForkedReader:
    """A reader process forked by the launcher, watched and signalled through its pidfd."""

    def __init__(self, loop: asyncio.AbstractEventLoop, pid: int, pidfd: int) -> None:
        self.pid = pid
        self._loop = loop
        self._pidfd = pidfd
        self._done: asyncio.Future[int | None] = loop.create_future()
        self._watching = False

    @property
    def returncode(self) -> int | None:
        """The exit status once known (negative: killed by that signal), else None."""
        return self._done.result() if self._done.done() else None

    @property
    def running(self) -> bool:
        """Whether the reader has not been seen to exit yet."""
        return not self._done.done()

    async def wait(self) -> int | None:
        """Wait for the reader to exit; its status, or None if the launcher died first."""
        return await asyncio.shield(self._done)

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the reader (a no-op once it is gone)."""
        if self._pidfd >= 0 and not self._done.done():
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, signum)

    def exited(self, status: int | None) -> None:
        """The reader is gone (reported by the launcher, or seen on the pidfd)."""
        if self._watching:
            self._loop.remove_reader(self._pidfd)
            self._watching = False
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1
        if not self._done.done():
            self._done.set_result(status)

    def orphaned(self) -> None:
        """The launcher died: watch the pidfd; this server inherited the reader (see
        :func:`adopt_orphans`), so it reaps it and learns its status."""
        if self._pidfd >= 0 and not self._watching:
            self._loop.add_reader(self._pidfd, self._orphan_exited)
            self._watching = True

    def _orphan_exited(self) -> None:
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # not ours after all (no subreaper): the status is lost
            pid, status = 0, 0
        self.exited(os.waitstatus_to_exitcode(status) if pid == self.pid else None)


def adopt_orphans() -> bool:
    """Make this process the child subreaper of its descendants (Linux): readers whose
    launcher died become this server's children, so it can reap them and read their exit
    status instead of leaving that to init. False where the system does not allow it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


class Launcher:
    """The server's handle on the launcher process; restarts it whenever it dies.

    Args:
        env: the launcher's environment (each reader gets its own, with its request).
        argv: the launcher's command line (default: this Python, ``-P -m tui_reader.cli.zygote``).
        stories: the stories folder every reader shows: the launcher reads its library index
            once, for all of them (None: the bundled stories).
    """

    def __init__(
        self, env: Mapping[str, str], argv: Sequence[str] | None = None, stories: str | None = None
    ) -> None:
        self._env = dict(env)
        self._argv = list(argv or [sys.executable, "-P", "-m", "tui_reader.cli.zygote"])
        self._stories = [stories] if stories else []
        self._loop = asyncio.get_running_loop()
        self._ids = itertools.count(1)
        self._sock: socket.socket | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._ready: asyncio.Future[None] = self._loop.create_future()
        self._pending: dict[int, asyncio.Future[ForkedReader]] = {}
        self._readers: dict[int, ForkedReader] = {}
        self._deaths = 0
        self._started_at = 0.0
        self._stopping = False
        self._watcher: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The launcher's pid while it runs."""
        return self._proc.pid if self._proc is not None else None

    async def start(self) -> None:
        """Start the launcher and wait until it has imported the reader."""
        adopt_orphans()
        await self._start()
        await asyncio.wait_for(asyncio.shield(self._ready), READY_TIMEOUT)

    async def _start(self) -> None:
        ours, theirs = wire.socket_pair()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self._argv, str(theirs.fileno()), *self._stories,
                pass_fds=(theirs.fileno(),), env=self._env, cwd="/",
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                start_new_session=True,  # the operator's Ctrl-C is for the server, not for it
            )  # fmt: skip
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._started_at = time.monotonic()
        if self._ready.done():
            self._ready = self._loop.create_future()
        self._loop.add_reader(ours, self._on_readable)
        self._watcher = self._loop.create_task(self._watch(self._proc))

    async def spawn(self, args: Sequence[str], env: Mapping[str, str], tty: int) -> ForkedReader:
        """Fork a reader running ``tui-reader ARGS`` in environment ``env`` on terminal ``tty``.

        The caller keeps (and closes) ``tty``. Raises :class:`LaunchError` if no launcher
        answers in time or it refuses.
        """
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), READY_TIMEOUT)
        except TimeoutError:
            raise LaunchError("the reader launcher is not ready") from None
        if self._sock is None or self._stopping:
            raise LaunchError("the reader launcher is stopped")
        request = next(self._ids)
        answer = self._loop.create_future()
        self._pending[request] = answer
        try:
            message = {"op": "spawn", "id": request, "args": list(args), "env": dict(env)}
            wire.send(self._sock, message, [tty])
            return await asyncio.wait_for(answer, SPAWN_TIMEOUT)
        except (OSError, wire.WireError) as exc:
            raise LaunchError(f"the reader launcher did not take the request: {exc}") from None
        except TimeoutError:
            raise LaunchError("the reader launcher did not answer") from None
        finally:
            self._pending.pop(request, None)

    def _on_readable(self) -> None:
        sock = self._sock
        while sock is not None and sock is self._sock:
            try:
                got = wire.receive(sock)
            except BlockingIOError:
                return
            except (OSError, wire.WireError) as exc:
                log.error("reader launcher: bad message: %s", log_value(exc))
                got = None
            if got is None:
                self._disconnect()
                return
            self._dispatch(*got)

    def _dispatch(self, message: dict[str, object], fds: list[int]) -> None:
        op, request = message.get("op"), message.get("id")
        if op == "ready":
            log.info(
                "reader launcher ready pid=%s in %.2f s",
                message.get("pid"), time.monotonic() - self._started_at,
            )  # fmt: skip
            if not self._ready.done():
                self._ready.set_result(None)
        elif op == "spawned" and isinstance(request, int) and len(fds) == 1:
            reader = ForkedReader(self._loop, int(str(message.get("pid"))), fds.pop())
            self._readers[request] = reader
            answer = self._pending.get(request)
            if answer is not None and not answer.done():
                answer.set_result(reader)
            else:  # the session gave up waiting: nobody will ever talk to this reader
                reader.signal(signal.SIGHUP)
        elif op == "failed" and isinstance(request, int):
            answer = self._pending.get(request)
            if answer is not None and not answer.done():
                answer.set_exception(LaunchError(str(message.get("error"))))
        elif op == "exited" and isinstance(request, int):
            status = message.get("status")
            found = self._readers.pop(request, None)
            if found is not None:
                found.exited(status if isinstance(status, int) else None)
        else:
            log.warning("reader launcher: unexpected message %s", log_value(message))
        for fd in fds:
            os.close(fd)

    def _disconnect(self) -> None:
        """The launcher is gone: its readers live on, watched through their pidfds."""
        if self._sock is None:
            return
        self._loop.remove_reader(self._sock)
        self._sock.close()
        self._sock = None
        for answer in self._pending.values():
            if not answer.done():
                answer.set_exception(LaunchError("the reader launcher stopped"))
        for reader in self._readers.values():
            reader.orphaned()
        self._readers.clear()
        if self._ready.done():
            self._ready = self._loop.create_future()

    async def _watch(self, proc: asyncio.subprocess.Process) -> None:
        status = await proc.wait()
        self._disconnect()
        if self._stopping:
            return
        lived = time.monotonic() - self._started_at
        self._deaths = 0 if lived >= HEALTHY_AFTER else self._deaths + 1
        delay = RESTART_DELAYS[min(self._deaths, len(RESTART_DELAYS) - 1)]
        log.error("reader launcher pid=%d exited (status %d); restarting", proc.pid, status)
        await asyncio.sleep(delay)
        if not self._stopping:
            try:
                await self._start()
            except OSError as exc:
                log.error("reader launcher failed to restart: %s", log_value(exc))

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop the launcher (running readers are not touched: stop them first)."""
        self._stopping = True
        proc = self._proc
        self._disconnect()  # the closed socket tells the launcher to stop
        if proc is None or proc.returncode is not None:
            return
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if self._watcher is not None:
            await self._watcher

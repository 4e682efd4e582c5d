"""Server-wide state of ``tui-reader serve``: configuration, session limits, per-user data dirs,
the SSH connection handler (public-key auth only) and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import sys
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from tui_reader.core.textsafe import log_value
from tui_reader.serve.auth import KeyRing, valid_name
from tui_reader.serve.child import ReaderProcess
from tui_reader.serve.commands import Command
from tui_reader.serve.launcher import Launcher
from tui_reader.serve.plain_reader import CommandReader
from tui_reader.serve.seeding import Seeding
from tui_reader.serve.session import ReaderSession

log = logging.getLogger("tui_reader.serve")


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``serve`` needs, resolved from the command line."""

    host: str
    port: int
    authorized_keys: Path
    host_key: Path
    data_root: Path
    stories: Path | None = None
    max_sessions: int = 50
    max_sessions_per_user: int = 5
    idle_timeout: float = 1800.0
    max_auth_attempts: int = 6
    max_startups: int = 32
    """Connections between connect and login at once (the rest wait in the accept queue)."""
    login_timeout: float = 30.0
    allow_private_addresses: bool = False
    """Let readers fetch loopback and private addresses (refused by default: a reader's save
    or feed must not reach the server's own network)."""
    reader_command: str | None = None
    """A shell-style command line replacing the reader, run as a plain process (for tests and
    benchmarks); ``{data_dir}``, ``{stories}`` and ``{user}`` are substituted in each word."""


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing and make it private to the server's user."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """Read the server's host key, generating an Ed25519 key (mode 0600) on first run."""
    if not path.exists():
        make_private_dir(path.parent)
        key = asyncssh.generate_private_key("ssh-ed25519")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        log.info("generated host key %s (%s)", path, key.get_fingerprint())
    return asyncssh.read_private_key(path)


@dataclass
class ServeState:
    """Live sessions and limits shared by every connection of one server."""

    config: ServeConfig
    loop: asyncio.AbstractEventLoop
    keys: KeyRing
    sessions: set[ReaderSession] = field(default_factory=set)
    per_user: Counter[str] = field(default_factory=Counter)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    launcher: Launcher | None = None
    """The warm reader that forks every session's reader (None with ``reader_command``)."""
    seeding: Seeding | None = None
    """The served folder's search seed being built (None without ``--stories``)."""
    stopping: bool = False
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` as a task that is kept alive until it finishes."""
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def max_connections(self) -> int:
        """Open SSH connections (authenticated or not) allowed at once."""
        return 2 * self.config.max_sessions + 10

    @property
    def allow_private_addresses(self) -> bool:
        """Whether readers may fetch private and loopback addresses (an operator's choice)."""
        return self.config.allow_private_addresses

    @property
    def idle_timeout(self) -> float:
        """Seconds without input before a session is closed (0 disables)."""
        return self.config.idle_timeout

    def admit(self, session: ReaderSession) -> str | None:
        """Count ``session`` in, or return the message explaining why it is refused."""
        if self.stopping:
            return "tui-reader: the server is shutting down"
        if len(self.sessions) >= self.config.max_sessions:
            return "tui-reader: the server is full, please try again later"
        if self.per_user[session.user] >= self.config.max_sessions_per_user:
            return f"tui-reader: {session.user} already has too many sessions open"
        self.sessions.add(session)
        self.per_user[session.user] += 1
        return None

    def release(self, session: ReaderSession) -> None:
        """Count ``session`` out."""
        if session in self.sessions:
            self.sessions.discard(session)
            self.per_user[session.user] -= 1
            if self.per_user[session.user] <= 0:
                del self.per_user[session.user]

    def user_dir(self, user: str) -> Path:
        """Return (creating it, mode 0700) the private data dir of reader ``user``."""
        if not valid_name(user):
            raise OSError(f"invalid reader name {user!r}")
        users = make_private_dir(self.config.data_root / "users")
        path = users / user
        if path.resolve().parent != users.resolve():
            raise OSError(f"reader dir escapes the data root: {path}")
        return make_private_dir(path)

    def reader_args(self, data_dir: Path) -> list[str]:
        """The reader's arguments (what follows ``tui-reader`` on a command line)."""
        stories = [str(self.config.stories)] if self.config.stories else []
        return [*stories, "--data-dir", str(data_dir)]

    async def start_reader(
        self, user: str, data_dir: Path, env: dict[str, str], tty: int
    ) -> ReaderProcess:
        """Start the reader of ``user`` on terminal ``tty``: forked by the launcher, or the
        ``reader_command`` as a plain process."""
        log.debug("reader spawn user=%s", user)  # start-up timing (bench/ssh_trace.py)
        if self.launcher is not None:
            return await self.launcher.spawn(self.reader_args(data_dir), env, tty)
        if not self.config.reader_command:
            raise OSError("no reader launcher")
        stories = str(self.config.stories) if self.config.stories else ""
        argv = [
            w.replace("{data_dir}", str(data_dir)).replace("{stories}", stories)
            .replace("{user}", user)
            for w in shlex.split(self.config.reader_command)
        ]  # fmt: skip
        return await CommandReader.start(argv, env, tty)

    def command_argv(self, command: Command, data_dir: Path) -> list[str]:
        """The command line of an allowed export/import, always on ``data_dir`` (the user's own)
        and the served library; every word after the command was checked."""
        argv = [sys.executable, "-P", "-m", "tui_reader", command.name, *command.args]
        if self.config.stories:  # import attaches notes to it; export describes stories by it
            argv.append(f"--stories={self.config.stories}")
        return [*argv, f"--data-dir={data_dir}"]

    async def shutdown(self, grace: float = 5.0) -> None:
        """Ask every reader to finish (SIGTERM, then SIGHUP), wait briefly, then kill the rest."""
        self.stopping = True
        readers = [s.reader for s in self.sessions if s.reader is not None]
        live = [r for r in readers if r.running]
        log.info("shutting down: %d session(s)", len(live))
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGHUP, 1.0), (signal.SIGKILL, 1.0)):
            live = [r for r in live if r.running]
            if not live:
                break
            for reader in live:
                reader.signal(sig)
            waits = [asyncio.ensure_future(r.wait()) for r in live]
            await asyncio.wait(waits, timeout=wait)
        for session in list(self.sessions):
            session.close()
        if self.seeding is not None:
            await self.seeding.stop()
        if self.launcher is not None:
            await self.launcher.stop()

    async def close_connections(self, timeout: float = 2.0) -> None:
        """Close every SSH connection, giving exit statuses a moment to reach the clients."""
        for conn in list(self.connections):
            conn.close()
        if self.connections:
            waits = [asyncio.ensure_future(c.wait_closed()) for c in self.connections]
            await asyncio.wait(waits, timeout=timeout)


class ReaderServer(asyncssh.SSHServer):
    """Per-connection handler: public-key auth against the key ring, then reader sessions."""

    def __init__(self, state: ServeState) -> None:
        self._state = state
        self._conn: asyncssh.SSHServerConnection | None = None
        self._peer = "?"
        self._user = ""
        """The reader name, set once authenticated (so always a valid name)."""
        self._failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        """Log the new connection."""
        self._conn = conn
        self._state.connections.add(conn)
        peer = conn.get_extra_info("peername") or ("?", 0)
        self._peer = f"{peer[0]}:{peer[1]}"
        log.info("connect peer=%s", self._peer)
        if len(self._state.connections) > self._state.max_connections:
            log.warning("too many connections, dropping peer=%s", self._peer)
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Log the end of the connection."""
        if self._conn is not None:
            self._state.connections.discard(self._conn)
        log.info("connection closed user=%s peer=%s", self._user or "-", self._peer)

    def begin_auth(self, username: str) -> bool:
        """Every user must authenticate."""
        return True

    def password_auth_supported(self) -> bool:
        """Passwords are never accepted."""
        return False

    def kbdint_auth_supported(self) -> bool:
        """Keyboard-interactive is never accepted."""
        return False

    def host_based_auth_supported(self) -> bool:
        """Host-based auth is never accepted."""
        return False

    def public_key_auth_supported(self) -> bool:
        """Public keys are the only way in."""
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """Accept ``key`` only if the authorized keys map it to reader name ``username``."""
        if valid_name(username) and self._state.keys.allows(username, key):
            return True
        self._failures += 1
        log.warning(
            "auth failed user=%s peer=%s key=%s attempt=%d",
            log_value(username), self._peer, key.get_fingerprint(), self._failures,
        )  # fmt: skip
        if self._failures >= self._state.config.max_auth_attempts and self._conn is not None:
            conn = self._conn
            log.warning("too many auth failures peer=%s, disconnecting", self._peer)
            self._state.loop.call_soon(
                conn.disconnect,
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                "Too many authentication failures",
            )
        return False

    def auth_completed(self) -> None:
        """Remember who logged in (the name the key was checked against) and log it."""
        assert self._conn is not None
        self._user = str(self._conn.get_extra_info("username"))
        log.info("auth ok user=%s peer=%s", self._user, self._peer)

    def session_requested(self) -> ReaderSession:
        """Every session channel gets a reader session (no shell, no exec, no subsystem)."""
        return ReaderSession(self._state, self._user, self._peer)

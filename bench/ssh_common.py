"""Shared pieces of the SSH benchmarks: a served library, the server as a subprocess, a timed
asyncssh client, and what a process costs (memory, CPU) read from ``/proc``.

Linux only (``/proc/PID/smaps_rollup``). Every connection goes to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "stories" / "000_8fca52f5ebd7e4f3.txt"
READY_MARK = b"Bench 00000"
"""On screen once the reader has loaded the library (titles are written unbroken)."""
COLS, ROWS = 120, 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def write_stories(directory: Path, count: int) -> None:
    """``count`` copies of the seed story with distinct titles and URLs."""
    directory.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text("utf-8")
    title = next(line for line in seed.splitlines() if line.startswith("# "))
    url = re.search(r"<(https?://[^>]+)>", seed)
    for i in range(count):
        text = seed.replace(title, f"# Bench {i:05d} story", 1)
        if url:  # the URL is a story's identity: keep them distinct
            text = text.replace(url.group(1), f"{url.group(1)}-bench-{i}")
        (directory / f"{i:05d}_bench.txt").write_text(text, "utf-8")


def make_world(root: Path, stories: int, users: int) -> asyncssh.SSHKey:
    """A stories folder and an authorized_keys file letting one key in as ``bench0..N-1``."""
    write_stories(root / "stories", stories)
    key = asyncssh.generate_private_key("ssh-ed25519")
    public = " ".join(key.export_public_key().decode().split()[:2])
    (root / "authorized_keys").write_text("".join(f"{public} bench{i}\n" for i in range(users)))
    return key


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# ----- what a process costs ------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """Memory of one process in KiB: resident, proportional share, and private (unique)."""

    rss: int = 0
    pss: int = 0
    uss: int = 0

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss + other.rss, self.pss + other.pss, self.uss + other.uss)


def memory(pid: int) -> Memory | None:
    """RSS, PSS and USS (Private_Clean + Private_Dirty) of ``pid`` from smaps_rollup."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[name] = int(parts[0])
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return Memory(fields.get("Rss", 0), fields.get("Pss", 0), private)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds ``pid`` has used so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# ----- the server ----------------------------------------------------------------------------


class Server:
    """``tui-reader serve`` as a subprocess; remembers each user's reader pid from its log."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.pids: dict[str, int] = {}
        self.launcher_pids: list[int] = []
        self.log: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        """The server's pid."""
        assert self.proc is not None
        return self.proc.pid

    async def start(
        self, root: Path, max_sessions: int, extra: list[str] | None = None, cwd: Path = REPO
    ) -> None:
        """Start serving ``root/stories`` to the users of ``root/authorized_keys``.

        ``cwd`` is the checkout to run (another worktree, to compare with an older commit).
        """
        # Before the serve/ package (e.g. a505f0b) the server was the module tui_reader.serve.
        package = (cwd / "tui_reader" / "serve").is_dir()
        module = "tui_reader.serve.server" if package else "tui_reader.serve"
        code = f"import sys; from {module} import main; sys.exit(main(sys.argv[1:]))"
        env = {**os.environ, "PYTHONPATH": str(cwd)}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(root / "xdg" / name.lower())
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, "--listen", "127.0.0.1:0",
            "--authorized-keys", str(root / "authorized_keys"), "--data-root", str(root / "data"),
            "--stories", str(root / "stories"), "--max-sessions", str(max_sessions),
            "--max-sessions-per-user", "1", "--idle-timeout", "0", *(extra or []),
            stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd,
        )  # fmt: skip
        listening = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read_log(listening))
        self.port = await asyncio.wait_for(listening, 180)

    async def _read_log(self, listening: asyncio.Future[int]) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(line)
            if m := re.search(r"listening on \S+:(\d+)", line):
                listening.set_result(int(m.group(1)))
            elif m := re.search(r"session start user=(\S+) .*pid=(\d+)", line):
                self.pids[m.group(1)] = int(m.group(2))
            elif m := re.search(r"reader launcher ready pid=(\d+)", line):
                self.launcher_pids.append(int(m.group(1)))
        if not listening.done():
            listening.set_exception(RuntimeError("server died:\n" + "\n".join(self.log[-30:])))

    def alive(self) -> bool:
        """Whether the server process still runs."""
        return self.proc is not None and self.proc.returncode is None

    async def stop(self) -> None:
        """SIGTERM the server and wait for it."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 60)
        if self._reader is not None:
            await self._reader


# ----- a client ------------------------------------------------------------------------------


class Probe(asyncssh.SSHClientSession[bytes]):
    """Client side of one session: timestamps its output."""

    def __init__(self) -> None:
        self.seen = bytearray()
        """Output until the first story title shows up (then no longer kept)."""
        self.ready_at: float | None = None
        self.first_at: float | None = None
        self.bytes = 0
        self.last = 0.0
        self.first_after: float | None = None
        self.got = asyncio.Event()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        """Timestamp a chunk of output."""
        now = time.perf_counter()
        self.bytes += len(data)
        self.last = now
        if self.first_at is None:
            self.first_at = now
        if self.ready_at is None:
            self.seen += data
            if READY_MARK in self.seen:
                self.ready_at = now
                self.seen.clear()
        if self.first_after is None:
            self.first_after = now
        self.got.set()

    def connection_lost(self, exc: Exception | None) -> None:
        """The session ended."""
        self.closed.set()
        self.got.set()

    async def press(
        self, chan: asyncssh.SSHClientChannel[bytes], key: bytes, timeout: float
    ) -> float | None:
        """Write ``key``; milliseconds until its first output byte, None if none came."""
        self.first_after = None
        self.got.clear()
        start = time.perf_counter()
        chan.write(key)
        try:
            await asyncio.wait_for(self.got.wait(), timeout)
        except TimeoutError:
            return None
        if self.first_after is None:
            return None
        return (self.first_after - start) * 1000

    async def wait_ready(self, timeout: float) -> bool:
        """Wait until the story list is on screen."""
        deadline = time.perf_counter() + timeout
        while self.ready_at is None and not self.closed.is_set():
            if time.perf_counter() > deadline:
                return False
            self.got.clear()
            with_timeout = max(0.01, deadline - time.perf_counter())
            try:
                await asyncio.wait_for(self.got.wait(), with_timeout)
            except TimeoutError:
                return False
        return self.ready_at is not None

    async def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Wait until no output came for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and time.perf_counter() - self.last < quiet:
            await asyncio.sleep(quiet / 4)


@dataclass
class Session:
    """A logged-in session and when it started, was first drawn and showed the list."""

    conn: asyncssh.SSHClientConnection
    chan: asyncssh.SSHClientChannel[bytes]
    probe: Probe
    started: float
    authenticated: float

    @property
    def first_frame_ms(self) -> float | None:
        """Connect to the list on screen, in ms."""
        ready = self.probe.ready_at
        return None if ready is None else (ready - self.started) * 1000

    @property
    def reader_start_ms(self) -> float | None:
        """Logged in (session requested) to the list on screen, in ms."""
        ready = self.probe.ready_at
        return None if ready is None else (ready - self.authenticated) * 1000

    def close(self) -> None:
        """Close the channel and the connection."""
        self.chan.close()
        self.conn.close()


async def open_session(port: int, key: asyncssh.SSHKey, user: str) -> Session:
    """Log in as ``user`` and request a 120x40 pty session (the reader starts)."""
    started = time.perf_counter()
    conn = await asyncssh.connect(
        "127.0.0.1", port, username=user, client_keys=[key], known_hosts=None,
        agent_path=None, login_timeout=120,
    )  # fmt: skip
    authenticated = time.perf_counter()
    chan, probe = await conn.create_session(
        Probe, term_type="xterm-256color", term_size=(COLS, ROWS), encoding=None
    )
    assert isinstance(probe, Probe)
    return Session(conn, chan, probe, started, authenticated)

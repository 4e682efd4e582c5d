"""The realistic load on ``tui-reader serve``: people reading, some writing notes, and a
connection storm in the middle.

Each of N sessions presses a key about once a second (0.5-1.5 s apart, at random; ``rate``
scales it): most step
through the story list (``j``/``k``); every fifth session also opens stories, pages down,
selects a paragraph, writes a short note and saves it, then goes back to the list. The latency
of a key is the time to its first byte of output. A third of the way in, ``storm``
unauthenticated connections arrive at once: half offer an unknown key (a full key exchange
and a refused login each), half open TCP, send an SSH banner and say nothing more (holding a
slot until the storm ends). The keys typed during the storm are reported apart.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import asyncssh
from ssh_common import Memory, Server, Session, cpu_seconds, memory, open_session

__all__ = ["LoadResult", "run_load"]

READER_KEYS = (b"j", b"j", b"k")
WRITER_CYCLE = (b"j", b"\r", b" ", b"V", b"a", b"o", b"k", b"\x13", b"\x1b")
"""Next story, open it, page down, select a paragraph, note "ok", ctrl+s, back to the list."""
KEY_TIMEOUT = 5.0


@dataclass
class LoadResult:
    """What one load run measured."""

    sessions: int
    up_s: float
    """Seconds until every session showed the story list."""
    start_ms: list[float]
    """Connect to list on screen, per session."""
    keys: list[tuple[float, float]] = field(default_factory=list)
    """(when pressed, latency ms) for every key that got an answer."""
    silent: int = 0
    """Keys that got no output within KEY_TIMEOUT."""
    saves: int = 0
    storm: tuple[float, float] | None = None
    """When the storm started and when its last connection was over."""
    storm_refused: int = 0
    """Storm connections the server cut short or refused (as it should)."""
    alive_after: bool = False
    login_after_ms: float | None = None
    reader_memory: list[Memory] = field(default_factory=list)
    server_memory: Memory = Memory()
    launcher_memory: Memory = Memory()
    cpu: dict[str, float] = field(default_factory=dict)
    """Share of one CPU over the reading phase: server, launcher+readers, this client."""


async def _reader(
    session: Session,
    index: int,
    until: float,
    result: LoadResult,
    rng: random.Random,
    rate: float,
) -> None:
    writer = index % 5 == 0
    step = 0
    position = 0
    while True:
        await asyncio.sleep(rng.uniform(0.5, 1.5) / rate)
        if time.perf_counter() >= until or session.probe.closed.is_set():
            return
        if writer:
            key = WRITER_CYCLE[step % len(WRITER_CYCLE)]
            step += 1
        else:
            key = b"j" if position == 0 else rng.choice(READER_KEYS)
            position += 1 if key == b"j" else -1
        pressed = time.perf_counter()
        latency = await session.probe.press(session.chan, key, KEY_TIMEOUT)
        if latency is None:
            result.silent += 1
        else:
            result.keys.append((pressed, latency))
            if key == b"\x13":
                result.saves += 1


async def _storm(port: int, count: int, hold: float, result: LoadResult) -> None:
    """``count`` unauthenticated connections at once; returns when all are over."""

    async def bad_key() -> None:
        key = asyncssh.generate_private_key("ssh-ed25519")
        try:
            conn = await asyncssh.connect(
                "127.0.0.1", port, username="bench0", client_keys=[key], known_hosts=None,
                agent_path=None, login_timeout=60,
            )  # fmt: skip
        except (OSError, asyncssh.Error):
            result.storm_refused += 1
            return
        conn.close()  # never: the key is unknown

    async def silent() -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            result.storm_refused += 1
            return
        try:
            writer.write(b"SSH-2.0-storm\r\n")
            await asyncio.wait_for(reader.read(), hold)  # until the server hangs up
            result.storm_refused += 1
        except (TimeoutError, OSError):
            pass
        finally:
            writer.close()

    jobs = [bad_key() if i % 2 == 0 else silent() for i in range(count)]
    await asyncio.gather(*jobs)


async def run_load(
    server: Server,
    key: asyncssh.SSHKey,
    sessions: int,
    duration: float,
    storm: int,
    rate: float = 1.0,
    seed: int = 18,
) -> LoadResult:
    """Log ``sessions`` users in at once, let them read for ``duration`` s (``rate`` keys a
    second each, on average) with a storm of ``storm`` unauthenticated connections a third
    of the way in; measure it all."""
    rng = random.Random(seed)
    started = time.perf_counter()
    opened = await asyncio.gather(
        *(open_session(server.port, key, f"bench{i}") for i in range(sessions))
    )
    await asyncio.gather(*(s.probe.wait_ready(300) for s in opened))
    up = time.perf_counter() - started
    result = LoadResult(sessions, up, [s.first_frame_ms or float("nan") for s in opened])
    await asyncio.gather(*(s.probe.wait_quiet(0.5, 60) for s in opened))
    pids = [server.pids[f"bench{i}"] for i in range(sessions) if f"bench{i}" in server.pids]
    groups = {"server": [server.pid], "readers": [*server.launcher_pids[-1:], *pids]}
    cpu_before = {name: sum(cpu_seconds(p) or 0.0 for p in ps) for name, ps in groups.items()}
    own_before, wall_before = time.process_time(), time.perf_counter()
    until = wall_before + duration
    readers = [
        asyncio.create_task(_reader(s, i, until, result, random.Random(rng.random()), rate))
        for i, s in enumerate(opened)
    ]
    if storm:
        await asyncio.sleep(duration / 3)
        storm_start = time.perf_counter()
        await _storm(server.port, storm, hold=min(10.0, duration / 3), result=result)
        result.storm = (storm_start, time.perf_counter())
    await asyncio.gather(*readers)
    span = time.perf_counter() - wall_before
    result.reader_memory = [m for p in pids if (m := memory(p)) is not None]
    result.server_memory = memory(server.pid) or Memory()
    if server.launcher_pids:
        result.launcher_memory = memory(server.launcher_pids[-1]) or Memory()
    for name, ps in groups.items():
        used = sum(cpu_seconds(p) or 0.0 for p in ps) - cpu_before[name]
        result.cpu[name] = used / span
    result.cpu["client"] = (time.process_time() - own_before) / span
    result.alive_after = server.alive()
    if result.alive_after:
        after = await open_session(server.port, key, f"bench{sessions}")
        if await after.probe.wait_ready(60):
            result.login_after_ms = after.first_frame_ms
        after.close()
    for session in opened:
        session.close()
    return result

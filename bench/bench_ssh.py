"""Benchmark ``tui-reader serve``: N concurrent SSH sessions stepping through the story list.

    python bench/bench_ssh.py [--sessions 10,25] [--keys 20] [--stories 200]

Starts a server on 127.0.0.1 (random port) over a temporary library, opens N concurrent
asyncssh clients with a 120x40 pty, waits until every reader has drawn and gone quiet, then
each client presses ``j`` ``--keys`` times, timing the first output byte after every press and
waiting for the output to settle before the next. Prints, per N: p50/p95/max key latency,
output bytes per key, time until all readers were up, and resident memory per reader process
(VmRSS of the reader and its descendants, from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "stories" / "000_8fca52f5ebd7e4f3.txt"
READY_MARK = b"Bench 00000"
"""On screen once the reader has loaded the library (titles are written unbroken)."""
SETTLE = 0.05
"""Seconds of silence that count as "the reader finished drawing this key"."""


class _Probe(asyncssh.SSHClientSession[bytes]):
    """Client side of one session: timestamps every chunk of output."""

    def __init__(self) -> None:
        self.seen = bytearray()
        """Output until the first story title shows up (then no longer kept)."""
        self.ready = False
        self.bytes = 0
        self.last = 0.0
        self.first_after: float | None = None
        self.got = asyncio.Event()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        now = time.perf_counter()
        self.bytes += len(data)
        self.last = now
        if not self.ready:
            self.seen += data
            self.ready = READY_MARK in self.seen
        if self.first_after is None:
            self.first_after = now
        self.got.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self.got.set()


def _write_stories(directory: Path, count: int) -> None:
    seed = SEED.read_text("utf-8")
    title = next(line for line in seed.splitlines() if line.startswith("# "))
    url = re.search(r"<(https?://[^>]+)>", seed)
    for i in range(count):
        text = seed.replace(title, f"# Bench {i:05d} story", 1)
        if url:  # the URL is a story's identity: keep them distinct
            text = text.replace(url.group(1), f"{url.group(1)}-bench-{i}")
        (directory / f"{i:05d}_bench.txt").write_text(text, "utf-8")


def _rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants, in MB (0 if it is gone)."""
    total_kb = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total_kb += int(found.group(1)) if found else 0
        todo.extend(int(c) for c in children)
    return total_kb / 1024


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


class _Server:
    """``tui-reader serve`` as a subprocess; remembers each user's reader pid from its log."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.pids: dict[str, int] = {}
        self.log: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    async def start(self, root: Path, max_sessions: int, reader_command: str | None) -> None:
        code = "import sys; from tui_reader.serve.server import main; sys.exit(main(sys.argv[1:]))"
        extra = ["--reader-command", reader_command] if reader_command else []
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, "--listen", "127.0.0.1:0",
            "--authorized-keys", str(root / "authorized_keys"), "--data-root", str(root / "data"),
            "--stories", str(root / "stories"), "--max-sessions", str(max_sessions),
            "--max-sessions-per-user", "1", "--idle-timeout", "0", *extra,
            stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env,
        )  # fmt: skip
        listening = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read_log(listening))
        self.port = await asyncio.wait_for(listening, 30)

    async def _read_log(self, listening: asyncio.Future[int]) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip()
            self.log.append(line)
            if m := re.search(r"listening on \S+:(\d+)", line):
                listening.set_result(int(m.group(1)))
            elif m := re.search(r"session start user=(\S+) .*pid=(\d+)", line):
                self.pids[m.group(1)] = int(m.group(2))
        if not listening.done():
            listening.set_exception(RuntimeError("server died:\n" + "\n".join(self.log)))

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 30)
        if self._reader is not None:
            await self._reader


async def _session(
    port: int, key: asyncssh.SSHKey, user: str, keys: int, ready: asyncio.Barrier, mark: bool
) -> tuple[list[float], int, float]:
    """One client: log in, wait until the reader is quiet, press ``j`` ``keys`` times."""
    async with asyncssh.connect(
        "127.0.0.1", port, username=user, client_keys=[key], known_hosts=None, agent_path=None,
    ) as conn:  # fmt: skip
        chan, session = await conn.create_session(
            _Probe, term_type="xterm-256color", term_size=(120, 40), encoding=None
        )
        assert isinstance(session, _Probe)
        probe = session
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline and not probe.closed.is_set():
            if (probe.ready or not mark) and probe.bytes and time.perf_counter() - probe.last > 1:
                break
            await asyncio.sleep(0.05)
        up = time.perf_counter()
        await ready.wait()
        await asyncio.sleep(0.3)  # let the last session's startup burst finish
        latencies: list[float] = []
        before = probe.bytes
        for _ in range(keys):
            probe.first_after = None
            probe.got.clear()
            start = time.perf_counter()
            chan.write(b"j")
            await asyncio.wait_for(probe.got.wait(), 30)
            assert probe.first_after is not None, "session closed"
            latencies.append((probe.first_after - start) * 1000)
            while time.perf_counter() - probe.last < SETTLE:
                await asyncio.sleep(SETTLE / 5)
        chan.close()
        return latencies, probe.bytes - before, up


async def _round(
    server: _Server, key: asyncssh.SSHKey, n: int, keys: int, mark: bool
) -> dict[str, float]:
    ready = asyncio.Barrier(n)
    start = time.perf_counter()
    server.pids.clear()
    results = await asyncio.gather(
        *(_session(server.port, key, f"bench{i}", keys, ready, mark) for i in range(n))
    )
    # gather returns after the sessions closed; RSS is sampled by the rounds' last key instead.
    latencies = [lat for lats, _, _ in results for lat in lats]
    return {
        "sessions": n,
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
        "bytes_per_key": round(sum(b for _, b, _ in results) / (n * keys)),
        "startup_s": round(max(up for _, _, up in results) - start, 2),
        "rss_mb": 0.0,
    }


async def _run(
    sessions: list[int], keys: int, stories: int, reader_command: str | None
) -> list[dict[str, float]]:
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as tmp:
        root = Path(tmp)
        (root / "stories").mkdir()
        _write_stories(root / "stories", stories)
        key = asyncssh.generate_private_key("ssh-ed25519")
        public = " ".join(key.export_public_key().decode().split()[:2])
        top = max(sessions)
        lines = [f"{public} bench{i}\n" for i in range(top)]
        (root / "authorized_keys").write_text("".join(lines))
        server = _Server()
        await server.start(root, top, reader_command)
        try:
            for n in sessions:
                sampler = asyncio.create_task(_sample_rss(server, n))
                row = await _round(server, key, n, keys, mark=reader_command is None)
                row["rss_mb"] = round(await sampler, 1)
                rows.append(row)
        finally:
            await server.stop()
    return rows


async def _sample_rss(server: _Server, n: int) -> float:
    """Peak mean RSS per reader while the round runs (readers exit when their session ends)."""
    peak = 0.0
    while True:
        live = [_rss_mb(pid) for pid in list(server.pids.values())]
        live = [r for r in live if r > 0]
        if live:
            peak = max(peak, sum(live) / len(live))
        if len(server.pids) >= n and not live:
            return peak
        await asyncio.sleep(0.2)


def run(
    sessions: list[int], keys: int = 20, stories: int = 200, reader_command: str | None = None
) -> list[dict[str, float]]:
    """Run the benchmark once per entry of ``sessions``; return one row (a dict) per entry.

    Args:
        sessions: numbers of concurrent sessions to measure, e.g. ``[10, 25]``.
        keys: ``j`` presses per session.
        stories: size of the generated library.
        reader_command: replace the reader (see ``tui-reader serve --reader-command``).

    Returns:
        Rows with sessions, p50_ms, p95_ms, max_ms, bytes_per_key, startup_s and rss_mb.
    """
    return asyncio.run(_run(sessions, keys, stories, reader_command))


def main() -> int:
    """Command line entry point: run and print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sessions", default="10,25", help="comma-separated session counts")
    p.add_argument("--keys", type=int, default=20, help="j presses per session (default 20)")
    p.add_argument("--stories", type=int, default=200, help="library size (default 200)")
    p.add_argument("--reader-command", help=argparse.SUPPRESS)
    args = p.parse_args()
    counts = [int(part) for part in args.sessions.split(",") if part.strip()]
    rows = run(counts, args.keys, args.stories, args.reader_command)
    columns = ["sessions", "p50_ms", "p95_ms", "max_ms", "bytes_per_key", "startup_s", "rss_mb"]
    print(" ".join(f"{c:>13}" for c in columns))
    for row in rows:
        print(" ".join(f"{row[c]:>13}" for c in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

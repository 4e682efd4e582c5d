"""Benchmark ``tui-reader serve``: session start, memory, sessions pressing keys at once, and a
realistic reading load with a connection storm.

    python bench/bench_ssh.py                       # the default set (~3 min)
    python bench/bench_ssh.py --burst 25,50 --start 100 --reading 200 --duration 60 --storm 200
    python bench/bench_ssh.py --compare ../old-checkout   # the same, against another commit

Every figure comes from a real server on 127.0.0.1 (random port) serving a generated library,
driven by asyncssh clients with a 120x40 pty (``xterm-256color``):

- **start**: ``--start-serial`` sessions one after another on an idle server (connect to the
  story list on screen, and login to list), then ``--start`` sessions at once (until all show
  the list);
- **burst** (per ``--burst`` N): N sessions press ``j`` at the same moment, ``--keys`` times,
  waiting for the output to settle in between; latency to the first byte;
- **reading** (``--reading`` N for ``--duration`` s): see :mod:`ssh_load`; key latency
  p50/p95/p99 before and during a storm of ``--storm`` unauthenticated connections, private
  memory per reader (USS, PSS: ``/proc/PID/smaps_rollup``), the server's total (PSS of the
  server, the launcher and every reader) and CPU.

``--compare DIR`` runs each section again with the server from another checkout (e.g. the
commit before, exported with ``git worktree add`` or ``git archive``) and prints both.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import asyncssh  # noqa: E402
from ssh_common import REPO, Server, make_world, memory, open_session, percentile  # noqa: E402
from ssh_load import LoadResult, run_load  # noqa: E402

Row = tuple[str, str, str]
"""(figure, measured, target)."""


def _ms(values: Sequence[float]) -> str:
    return (
        f"p50 {percentile(list(values), 50):.1f} / p95 {percentile(list(values), 95):.1f} / "
        f"p99 {percentile(list(values), 99):.1f} ms"
    )


async def start_rows(server: Server, key: asyncssh.SSHKey, serial: int, burst: int) -> list[Row]:
    """Session start: one at a time, then ``burst`` at once."""
    rows: list[Row] = []
    if serial:
        first, login = [], []
        for i in range(serial):
            session = await open_session(server.port, key, f"bench{i}")
            await session.probe.wait_ready(120)
            first.append(session.first_frame_ms or float("nan"))
            login.append(session.reader_start_ms or float("nan"))
            await session.probe.wait_quiet(0.3, 10)
            session.close()
            await asyncio.sleep(0.2)
        rows.append(
            (
                f"session start -> list on screen, one at a time ({serial})",
                f"median {statistics.median(first):.0f} ms (login -> list "
                f"{statistics.median(login):.0f} ms), max {max(first):.0f} ms",
                "<= 100 ms each",
            )
        )
    if burst:
        started = time.perf_counter()
        sessions = await asyncio.gather(
            *(open_session(server.port, key, f"bench{i}") for i in range(burst))
        )
        await asyncio.gather(*(s.probe.wait_ready(300) for s in sessions))
        up = time.perf_counter() - started
        each = [s.first_frame_ms or float("nan") for s in sessions]
        await asyncio.gather(*(s.probe.wait_quiet(0.5, 60) for s in sessions))
        mems = [m for i in range(burst) if (m := memory(server.pids.get(f"bench{i}", 0)))]
        for s in sessions:
            s.close()
        rows.append(
            (
                f"{burst} sessions started at once -> all lists on screen",
                f"{up:.2f} s (each: median {statistics.median(each):.0f} ms)",
                "100 in <= 5 s",
            )
        )
        if mems:
            rows.append(
                (
                    f"memory per reader, {burst} idle sessions (USS / PSS / RSS)",
                    f"{statistics.median(m.uss for m in mems) / 1024:.1f} / "
                    f"{statistics.median(m.pss for m in mems) / 1024:.1f} / "
                    f"{statistics.median(m.rss for m in mems) / 1024:.1f} MB",
                    "USS <= 15 MB",
                )
            )
        await asyncio.sleep(1.0)
    return rows


async def _press_together(
    server: Server, key: asyncssh.SSHKey, n: int, keys: int
) -> tuple[list[float], int]:
    sessions = await asyncio.gather(
        *(open_session(server.port, key, f"bench{i}") for i in range(n))
    )
    await asyncio.gather(*(s.probe.wait_ready(300) for s in sessions))
    await asyncio.gather(*(s.probe.wait_quiet(1.0, 60) for s in sessions))
    latencies: list[float] = []
    silent = 0
    for _ in range(keys):
        got = await asyncio.gather(*(s.probe.press(s.chan, b"j", 10) for s in sessions))
        latencies += [g for g in got if g is not None]
        silent += sum(g is None for g in got)
        await asyncio.gather(*(s.probe.wait_quiet(0.05, 10) for s in sessions))
    for s in sessions:
        s.close()
    await asyncio.sleep(1.0)
    return latencies, silent


async def burst_rows(
    server: Server, key: asyncssh.SSHKey, counts: list[int], keys: int
) -> list[Row]:
    """N sessions pressing ``j`` at the same moment, ``keys`` times."""
    rows: list[Row] = []
    for n in counts:
        latencies, silent = await _press_together(server, key, n, keys)
        rows.append(
            (
                f"{n} sessions pressing j at once ({keys} keys each)",
                _ms(latencies) + (f"; max {max(latencies):.0f} ms" if latencies else "")
                + (f"; {silent} keys unanswered" if silent else ""),
                "p95 <= 80 ms" if n >= 50 else "-",
            )
        )  # fmt: skip
    return rows


def load_rows(result: LoadResult, duration: float, rate: float = 1.0) -> list[Row]:
    """The table rows of one reading load."""
    n = result.sessions
    calm = [lat for when, lat in result.keys if result.storm is None or when < result.storm[0]]
    rows: list[Row] = [
        (
            f"reading load: {n} sessions started at once -> all lists on screen",
            f"{result.up_s:.2f} s (each: median {statistics.median(result.start_ms):.0f} ms)",
            "-",
        ),
        (
            f"reading load: {n} sessions, ~{rate:g} key/s each, {duration:.0f} s: key latency",
            f"{_ms(calm)} ({len(calm)} keys, {result.saves} notes saved, "
            f"{result.silent} unanswered)",
            "500: p95 <= 50 ms, p99 <= 100 ms",
        ),
    ]
    if result.storm is not None:
        start, end = result.storm
        during = [lat for when, lat in result.keys if start <= when <= end]
        rows.append(
            (
                f"... while unauthenticated connections storm in ({end - start:.1f} s)",
                f"{_ms(during)} ({len(during)} keys); server alive: "
                f"{'yes' if result.alive_after else 'NO'}; a login after it: "
                + (f"{result.login_after_ms:.0f} ms" if result.login_after_ms else "failed"),
                "server alive, p95 <= 100 ms",
            )
        )
    mems = result.reader_memory
    if mems:
        total = sum((m.pss for m in mems), result.server_memory.pss + result.launcher_memory.pss)
        rows.append(
            (
                f"reading load: memory per reader (USS / PSS / RSS), {len(mems)} readers",
                f"{statistics.median(m.uss for m in mems) / 1024:.1f} / "
                f"{statistics.median(m.pss for m in mems) / 1024:.1f} / "
                f"{statistics.median(m.rss for m in mems) / 1024:.1f} MB",
                "USS <= 15 MB",
            )
        )
        rows.append(
            (
                "reading load: server total (PSS of server + launcher + readers)",
                f"{total / 1024 / 1024:.2f} GB (server {result.server_memory.pss / 1024:.0f} MB,"
                f" launcher {result.launcher_memory.pss / 1024:.0f} MB); "
                f"{total / 1024 / len(mems):.1f} MB per session",
                "500 sessions: <= 10 GB",
            )
        )
    cpu = result.cpu
    rows.append(
        (
            "reading load: CPU (share of one core)",
            f"server {cpu.get('server', 0) * 100:.0f}%, launcher + readers "
            f"{cpu.get('readers', 0) * 100:.0f}%, this client {cpu.get('client', 0) * 100:.0f}%",
            "-",
        )
    )
    return rows


async def _measure(args: argparse.Namespace, checkout: Path) -> list[Row]:
    users = max([args.start, args.start_serial, args.reading + 1, *args.burst_counts, 1])
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as tmp:
        root = Path(tmp)
        key = make_world(root, args.stories, users)
        rows: list[Row] = []
        server = Server()
        await server.start(root, users + 5, cwd=checkout)
        try:
            rows += await start_rows(server, key, args.start_serial, args.start)
            rows += await burst_rows(server, key, args.burst_counts, args.keys)
            if args.reading:
                result = await run_load(
                    server, key, args.reading, args.duration, args.storm, args.rate
                )
                rows += load_rows(result, args.duration, args.rate)
        finally:
            await server.stop()
    return rows


def run(
    sessions: list[int], keys: int = 20, stories: int = 200, **options: int | float
) -> list[Row]:
    """Run the chosen sections once; return the table rows (for the smoke test).

    Args:
        sessions: burst sizes (N sessions pressing ``j`` together).
        keys: ``j`` presses per session in a burst.
        stories: size of the generated library.
        options: ``start``, ``start_serial``, ``reading``, ``duration``, ``storm``.
    """
    args = _parser().parse_args([])
    args.burst_counts, args.keys, args.stories = sessions, keys, stories
    args.start, args.start_serial, args.reading, args.storm, args.rate = 0, 0, 0, 0, 1.0
    for name, value in options.items():
        setattr(args, name, value)
    return asyncio.run(_measure(args, REPO))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--stories", type=int, default=200, help="library size (default 200)")
    p.add_argument("--start-serial", type=int, default=10, help="sessions started one by one")
    p.add_argument("--start", type=int, default=100, help="sessions started at once (default 100)")
    p.add_argument("--burst", default="25,50", help="sessions pressing j at once (default 25,50)")
    p.add_argument("--keys", type=int, default=20, help="j presses per burst session")
    p.add_argument("--reading", type=int, default=100, help="sessions in the reading load")
    p.add_argument("--duration", type=float, default=60, help="seconds of reading (default 60)")
    p.add_argument("--rate", type=float, default=1.0, help="keys a second per reading session")
    p.add_argument("--storm", type=int, default=200, help="unauthenticated connections at once")
    p.add_argument("--compare", type=Path, metavar="DIR", help="also run the server from DIR")
    return p


def render(rows: Sequence[Row]) -> str:
    """The rows (the first is the header) as a Markdown table."""
    widths = [max(len(r[i]) for r in rows) for i in range(3)]

    def line(cells: Row) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(rows[0]), rule, *(line(r) for r in rows[1:])])


def main() -> int:
    """Command line entry point: run and print the table."""
    args = _parser().parse_args()
    args.burst_counts = [int(part) for part in args.burst.split(",") if part.strip()]
    checkouts = [("this checkout", REPO)]
    if args.compare:
        checkouts.append((f"compare: {args.compare}", args.compare.resolve()))
    for label, checkout in checkouts:
        started = time.perf_counter()
        rows = asyncio.run(_measure(args, checkout))
        print(f"\n## {label} ({time.perf_counter() - started:.0f} s)\n")
        print(render([("figure", "measured", "target"), *rows]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

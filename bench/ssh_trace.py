"""Where a served session's start goes: the server's debug log and the client's clock, merged.

    python bench/ssh_trace.py              # 10 sessions one at a time, median of each step
    python bench/ssh_trace.py --sessions 20 --stories 500

A real server (``-v``: its log says when a reader is asked for and forked) on 127.0.0.1
serves a generated library to an asyncssh client with a 120x40 pty; both clocks are the wall
clock of this machine (the log has millisecond stamps). Steps:

- TCP + key exchange + auth: connect called -> the server logs ``auth ok``;
- to the client: ``auth ok`` -> ``asyncssh.connect`` returned (the last auth message);
- session request: connect returned -> the server asks the launcher for a reader;
- fork: asked -> the launcher answered with the reader's pid (``session start``);
- reader start: forked -> its first byte at the client (app, store, driver start);
- first byte to the list: -> the first story title at the client (styles, layout, the
  library's first rows, the first frame);
- total: connect called -> the list on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import asyncssh  # noqa: E402
from ssh_common import COLS, READY_MARK, ROWS, Server, make_world  # noqa: E402

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ (.*)$")
_EVENTS = {
    "auth": re.compile(r"^auth ok user=(\S+)"),
    "spawn": re.compile(r"^reader spawn user=(\S+)"),
    "forked": re.compile(r"^session start user=(\S+)"),
}


class _Probe(asyncssh.SSHClientSession[bytes]):
    def __init__(self) -> None:
        self.seen = bytearray()
        self.first: float | None = None
        self.ready = asyncio.Event()
        self.ready_at = 0.0

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        now = time.time()
        if self.first is None:
            self.first = now
        if not self.ready.is_set():
            self.seen += data
            if READY_MARK in self.seen:
                self.ready_at = now
                self.ready.set()


def _server_times(log: list[str]) -> dict[tuple[str, str], float]:
    times: dict[tuple[str, str], float] = {}
    for line in log:
        m = _STAMP.match(line)
        if not m:
            continue
        when = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        for name, pattern in _EVENTS.items():
            if e := pattern.match(m.group(2)):
                times.setdefault((name, e.group(1)), when)
    return times


async def _trace(sessions: int, stories: int) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="bench-trace-") as tmp:
        root = Path(tmp)
        key = make_world(root, stories, sessions)
        server = Server()
        await server.start(root, sessions + 5, extra=["-v"])
        client: list[dict[str, float]] = []
        try:
            for i in range(sessions):
                t0 = time.time()
                conn = await asyncssh.connect(
                    "127.0.0.1", server.port, username=f"bench{i}", client_keys=[key],
                    known_hosts=None, agent_path=None,
                )  # fmt: skip
                t1 = time.time()
                chan, probe = await conn.create_session(
                    _Probe, term_type="xterm-256color", term_size=(COLS, ROWS), encoding=None
                )
                assert isinstance(probe, _Probe)
                await asyncio.wait_for(probe.ready.wait(), 60)
                assert probe.first is not None
                client.append({"t0": t0, "t1": t1, "first": probe.first, "ready": probe.ready_at})
                await asyncio.sleep(0.5)  # let the reader go quiet before closing
                chan.close()
                conn.close()
                await asyncio.sleep(0.3)
        finally:
            await server.stop()
        times = _server_times(server.log)
    steps = []
    for i, c in enumerate(client):
        user = f"bench{i}"

        def at(name: str, user: str = user) -> float:
            return times.get((name, user), float("nan"))

        steps.append(
            {
                "TCP + key exchange + auth": at("auth") - c["t0"],
                "auth ok -> connect returned": c["t1"] - at("auth"),
                "session request -> reader asked": at("spawn") - c["t1"],
                "launcher: ask -> forked": at("forked") - at("spawn"),
                "reader: forked -> first byte": c["first"] - at("forked"),
                "first byte -> list on screen": c["ready"] - c["first"],
                "total: connect -> list on screen": c["ready"] - c["t0"],
            }
        )
    return steps


def main() -> int:
    """Trace ``--sessions`` starts one at a time; print the median of each step."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sessions", type=int, default=10)
    p.add_argument("--stories", type=int, default=200)
    args = p.parse_args()
    steps = asyncio.run(_trace(args.sessions, args.stories))
    print(f"| step (median of {len(steps)}, ms) | median | min | max |\n|---|---|---|---|")
    for name in steps[0]:
        values = [s[name] * 1000 for s in steps]
        print(
            f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
